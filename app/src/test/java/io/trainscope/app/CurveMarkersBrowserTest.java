package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointResponse;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Checkpoint and branch marks on the loss curve, and the live curve after a restore, in headless Chromium over a real training. */
class CurveMarkersBrowserTest {

    private TrainingSession session;
    private ManagedChannel channel;
    private ExperimentServiceGrpc.ExperimentServiceBlockingStub stub;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String original;

    @BeforeEach
    void trainFortyStepsWithACheckpointEveryTwenty() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), true, 2_000);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        stub = ExperimentServiceGrpc.newBlockingStub(channel);
        LiveRun.await("model built", () -> session.experiment().checkpoints().attached(), 60);
        original = session.experiment().runHash();
        browser = Browser.open();
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> "live".equals(lossChart("data-zoom")));

        LiveRun.trainWithCheckpoints(session, stub, 20, 40);
    }

    @AfterEach
    void close() throws Exception {
        if (browser != null) browser.quit();
        if (channel != null) channel.shutdownNow();
        if (session != null) session.close();
    }

    @Test
    void checkpointsAreMarkedAndARestoredBranchContinuesFromItsForkWithoutGoingBackInTime() throws Exception {
        wait.until(d -> "40".equals(lossChart("data-last-step")) && Integer.parseInt(lossChart("data-checkpoints")) >= 2);
        assertThat(lossChart("data-branch-step")).as("the first run is no branch").isEmpty();

        RestoreCheckpointResponse restored = stub.withDeadlineAfter(60, TimeUnit.SECONDS).restoreCheckpoint(
                RestoreCheckpointRequest.newBuilder().setExperimentHash(original + "@@step=20").build());
        assertThat(restored.getSuccess()).as(restored.getMessage()).isTrue();
        assertThat(session.experiment().runHash()).isNotEqualTo(original);
        wait.until(d -> "20".equals(lossChart("data-branch-step")));

        trainSteps(HyperParameters.newBuilder().setNbSteps(10));
        LiveRun.await("10 steps on the branch, then paused",
                () -> session.experiment().step() == 30 && session.experiment().gate().isPaused(), 120);
        wait.until(d -> "30".equals(lossChart("data-last-step")));
        assertThat(lossChart("data-x-range")).as("the parent's steps 21-40 are gone").isEqualTo("1-30");
        assertThat(lossChart("data-points")).isEqualTo("30");
        assertThat(lossChart("data-steps-increase")).isEqualTo("true");
        assertThat(lossChart("data-branch-step")).isEqualTo("20");
        assertThat(Integer.parseInt(lossChart("data-checkpoints")))
                .as("the parent's checkpoint at 20 is on the branch's line; the one at 40 is not")
                .isGreaterThanOrEqualTo(1).isLessThanOrEqualTo(2);

        browser.executeScript("document.getElementById('loss-chart').scrollIntoView({block: 'center'})");
        Browser.screenshot(browser, "curve-markers");
    }

    @Test
    void zoomingOnABranchAcrossItsForkReadsTheParentsStepsUpToTheForkAndTheBranchsAfterIt() throws Exception {
        RestoreCheckpointResponse restored = stub.withDeadlineAfter(60, TimeUnit.SECONDS).restoreCheckpoint(
                RestoreCheckpointRequest.newBuilder().setExperimentHash(original + "@@step=20").build());
        assertThat(restored.getSuccess()).as(restored.getMessage()).isTrue();
        trainSteps(HyperParameters.newBuilder().setNbSteps(10));
        LiveRun.await("10 steps on the branch, then paused",
                () -> session.experiment().step() == 30 && session.experiment().gate().isPaused(), 120);
        wait.until(d -> "30".equals(lossChart("data-last-step")) && "20".equals(lossChart("data-branch-step")));

        browser.executeScript("document.getElementById('loss-chart').scrollIntoView({block: 'center'})");
        WebElement over = browser.findElement(By.cssSelector("#loss-chart .u-over"));
        int width = over.getSize().getWidth();
        new Actions(browser).moveToElement(over, -width / 3, 0).clickAndHold()
                .moveByOffset(width / 5, 0).moveByOffset(width / 5, 0).moveByOffset(width / 5, 0).release().perform();
        wait.until(d -> !"live".equals(lossChart("data-zoom")));
        String[] zoomed = lossChart("data-zoom").split("-");
        long from = Long.parseLong(zoomed[0]);
        long to = Long.parseLong(zoomed[1]);
        assertThat(from).as("the drag starts before the fork").isLessThan(20);
        assertThat(to).as("and ends after it").isGreaterThan(20);
        assertThat(lossChart("data-points")).as("one point a step: the parent's after 20 are not read")
                .isEqualTo(String.valueOf(Math.min(to, 30) - from + 1));
        assertThat(lossChart("data-steps-increase")).isEqualTo("true");
    }

    private void trainSteps(HyperParameters.Builder hp) {
        CommandResponse reply = stub.withDeadlineAfter(60, TimeUnit.SECONDS).experimentCommand(TrainerCommand.newBuilder()
                .setHyperParameterChange(HyperParameterCommand.newBuilder().setHyperParameters(hp)).build());
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
    }

    private String lossChart(String attribute) {
        String value = browser.findElement(By.id("loss-chart")).getAttribute(attribute);
        return value == null ? "" : value;
    }
}
