package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.ApiApp;
import dev.repoworker.api.ApiConfig;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerApp;
import dev.repoworker.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The list page's overview in real headless Chromium: jobs finished while the page is open appear, without a
 * reload, as bars in the minutes they finished (stacked by outcome), and their task in the p50/p95 table; the
 * overview fits a phone. Screenshots go to {@code cli/target/screenshots/}.
 */
class OverviewBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String SECRET = Signatures.newSecret();
    private static final String TOKEN = "overview-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path tmp;
    static WorkerApp worker;
    static ApiApp api;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("OverviewBrowserIT");
        Map<String, String> workerEnv = new HashMap<>();
        workerEnv.put("PORT", "0");
        workerEnv.put("WORKER_SECRET", SECRET);
        workerEnv.put("TEMP_DIR", tmp.resolve("work").toString());
        workerEnv.put("ALLOW_FILE_REPOS", "true");
        workerEnv.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
        worker = WorkerApp.start(WorkerConfig.fromEnv(workerEnv));
        Map<String, String> apiEnv = new HashMap<>();
        apiEnv.put("PORT", "0");
        apiEnv.put("DATA_DIR", tmp.resolve("data").toString());
        apiEnv.put("WORKER_SECRET", SECRET);
        apiEnv.put("REPO_WORKER_API_URL", "http://127.0.0.1:" + worker.port());
        apiEnv.put("DISPATCH_POLL", "100ms");
        apiEnv.put("DASHBOARD_TOKEN", TOKEN);
        api = ApiApp.start(ApiConfig.fromEnv(apiEnv));
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.stop();
        }
        if (worker != null) {
            worker.stop();
        }
    }

    @Test
    void jobs_finished_while_the_page_is_open_show_as_bars_in_their_minutes_and_their_task_in_the_table() throws Exception {
        browser.get(api.localUrl() + "/?token=" + TOKEN);
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("durations-empty")));
        assertThat(browser.findElements(By.cssSelector("#throughput g.minute"))).isEmpty();

        ApiClient client = new ApiClient(api.localUrl(), TOKEN);
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n"));
        List<String> ids = new ArrayList<>();
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", repo.fileUrl())).path("id").asText());
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", repo.fileUrl())).path("id").asText());
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", "file://" + tmp.resolve("no-such-repository"))).path("id").asText());
        await().atMost(Duration.ofSeconds(60)).until(() -> allFinished(client, ids));
        Map<String, Map<String, Integer>> expected = new HashMap<>();
        for (String id : ids) {
            JsonNode job = client.get(id);
            String minute = Instant.parse(job.path("completedAt").asText()).truncatedTo(ChronoUnit.MINUTES).toString();
            expected.computeIfAbsent(minute, m -> new HashMap<>()).merge(job.path("status").asText(), 1, Integer::sum);
        }
        assertThat(expected.values().stream().flatMap(m -> m.keySet().stream())).containsOnly("completed", "failed");

        waitUpTo(20).until(d -> shownTotal() == 3);
        assertThat(bars()).isEqualTo(expected);
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#durations tr[data-task='acquire-user-repo']")));
        assertThat(browser.findElement(By.cssSelector("#durations tr[data-task='acquire-user-repo'] td[data-label=Jobs]")).getText())
                .isEqualTo("2");
        assertThat(browser.findElement(By.id("durations-empty")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("overview-summary")).getText()).isEqualTo("3 finished, 1 failed");
        screenshot("overview-desktop.png");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitUpTo(20).until(d -> shownTotal() == 3);
        assertThat((Long) script("return document.documentElement.scrollWidth;")).isLessThanOrEqualTo(390);
        assertThat(browser.findElement(By.id("throughput")).getSize().getWidth()).isGreaterThan(250);
        script("document.getElementById('overview').scrollIntoView();");
        screenshot("overview-phone.png");
    }

    private static boolean allFinished(ApiClient client, List<String> ids) throws Exception {
        for (String id : ids) {
            if (!Set.of("completed", "failed", "cancelled").contains(client.get(id).path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    private static long shownTotal() {
        return (Long) script("return Array.from(document.querySelectorAll('#throughput g.minute'))"
                + ".reduce((sum, g) => sum + Number(g.dataset.total), 0);");
    }

    /** The bars the chart draws, read in one script call, as {minute → {outcome → count}}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Integer>> bars() {
        List<Map<String, Object>> segments = (List<Map<String, Object>>) script(
                "return Array.from(document.querySelectorAll('#throughput g.minute rect.seg')).map(r => ({"
                        + "minute: r.parentNode.dataset.minute, outcome: r.dataset.outcome, count: Number(r.dataset.count),"
                        + "height: r.getBBox().height}));");
        Map<String, Map<String, Integer>> bars = new HashMap<>();
        for (Map<String, Object> segment : segments) {
            assertThat(((Number) segment.get("height")).doubleValue()).as("a drawn bar has a height").isPositive();
            String minute = Instant.parse((String) segment.get("minute")).toString();
            bars.computeIfAbsent(minute, m -> new HashMap<>())
                    .put((String) segment.get("outcome"), ((Number) segment.get("count")).intValue());
        }
        return bars;
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + SCREENSHOTS.resolve(name).toAbsolutePath());
    }
}
