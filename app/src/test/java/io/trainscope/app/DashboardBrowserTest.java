package io.trainscope.app;

import io.trainscope.core.control.RunStatus;
import io.trainscope.server.auth.AccessTokens;
import io.trainscope.server.TrainingSession;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import static org.assertj.core.api.Assertions.assertThat;

/** A person's first minute with the dashboard, in headless Chromium, during a real training. */
class DashboardBrowserTest {

    private TrainingSession session;
    private ChromeDriver browser;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.open();
    }

    @AfterEach
    void close() throws Exception {
        browser.quit();
        if (session != null) {
            session.close();
        }
    }

    @Test
    void tilesAndFpsUpdateLiveAndPauseAndResumeActAtTheNextStep() throws Exception {
        session = LiveRun.demo();
        browser.get(session.server().url());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> tilesStep() > 0 && text("#fps").matches("[0-9.]+") && Double.parseDouble(text("#fps")) > 0);
        List<WebElement> tiles = browser.findElements(By.cssSelector("#tiles .tile"));
        assertThat(tiles).hasSize(16);
        assertThat(tiles).allSatisfy(tile -> {
            assertThat(tile.findElement(By.tagName("img")).getAttribute("src")).startsWith("blob:");
            assertThat(tile.findElement(By.cssSelector(".pred")).getText()).isNotBlank();
            assertThat(tile.findElement(By.cssSelector(".truth")).getText()).isNotBlank();
            assertThat(tile.getAttribute("class")).containsAnyOf("correct", "wrong");
        });
        long firstTiles = tilesStep();
        String firstPoints = browser.findElement(By.id("loss-chart")).getAttribute("data-points");
        wait.until(d -> tilesStep() > firstTiles + 5);
        assertThat(Long.parseLong(browser.findElement(By.id("loss-chart")).getAttribute("data-points")))
                .as("the loss curve grows").isGreaterThan(Long.parseLong(firstPoints));
        assertThat(text("#status")).isEqualTo("RUNNING");
        assertThat(text("#connection")).isEqualTo("connected");
        Browser.screenshot(browser, "dashboard-running");

        browser.findElement(By.id("pause")).click();
        wait.until(d -> text("#status").equals("PAUSED"));
        long pausedStep = session.experiment().step();
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);
        assertThat(text("#control-message")).contains("Paused at step " + pausedStep);
        Thread.sleep(1_000);
        assertThat(session.experiment().step()).as("no step runs while paused").isEqualTo(pausedStep);
        assertThat(Long.parseLong(text("#step"))).isEqualTo(pausedStep);
        Browser.screenshot(browser, "dashboard-paused");

        browser.findElement(By.id("resume")).click();
        wait.until(d -> text("#status").equals("RUNNING"));
        wait.until(d -> Long.parseLong(text("#step")) > pausedStep + 5 && tilesStep() > pausedStep);
        assertThat(session.experiment().step()).isGreaterThan(pausedStep);
    }

    @Test
    void theControlsStayWhereTheyAreWhileTheLiveFiguresAndMessagesChange() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false);
        browser.get(session.server().url());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> tilesStep() > 0 && text("#fps").matches("[0-9.]+"));
        // The header's figures change several times a second, and a status message can be long.
        Set<String> places = new java.util.LinkedHashSet<>();
        for (int i = 0; i < 40; i++) {
            if (i == 20) {
                browser.executeScript("document.getElementById('status-message').textContent = 'a long status message '.repeat(40);"
                        + " document.getElementById('memory').textContent = '123456.7 / 123456.7 MB'");
            }
            places.add(String.valueOf(browser.executeScript("const r = document.getElementById('pause').getBoundingClientRect();"
                    + " return r.top + ',' + r.left")));
            Thread.sleep(50);
        }
        assertThat(places).as("the Pause button's place over 2 s of live updates").hasSize(1);
    }

    @Test
    void withTokensThePageAsksForOneAndThenShowsTheTraining() throws Exception {
        session = LiveRun.shapes(AccessTokens.of("carol", "page-token"), false);
        browser.get(session.server().url());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
        assertThat(browser.findElement(By.id("tiles")).getAttribute("data-step")).isNullOrEmpty();
        browser.findElement(By.id("token-input")).sendKeys("wrong");
        browser.findElement(By.id("token-submit")).click();
        wait.until(d -> d.findElement(By.id("token-dialog")).isDisplayed()
                && text("#token-hint").contains("rejected")); // asked again, not the first prompt
        browser.findElement(By.id("token-input")).clear();
        browser.findElement(By.id("token-input")).sendKeys("page-token");
        browser.findElement(By.id("token-submit")).click();
        try {
            wait.until(d -> tilesStep() > 0 && text("#status").equals("RUNNING"));
        } finally {
            Browser.screenshot(browser, "dashboard-token");
        }
        assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
    }

    private long tilesStep() {
        String step = browser.findElement(By.id("tiles")).getAttribute("data-step");
        return step == null || step.isBlank() ? 0 : Long.parseLong(step);
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
