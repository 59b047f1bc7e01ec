package dev.repoworker.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium and chromium-driver for the browser tests: without them a test is skipped with the reason,
 * except under {@code CI=true}, where it fails.
 */
final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {}

    static void require(String test) {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String reason = "headless Chromium not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install -y chromium chromium-driver, or run .ci/run";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason);
        }
        System.out.println(test + " skipped: " + reason);
        Assumptions.abort(reason);
    }

    /** A 1280 × 1000 headless window with its own profile folder under {@code profile}. */
    static WebDriver start(Path profile) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
