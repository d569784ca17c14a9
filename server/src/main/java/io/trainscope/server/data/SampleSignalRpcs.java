package io.trainscope.server.data;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.samples.SampleSignals;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.weightslab.GetSignalTrajectoryRequest;
import io.trainscope.proto.weightslab.GetSignalTrajectoryResponse;
import io.trainscope.proto.weightslab.SignalTrajectory;
import io.trainscope.proto.weightslab.StepSamplesRequest;
import io.trainscope.proto.weightslab.StepSamplesResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * GetStepSamples and GetSignalTrajectory over the per-sample training loss, the one signal
 * recorded per sample: which samples a point of the loss curve averaged, and how chosen
 * samples' losses moved. Bad input gets {@code success=false} with what would be accepted.
 */
public final class SampleSignalRpcs {

    /** Names a WeightsLab client may use for the per-sample training loss (compared case-insensitively). */
    static final Set<String> LOSS_NAMES = Set.of("train/loss", "loss", "train_loss", "train_loss/sample", "sample_loss",
            "signals//loss", "signals//train_loss", "signals//train_loss/sample");
    static final String STORED_NAME = "train/loss";
    /** The split the training loss is recorded for; evaluations record other splits at the same steps. */
    static final String TRAIN = "train";
    static final int MAX_IDS = 1000;
    static final int DEFAULT_POINTS = 100;
    static final int MAX_POINTS = 10_000;
    /** As WeightsLab: a trajectory needs three points to be worth a line. */
    static final int MIN_POINTS = 3;

    private final SampleStore samples;

    public SampleSignalRpcs(SampleStore samples) {
        this.samples = requireNonNull(samples, "samples");
    }

    public StepSamplesResponse stepSamples(StepSamplesRequest request) {
        StepSamplesResponse.Builder reply = StepSamplesResponse.newBuilder().setSuccess(false);
        Optional<String> refusal = checkName(request.getMetricName(), "metric_name");
        if (refusal.isPresent()) {
            return reply.setMessage(refusal.get()).build();
        }
        if (request.getModelAge() < 0 || request.getMaxSamples() < 0) {
            return reply.setMessage("model_age (the step) and max_samples must not be negative, got "
                    + request.getModelAge() + " and " + request.getMaxSamples() + ".").build();
        }
        SampleSignals.AtStep atStep = samples.signals().atStep(TRAIN, request.getModelAge(), request.getMaxSamples());
        for (SampleSignals.StepValue value : atStep.values()) {
            reply.addSampleIds(Long.toString(value.key().sampleId())).addSampleValues(value.value());
        }
        String message = atStep.total() == 0
                ? "No per-sample data recorded for " + STORED_NAME + " at step " + request.getModelAge()
                : reply.getSampleIdsCount() + " of " + atStep.total() + " sample(s)";
        return reply.setSuccess(true).setTotalAvailable(atStep.total()).setMessage(message).build();
    }

    public GetSignalTrajectoryResponse trajectories(GetSignalTrajectoryRequest request) {
        GetSignalTrajectoryResponse.Builder reply = GetSignalTrajectoryResponse.newBuilder().setSuccess(false);
        Optional<String> refusal = checkName(request.getSignalName(), "signal_name");
        if (refusal.isPresent()) {
            return reply.setMessage(refusal.get()).build();
        }
        if (request.getSampleIdsCount() > MAX_IDS) {
            return reply.setMessage("At most " + MAX_IDS + " sample_ids per call, got " + request.getSampleIdsCount()
                    + "; ask in pages.").build();
        }
        List<Long> ids = new ArrayList<>();
        for (String id : request.getSampleIdsList()) {
            Optional<Long> parsed = DataRecords.parseId(id);
            if (parsed.isEmpty()) {
                return reply.setMessage("Sample id '" + id + "' is not a sample id (a whole number, e.g. 42).").build();
            }
            ids.add(parsed.get());
        }
        int points = request.getMaxPoints() <= 0 ? DEFAULT_POINTS : Math.min(request.getMaxPoints(), MAX_POINTS);
        SampleSignals.Trajectories read = samples.signals().trajectories(TRAIN, ids, points, MIN_POINTS);
        List<SampleSignals.Trajectory> found = read.found();
        for (SampleSignals.Trajectory t : found) {
            SignalTrajectory.Builder trajectory = SignalTrajectory.newBuilder().setSampleId(Long.toString(t.key().sampleId()));
            for (float v : t.values()) {
                trajectory.addValue(v);
            }
            reply.addTrajectories(trajectory);
        }
        String message = (found.isEmpty() ? "No sample has >= " + MIN_POINTS + " points for '" + STORED_NAME + "'"
                : found.size() + " trajectories for '" + STORED_NAME + "'")
                + (read.cut() ? " (read the " + SampleSignals.MAX_TRAJECTORIES
                        + " lowest ids with data; name sample_ids for others)" : "");
        return reply.setSuccess(true).setSignalName(STORED_NAME).setMessage(message).build();
    }

    private static Optional<String> checkName(String name, String field) {
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
            return Optional.of(field + " is required: per-sample data is recorded for '" + STORED_NAME + "'.");
        }
        if (!LOSS_NAMES.contains(trimmed.toLowerCase(Locale.ROOT))) {
            return Optional.of("No per-sample data for '" + trimmed + "': each sample's training loss is recorded, as '"
                    + STORED_NAME + "' (also accepted: " + String.join(", ", LOSS_NAMES.stream().sorted().toList()) + ").");
        }
        return Optional.empty();
    }
}
