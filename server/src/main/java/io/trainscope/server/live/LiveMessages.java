package io.trainscope.server.live;

import io.trainscope.core.RunDescription;
import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.control.RunStatus;
import io.trainscope.core.live.BatchFrame;
import io.trainscope.core.live.LiveEvent;
import io.trainscope.core.live.PerformanceSample;
import io.trainscope.core.live.Sequenced;
import io.trainscope.proto.v1.AuditLogEntry;
import io.trainscope.proto.v1.BatchData;
import io.trainscope.proto.v1.EpochData;
import io.trainscope.proto.v1.MetricsResponse;
import io.trainscope.proto.v1.PerformanceData;
import io.trainscope.proto.v1.Prediction;
import io.trainscope.proto.v1.ResourceUsage;
import io.trainscope.proto.v1.ScalarData;
import io.trainscope.proto.v1.StatusUpdate;
import io.trainscope.proto.v1.TrainingConfig;
import io.trainscope.proto.v1.TrainingStatus;

/** Translates the core's live records into the messages of {@code trainscope.v1}. */
final class LiveMessages {

    private final ImageEncoder images = new ImageEncoder(100_000);
    /** The last frame converted: every subscriber that takes the same frame shares one message. */
    private volatile Converted lastFrame;

    private record Converted(BatchFrame frame, MetricsResponse message) {}

    MetricsResponse frame(BatchFrame frame) {
        Converted last = lastFrame;
        if (last != null && last.frame == frame) {
            return last.message;
        }
        BatchData.Builder b = BatchData.newBuilder()
                .setEpoch(frame.epoch())
                .setBatchIdx(frame.batchIndex())
                .setBatchSize(frame.batchSize())
                .setGlobalStep(frame.step())
                .setBatchLoss(frame.loss())
                .setBatchAccuracy(frame.accuracy())
                .setServerTimestampUs(frame.timestampMicros());
        for (int i = 0; i < frame.images().size(); i++) {
            b.addImages(images.encode(frame.images().get(i)));
            b.addSampleIds(frame.images().get(i).sampleId());
            b.addPredictions(Prediction.newBuilder().setPredictedClass(frame.predictions()[i])
                    .setConfidence(frame.confidences()[i]));
            b.addGroundTruth(frame.labels()[i]);
        }
        MetricsResponse message = MetricsResponse.newBuilder().setBatchData(b).build();
        lastFrame = new Converted(frame, message);
        return message;
    }

    static MetricsResponse event(Sequenced sequenced, RunDescription description) {
        MetricsResponse.Builder m = MetricsResponse.newBuilder().setSequence(sequenced.sequence());
        LiveEvent event = sequenced.event();
        if (event instanceof LiveEvent.StatusChange s) {
            m.setStatusUpdate(StatusUpdate.newBuilder()
                    .setStatus(status(s.status()))
                    .setMessage(s.message())
                    .setGlobalStep(s.step())
                    .setConfig(config(description)));
        } else if (event instanceof LiveEvent.StepScalars s) {
            m.setScalarData(ScalarData.newBuilder()
                    .setGlobalStep(s.step())
                    .setEpoch(s.epoch())
                    .setLoss(s.loss())
                    .setAccuracy(s.accuracy())
                    .setLearningRate(s.learningRate())
                    .setBatchSize(s.batchSize()));
        } else if (event instanceof LiveEvent.EpochSummary e) {
            EpochData.Builder b = EpochData.newBuilder()
                    .setEpoch(e.epoch())
                    .setAverageLoss((float) e.averageLoss())
                    .setAverageAccuracy((float) e.averageAccuracy())
                    .setLearningRate((float) e.learningRate())
                    .setGlobalStep(e.step())
                    .setBatches(e.batches())
                    .setDurationSeconds((float) e.seconds());
            e.validationLoss().ifPresent(v -> b.setValidationLoss((float) v));
            e.validationAccuracy().ifPresent(v -> b.setValidationAccuracy((float) v));
            m.setEpochData(b);
        } else if (event instanceof LiveEvent.AuditRecorded a) {
            m.setAuditEntry(auditEntry(a.entry()));
        }
        return m.build();
    }

    static AuditLogEntry auditEntry(AuditEntry e) {
        return AuditLogEntry.newBuilder().setTime(e.time().toString()).setAction(e.action())
                .putAllParameters(e.parameters()).setCaller(e.caller()).setResult(e.result()).build();
    }

    static MetricsResponse performance(PerformanceSample p, long droppedFrames, long publishedFrames) {
        return MetricsResponse.newBuilder().setPerformanceData(PerformanceData.newBuilder()
                .setTimePerBatchMs((float) p.timePerBatchMs())
                .setCurrentFps((float) p.currentFps())
                .setAverageFps((float) p.averageFps())
                .setGlobalStep(p.step())
                .setDroppedFrames(droppedFrames)
                .setPublishedFrames(publishedFrames)
                .setResourceUsage(ResourceUsage.newBuilder()
                        .setCpuPercent((float) p.cpuPercent())
                        .setMemoryUsedMb((float) p.heapUsedMb())
                        .setMemoryTotalMb((float) p.heapCommittedMb())
                        .setResidentMb((float) p.residentMb())))
                .build();
    }

    static TrainingConfig config(RunDescription d) {
        return TrainingConfig.newBuilder()
                .setModelName(d.modelName())
                .setDatasetName(d.datasetName())
                .setTotalEpochs(d.totalEpochs())
                .setBatchSize(d.batchSize())
                .setLearningRate(d.learningRate())
                .setStepsPerEpoch(d.stepsPerEpoch())
                .setTrainSamples(d.trainSamples())
                .addAllClassNames(d.classNames())
                .setOptimizer(d.optimizer())
                .build();
    }

    static TrainingStatus status(RunStatus status) {
        return switch (status) {
            case INITIALIZING -> TrainingStatus.INITIALIZING;
            case RUNNING -> TrainingStatus.RUNNING;
            case PAUSED -> TrainingStatus.PAUSED;
            case COMPLETED -> TrainingStatus.COMPLETED;
            case FAILED -> TrainingStatus.FAILED;
            case STOPPED -> TrainingStatus.STOPPED;
        };
    }
}
