package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainscope.core.control.RunStatus;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard's hyperparameter panel (WeightsLab's ExperimentCommand) in headless Chromium, during a real training. */
class HyperParameterPanelBrowserTest {

    private static final Pattern APPLIED_LR = Pattern.compile("Applied at step (\\d+): learning_rate 0\\.001 → 5\\.0E-4");

    private TrainingSession session;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.open();
        session = LiveRun.shapes(AccessTokens.none(), false);
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> value("learning_rate").equals("0.001") && points() > 5);
    }

    @AfterEach
    void close() throws Exception {
        browser.quit();
        session.close();
    }

    @Test
    void aLearningRateSetInThePanelAppliesAtTheNamedStepAndMarksBothCurvesThere() throws Exception {
        assertThat(browser.findElements(By.cssSelector("#hp-panel [data-hp]"))).extracting(e -> e.getAttribute("data-hp"))
                .startsWith("experiment_name", "last_hash", "model_age").contains("learning_rate", "auditor_mode");
        assertThat(browser.findElements(By.cssSelector("#hp-panel .hp-input"))).hasSize(7);
        assertThat(markers()).as("no change yet").isEmpty();

        row("learning_rate").findElement(By.cssSelector(".hp-input")).sendKeys("0.0005");
        row("learning_rate").findElement(By.cssSelector(".hp-apply")).click();
        wait.until(d -> text("#hp-message").contains("Applied at step"));
        Matcher applied = APPLIED_LR.matcher(text("#hp-message"));
        assertThat(applied.matches()).as(text("#hp-message")).isTrue();
        long boundary = Long.parseLong(applied.group(1));
        assertThat(browser.findElement(By.id("hp-message")).getAttribute("class")).doesNotContain("error");

        wait.until(d -> value("learning_rate").equals("5e-4"));
        assertThat(session.experiment().hyperParameters().learningRate()).isEqualTo(5e-4f);
        // ScalarData.globalStep counts the step it describes: the first step trained at 5e-4 is boundary + 1.
        wait.until(d -> !markers().isEmpty());
        assertThat(markers()).containsExactly(boundary + 1);
        browser.executeScript("document.getElementById('hp-panel').scrollIntoView({block: 'end'})");
        Browser.screenshot(browser, "hyperparameters");
    }

    @Test
    void runStepsAfterAPauseRunsExactlyThatManyStepsThenPausesAgain() throws Exception {
        browser.findElement(By.id("pause")).click();
        wait.until(d -> text("#status").equals("PAUSED") && value("is_training").equals("off"));
        long from = session.experiment().step();

        browser.findElement(By.id("run-steps-input")).sendKeys("5");
        browser.findElement(By.id("run-steps-apply")).click();
        wait.until(d -> text("#hp-message").startsWith("Applied"));
        assertThat(text("#hp-message"))
                .isEqualTo("Applied at step " + from + ": running 5 steps, then pausing at step " + (from + 5));
        LiveRun.await("paused 5 steps later",
                () -> session.experiment().status() == RunStatus.PAUSED && session.experiment().step() == from + 5, 30);
        Thread.sleep(500);
        assertThat(session.experiment().step()).as("no step after the fifth").isEqualTo(from + 5);
        wait.until(d -> text("#status").equals("PAUSED") && value("model_age").equals(String.valueOf(from + 5))
                && value("is_training").equals("off"));
    }

    @Test
    void theAuditorToggleSwitchesAuditModeOnAndOffWithoutPausing() {
        browser.findElement(By.id("auditor-toggle")).click();
        wait.until(d -> value("auditor_mode").equals("on"));
        assertThat(session.experiment().hyperParameters().auditorMode()).isTrue();
        assertThat(browser.findElement(By.id("auditor-toggle")).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(text("#hp-message")).startsWith("Applied at step");
        assertThat(session.experiment().status()).isEqualTo(RunStatus.RUNNING);

        browser.findElement(By.id("auditor-toggle")).click();
        wait.until(d -> value("auditor_mode").equals("off"));
        assertThat(session.experiment().hyperParameters().auditorMode()).isFalse();
    }

    @Test
    void aRefusedValueShowsTheServersReasonAsAnErrorAndChangesNothing() {
        int batch = session.experiment().hyperParameters().batchSize();
        row("batch_size").findElement(By.cssSelector(".hp-input")).sendKeys("0");
        row("batch_size").findElement(By.cssSelector(".hp-apply")).click();
        wait.until(d -> browser.findElement(By.id("hp-message")).getAttribute("class").contains("error"));
        assertThat(text("#hp-message")).contains("batch size must be between 1 and 4096, got 0");
        assertThat(session.experiment().hyperParameters().batchSize()).isEqualTo(batch);
        assertThat(value("batch_size")).isEqualTo(String.valueOf(batch));
    }

    private WebElement row(String name) {
        return browser.findElement(By.cssSelector("#hp-panel [data-hp='" + name + "']"));
    }

    /** The row's shown value, or "" before the panel has read the values. */
    private String value(String name) {
        List<WebElement> values = browser.findElements(By.cssSelector("#hp-panel [data-hp='" + name + "'] .hp-value"));
        return values.isEmpty() ? "" : values.get(0).getText().trim();
    }

    private List<Long> markers() {
        String steps = browser.findElement(By.id("loss-chart")).getAttribute("data-markers");
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
