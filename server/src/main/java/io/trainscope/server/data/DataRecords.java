package io.trainscope.server.data;

import com.google.protobuf.ByteString;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleRecord;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.weightslab.BatchSampleRequest;
import io.trainscope.proto.weightslab.BatchSampleResponse;
import io.trainscope.proto.weightslab.DataRecord;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.DataSamplesResponse;
import io.trainscope.proto.weightslab.DataStat;
import io.trainscope.proto.weightslab.GetMetaDataRequest;
import io.trainscope.proto.weightslab.GetMetaDataResponse;
import io.trainscope.proto.weightslab.SampleRequestResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pages of the sample table as WeightsLab records: {@code GetDataSamples} (statistics and
 * thumbnails), {@code GetMetaData} (every column as text) and {@code GetSamples} (images).
 */
final class DataRecords {

    /** A page larger than this is refused: it would be a dump, not a page. */
    static final int MAX_PAGE = 10_000;
    private static final Set<String> NOT_METADATA = Set.of("sample_id", "prediction");

    private final SampleStore samples;
    private final SampleImages images;

    DataRecords(SampleStore samples, SampleImages images) {
        this.samples = samples;
        this.images = images;
    }

    DataSamplesResponse dataSamples(String client, DataSamplesRequest request) {
        DataSamplesResponse.Builder reply = DataSamplesResponse.newBuilder();
        if (request.getStartIndex() < 0 || request.getRecordsCnt() <= 0 || request.getRecordsCnt() > MAX_PAGE) {
            return reply.setSuccess(false).setMessage("Invalid start_index or records_cnt: start_index must be >= 0 and"
                    + " records_cnt between 1 and " + MAX_PAGE).build();
        }
        List<SampleRecord> page = samples.views().page(client, request.getStartIndex(), request.getRecordsCnt());
        if (page.isEmpty()) {
            long all = samples.views().counts(client).all();
            return reply.setSuccess(false).setMessage(all == 0 ? "The current view is empty: send @reset or a wider query"
                    : "No samples found at index " + request.getStartIndex() + ":" + (request.getStartIndex()
                            + request.getRecordsCnt()) + " (the view has " + all + ")").build();
        }
        List<Optional<SampleImages.Thumbnail>> thumbnails = request.getIncludeRawData()
                ? images.thumbnails(page.stream().map(SampleRecord::key).toList(), request.getResizeWidth(),
                        request.getResizeHeight()).join()
                : null;
        for (int i = 0; i < page.size(); i++) {
            DataRecord.Builder record = statistics(page.get(i));
            if (thumbnails != null) {
                thumbnails.get(i).ifPresent(t -> record.addDataStats(DataStat.newBuilder().setName("raw_data")
                        .setType("bytes").addShape(t.height()).addShape(t.width()).addShape(t.channels())
                        .setThumbnail(ByteString.copyFrom(t.png()))));
            }
            reply.addDataRecords(record);
        }
        return reply.setSuccess(true).setMessage("Retrieved " + page.size() + " data records").build();
    }

    /** Every statistic of a row, typed as WeightsLab types them. */
    private static DataRecord.Builder statistics(SampleRecord row) {
        DataRecord.Builder record = DataRecord.newBuilder().setSampleId(Long.toString(row.sampleId()));
        record.addDataStats(text("origin", row.origin()));
        record.addDataStats(text("task_type", "classification"));
        record.addDataStats(text("discarded", row.discarded() ? "1" : "0"));
        scalar(record, "target", row.label());
        scalar(record, "pred", row.prediction());
        scalar(record, "loss", row.loss());
        scalar(record, "confidence", row.confidence());
        scalar(record, "encounters", row.encounters());
        scalar(record, "last_step", row.lastStep());
        record.addDataStats(text("tags", String.join(",", row.tags())));
        for (String tag : row.tags()) {
            record.addDataStats(text("tag:" + tag, "1"));
        }
        for (Map.Entry<String, Object> column : row.metadata().entrySet()) {
            if (column.getValue() instanceof Number number) {
                scalar(record, column.getKey(), number);
            } else {
                record.addDataStats(text(column.getKey(), String.valueOf(column.getValue())));
            }
        }
        return record;
    }

