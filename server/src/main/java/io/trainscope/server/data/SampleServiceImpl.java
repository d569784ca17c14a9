package io.trainscope.server.data;

import io.grpc.stub.StreamObserver;
import io.trainscope.core.samples.SampleHistory;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleRecord;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.proto.v1.SampleHistoryRequest;
import io.trainscope.proto.v1.SampleHistoryResponse;
import io.trainscope.proto.v1.SampleServiceGrpc;
import java.util.Optional;

/** {@code trainscope.v1.SampleService}: one sample's loss history, for the dashboard's sample view. */
public final class SampleServiceImpl extends SampleServiceGrpc.SampleServiceImplBase {

    private final SampleStore samples;

    public SampleServiceImpl(SampleStore samples) {
        this.samples = samples;
    }

    @Override
    public void getSampleHistory(SampleHistoryRequest request, StreamObserver<SampleHistoryResponse> response) {
        OffEventLoop.answer(response, () -> history(request));
    }

    private SampleHistoryResponse history(SampleHistoryRequest request) {
        SampleHistoryResponse.Builder reply = SampleHistoryResponse.newBuilder();
        Optional<Long> id = DataRecords.parseId(request.getSampleId());
        if (id.isEmpty()) {
            return reply.setSuccess(false).setMessage("sample_id '" + request.getSampleId() + "' is not a number").build();
        }
        SampleKey key = new SampleKey(request.getOrigin(), id.get());
        Optional<SampleRecord> row = samples.views().find(key);
        if (row.isEmpty()) {
            return reply.setSuccess(false).setMessage("No sample " + key + "; splits are " + samples.origins()).build();
        }
        samples.flush().join();
        SampleHistory history = samples.analysis().history(key, SampleSignalRpcs.TRAIN, request.getMaxPoints());
        for (int i = 0; i < history.steps().length; i++) {
            reply.addSteps(history.steps()[i]).addLosses(history.losses()[i]).addPredictions(history.predictions()[i]);
        }
        SampleRecord sample = row.get();
        return reply.setSuccess(true).setMessage(history.steps().length + " recorded steps")
                .setLabel(sample.label() == null ? -1 : sample.label()).setDiscarded(sample.discarded())
                .addAllTags(sample.tags()).build();
    }
}
