package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real headless Chromium (Debian's chromium and chromium-driver): submit an import
 * from the form, watch it complete live, read its timeline, progress and artifact links, retry a
 * failed job. The API has a {@code DASHBOARD_TOKEN}: the browser logs in once and from then on every
 * page, JSON call and event stream goes through the token's cookie. Screenshots go to
 * {@code cli/target/screenshots/}. Without Chromium the test is skipped with the reason, except under
 * {@code CI=true}, where it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String TOKEN = "browser-dashboard-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path tmp;

    static LocalCluster cluster;
    static String apiUrl;
    static WebDriver browser;
    static TestRepos.Repo repo;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("DashboardBrowserIT");
        repo = TestRepos.withFiles(
                tmp.resolve("notes"), Map.of("index.md", "# Home\n", "notes/one.md", "One [[index]]\n"));
        cluster = new LocalCluster(tmp);
        String artifacts = tmp.resolve("artifacts").toString();
        // the timeline shows progress even of an import quicker than 250 ms
        apiUrl = cluster.api(
                        "api",
                        cluster.worker("worker", Map.of("FIRST_PROGRESS_DELAY", "0s", "ARTIFACTS_DIR", artifacts)),
                        Map.of("DASHBOARD_TOKEN", TOKEN, "ARTIFACTS_DIR", artifacts))
                .base();
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        browser.get(apiUrl + "/?token=" + TOKEN);
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

    private static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    private static List<String> timelineTypes() {
        // read in one script call: the page re-renders the timeline while the test looks at it
        @SuppressWarnings("unchecked")
        List<String> types = (List<String>) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript(
                        "return Array.from(document.querySelectorAll('#timeline li')).map(li => li.dataset.type);");
        return types;
    }

    private static void screenshot(String name) throws Exception {
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + SCREENSHOTS.resolve(name).toAbsolutePath());
    }

    private static String submitFromTheForm(String repoUrl) {
        browser.get(apiUrl + "/");
        WebElement url = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("repo-url")));
        url.sendKeys(repoUrl);
        browser.findElement(By.id("submit")).click();
        waitUpTo(10).until(ExpectedConditions.urlMatches("/jobs/[0-9a-f-]{36}$"));
        String current = browser.getCurrentUrl();
        return current.substring(current.lastIndexOf('/') + 1);
    }

    @Test
    @Order(1)
    void an_import_submitted_from_the_form_completes_live_with_its_timeline_progress_and_artifacts() throws Exception {
        String id = submitFromTheForm(repo.fileUrl());

        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("status"), "completed"));
        waitUpTo(10).until(d -> timelineTypes().contains("callback"));
        assertThat(timelineTypes()).contains("created", "dispatched", "progress", "callback");
        assertThat(browser.findElements(By.cssSelector("#timeline li[data-type=progress] .msg")))
                .extracting(WebElement::getText)
                .anyMatch(t -> t.startsWith("cloning " + repo.fileUrl()));
        assertThat(text("#progress-label")).isEqualTo("completed");
        assertThat(text("#result")).contains("commit").contains(repo.head());
        assertThat(browser.findElement(By.id("retry")).isDisplayed()).isFalse();

        // the Worker's artifact store writes here; until it exists, the test writes what it would
        Path folder = Files.createDirectories(tmp.resolve("artifacts").resolve(id));
        Files.writeString(folder.resolve("posts.json"), "[{\"slug\":\"index\"}]");
        Files.writeString(folder.resolve("manifest.json"), "{\"files\":[{\"path\":\"posts.json\"}]}");
        browser.navigate().refresh();
        // the list may be drawn again as the job's last events arrive: look the link up afresh until it is there
        waitUpTo(10)
                .until(ExpectedConditions.attributeContains(
                        By.linkText("posts.json"), "href", "/api/cloudrun/jobs/" + id + "/artifacts/posts.json"));
        screenshot("dashboard-job-completed.png");

        browser.get(apiUrl + "/");
        WebElement row = waitUpTo(10)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-job-id='" + id + "']")));
        assertThat(row.getText()).contains("acquire-user-repo").contains("completed");
        screenshot("dashboard-jobs.png");
    }

    @Test
    @Order(2)
    void a_failed_job_shows_its_error_and_retry_runs_it_again() throws Exception {
        submitFromTheForm("file://" + tmp.resolve("no-such-repository"));

        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("status"), "failed"));
        assertThat(text("#error")).isNotBlank();
        assertThat(text("#job-attempt")).startsWith("1 of");
        browser.findElement(By.id("retry")).click();

        waitUpTo(10).until(d -> timelineTypes().contains("retry"));
        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("status"), "failed"));
        assertThat(text("#job-attempt")).startsWith("2 of");
        assertThat(text("#action-message")).contains("attempt 2");
        screenshot("dashboard-job-retried.png");
    }

    @Test
    @Order(3)
    void the_jobs_list_is_readable_on_a_phone_and_filters_by_status() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(apiUrl + "/");
        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#jobs tbody tr"), 1));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("filter-status")))
                .selectByVisibleText("failed");

        waitUpTo(10)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector("#jobs tbody tr")).stream()
                                .allMatch(r -> "failed".equals(r.getAttribute("data-status")))
                        && !d.findElements(By.cssSelector("#jobs tbody tr")).isEmpty());
        Long scrollWidth = (Long) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth;");
        assertThat(scrollWidth).isLessThanOrEqualTo(390);
        screenshot("dashboard-phone.png");
    }
}
