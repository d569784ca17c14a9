package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.HyperParameterCommand;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.LoggerDataPoint;
import io.trainscope.proto.weightslab.PlotNoteOperation;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.server.TrainingSession;
import io.trainscope.server.auth.AccessTokens;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The curves over WeightsLab's GetLatestLoggerData, and notes on their points, during a real training. */
class LoggerDataGrpcTest {

    private static TrainingSession session;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        session = LiveRun.shapes(AccessTokens.none(), false);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", session.server().port()).usePlaintext()
                .maxInboundMessageSize(256 << 20).build();
        LiveRun.await("training runs", () -> session.experiment().step() > 120, 60);
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow();
        session.close();
        session = null; // the class stays loaded after its tests: let the closed session go
    }

    @Test
    void eachClientPollingIncrementallySeesEveryPointOnceWhateverOthersDo() throws Exception {
        var alice = client("alice");
        var bob = client("bob");
        List<LoggerDataPoint> aliceFirst = alice.getLatestLoggerData(incremental()).getPointsList();
        long firstEnd = session.experiment().step();
        LiveRun.await("a few more steps", () -> session.experiment().step() > firstEnd + 3, 30);
        List<LoggerDataPoint> aliceSecond = alice.getLatestLoggerData(incremental()).getPointsList();
        List<LoggerDataPoint> bobFirst = bob.getLatestLoggerData(incremental()).getPointsList();

        assertThat(steps(aliceFirst, "train/loss")).startsWith(1L, 2L, 3L);
        long lastSeen = steps(aliceFirst, "train/loss").get(steps(aliceFirst, "train/loss").size() - 1);
        assertThat(steps(aliceSecond, "train/loss")).isNotEmpty().allSatisfy(s -> assertThat(s).isGreaterThan(lastSeen));
        assertThat(steps(bobFirst, "train/loss")).as("bob's cursor is his own").startsWith(1L, 2L, 3L);
        assertThat(aliceFirst.get(0).getExperimentHash()).isEqualTo(session.experiment().runHash());
    }

    @Test
    void fullHistoryReducesEachCurveToMaxPointsAndKeepsTheEnds() {
        GetLatestLoggerDataResponse history = client("h").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setMaxPoints(20).addMetricNames("train/loss").build());
        assertThat(history.getAppliedMaxPoints()).isEqualTo(20);
        assertThat(history.getCurvesList()).singleElement().satisfies(c -> {
            assertThat(c.getMetricName()).isEqualTo("train/loss");
            assertThat(c.getFirstStep()).isEqualTo(1);
            assertThat(c.getPointCount()).isGreaterThan(100);
        });
        List<Long> steps = steps(history.getPointsList(), "train/loss");
        assertThat(steps).hasSizeLessThanOrEqualTo(20 + 5).isSorted().startsWith(1L);
        assertThat(steps.get(steps.size() - 1)).isEqualTo(history.getCurves(0).getLastStep());
    }

    @Test
    void zoomingReBucketsTheVisibleRangeAndIndexOnlyReturnsBounds() {
        var stub = client("z");
        GetLatestLoggerDataResponse zoom = stub.getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setMaxPoints(1000).addMetricNames("train/loss")
                .setHasXRange(true).setXMin(10).setXMax(40).build());
        assertThat(steps(zoom.getPointsList(), "train/loss")).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(10, 40).boxed().toList());
        GetLatestLoggerDataResponse index = stub.getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setIndexOnly(true).build());
        assertThat(index.getPointsList()).isEmpty();
        assertThat(index.getCurvesList()).extracting(c -> c.getMetricName())
                .contains("train/loss", "train/accuracy", "train/learning_rate", "train/step_time_ms");
        assertThat(stub.getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder().setRequestFullHistory(true)
                .setIndexOnly(true).addExperimentHashes(session.experiment().runHash()).build()).getCurvesCount())
                .isEqualTo(index.getCurvesCount());
        assertThat(stub.getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder().setRequestFullHistory(true)
                .addExperimentHashes("no-such-run").build()).getCurvesList()).isEmpty();
    }

    @Test
    void aHyperparameterChangePointSurvivesAnyReduction() throws Exception {
        CommandResponse change = client("c").experimentCommand(TrainerCommand.newBuilder().setHyperParameterChange(
                HyperParameterCommand.newBuilder().setHyperParameters(HyperParameters.newBuilder().setLearningRate(7e-4f)))
                .build());
        long at = Long.parseLong(change.getMessage().replaceAll("Applied at step (\\d+):.*", "$1"));
        LiveRun.await("a few more steps", () -> session.experiment().step() > at + 3, 30);
        GetLatestLoggerDataResponse tiny = client("t").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setMaxPoints(3).addMetricNames("train/learning_rate").build());
        assertThat(steps(tiny.getPointsList(), "train/learning_rate")).contains(at + 1);
    }

    @Test
    void aNoteOnAPointIsStoredReturnedWithItAndAudited() throws Exception {
        var stub = client("n");
        CommandResponse saved = stub.experimentCommand(note("train/loss", 5, "first dip"));
        assertThat(saved.getSuccess()).isTrue();
        assertThat(saved.getMessage()).isEqualTo("Saved note for train/loss @ step 5");
        GetLatestLoggerDataResponse history = stub.getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setMaxPoints(3).addMetricNames("train/loss").build());
        assertThat(history.getPointsList()).filteredOn(p -> p.getModelAge() == 5).singleElement()
                .satisfies(p -> assertThat(p.getPointNote()).isEqualTo("first dip"));
        assertThat(Files.readString(session.experiment().audit().file())).contains("\"action\":\"note_write\"")
                .contains("first dip");

        CommandResponse missing = stub.experimentCommand(note("train/loss", 99_999_999, "nowhere"));
        assertThat(missing.getSuccess()).isFalse();
        assertThat(missing.getMessage()).isEqualTo("Signal point not found for note update: train/loss@"
                + session.experiment().runHash() + ":99999999");
        CommandResponse cleared = stub.experimentCommand(note("train/loss", 5, "  "));
        assertThat(cleared.getMessage()).isEqualTo("Cleared note for train/loss @ step 5");
    }

    @Test
    void badHistoryRequestsAreRefusedWithInvalidArgument() {
        assertThatThrownBy(() -> client("b").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setHasXRange(true).setXMin(50).setXMax(10).build()))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("x_min must not be greater than x_max");
        assertThatThrownBy(() -> client("b").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setRequestFullHistory(true).setMaxPoints(-1).build()))
                .hasMessageContaining("max_points must not be negative");
    }

    private TrainerCommand note(String metric, int step, String text) {
        return TrainerCommand.newBuilder().setPlotNoteOperation(PlotNoteOperation.newBuilder().setMetricName(metric)
                .setExperimentHash(session.experiment().runHash()).setModelAge(step).setNote(text)).build();
    }

    private static GetLatestLoggerDataRequest incremental() {
        return GetLatestLoggerDataRequest.newBuilder().setRequestFullHistory(false).build();
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub client(String id) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-trainscope-client-id", Metadata.ASCII_STRING_MARSHALLER), id);
        return ExperimentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static List<Long> steps(List<LoggerDataPoint> points, String metric) {
        return points.stream().filter(p -> p.getMetricName().equals(metric)).map(p -> (long) p.getModelAge())
                .collect(Collectors.toList());
    }

}