    GetMetaDataResponse metaData(String client, GetMetaDataRequest request) {
        GetMetaDataResponse.Builder reply = GetMetaDataResponse.newBuilder();
        long all = samples.views().counts(client).all();
        if (all == 0) {
            return reply.setSuccess(false).setMessage("The current view is empty: send @reset or a wider query").build();
        }
        for (String column : samples.views().columnNames()) {
            if (!NOT_METADATA.contains(column)) {
                reply.addAllMetadataNames(column);
            }
        }
        int count = Math.min(Math.max(request.getRecordsCnt(), 0), MAX_PAGE);
        if (count > 0) {
            for (SampleRecord row : samples.views().page(client, Math.max(0, request.getStartIndex()), count)) {
                reply.addGridRecords(asText(row));
            }
        }
        if (!request.getModalSampleId().isEmpty()) {
            parseId(request.getModalSampleId()).flatMap(id -> samples.origins().stream()
                    .map(origin -> samples.views().find(new SampleKey(origin, id)))
                    .flatMap(Optional::stream).findFirst())
                    .ifPresent(row -> reply.setModalRecord(asText(row)));
        }
        return reply.setSuccess(true).setMessage("Retrieved metadata of " + reply.getGridRecordsCount() + " records").build();
    }

    /** A row with every value as text, as WeightsLab's metadata grid has it. */
    private static DataRecord asText(SampleRecord row) {
        DataRecord.Builder record = DataRecord.newBuilder().setSampleId(Long.toString(row.sampleId()));
        record.addDataStats(text("origin", row.origin()));
        addIfPresent(record, "label", row.label());
        addIfPresent(record, "target", row.label());
        addIfPresent(record, "prediction", row.prediction());
        addIfPresent(record, "confidence", row.confidence());
        addIfPresent(record, "loss", row.loss());
        addIfPresent(record, "encounters", row.encounters());
        addIfPresent(record, "last_step", row.lastStep());
        record.addDataStats(text("discarded", row.discarded() ? "1" : "0"));
        for (String tag : row.tags()) {
            record.addDataStats(text("tag:" + tag, "1"));
        }
        row.metadata().forEach((name, value) -> addIfPresent(record, name, value));
        return record.build();
    }

    private static void addIfPresent(DataRecord.Builder record, String name, Object value) {
        if (value == null || (value instanceof Float f && f.isNaN()) || (value instanceof Double d && d.isNaN())) {
            return;
        }
        String text = value instanceof Float || value instanceof Double
                ? new java.math.BigDecimal(((Number) value).doubleValue()).setScale(7, java.math.RoundingMode.HALF_EVEN)
                        .stripTrailingZeros().toPlainString()
                : String.valueOf(value);
        record.addDataStats(text(name, text.length() > 512 ? text.substring(0, 512) : text));
    }

    BatchSampleResponse batchSamples(BatchSampleRequest request) {
        BatchSampleResponse.Builder reply = BatchSampleResponse.newBuilder();
        if (!images.has(request.getOrigin())) {
            return reply.build(); // WeightsLab: an unknown origin gives an empty response
        }
        boolean resize = request.hasResizeWidth() && request.hasResizeHeight();
        List<SampleKey> keys = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String id : request.getSampleIdsList()) {
            parseId(id).ifPresent(value -> {
                keys.add(new SampleKey(request.getOrigin(), value));
                ids.add(id);
            });
        }
        List<Optional<SampleImages.Thumbnail>> thumbnails = images.thumbnails(keys,
                resize ? request.getResizeWidth() : -100, resize ? request.getResizeHeight() : -100).join();
        for (int i = 0; i < keys.size(); i++) {
            SampleKey key = keys.get(i);
            Optional<SampleImages.Thumbnail> image = thumbnails.get(i);
            if (image.isEmpty()) {
                continue; // WeightsLab leaves out samples that fail
            }
            int label = samples.views().find(key).map(SampleRecord::label).orElse(-1);
            ByteString png = ByteString.copyFrom(image.get().png());
            reply.addSamples(SampleRequestResponse.newBuilder().setSampleId(ids.get(i)).setOrigin(key.origin())
                    .setLabel(label).setData(png).setRawData(png));
        }
        return reply.build();
    }

    static Optional<Long> parseId(String id) {
        try {
            return Optional.of(Long.parseLong(id.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static DataStat text(String name, String value) {
        return DataStat.newBuilder().setName(name).setType("string").addShape(1).setValueString(value).build();
    }

    private static void scalar(DataRecord.Builder record, String name, Number value) {
        if (value != null) {
            record.addDataStats(DataStat.newBuilder().setName(name).setType("scalar").addShape(1)
                    .addValue(value.floatValue()));
        }
    }
}
