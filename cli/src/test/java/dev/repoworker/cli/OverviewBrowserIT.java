package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.client.ApiClient;
import dev.repoworker.testkit.TestRepos;
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
    private static final String TOKEN = "overview-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path tmp;

    static LocalCluster cluster;
    static String apiUrl;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("OverviewBrowserIT");
        cluster = new LocalCluster(tmp);
        apiUrl = cluster.api("api", cluster.worker("worker", Map.of()), Map.of("DASHBOARD_TOKEN", TOKEN))
                .base();
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void jobs_finished_while_the_page_is_open_show_as_bars_in_their_minutes_and_their_task_in_the_table()
            throws Exception {
        browser.get(apiUrl + "/?token=" + TOKEN);
        waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("durations-empty")));
        assertThat(browser.findElements(By.cssSelector("#throughput g.minute"))).isEmpty();

        ApiClient client = new ApiClient(apiUrl, TOKEN);
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("index.md", "# Home\n"));
        List<String> ids = new ArrayList<>();
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", repo.fileUrl()))
                .path("id")
                .asText());
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", repo.fileUrl()))
                .path("id")
                .asText());
        ids.add(client.submit("acquire-user-repo", Map.of("repoUrl", "file://" + tmp.resolve("no-such-repository")))
                .path("id")
                .asText());
        await().atMost(Duration.ofSeconds(60)).until(() -> allFinished(client, ids));
        Map<String, Map<String, Integer>> expected = new HashMap<>();
        for (String id : ids) {
            JsonNode job = client.get(id);
            String minute = Instant.parse(job.path("completedAt").asText())
                    .truncatedTo(ChronoUnit.MINUTES)
                    .toString();
            expected.computeIfAbsent(minute, m -> new HashMap<>())
                    .merge(job.path("status").asText(), 1, Integer::sum);
        }
        assertThat(expected.values().stream().flatMap(m -> m.keySet().stream())).containsOnly("completed", "failed");

        waitUpTo(20).until(d -> shownTotal() == 3);
        assertThat(bars()).isEqualTo(expected);
        waitUpTo(10)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#durations tr[data-task='acquire-user-repo']")));
        assertThat(browser.findElement(
                                By.cssSelector("#durations tr[data-task='acquire-user-repo'] td[data-label=Jobs]"))
                        .getText())
                .isEqualTo("2");
        assertThat(browser.findElement(By.id("durations-empty")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("overview-summary")).getText()).isEqualTo("3 finished, 1 failed");
        screenshot("overview-desktop.png");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitUpTo(20).until(d -> shownTotal() == 3);
        assertThat((Long) script("return document.documentElement.scrollWidth;"))
                .isLessThanOrEqualTo(390);
        assertThat(browser.findElement(By.id("throughput")).getSize().getWidth())
                .isGreaterThan(250);
        script("document.getElementById('overview').scrollIntoView();");
        screenshot("overview-phone.png");
    }

    private static boolean allFinished(ApiClient client, List<String> ids) throws Exception {
        for (String id : ids) {
            if (!Set.of("completed", "failed", "cancelled")
                    .contains(client.get(id).path("status").asText())) {
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
        List<Map<String, Object>> segments = (List<Map<String, Object>>)
                script("return Array.from(document.querySelectorAll('#throughput g.minute rect.seg')).map(r => ({"
                        + "minute: r.parentNode.dataset.minute, outcome: r.dataset.outcome, count: Number(r.dataset.count),"
                        + "height: r.getBBox().height}));");
        Map<String, Map<String, Integer>> bars = new HashMap<>();
        for (Map<String, Object> segment : segments) {
            assertThat(((Number) segment.get("height")).doubleValue())
                    .as("a drawn bar has a height")
                    .isPositive();
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
