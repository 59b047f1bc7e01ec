package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.protocol.Json;
import dev.repoworker.testkit.TestRepos;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The job page of a completed {@code process-with-repo} job on a real vault, in real headless Chromium:
 * its step timeline, build report and issues, post preview, search, link graph and artifact tree. The
 * vault has one broken link ({@code gardening.md} line 6) and one image. Screenshots of each view go to
 * {@code cli/target/screenshots/}. Without Chromium the test is skipped with the reason (fails under {@code CI=true}).
 */
class JobPageBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String TOKEN = "job-page-token-" + Long.toHexString(System.nanoTime());
    private static final List<String> STEPS = List.of(
            "acquire",
            "build-assets",
            "scan",
            "media",
            "render",
            "write",
            "compute-embeddings",
            "embed",
            "related",
            "enrich-data");

    @TempDir
    static Path tmp;

    static LocalCluster cluster;
    static String apiUrl;
    static WebDriver browser;
    static String jobId;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.require("JobPageBrowserIT");
        TestRepos.Repo repo = TestRepos.withFiles(
                tmp.resolve("vault"),
                Map.of(
                        "index.md", "# Welcome\n\nStart with [[Gardening]] or [[Astronomy]].\n\n![[photo.png]]\n",
                        "gardening.md",
                                "---\ntags: [garden]\n---\n# Gardening\n\nCompost and [[Missing Note]] help tomatoes grow.\n",
                        "astronomy.md",
                                "# Astronomy\n\nTelescopes show planets, moons, stars and distant galaxies at night.\n\n"
                                        + "Back to [[index]].\n",
                        "cooking.md",
                                "# Cooking\n\nBread needs flour, water, salt and time in a hot oven. See [[Gardening]].\n"));
        repo.write("photo.png", png());
        repo.commit("photo");
        cluster = new LocalCluster(tmp);
        String artifacts = tmp.resolve("artifacts").toString();
        // every phase's first progress is sent, so the chart has every row
        apiUrl = cluster.api(
                        "api",
                        cluster.worker("worker", Map.of("FIRST_PROGRESS_DELAY", "0s", "ARTIFACTS_DIR", artifacts)),
                        Map.of("DASHBOARD_TOKEN", TOKEN, "ARTIFACTS_DIR", artifacts))
                .base();
        jobId = submit(repo.fileUrl());
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        browser.get(apiUrl + "/?token=" + TOKEN);
        Files.createDirectories(SCREENSHOTS);
        browser.get(apiUrl + "/jobs/" + jobId);
        new WebDriverWait(browser, Duration.ofSeconds(180), Duration.ofMillis(200))
                .until(ExpectedConditions.textToBe(By.id("status"), "completed"));
    }

    private static byte[] png() throws Exception {
        BufferedImage image = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 320; x++) {
            for (int y = 0; y < 200; y++) {
                image.setRGB(x, y, (x * 255 / 320) << 16 | (y * 255 / 200) << 8 | 0x80);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static String submit(String repoUrl) throws Exception {
        String body = Json.write(Map.of("task", "import-repo", "data", Map.of("sourceUrl", repoUrl)));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(apiUrl + "/api/cloudrun/jobs"))
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return (String) Json.mapper().readValue(response.body(), Map.class).get("id");
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

    /** A wide window on the completed job's page (one test visits another job). */
    @BeforeEach
    void on_the_jobs_page() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        if (!browser.getCurrentUrl().endsWith("/jobs/" + jobId)) {
            browser.get(apiUrl + "/jobs/" + jobId);
            waitUpTo(20).until(ExpectedConditions.textToBe(By.id("status"), "completed"));
        }
    }

    private static WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static Object script(String code, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(code, args);
    }

    private static void screenshotOf(String css, String name) throws Exception {
        script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'});", css);
        Path file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(file, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + SCREENSHOTS.resolve(name).toAbsolutePath());
    }

    @Test
    void the_timeline_has_a_bar_per_step_labelled_with_its_duration() throws Exception {
        waitUpTo(20)
                .until(d -> !d.findElements(By.cssSelector("#steps .step-row[data-final=true]"))
                        .isEmpty());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>)
                script(
                        "return Array.from("
                                + "document.querySelectorAll('#steps .step-row')).map(r => ({step: r.dataset.step, attempt: r.dataset.attempt,"
                                + " duration: r.querySelector('.step-duration').textContent, width: r.querySelector('.step-bar').getBoundingClientRect().width}));");
        assertThat(rows).extracting(r -> r.get("step")).containsAll(STEPS);
        assertThat(rows)
                .filteredOn(r -> List.of("acquire", "build-assets", "scan", "write", "enrich-data")
                        .contains(r.get("step")))
                .allSatisfy(r -> assertThat((String) r.get("duration"))
                        .as("timed by the worker")
                        .doesNotStartWith("≈"));
        assertThat(rows).allSatisfy(r -> {
            assertThat((String) r.get("duration")).matches("(≈ )?(\\d+(\\.\\d)? (ms|s)|\\d+ min \\d+ s)");
            assertThat(((Number) r.get("width")).doubleValue()).isPositive();
            assertThat(r.get("attempt")).isEqualTo("1");
        });
        screenshotOf("#steps-card", "job-timeline.png");
    }

    @Test
    void the_build_report_counts_what_was_built_and_lists_the_broken_link_with_file_and_line() throws Exception {
        WebElement posts = waitUpTo(20)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#summary [data-key=posts] .value")));
        assertThat(posts.getText()).isEqualTo("4");
        assertThat(browser.findElement(By.cssSelector("#summary [data-key=media] .value"))
                        .getText())
                .isEqualTo("1");

        WebElement broken = waitUpTo(10)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("#issues tbody tr[data-kind=broken-link]")));
        assertThat(broken.findElement(By.cssSelector(".file")).getText()).isEqualTo("gardening.md");
        assertThat(broken.findElement(By.cssSelector(".line")).getText()).isEqualTo("6");
        assertThat(broken.getText()).contains("Missing Note");
        assertThat(browser.findElement(By.cssSelector("#issues")).getText()).contains("broken-link");

        browser.findElement(By.id("issues-filter")).sendKeys("no such words anywhere");
        waitUpTo(5)
                .until(d -> !d.findElement(By.cssSelector("#issues tbody tr[data-kind=broken-link]"))
                        .isDisplayed());
        browser.findElement(By.id("issues-filter")).clear();
        browser.findElement(By.id("issues-filter")).sendKeys("gardening");
        waitUpTo(5)
                .until(d -> d.findElement(By.cssSelector("#issues tbody tr[data-kind=broken-link]"))
                        .isDisplayed());

        assertThat(browser.findElement(By.id("raw-result")).isDisplayed()).isFalse();
        browser.findElement(By.cssSelector("#raw summary")).click();
        assertThat(browser.findElement(By.id("raw-result")).getText())
                .contains("\"steps\"")
                .contains("\"durationMs\"");
        screenshotOf("#report-card", "job-report.png");
    }

    @Test
    void the_preview_shows_the_chosen_post_in_a_sandboxed_frame_with_its_media() throws Exception {
        // the list is drawn again when the finished job's full listing arrives: find and click in one go
        waitUpTo(20).ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("#posts [data-slug=astronomy] button")).click();
            return d.findElement(By.cssSelector("#posts [data-slug=astronomy]"))
                    .getText()
                    .contains("Astronomy");
        });

        WebElement frame = browser.findElement(By.id("preview-frame"));
        assertThat(frame.getAttribute("sandbox")).doesNotContain("allow-scripts");
        String csp = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(apiUrl + "/jobs/" + jobId))
                                .header("Authorization", "Bearer " + TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .headers()
                .firstValue("Content-Security-Policy")
                .orElseThrow();
        assertThat(java.util.Arrays.stream(csp.split(";")).map(String::trim).filter(d -> d.startsWith("script-src")))
                .as("no inline script on the page or in the preview, which inherits the page's policy")
                .containsExactly("script-src 'self'");
        assertThat(frame.getDomAttribute("sandbox")).isNotNull();
        browser.switchTo().frame(frame);
        try {
            assertThat(waitUpTo(10)
                            .until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")))
                            .getText())
                    .isEqualTo("Astronomy");
        } finally {
            browser.switchTo().defaultContent();
        }

        browser.findElement(By.cssSelector("#posts [data-slug=index] button")).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("preview-caption"), "Welcome"));
        browser.switchTo().frame(browser.findElement(By.id("preview-frame")));
        try {
            waitUpTo(10).until(ExpectedConditions.textToBe(By.tagName("h1"), "Welcome"));
            WebElement image = browser.findElement(By.cssSelector("img"));
            assertThat(image.getAttribute("src")).contains("/api/cloudrun/jobs/" + jobId + "/artifacts/media/");
            waitUpTo(10).until(d -> ((Number) script("return arguments[0].naturalWidth;", image)).intValue() > 0);
            browser.findElement(By.linkText("Astronomy")).click();
        } finally {
            browser.switchTo().defaultContent();
        }
        // a link between posts opens the linked post in the preview
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("preview-caption"), "Astronomy"));
        screenshotOf("#preview-card", "job-preview.png");
    }

    @Test
    void a_search_over_the_jobs_embeddings_ranks_the_expected_post_first() throws Exception {
        WebElement box = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.id("search-q")));
        box.sendKeys("telescope planets and galaxies");
        browser.findElement(By.cssSelector("#search-form button")).click();

        WebElement first =
                waitUpTo(60).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#search-results li")));
        assertThat(first.getAttribute("data-slug")).isEqualTo("astronomy");
        assertThat(first.findElement(By.cssSelector(".score")).getText()).matches("0\\.\\d{2}");
        assertThat(first.findElement(By.cssSelector(".snippet")).getText()).isNotBlank();
        screenshotOf("#search-card", "job-search.png");
    }

    @Test
    void the_link_graph_has_one_node_per_post_and_marks_the_post_with_a_broken_link() throws Exception {
        waitUpTo(20)
                .until(d -> d.findElements(By.cssSelector("#graph svg .node")).size() == 4);
        @SuppressWarnings("unchecked")
        List<String> slugs = (List<String>) script(
                "return Array.from(document.querySelectorAll('#graph svg .node')).map(n => n.dataset.slug).sort();");
        assertThat(slugs).containsExactly("astronomy", "cooking", "gardening", "index");
        assertThat(browser.findElements(By.cssSelector("#graph svg .node.broken")))
                .extracting(n -> n.getAttribute("data-slug"))
                .containsExactly("gardening");
        assertThat(browser.findElements(By.cssSelector("#graph svg line.edge"))).hasSizeGreaterThanOrEqualTo(4);

        script(
                "document.querySelector('#graph svg .node[data-slug=cooking]').dispatchEvent(new MouseEvent('click', {bubbles: true}));");
        browser.switchTo().frame(browser.findElement(By.id("preview-frame")));
        try {
            waitUpTo(10).until(ExpectedConditions.textToBe(By.tagName("h1"), "Cooking"));
        } finally {
            browser.switchTo().defaultContent();
        }
        screenshotOf("#graph-card", "job-graph.png");
    }

    @Test
    void the_artifacts_are_a_tree_with_media_grouped_and_sizes() throws Exception {
        waitUpTo(20)
                .until(ExpectedConditions.attributeContains(
                        By.linkText("posts.json"), "href", "/api/cloudrun/jobs/" + jobId + "/artifacts/posts.json"));
        WebElement media = browser.findElement(By.cssSelector("#artifacts details[data-folder=media]"));
        assertThat(media.getAttribute("open")).isNull();
        media.findElement(By.tagName("summary")).click();
        WebElement photo = media.findElement(By.cssSelector("details[data-media]"));
        assertThat(photo.getAttribute("open")).isNull();
        assertThat(photo.findElement(By.tagName("summary")).getText())
                .contains("photo.png · in Welcome")
                .contains("6 files");
        assertThat(browser.findElement(By.cssSelector("#artifacts")).getText())
                .containsPattern("\\d+(\\.\\d)? (B|KiB|MiB)");
        screenshotOf("#artifacts-card", "job-artifacts.png");
    }

    @Test
    void each_attempt_of_a_retried_job_has_its_own_rows() throws Exception {
        String failing = submit("file://" + tmp.resolve("no-such-vault"));
        browser.get(apiUrl + "/jobs/" + failing);
        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("status"), "failed"));
        browser.findElement(By.id("retry")).click();
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("job-attempt"), "2 of"));
        waitUpTo(60).until(ExpectedConditions.textToBe(By.id("status"), "failed"));

        waitUpTo(10)
                .until(d -> d.findElements(By.cssSelector("#steps .step-attempt.failed"))
                                .size()
                        == 2);
        assertThat(browser.findElements(By.cssSelector("#steps .step-attempt")))
                .extracting(a -> a.getAttribute("data-attempt"))
                .containsExactly("1", "2");
        assertThat(browser.findElements(By.cssSelector("#steps .step-attempt .step-head")))
                .extracting(WebElement::getText)
                .allMatch(head -> head.contains("failed"));
        assertThat(browser.findElements(By.cssSelector("#steps .step-row[data-step=acquire]")))
                .extracting(r -> r.getAttribute("data-attempt"))
                .containsExactly("1", "2");
        screenshotOf("#steps-card", "job-attempts.png");
    }

    @Test
    void the_job_page_fits_a_phone() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitUpTo(20)
                .until(d -> d.findElements(By.cssSelector("#graph svg .node")).size() == 4);
        Long scrollWidth = (Long) script("return document.documentElement.scrollWidth;");
        assertThat(scrollWidth).isLessThanOrEqualTo(390);
        screenshotOf("#steps-card", "job-phone.png");
    }
}
