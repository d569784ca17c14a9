package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.control.RunStatus;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard's "Evaluate now" (WeightsLab's evaluation RPCs) in headless Chromium, during a real training. */
class EvaluationPanelBrowserTest {

    private TrainingSession session;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.open();
        session = LiveRun.shapes(AccessTokens.none(), false, 20_000, 4_000);
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(20));
        wait.until(d -> points() > 5 && !new Select(browser.findElement(By.id("eval-split"))).getOptions().isEmpty());
        // Small batches, so the progress bar has steps to show: 4000 test images, 400 batches.
        WebElement testBatch = browser.findElement(By.cssSelector("#hp-panel [data-hp='test_batch_size']"));
        testBatch.findElement(By.cssSelector(".hp-input")).sendKeys("10");
        testBatch.findElement(By.cssSelector(".hp-apply")).click();
        wait.until(d -> text("#hp-message").contains("test_batch_size 500 → 10"));
    }

    @AfterEach
    void close() throws Exception {
        browser.quit();
        session.close();
    }

    @Test
    void evaluateNowShowsProgressUntilDoneAndPutsTheResultOnBothCurves() throws Exception {
        Select split = new Select(browser.findElement(By.id("eval-split")));
        assertThat(split.getOptions()).extracting(WebElement::getText).containsExactly("test", "train");
        assertThat(split.getFirstSelectedOption().getText()).isEqualTo("test");
        assertThat(evalPoints("loss-chart")).isEmpty();

        browser.findElement(By.id("eval-run")).click();
        wait.until(d -> text("#eval-message").startsWith("Evaluation on 'test' requested")
                || progress("data-status").equals("running"));
        AtomicBoolean sawMidway = new AtomicBoolean();
        wait.until(d -> {
            // One snapshot of the bar and the buttons: read one by one, the evaluation could end in between.
            String[] state = String.valueOf(browser.executeScript("const b = document.getElementById('eval-progress');"
                    + " return [b.dataset.status, b.dataset.current, document.getElementById('eval-run').disabled,"
                    + " document.getElementById('eval-cancel').disabled].join(' ');")).split(" ");
            int current = Integer.parseInt(state[1]);
            if (state[0].equals("running") && current > 0 && current < 400) {
                sawMidway.set(true);
                assertThat(state[2]).as("Evaluate now disabled while running").isEqualTo("true");
                assertThat(state[3]).as("Cancel enabled while running").isEqualTo("false");
            }
            return state[0].equals("done");
        });
        assertThat(sawMidway).as("the bar was seen between 0 and 400").isTrue();
        assertThat(progress("data-current")).isEqualTo("400");
        assertThat(progress("data-total")).isEqualTo("400");
        assertThat(text("#eval-message")).startsWith("Done: loss ").contains("on 4000 samples of 'test'");
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        long step = session.experiment().step();
        wait.until(d -> evalPoints("loss-chart").contains(step) && evalPoints("accuracy-chart").contains(step));
        assertThat(browser.findElement(By.id("eval-run")).isEnabled()).isTrue();
        browser.executeScript("document.getElementById('eval-panel').scrollIntoView({block: 'end'})");
        Browser.screenshot(browser, "evaluation");
    }

    @Test
    void cancelStopsTheEvaluationAndSaysWhere() {
        browser.findElement(By.id("eval-run")).click();
        wait.until(d -> progress("data-status").equals("running") && Integer.parseInt(progress("data-current")) > 0);
        browser.findElement(By.id("eval-cancel")).click();
        wait.until(d -> progress("data-status").equals("canceled"));
        assertThat(text("#eval-message")).matches("Canceled at batch \\d+ of 400: Canceled by user");
        assertThat(Integer.parseInt(progress("data-current"))).isLessThan(400);
        assertThat(evalPoints("loss-chart")).isEmpty();
    }

    @Test
    void anUnknownTagIsRefusedWithTheServersReason() {
        browser.findElement(By.id("eval-tag")).sendKeys("hard");
        browser.findElement(By.id("eval-run")).click();
        wait.until(d -> browser.findElement(By.id("eval-message")).getAttribute("class").contains("error"));
        assertThat(text("#eval-message")).isEqualTo("No tag 'hard' in the sample table (no sample carries a tag yet)");
        assertThat(progress("data-status")).isEqualTo("idle");
    }

    private String progress(String attribute) {
        return browser.findElement(By.id("eval-progress")).getAttribute(attribute);
    }

    private List<Long> evalPoints(String chart) {
        String steps = browser.findElement(By.id(chart)).getAttribute("data-eval-points");
        return steps == null || steps.isBlank() ? List.of() : Arrays.stream(steps.split(",")).map(Long::parseLong).toList();
    }

    private long points() {
        String points = browser.findElement(By.id("loss-chart")).getAttribute("data-points");
        return points == null || points.isBlank() ? 0 : Long.parseLong(points);
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
