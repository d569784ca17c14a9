package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trainscope.core.signals.HistoryQuery;
import io.trainscope.core.signals.SignalPoint;
import io.trainscope.core.signals.StepRange;
import io.trainscope.proto.v1.ControlAck;
import io.trainscope.proto.v1.ControlAction;
import io.trainscope.proto.v1.ControlCommand;
import io.trainscope.proto.v1.MetricsServiceGrpc;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.PlotNoteOperation;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard's curves (zoom over GetLatestLoggerData, notes on points) and audit log in headless Chromium, during a real training. */
class CurvesBrowserTest {

    private static final String LOSS = "train/loss";

    private TrainingSession session;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void open() throws Exception {
        browser = Browser.open();
        session = LiveRun.shapes(AccessTokens.none(), false);
        browser.get(session.server().url());
        wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(50));
        wait.until(d -> points() > 20 && chart().getAttribute("data-zoom").equals("live"));
    }

    @AfterEach
    void close() throws Exception {
        browser.quit();
        session.close();
    }

    @Test
    void draggingAcrossTheLossChartDrawsTheStoredPointsOfThatRangeUntilBackToLive() throws Exception {
        new WebDriverWait(browser, Duration.ofSeconds(120), Duration.ofMillis(100)).until(d -> points() >= 300);
        WebElement over = chart().findElement(By.cssSelector(".u-over"));
        int width = over.getSize().getWidth();
        new Actions(browser).moveToElement(over, -width / 5, 0).clickAndHold()
                .moveByOffset(width / 20, 0).moveByOffset(width / 20, 0).moveByOffset(width / 20, 0).release().perform();

        wait.until(d -> !zoom().equals("live"));
        long from = Long.parseLong(zoom().split("-")[0]);
        long to = Long.parseLong(zoom().split("-")[1]);
        int maxPoints = Integer.parseInt(chart().getAttribute("data-max-points"));
        assertThat(to - from).as("about 15% of 300 steps").isBetween(20L, 200L);
        assertThat(maxPoints).as("about the plot's width in pixels").isBetween(width - 2, width + 2);
        assertThat(browser.findElement(By.id("accuracy-chart")).getAttribute("data-zoom")).isEqualTo(zoom());
        assertThat(text("#zoom-status")).isEqualTo("steps " + from + "–" + to + ": " + points() + " stored points");

        // Fewer steps than pixels: every stored step of the range, as the server reduces it for this width.
        List<SignalPoint> stored = session.experiment().signals().history(HistoryQuery.all().withMetrics(List.of(LOSS))
                .withRunHashes(List.of(session.experiment().runHash())).withRange(new StepRange(from, to))
                .withMaxPoints(maxPoints)).points();
        assertThat(points()).isEqualTo(stored.size()).isEqualTo(to - from + 1);
        assertThat(chart().getAttribute("data-x-range")).isEqualTo(from + "-" + to);
        Browser.screenshot(browser, "curves");

        long liveBefore = session.experiment().step();
        LiveRun.await("training goes on", () -> session.experiment().step() > liveBefore + 20, 30);
        assertThat(points()).as("the zoomed view does not follow the live feed").isEqualTo(to - from + 1);

        browser.findElement(By.id("zoom-reset")).click();
        wait.until(d -> zoom().equals("live") && points() > liveBefore + 10);
        assertThat(chart().getAttribute("data-x-range")).startsWith("1-");
        assertThat(chart().getAttribute("data-max-points")).isNull();
        assertThat(browser.findElement(By.id("zoom-reset")).isEnabled()).isFalse();
    }

    @Test
    void aNoteSavedFromTheFormIsStoredWithItsPointAndMarkedOnTheCurve() {
        browser.findElement(By.id("note-step")).sendKeys("10");
        browser.findElement(By.id("note-text")).sendKeys("first dip");
        browser.findElement(By.id("note-save")).click();

        wait.until(d -> text("#note-message").startsWith("Saved"));
        assertThat(text("#note-message")).isEqualTo("Saved note for train/loss @ step 10");
        assertThat(browser.findElement(By.id("note-message")).getAttribute("class")).doesNotContain("error");
        wait.until(d -> notes().contains(10L));
        assertThat(storedNotes()).singleElement().satisfies(p -> {
            assertThat(p.step()).isEqualTo(10);
            assertThat(p.note()).isEqualTo("first dip");
        });
    }

    @Test
    void aNoteOnAStepWithoutAPointIsRefusedAsAnError() {
        browser.findElement(By.id("note-step")).sendKeys("99999999");
        browser.findElement(By.id("note-text")).sendKeys("nowhere");
        browser.findElement(By.id("note-save")).click();

        wait.until(d -> browser.findElement(By.id("note-message")).getAttribute("class").contains("error"));
        assertThat(text("#note-message")).isEqualTo("Signal point not found for note update: train/loss@"
                + session.experiment().runHash() + ":99999999");
        assertThat(notes()).isEmpty();
        assertThat(storedNotes()).isEmpty();
    }

    @Test
    void theAuditLogShowsANoteWrittenOnAClickedPointAboveThePauseBeforeIt() throws Exception {
        browser.findElement(By.id("pause")).click();
        wait.withMessage(() -> "status " + text("#status") + ", control: " + text("#control-message") + ", audit: "
                + text("#audit-message") + " " + auditRows() + ", server: " + session.experiment().status() + " at step "
                + session.experiment().step() + ", audit " + session.experiment().audit().recent());
        wait.until(d -> text("#status").equals("PAUSED") && auditRows().stream().anyMatch(row -> row.get(0).equals("pause")));

        new Actions(browser).moveToElement(chart().findElement(By.cssSelector(".u-over"))).click().perform();
        wait.until(d -> !browser.findElement(By.id("note-step")).getAttribute("value").isEmpty());
        long step = Long.parseLong(browser.findElement(By.id("note-step")).getAttribute("value"));
        assertThat(step).isBetween(1L, session.experiment().step());
        browser.findElement(By.id("note-text")).sendKeys("plateau starts");
        browser.findElement(By.id("note-save")).click();

        wait.until(d -> auditRows().size() == 2);
        List<List<String>> rows = auditRows();
        assertThat(rows).extracting(row -> row.get(0)).containsExactly("note_write", "pause");
        assertThat(rows.get(0)).satisfies(newest -> {
            assertThat(newest.get(1)).as("caller").startsWith("anonymous@");
            assertThat(newest.get(2)).as("result").isEqualTo("Saved note for train/loss @ step " + step);
            assertThat(newest.get(3)).as("parameters, the action's tooltip").contains("plateau starts");
        });
        wait.until(d -> notes().contains(step));
        browser.executeScript("document.getElementById('audit-log').scrollIntoView({block: 'end'})");
        Browser.screenshot(browser, "curves-notes-audit");
    }

    @Test
    void anotherClientsPauseAndNoteAppearInTheAuditLogWithoutAnythingDoneInThePage() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        try {
            ControlAck paused = MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .sendControl(ControlCommand.newBuilder().setAction(ControlAction.PAUSE).build());
            assertThat(paused.getSuccess()).as(paused.getMessage()).isTrue();
            wait.until(d -> text("#status").equals("PAUSED") && !auditRows().isEmpty());
            CommandResponse noted = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .experimentCommand(TrainerCommand.newBuilder().setPlotNoteOperation(PlotNoteOperation.newBuilder()
                            .setMetricName(LOSS).setExperimentHash(session.experiment().runHash()).setModelAge(5)
                            .setNote("from a script")).build());
            assertThat(noted.getSuccess()).as(noted.getMessage()).isTrue();
        } finally {
            channel.shutdownNow();
        }
        wait.until(d -> auditRows().size() == 2); // a note changes no status: only the audit's own message can tell the page
        assertThat(auditRows()).extracting(row -> row.get(0) + ": " + row.get(2))
                .containsExactly("note_write: Saved note for train/loss @ step 5", "pause: Paused at step " + session.experiment().step());
    }

    @Test
    void aClickedPointShowsTheSamplesItsStepDrewHighestLossFirstAndOpensThemInTheDataGrid() throws Exception {
        browser.findElement(By.id("pause")).click();
        wait.until(d -> text("#status").equals("PAUSED"));
        session.experiment().samples().flush().join();

        new Actions(browser).moveToElement(chart().findElement(By.cssSelector(".u-over"))).click().perform();
        wait.until(d -> !browser.findElements(By.cssSelector("#step-samples-tiles .step-sample img[src^='blob:']")).isEmpty());
        String step = browser.findElement(By.id("step-samples")).getAttribute("data-step");
        assertThat(step).isEqualTo(browser.findElement(By.id("note-step")).getAttribute("value"));
        assertThat(text("#step-samples-title")).isEqualTo("Step " + step + ": " + LiveRun.BATCH_SIZE
                + " samples, highest loss first");
        List<WebElement> tiles = browser.findElements(By.cssSelector("#step-samples-tiles .step-sample"));
        assertThat(tiles).hasSize(12);
        double[] losses = tiles.stream().mapToDouble(t -> Double.parseDouble(t.getText().replaceAll(".*loss ", ""))).toArray();
        double[] sorted = Arrays.stream(losses).boxed().sorted((a, b) -> Double.compare(b, a)).mapToDouble(Double::doubleValue).toArray();
        assertThat(losses).containsExactly(sorted);

        browser.findElement(By.id("step-samples-open")).click();
        wait.until(d -> String.valueOf(LiveRun.BATCH_SIZE).equals(d.findElement(By.id("data-counts")).getAttribute("data-all")));
        assertThat(browser.findElement(By.id("data-query")).getAttribute("value"))
                .startsWith("origin == 'train' and sample_id in [").endsWith("] sortby loss desc");
        Browser.screenshot(browser, "curves-step-samples");
    }

    @Test
    void aStepOfMoreThan256SamplesOpensItsFirst256InTheDataGridAndSaysSo() throws Exception {
        browser.findElement(By.id("pause")).click();
        wait.until(d -> text("#status").equals("PAUSED"));
        long big = session.experiment().step() + 1;
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext().build();
        try {
            CommandResponse run = ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(HyperParameterCommand.newBuilder()
                            .setHyperParameters(HyperParameters.newBuilder().setBatchSize(300).setNbSteps(1))).build());
            assertThat(run.getSuccess()).as(run.getMessage()).isTrue();
        } finally {
            channel.shutdownNow();
        }
        LiveRun.await("one step of 300", () -> session.experiment().step() == big && session.experiment().gate().isPaused(), 60);
        session.experiment().samples().flush().join();
        wait.until(d -> String.valueOf(big).equals(chart().getAttribute("data-last-step")));

        WebElement over = chart().findElement(By.cssSelector(".u-over"));
        new Actions(browser).moveToElement(over, over.getSize().getWidth() / 2 - 1, 0).click().perform(); // the last point
        wait.until(d -> String.valueOf(big).equals(d.findElement(By.id("step-samples")).getAttribute("data-step"))
                && text("#step-samples-title").contains("300 samples"));
        WebElement open = browser.findElement(By.id("step-samples-open"));
        assertThat(open.getText()).isEqualTo("Show first 256 of 300 in data grid");
        assertThat(text("#step-samples-message")).isEqualTo(
                "A query lists at most 256 ids: the data grid gets the 256 with the highest loss.");
        open.click();
        wait.until(d -> "256".equals(d.findElement(By.id("data-counts")).getAttribute("data-all")));
    }

    private WebElement chart() {
        return browser.findElement(By.id("loss-chart"));
    }

    private String zoom() {
        return chart().getAttribute("data-zoom");
    }

    private long points() {
        String points = chart().getAttribute("data-points");
        return points == null || points.isBlank() ? 0 : Long.parseLong(points);
    }

    private List<Long> notes() {
        String steps = chart().getAttribute("data-notes");
        return steps == null || steps.isBlank() ? List.of() : Arrays.stream(steps.split(",")).map(Long::parseLong).toList();
    }

    /** The audit panel's rows, top first, each as action, caller, result and the action's tooltip; read at once, as a refresh replaces them. */
    @SuppressWarnings("unchecked")
    private List<List<String>> auditRows() {
        return (List<List<String>>) browser.executeScript("return [...document.querySelectorAll('#audit-rows tr[data-action]')]"
                + ".map(r => [r.dataset.action, r.querySelector('.audit-caller').textContent,"
                + " r.querySelector('.audit-result').textContent, r.querySelector('.audit-action').title])");
    }

    /** The loss curve's noted points in the run's store (every reduction keeps them). */
    private List<SignalPoint> storedNotes() {
        return session.experiment().signals().history(HistoryQuery.all().withMetrics(List.of(LOSS)).withMaxPoints(3))
                .points().stream().filter(SignalPoint::hasNote).toList();
    }

    private String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText().trim();
    }
}
