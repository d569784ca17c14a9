package io.trainscope.server.data;

import io.trainscope.core.Experiment;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.SampleEditType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code EditDataSample}: turns WeightsLab's {@code stat_name} conventions into typed
 * {@link SampleEdit}s, waits until the edit is in the run's file, audits it, then answers.
 * Unlike WeightsLab, a tag edit sets (or removes) the tag rather than toggling it, and an edit
 * does not pause training: discarded samples are simply not drawn from the next batch on.
 */
final class DataEdits {

    private static final long EDIT_TIMEOUT_SECONDS = 60;
    private static final String SUPPORTED = "discarded, tag (or tag:<name>), __register_tag__, __discard_by_tag__,"
            + " __copy_metadata__, __delete_metadata__, __save_data_state__";

    private final Experiment experiment;

    DataEdits(Experiment experiment) {
        this.experiment = experiment;
    }

    DataEditsResponse edit(DataEditsRequest request, String caller) {
        String result;
        boolean success;
        try {
            SampleEdit edit = translate(request);
            if (edit == null) {
                success = true;
                result = request.getSamplesIdsCount() == 0 && isSampleEdit(request.getStatName()) ? "Edited 0 samples"
                        : "Data state is saved with every edit; nothing more to save.";
            } else {
                SampleEdit.Result done = experiment.samples().edit(edit).get(EDIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                success = true;
                result = done.message();
            }
        } catch (IllegalArgumentException e) {
            success = false;
            result = e.getMessage();
        } catch (ExecutionException | CompletionException e) {
            success = false;
            result = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        } catch (TimeoutException e) {
            success = false;
            result = "The edit was not written within " + EDIT_TIMEOUT_SECONDS + " s; it may still be applied: query again";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            success = false;
            result = "Interrupted while writing the edit";
        }
        audit(request, caller, (success ? "" : "refused: ") + result);
        return DataEditsResponse.newBuilder().setSuccess(success).setMessage(result).build();
    }

    /** The typed edit, or {@code null} when there is nothing to write. */
    private SampleEdit translate(DataEditsRequest request) {
        String name = request.getStatName().strip();
        switch (name) {
            case "__register_tag__":
                return new SampleEdit.RegisterTag(request.getStringValue());
            case "__discard_by_tag__":
                return new SampleEdit.DiscardByTag(request.getStringValue());
            case "__copy_metadata__":
                return new SampleEdit.CopyColumn(request.getStringValue(), experiment.runHash());
            case "__delete_metadata__":
                return new SampleEdit.DeleteColumn(request.getStringValue());
            case "__save_data_state__":
            case "__force_h5_write_and_save__":
                return null;
            case "__save_step_signal_snapshot__":
                throw new IllegalArgumentException("__save_step_signal_snapshot__ is not supported: every sample's loss"
                        + " history is kept already (GetSampleHistory)");
            default:
                break;
        }
        if (!isSampleEdit(name)) {
            throw new IllegalArgumentException("Cannot edit '" + name + "': stat_name must be one of " + SUPPORTED);
        }
        if (request.getIsCategorical()) {
            throw new IllegalArgumentException("Categorical tags are not supported; use boolean tags (is_categorical=false)");
        }
        if (name.toLowerCase(Locale.ROOT).startsWith("tag") && request.getType() == SampleEditType.EDIT_REMOVE
                && request.getFloatValue() == -1f) {
            return new SampleEdit.DeleteColumn(name.startsWith("tag:") ? name : "tag:" + request.getStringValue().strip());
        }
        List<SampleKey> keys = keys(request);
        if (keys.isEmpty()) {
            return null;
        }
        if (name.equals("discarded")) {
            return new SampleEdit.SetDiscarded(keys, request.getBoolValue());
        }
        String tag = request.getStringValue().isBlank() && name.startsWith("tag:") ? name : request.getStringValue();
        if (tag.isBlank()) {
            throw new IllegalArgumentException("Name the tag in string_value; nothing was changed");
        }
        return new SampleEdit.SetTag(keys, tag, request.getType() != SampleEditType.EDIT_REMOVE);
    }

    private static boolean isSampleEdit(String name) {
        return name.equals("discarded") || name.toLowerCase(Locale.ROOT).startsWith("tag");
    }

    /** Ids paired with origins by position; one origin may stand for all ids. */
    private static List<SampleKey> keys(DataEditsRequest request) {
        int ids = request.getSamplesIdsCount();
        int origins = request.getSampleOriginsCount();
        if (ids > 0 && origins != ids && origins != 1) {
            throw new IllegalArgumentException("sample_origins must give the split of each of the " + ids + " ids (or one"
                    + " split for all), not " + origins + "; nothing was changed");
        }
        List<SampleKey> keys = new ArrayList<>(ids);
        for (int i = 0; i < ids; i++) {
            String id = request.getSamplesIds(i);
            long value = DataRecords.parseId(id).orElseThrow(() -> new IllegalArgumentException(
                    "sample id '" + id + "' is not a number; nothing was changed"));
            keys.add(new SampleKey(request.getSampleOrigins(origins == 1 ? 0 : i), value));
        }
        return keys;
    }

    private void audit(DataEditsRequest request, String caller, String result) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("stat_name", request.getStatName());
        parameters.put("type", request.getType().name());
        if (!request.getStringValue().isEmpty()) {
            parameters.put("string_value", request.getStringValue());
        }
        if (request.getStatName().equals("discarded")) {
            parameters.put("bool_value", String.valueOf(request.getBoolValue()));
        }
        parameters.put("samples", String.valueOf(request.getSamplesIdsCount()));
        List<String> first = request.getSamplesIdsList().subList(0, Math.min(10, request.getSamplesIdsCount()));
        if (!first.isEmpty()) {
            parameters.put("first_ids", String.join(",", first));
        }
        experiment.audit().record(new AuditEntry(Instant.now(), "data_edit", parameters, caller, result));
    }
}
