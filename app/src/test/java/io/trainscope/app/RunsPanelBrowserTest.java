package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.control.RunStatus;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard's runs panel (checkpoints, restore, branches, names) in headless Chromium, over a real training. */
class RunsPanelBrowserTest {

    private TrainingSession session;
    private ManagedChannel channel;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String original;

    @BeforeEach
    void trainFortyStepsWithACheckpointEveryTwenty() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        LiveRun.await("model built", () -> session.experiment().checkpoints().attached(), 60);
        original = session.experiment().runHash();
        browser = Browser.open();
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        // The tree is drawn again when the runs change; the sticky header may cover a button while the page scrolls.
        wait.ignoring(StaleElementReferenceException.class).ignoring(ElementClickInterceptedException.class);
        wait.until(d -> !d.findElements(By.cssSelector("#runs-list .run-item[data-current='true']")).isEmpty());
        browser.executeScript("document.getElementById('runs-panel').scrollIntoView({block: 'end'})");

        LiveRun.trainWithCheckpoints(session, ExperimentServiceGrpc.newBlockingStub(channel), 20, 40);
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) browser.quit();
        if (channel != null) channel.shutdownNow();
        if (session != null) session.close();
    }

    @Test
    void restoringACheckpointStartsACurrentBranchUnderItsRunThatCanBeRenamedAndSaved() throws Exception {
        String run = "#runs-list .run-item[data-hash='" + original + "']";
        // The chips and the "latest" label come from two reads (checkpoints, runs): wait for both to show step 40.
        wait.until(d -> present(run + " .checkpoint[data-id='" + original + "@20']")
                && present(run + " .checkpoint[data-id='" + original + "@40']")
                && text(run + " > .run-head .run-latest").equals("latest @40"));
        assertThat(attribute(run, "data-current")).isEqualTo("true");
        assertThat(text(run + " > .run-head .run-hash")).isEqualTo(shortHash(original));

        click(run + " .checkpoint[data-id='" + original + "@20']");
        wait.until(d -> text("#runs-checkpoint").equals("checkpoint " + shortHash(original) + "@20"));
        click("#runs-restore");
        wait.until(d -> text("#runs-message").contains("restored"));
        String branch = session.experiment().runHash();
        assertThat(branch).isNotEqualTo(original);
        assertThat(text("#runs-message"))
                .isEqualTo("Checkpoint " + original + "@20 restored; paused at step 20 on new branch " + branch);
        assertThat(session.experiment().step()).isEqualTo(20);
        assertThat(session.experiment().status()).isEqualTo(RunStatus.PAUSED);

        String branchItem = run + " > .run-children > .run-item[data-hash='" + branch + "']";
        wait.until(d -> present(branchItem + "[data-current='true']"));
        assertThat(attribute(branchItem, "data-parent")).isEqualTo(original + "@20");
        assertThat(attribute(run, "data-current")).isEqualTo("false");
        assertThat(text(branchItem + " > .run-head .run-name")).isEqualTo("branch of " + original + "@20");
        assertThat(attribute(run + " .checkpoint[data-id='" + original + "@20']", "class")).contains("branched");

        click(branchItem + " > .run-head");
        wait.until(d -> attribute(branchItem, "data-selected").equals("true")
                && value("#runs-name").equals("branch of " + original + "@20"));
        WebElement name = browser.findElement(By.id("runs-name"));
        name.clear();
        name.sendKeys("from 20, lower lr");
        click("#runs-rename");
        wait.until(d -> text("#runs-message").equals("Renamed " + branch + " to 'from 20, lower lr'"));
        wait.until(d -> text(branchItem + " > .run-head .run-name").equals("from 20, lower lr"));
        assertThat(attribute(branchItem, "data-parent")).as("still under its run once renamed").isEqualTo(original + "@20");

        browser.findElement(By.id("runs-notes")).sendKeys("try 5e-4 from here");
        click("#runs-notes-save");
        wait.until(d -> text("#runs-message").equals("Notes saved")
                && present(branchItem + " > .run-notes") && text(branchItem + " > .run-notes").equals("try 5e-4 from here"));

        click("#runs-save");
        wait.until(d -> text("#runs-message").startsWith("Checkpoint "));
        assertThat(text("#runs-message")).isEqualTo("Checkpoint " + branch + "@20 saved at step 20");
        wait.until(d -> present(branchItem + " .checkpoint[data-id='" + branch + "@20']"));
        assertThat(text(branchItem + " > .run-head .run-latest")).isEqualTo("latest @20");
        assertThat(browser.findElement(By.id("runs-message")).getAttribute("class")).doesNotContain("error");

        browser.executeScript("document.getElementById('runs-panel').scrollIntoView({block: 'end'})");
        Browser.screenshot(browser, "runs-panel");
    }

    /** As the panel shortens a hash: a branch shares its parent's first 16 digits, so the last ones are shown too. */
    private static String shortHash(String hash) {
        return hash.substring(0, 8) + "…" + hash.substring(hash.length() - 6);
    }

    private void click(String css) {
        wait.until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private boolean present(String css) {
        return !browser.findElements(By.cssSelector(css)).isEmpty();
    }

    private String attribute(String css, String name) {
        String value = browser.findElement(By.cssSelector(css)).getAttribute(name);
        return value == null ? "" : value;
    }

    private String value(String css) {
        return attribute(css, "value");
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
