package io.trainscope.core.live;

import io.trainscope.core.audit.AuditEntry;
import io.trainscope.core.control.RunStatus;
import java.util.OptionalDouble;

/**
 * A durable message of the live feed: kept in the {@link EventLog} and replayed to a
 * subscriber that reconnects, so it never misses a status change, an epoch, a step's scalars
 * or an entry of the audit log.
 */
public sealed interface LiveEvent {

    /** The run changed state. */
    record StatusChange(RunStatus status, String message, long step) implements LiveEvent {}

    /** Loss, accuracy and learning rate of one training step. */
    record StepScalars(long step, int epoch, float loss, float accuracy, float learningRate, int batchSize)
            implements LiveEvent {}

    /** Aggregates of one finished epoch. */
    record EpochSummary(
            int epoch,
            double averageLoss,
            double averageAccuracy,
            double learningRate,
            OptionalDouble validationLoss,
            OptionalDouble validationAccuracy,
            long step,
            int batches,
            double seconds)
            implements LiveEvent {}

    /** A steering action or note was recorded in the run's audit log (by any client); it is on disk already. */
    record AuditRecorded(AuditEntry entry) implements LiveEvent {}
}
