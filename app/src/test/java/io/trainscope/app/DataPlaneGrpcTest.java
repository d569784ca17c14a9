package io.trainscope.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.trainscope.proto.v1.SampleHistoryRequest;
import io.trainscope.proto.v1.SampleHistoryResponse;
import io.trainscope.proto.v1.SampleServiceGrpc;
import io.trainscope.proto.weightslab.BatchSampleRequest;
import io.trainscope.proto.weightslab.BatchSampleResponse;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.DataRecord;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.DataSamplesResponse;
import io.trainscope.proto.weightslab.DataStat;
import io.trainscope.proto.weightslab.Empty;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.GetMetaDataRequest;
import io.trainscope.proto.weightslab.GetMetaDataResponse;
import io.trainscope.proto.weightslab.HistogramBin;
import io.trainscope.proto.weightslab.HistogramRequest;
import io.trainscope.proto.weightslab.HistogramResponse;
import io.trainscope.proto.weightslab.SampleEditType;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The data plane of WeightsLab's ExperimentService over real gRPC, on a real (paused) training's sample table. */
class DataPlaneGrpcTest {

    private static final int TRAIN = 20_000;
    private static final int TEST = 500;
    private static PausedTraining training;

    @BeforeAll
    static void start() throws Exception {
        training = PausedTraining.pausedPast(40);
    }

    @AfterAll
    static void stop() throws Exception {
        if (training != null) {
            training.close();
            training = null; // the class stays loaded after its tests: let the closed session go
        }
    }

