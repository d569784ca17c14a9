package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The README's demo, as a user runs it: the packaged {@code trainscope demo} in its own
 * process. Within 15 s of starting it, a browser on the printed address shows tiles, curves
 * and FPS updating.
 */
class DemoCommandIT {

    @Test
    void theDemoPrintsItsAddressAndABrowserSeesTheTrainingWithinFifteenSeconds() throws Exception {
        String runDir = PackagedDemo.freshRunDirectory("target/runs/demo-it").toString();
        long started = System.nanoTime();
        Process demo = PackagedDemo.start("--epochs", "1", "--run-dir", runDir);
        ChromeDriver browser = null;
        try {
            String url = PackagedDemo.address(demo).get(15, TimeUnit.SECONDS);
            browser = Browser.open();
            browser.get(url);
            ChromeDriver page = browser;
            long remainingMillis = 15_000 - (System.nanoTime() - started) / 1_000_000;
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofMillis(Math.max(remainingMillis, 1)),
                    Duration.ofMillis(50));
            wait.until(d -> step(page, "#tiles", "data-step") > 0 && fps(page) > 0
                    && step(page, "#loss-chart", "data-points") > 0);
            long firstTiles = step(page, "#tiles", "data-step");
            long firstPoints = step(page, "#loss-chart", "data-points");
            wait.withTimeout(Duration.ofSeconds(5)).until(d -> step(page, "#tiles", "data-step") > firstTiles
                    && step(page, "#loss-chart", "data-points") > firstPoints);
            Browser.screenshot(browser, "demo-command");
            assertThat((System.nanoTime() - started) / 1e9).as("seconds from launch to a live page").isLessThan(20);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            demo.destroy();
            demo.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static long step(ChromeDriver page, String css, String attribute) {
        String value = page.findElement(By.cssSelector(css)).getAttribute(attribute);
        return value == null || value.isBlank() ? 0 : Long.parseLong(value);
    }

    private static double fps(ChromeDriver page) {
        String text = page.findElement(By.id("fps")).getText().trim();
        return text.matches("[0-9.]+") ? Double.parseDouble(text) : 0;
    }
}
