package io.trainscope.server.experiment;

import static java.util.Objects.requireNonNull;

import io.grpc.stub.StreamObserver;
import io.trainscope.core.Experiment;
import io.trainscope.core.checkpoints.Checkpoint;
import io.trainscope.proto.v1.CheckpointInfo;
import io.trainscope.proto.v1.ListCheckpointsRequest;
import io.trainscope.proto.v1.ListCheckpointsResponse;
import io.trainscope.proto.v1.RunServiceGrpc;
import io.trainscope.server.data.OffEventLoop;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code trainscope.v1.RunService}: every checkpoint of the run's branches and where each branch started, for the runs panel. */
public final class RunServiceImpl extends RunServiceGrpc.RunServiceImplBase {

    private final Experiment experiment;

    public RunServiceImpl(Experiment experiment) {
        this.experiment = requireNonNull(experiment, "experiment");
    }

    @Override
    public void listCheckpoints(ListCheckpointsRequest request, StreamObserver<ListCheckpointsResponse> response) {
        OffEventLoop.answer(response, () -> list(request.getRunHash().strip()));
    }

    private ListCheckpointsResponse list(String runHash) {
        String current = experiment.runHash();
        List<Checkpoint> checkpoints = experiment.checkpoints().list().stream()
                .filter(c -> runHash.isEmpty() || c.runHash().equals(runHash)).toList();
        ListCheckpointsResponse.Builder reply = ListCheckpointsResponse.newBuilder().setCurrentRunHash(current);
        Set<String> runs = new LinkedHashSet<>();
        for (Checkpoint c : checkpoints) {
            String parent = experiment.runNotes().parent(c.runHash()).orElse("");
            reply.addCheckpoints(CheckpointInfo.newBuilder().setRunHash(c.runHash()).setStep(c.step())
                    .setCreated(c.created().toString()).setParent(parent).setId(c.id()));
            runs.add(c.runHash());
        }
        runs.add(current);
        for (String run : runs) {
            experiment.runNotes().parent(run).ifPresent(parent -> reply.putParents(run, parent));
        }
        return reply.build();
    }
}