    private static ExperimentServiceGrpc.ExperimentServiceBlockingStub client(String id) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-trainscope-client-id", Metadata.ASCII_STRING_MARSHALLER), id);
        return ExperimentServiceGrpc.newBlockingStub(training.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static DataQueryResponse query(String client, String text) {
        return client(client).applyDataQuery(DataQueryRequest.newBuilder().setQuery(text).build());
    }

    private static DataEditsResponse edit(DataEditsRequest.Builder request) {
        return client("editor").editDataSample(request.build());
    }

    private static DataEditsRequest.Builder onTrain(String statName, long... ids) {
        DataEditsRequest.Builder request = DataEditsRequest.newBuilder().setStatName(statName);
        for (long id : ids) {
            request.addSamplesIds(Long.toString(id)).addSampleOrigins("train");
        }
        return request;
    }

    private static DataStat stat(DataRecord record, String name) {
        return record.getDataStatsList().stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stat " + name + " in " + record));
    }

    @Test
    void dataSplitsAreTrainAndTest() {
        assertThat(client("a").getDataSplits(Empty.getDefaultInstance()).getSplitNamesList()).containsExactly("test", "train");
    }

    @Test
    void aQueryFiltersAndSortsTheClientsViewAndPagesFollowItsOrder() {
        DataQueryResponse reply = query("sorter", "origin == 'train' and encounters > 0 sortby loss desc");
        assertThat(reply.getSuccess()).as(reply.getMessage()).isTrue();
        assertThat(reply.getNumberOfAllSamples()).isBetween(1, TRAIN);
        DataSamplesResponse page = client("sorter").getDataSamples(DataSamplesRequest.newBuilder().setStartIndex(0)
                .setRecordsCnt(20).setIncludeRawData(true).setResizeWidth(16).setResizeHeight(16).build());
        assertThat(page.getSuccess()).as(page.getMessage()).isTrue();
        float[] losses = new float[page.getDataRecordsCount()];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = stat(page.getDataRecords(i), "loss").getValue(0);
        }
        float[] sorted = losses.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < losses.length; i++) {
            assertThat(losses[i]).isEqualTo(sorted[losses.length - 1 - i]);
        }
        DataStat image = stat(page.getDataRecords(0), "raw_data");
        assertThat(image.getType()).isEqualTo("bytes");
        assertThat(image.getShapeList()).containsExactly(16, 16, 1);
        assertThat(image.getThumbnail().substring(1, 4).toStringUtf8()).isEqualTo("PNG");
        assertThat(query("someone-else", "").getNumberOfAllSamples()).isEqualTo(TRAIN + TEST);
    }

    @Test
    void emptyQueryResetAndOverview() {
        query("r", "label == 1");
        int narrowed = query("r", "").getNumberOfAllSamples();
        assertThat(narrowed).isLessThan(TRAIN + TEST).isPositive();
        DataQueryResponse reset = query("r", "@reset");
        assertThat(reset.getSuccess()).isTrue();
        assertThat(reset.getNumberOfAllSamples()).isEqualTo(TRAIN + TEST);
        DataQueryResponse overview = client("r").applyDataQuery(DataQueryRequest.newBuilder().setQuery("@overview")
                .setIsNaturalLanguage(true).build());
        assertThat(overview.getMessage()).contains("split train: " + TRAIN + " samples").contains("loss");
    }

    @Test
    void hostileQueriesAreRefusedAndChangeNothing() {
        query("h", "label == 2");
        int before = query("h", "").getNumberOfAllSamples();
        List<String> hostile = List.of("label == 1; DROP TABLE samples", "label == 1 or 1=1 --",
                "read_csv('/etc/passwd') == 1", "`read_text('/etc/passwd')` == 'x'", "((label == 1)",
                "label == 1)", "no_such_column > 2", "(".repeat(10_000) + "label == 1" + ")".repeat(10_000),
                "loss * 2 > 1", "label == 'abc'", "x".repeat(5_000));
        for (String text : hostile) {
            DataQueryResponse reply = query("h", text);
            assertThat(reply.getSuccess()).as(text.substring(0, Math.min(40, text.length()))).isFalse();
            assertThat(reply.getMessage()).startsWith("Query refused: ").endsWith("The view is unchanged.");
            assertThat(reply.getNumberOfAllSamples()).isEqualTo(before);
        }
        assertThat(query("h", "@reset").getNumberOfAllSamples()).isEqualTo(TRAIN + TEST);
    }

    @Test
    void naturalLanguageWithoutAModelSaysHowToConfigureOne() {
        DataQueryResponse reply = client("nl").applyDataQuery(DataQueryRequest.newBuilder()
                .setQuery("the samples with the highest loss").setIsNaturalLanguage(true).build());
        assertThat(reply.getSuccess()).isFalse();
        assertThat(reply.getMessage()).contains("TRAINSCOPE_LLM_URL");
    }

    @Test
    void tagsAreSetNotToggledAndCanBeQueried() {
        assertThat(edit(onTrain("tag", 1, 2, 3).setStringValue("suspect").setType(SampleEditType.EDIT_ACCUMULATE))
                .getSuccess()).isTrue();
        assertThat(edit(onTrain("tag", 1, 2, 3).setStringValue("suspect").setType(SampleEditType.EDIT_OVERRIDE))
                .getSuccess()).isTrue();
        DataQueryResponse tagged = query("t", "`tag:suspect` == true");
        assertThat(tagged.getNumberOfAllSamples()).isEqualTo(3);
        assertThat(tagged.getUniqueTagsList()).contains("suspect");
        assertThat(edit(onTrain("tag", 2).setStringValue("suspect").setType(SampleEditType.EDIT_REMOVE)).getMessage())
                .isEqualTo("Untagged 1 samples 'suspect'");
        assertThat(query("t", "`tag:suspect` == true").getNumberOfAllSamples()).isEqualTo(2);
        DataSamplesResponse page = client("t").getDataSamples(DataSamplesRequest.newBuilder().setRecordsCnt(5).build());
        assertThat(stat(page.getDataRecords(0), "tags").getValueString()).isEqualTo("suspect");
    }

    @Test
    void discardAndRestoreChangeTheCountsAndAreAudited() throws Exception {
        int discardedBefore = query("d", "").getNumberOfDiscardedSamples();
        DataEditsResponse discard = edit(onTrain("discarded", 10, 11).setBoolValue(true));
        assertThat(discard.getSuccess()).as(discard.getMessage()).isTrue();
        assertThat(query("d", "").getNumberOfDiscardedSamples()).isEqualTo(discardedBefore + 2);
        assertThat(training.experiment().samples().discarded().contains("train", 10)).isTrue();
        assertThat(edit(onTrain("discarded", 10, 11).setBoolValue(false)).getSuccess()).isTrue();
        assertThat(query("d", "").getNumberOfDiscardedSamples()).isEqualTo(discardedBefore);
        List<String> audit = Files.readAllLines(training.experiment().audit().file());
        assertThat(audit).anySatisfy(line -> assertThat(line).contains("data_edit").contains("\"bool_value\":\"true\"")
                .contains("10,11"));
    }

    @Test
    void registerDiscardByTagCopyAndDeleteColumns() {
        assertThat(edit(DataEditsRequest.newBuilder().setStatName("__register_tag__").setStringValue("later")).getMessage())
                .isEqualTo("Tag 'later' registered");
        assertThat(query("m", "").getUniqueTagsList()).contains("later");
        edit(onTrain("tag", 30, 31).setStringValue("drop-me").setType(SampleEditType.EDIT_ACCUMULATE));
        DataEditsResponse byTag = edit(DataEditsRequest.newBuilder().setStatName("__discard_by_tag__").setStringValue("drop-me"));
        assertThat(byTag.getMessage()).isEqualTo("Discarded 2 samples with tag 'drop-me'.");
        DataEditsResponse copy = edit(DataEditsRequest.newBuilder().setStatName("__copy_metadata__").setStringValue("loss"));
        assertThat(copy.getSuccess()).as(copy.getMessage()).isTrue();
        String column = copy.getMessage().replaceAll(".* as '(.*)'\\.", "$1");
        GetMetaDataResponse meta = client("m").getMetaData(GetMetaDataRequest.newBuilder().setRecordsCnt(1).build());
        assertThat(meta.getAllMetadataNamesList()).contains(column, "loss", "discarded", "tag:later");
        DataEditsResponse delete = edit(DataEditsRequest.newBuilder().setStatName("__delete_metadata__").setStringValue(column));
        assertThat(delete.getSuccess()).isTrue();
        assertThat(edit(DataEditsRequest.newBuilder().setStatName("__delete_metadata__").setStringValue("loss")).getMessage())
                .contains("core column");
        assertThat(edit(onTrain("tag", 32).setStringValue("later").setType(SampleEditType.EDIT_REMOVE).setFloatValue(-1))
                .getSuccess()).isTrue();
        assertThat(query("m", "").getUniqueTagsList()).doesNotContain("later");
    }

    @Test
    void badEditsAreRefusedWholeWithAReason() {
        int discarded = query("b", "").getNumberOfDiscardedSamples();
        DataEditsResponse unknownId = edit(onTrain("discarded", 5, 999_999).setBoolValue(true));
        assertThat(unknownId.getSuccess()).isFalse();
        assertThat(unknownId.getMessage()).contains("not in the table").contains("nothing was changed");
        DataEditsResponse unpaired = edit(DataEditsRequest.newBuilder().setStatName("discarded").setBoolValue(true)
                .addSamplesIds("1").addSamplesIds("2").addSamplesIds("3").addSampleOrigins("train").addSampleOrigins("test"));
        assertThat(unpaired.getMessage()).contains("sample_origins");
        assertThat(edit(onTrain("loss", 1)).getMessage()).contains("stat_name must be one of");
        assertThat(edit(onTrain("tag", 1).setStringValue("bad name!")).getMessage()).contains("is not a tag name");
        assertThat(edit(onTrain("discarded", 1).setSampleOrigins(0, "nope").setBoolValue(true)).getSuccess()).isFalse();
        assertThat(query("b", "").getNumberOfDiscardedSamples()).isEqualTo(discarded);
        assertThat(training.experiment().samples().discarded().contains("train", 5)).isFalse();
    }

    @Test
    void histogramsOfValuesCategoriesAndRowOrder() {
        query("g", "@reset");
        HistogramResponse loss = client("g").getHistogram(HistogramRequest.newBuilder().setColumn("loss").setMaxBins(10).build());
        assertThat(loss.getSuccess()).as(loss.getMessage()).isTrue();
        assertThat(loss.getBinsList()).hasSize(10);
        long seen = loss.getBinsList().stream().mapToLong(HistogramBin::getCount).sum();
        assertThat(seen).isPositive().isLessThanOrEqualTo(TRAIN);
        assertThat(loss.getBins(0).getMin()).isLessThanOrEqualTo(loss.getBins(9).getMax());
        HistogramResponse origin = client("g").getHistogram(HistogramRequest.newBuilder().setColumn("origin").build());
        assertThat(origin.getIsCategorical()).isTrue();
        assertThat(origin.getCategoricalBars(0).getLabel()).isEqualTo("train");
        assertThat(origin.getCategoricalBars(0).getCount()).isEqualTo(TRAIN);
        HistogramResponse unknown = client("g").getHistogram(HistogramRequest.newBuilder().setColumn("nope").build());
        assertThat(unknown.getSuccess()).isFalse();
        assertThat(unknown.getMessage()).contains("not in view");
        Metadata rows = new Metadata();
        rows.put(Metadata.Key.of("x-trainscope-histogram-bins", Metadata.ASCII_STRING_MARSHALLER), "rows");
        HistogramResponse byRow = client("g").withInterceptors(MetadataUtils.newAttachHeadersInterceptor(rows))
                .getHistogram(HistogramRequest.newBuilder().setColumn("label").setMaxBins(4).build());
        assertThat(byRow.getBinsList()).hasSize(4).allSatisfy(bin -> assertThat(bin.getCount()).isEqualTo((TRAIN + TEST) / 4));
    }

    @Test
    void metaDataAndSamplesAndHistory() {
        query("s", "@reset");
        GetMetaDataResponse meta = client("s").getMetaData(GetMetaDataRequest.newBuilder().setStartIndex(0)
                .setRecordsCnt(3).setModalSampleId("7").build());
        assertThat(meta.getGridRecordsCount()).isEqualTo(3);
        assertThat(meta.getModalRecord().getSampleId()).isEqualTo("7");
        assertThat(meta.getGridRecords(0).getDataStatsList()).allSatisfy(s -> assertThat(s.getType()).isEqualTo("string"));
        BatchSampleResponse images = client("s").getSamples(BatchSampleRequest.newBuilder().addSampleIds("3")
                .addSampleIds("not-a-number").addSampleIds("4").setOrigin("test").setResizeWidth(8).setResizeHeight(8).build());
        assertThat(images.getSamplesList()).extracting(s -> s.getSampleId()).containsExactly("3", "4");
        assertThat(images.getSamples(0).getRawData().size()).isPositive();
        assertThat(client("s").getSamples(BatchSampleRequest.newBuilder().addSampleIds("1").setOrigin("nowhere").build())
                .getSamplesCount()).isZero();

        DataSamplesResponse seen = client("s").getDataSamples(DataSamplesRequest.newBuilder().setRecordsCnt(1).build());
        query("s", "origin == 'train' and encounters > 0");
        String id = client("s").getDataSamples(DataSamplesRequest.newBuilder().setRecordsCnt(1).build())
                .getDataRecords(0).getSampleId();
        SampleHistoryResponse history = SampleServiceGrpc.newBlockingStub(training.channel()).getSampleHistory(
                SampleHistoryRequest.newBuilder().setOrigin("train").setSampleId(id).build());
        assertThat(history.getSuccess()).as(history.getMessage()).isTrue();
        assertThat(history.getStepsCount()).isPositive().isEqualTo(history.getLossesCount());
        assertThat(SampleServiceGrpc.newBlockingStub(training.channel()).getSampleHistory(SampleHistoryRequest.newBuilder()
                .setOrigin("train").setSampleId("9999999").build()).getSuccess()).isFalse();
        assertThat(seen.getSuccess()).isTrue();
        DataSamplesResponse invalid = client("s").getDataSamples(DataSamplesRequest.newBuilder().setStartIndex(-1)
                .setRecordsCnt(5).build());
        assertThat(invalid.getSuccess()).isFalse();
        assertThat(invalid.getMessage()).contains("start_index");
    }

    @Test
    void breakBySlicesGivesOneMeanLossCurvePerTag() {
        query("c", "origin == 'train' and encounters > 0");
        DataSamplesResponse page = client("c").getDataSamples(DataSamplesRequest.newBuilder().setRecordsCnt(50).build());
        DataEditsRequest.Builder tag = DataEditsRequest.newBuilder().setStatName("tag").setStringValue("slice")
                .setType(SampleEditType.EDIT_ACCUMULATE);
        page.getDataRecordsList().forEach(r -> tag.addSamplesIds(r.getSampleId()).addSampleOrigins("train"));
        assertThat(edit(tag).getSuccess()).isTrue();
        GetLatestLoggerDataResponse curves = client("c").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setBreakBySlices(true).addTags("slice").setGraphName("train/loss").build());
        assertThat(curves.getPointsList()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.getMetricName()).isEqualTo("train/loss/tag:slice");
            assertThat(p.getSampleCount()).isPositive();
        });
        assertThatThrownBy(() -> client("c").getLatestLoggerData(GetLatestLoggerDataRequest.newBuilder()
                .setBreakBySlices(true).addTags("no-such-tag").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
