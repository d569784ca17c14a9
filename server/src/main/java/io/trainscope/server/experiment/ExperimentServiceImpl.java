package io.trainscope.server.experiment;

import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.trainscope.core.Experiment;
import io.trainscope.core.eval.EvaluationQueue;
import io.trainscope.core.control.Steering;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.core.model.ModelLayers;
import io.trainscope.proto.weightslab.ActivationRequest;
import io.trainscope.proto.weightslab.ActivationResponse;
import io.trainscope.proto.weightslab.BatchSampleRequest;
import io.trainscope.proto.weightslab.BatchSampleResponse;
import io.trainscope.proto.weightslab.CancelEvaluationRequest;
import io.trainscope.proto.weightslab.CancelEvaluationResponse;
import io.trainscope.proto.weightslab.GetEvaluationStatusRequest;
import io.trainscope.proto.weightslab.GetEvaluationStatusResponse;
import io.trainscope.proto.weightslab.TriggerEvaluationRequest;
import io.trainscope.proto.weightslab.TriggerEvaluationResponse;
import io.trainscope.proto.weightslab.CommandResponse;
import io.trainscope.proto.weightslab.DataEditsRequest;
import io.trainscope.proto.weightslab.DataEditsResponse;
import io.trainscope.proto.weightslab.DataQueryRequest;
import io.trainscope.proto.weightslab.DataQueryResponse;
import io.trainscope.proto.weightslab.DataSamplesRequest;
import io.trainscope.proto.weightslab.DataSamplesResponse;
import io.trainscope.proto.weightslab.DataSplitsResponse;
import io.trainscope.proto.weightslab.Empty;
import io.trainscope.proto.weightslab.GetMetaDataRequest;
import io.trainscope.proto.weightslab.GetSignalTrajectoryRequest;
import io.trainscope.proto.weightslab.GetSignalTrajectoryResponse;
import io.trainscope.proto.weightslab.GetMetaDataResponse;
import io.trainscope.proto.weightslab.HistogramRequest;
import io.trainscope.proto.weightslab.HistogramResponse;
import io.trainscope.proto.weightslab.ListExperimentRunsRequest;
import io.trainscope.proto.weightslab.ListExperimentRunsResponse;
import io.trainscope.proto.weightslab.RenameExperimentRunRequest;
import io.trainscope.proto.weightslab.RenameExperimentRunResponse;
import io.trainscope.proto.weightslab.RestoreCheckpointRequest;
import io.trainscope.proto.weightslab.RestoreCheckpointResponse;
import io.trainscope.proto.weightslab.SetExperimentRunNotesRequest;
import io.trainscope.proto.weightslab.SetExperimentRunNotesResponse;
import io.trainscope.proto.weightslab.StepSamplesRequest;
import io.trainscope.proto.weightslab.StepSamplesResponse;
import io.trainscope.proto.weightslab.ExperimentServiceGrpc;
import io.trainscope.proto.weightslab.GetLatestLoggerDataRequest;
import io.trainscope.proto.weightslab.GetLatestLoggerDataResponse;
import io.trainscope.proto.weightslab.HyperParameters;
import io.trainscope.proto.weightslab.TrainerCommand;
import io.trainscope.proto.weightslab.WeightsOperationRequest;
import io.trainscope.proto.weightslab.WeightsOperationResponse;
import io.trainscope.proto.weightslab.WeightsRequest;
import io.trainscope.proto.weightslab.WeightsResponse;
import io.trainscope.server.auth.Callers;
import io.trainscope.server.data.DataService;
import io.trainscope.server.data.OffEventLoop;
import io.trainscope.server.data.SampleSignalRpcs;
import io.trainscope.server.data.SampleImages;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;

/**
 * WeightsLab's {@code ExperimentService} over one {@link Experiment}. Methods not implemented
 * yet answer UNIMPLEMENTED (the generated base class), as WeightsLab's own server does for
 * the methods it lacks.
 */
public final class ExperimentServiceImpl extends ExperimentServiceGrpc.ExperimentServiceImplBase {

    /** A client may name itself so its incremental cursor survives reconnections. */
    private static final Metadata.Key<String> CLIENT_ID = Metadata.Key.of("x-trainscope-client-id",
            Metadata.ASCII_STRING_MARSHALLER);

    /** Asks GetHistogram for WeightsLab's row-order bins instead of value bins. */
    private static final String ROW_ORDER_BINS_HEADER = "x-trainscope-histogram-bins";

    private final Experiment experiment;
    private final LoggerData loggerData;
    private final DataService data;
    private final CheckpointRpcs checkpoints;
    private final EvaluationRpcs evaluations;
    private final ModelRpcs modelRpcs;
    private final PointNotes notes;
    private final SampleSignalRpcs sampleSignals;
    private final WeightOperations weightOperations;
    private final BoundaryWait boundary;

    public ExperimentServiceImpl(Experiment experiment, DataService data, SampleImages images) {
        this.experiment = experiment;
        this.loggerData = new LoggerData(experiment.signals());
        this.data = data;
        this.checkpoints = new CheckpointRpcs(experiment);
        this.notes = new PointNotes(experiment);
        this.evaluations = new EvaluationRpcs(experiment);
        this.modelRpcs = new ModelRpcs(experiment, images);
        this.sampleSignals = new SampleSignalRpcs(experiment.samples());
        this.weightOperations = new WeightOperations(experiment);
        this.boundary = new BoundaryWait(experiment);
    }

    /** Reads the optional client id header into the call's context, for {@link #getLatestLoggerData}. */
    public static ServerInterceptor clientIdReader() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String id = headers.get(CLIENT_ID);
                return id == null ? next.startCall(call, headers)
                        : Contexts.interceptCall(Context.current().withValue(CLIENT_ID_CONTEXT, id), call, headers, next);
            }
        };
    }

    private static final Context.Key<String> CLIENT_ID_CONTEXT = Context.key("trainscope-client-id");

    @Override
    public void getLatestLoggerData(GetLatestLoggerDataRequest request,
            StreamObserver<GetLatestLoggerDataResponse> response) {
        if (request.getBreakBySlices()) {
            OffEventLoop.answer(response, () -> data.tagCurves(request));
            return;
        }
        String client = clientKey();
        try {
            response.onNext(loggerData.answer(request, client));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    /** Whose view or cursor a call uses: the client id header when sent, else the caller's token name. */
    private static String clientKey() {
        return CLIENT_ID_CONTEXT.get() != null ? "id:" + CLIENT_ID_CONTEXT.get() : Callers.current();
    }

    @Override
    public void applyDataQuery(DataQueryRequest request, StreamObserver<DataQueryResponse> response) {
        String client = clientKey();
        OffEventLoop.answer(response, () -> data.applyDataQuery(client, request));
    }

    @Override
    public void getDataSamples(DataSamplesRequest request, StreamObserver<DataSamplesResponse> response) {
        String client = clientKey();
        OffEventLoop.answer(response, () -> data.getDataSamples(client, request));
    }

    @Override
    public void getMetaData(GetMetaDataRequest request, StreamObserver<GetMetaDataResponse> response) {
        String client = clientKey();
        OffEventLoop.answer(response, () -> data.getMetaData(client, request));
    }

    @Override
    public void getSamples(BatchSampleRequest request, StreamObserver<BatchSampleResponse> response) {
        OffEventLoop.answer(response, () -> data.getSamples(request));
    }

    @Override
    public void getHistogram(HistogramRequest request, StreamObserver<HistogramResponse> response) {
        String client = clientKey();
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        boolean byRowOrder = ctx != null && "rows".equalsIgnoreCase(ctx.request().headers().get(ROW_ORDER_BINS_HEADER));
        OffEventLoop.answer(response, () -> data.getHistogram(client, request, byRowOrder));
    }

    @Override
    public void getStepSamples(StepSamplesRequest request, StreamObserver<StepSamplesResponse> response) {
        OffEventLoop.answer(response, () -> sampleSignals.stepSamples(request));
    }

    @Override
    public void getSignalTrajectory(GetSignalTrajectoryRequest request,
            StreamObserver<GetSignalTrajectoryResponse> response) {
        OffEventLoop.answer(response, () -> sampleSignals.trajectories(request));
    }

    @Override
    public void getDataSplits(Empty request, StreamObserver<DataSplitsResponse> response) {
        String client = clientKey();
        OffEventLoop.answer(response, () -> data.getDataSplits(client));
    }

    @Override
    public void editDataSample(DataEditsRequest request, StreamObserver<DataEditsResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> data.editDataSample(request, caller));
    }

    @Override
    public void getWeights(WeightsRequest request, StreamObserver<WeightsResponse> response) {
        OffEventLoop.answer(response, () -> modelRpcs.weights(request));
    }

    @Override
    public void manipulateWeights(WeightsOperationRequest request, StreamObserver<WeightsOperationResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> weightOperations.manipulate(request, caller));
    }

    @Override
    public void getActivations(ActivationRequest request, StreamObserver<ActivationResponse> response) {
        OffEventLoop.answer(response, () -> modelRpcs.activations(request));
    }

    @Override
    public void restoreCheckpoint(RestoreCheckpointRequest request, StreamObserver<RestoreCheckpointResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> {
            CheckpointRpcs.Outcome outcome = checkpoints.restore(request.getExperimentHash(), caller);
            return RestoreCheckpointResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message()).build();
        });
    }

    @Override
    public void listExperimentRuns(ListExperimentRunsRequest request, StreamObserver<ListExperimentRunsResponse> response) {
        OffEventLoop.answer(response, checkpoints::list);
    }

    @Override
    public void renameExperimentRun(RenameExperimentRunRequest request, StreamObserver<RenameExperimentRunResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> {
            CheckpointRpcs.Outcome outcome = checkpoints.rename(request.getExperimentHash(), request.getNewName(), caller);
            return RenameExperimentRunResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message()).build();
        });
    }

    @Override
    public void setExperimentRunNotes(SetExperimentRunNotesRequest request,
            StreamObserver<SetExperimentRunNotesResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> {
            CheckpointRpcs.Outcome outcome = checkpoints.setNotes(request.getExperimentHash(), request.getNotes(), caller);
            return SetExperimentRunNotesResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message())
                    .build();
        });
    }

    private static CommandResponse commandReply(CheckpointRpcs.Outcome outcome) {
        return CommandResponse.newBuilder().setSuccess(outcome.success()).setMessage(outcome.message()).build();
    }

    @Override
    public void experimentCommand(TrainerCommand request, StreamObserver<CommandResponse> response) {
        String caller = Callers.current();
        // WeightsLab's order: the first write request present wins; otherwise it is a read.
        if (request.hasRestartOperation()) {
            reply(response, false, "Restart over the API is not supported: stop the process and start it again"
                    + " (the run directory keeps the audit log).");
        } else if (request.hasSaveCheckpointOperation()) {
            OffEventLoop.answer(response, () -> commandReply(checkpoints.save(caller)));
        } else if (request.hasLoadCheckpointOperation()) {
            int step = request.getLoadCheckpointOperation().getCheckpointId();
            OffEventLoop.answer(response, () -> commandReply(checkpoints.load(step, caller)));
        } else if (request.hasPlotNoteOperation()) {
            OffEventLoop.answer(response, () -> notes.write(request.getPlotNoteOperation(), caller));
        } else if (request.hasHyperParameterChange()) {
            changeHyperParameters(request.getHyperParameterChange().getHyperParameters(), caller, response);
        } else {
            read(request, response);
        }
    }

    private void read(TrainerCommand request, StreamObserver<CommandResponse> response) {
        CommandResponse.Builder reply = CommandResponse.newBuilder().setSuccess(true);
        if (request.getGetHyperParameters()) {
            reply.addAllHyperParametersDescs(HyperParameterMessages.describe(experiment));
        }
        if (request.hasGetDataRecords()) {
            reply.setSuccess(false).setMessage("get_data_records is not served: GetDataSamples returns the same per-sample records, paged over your view.");
        }
        if (!request.getGetInteractiveLayers() && !request.hasGetSingleLayerInfoId()) {
            response.onNext(reply.build());
            response.onCompleted();
            return;
        }
        OffEventLoop.answer(response, () -> addLayers(reply, request));
    }

    /** The model's layers (all, or the one asked for), read on the training thread between two steps. */
    private CommandResponse addLayers(CommandResponse.Builder reply, TrainerCommand request) {
        Optional<ModelLayers> model = experiment.model();
        if (model.isEmpty()) {
            return reply.setSuccess(false).setMessage("The model is not built yet: ask again once training has started.")
                    .build();
        }
        try {
            LayerMessages.addLayers(reply, boundary.await(experiment.gate().submit(step -> LayerMessages.read(model.get()))),
                    request.hasGetSingleLayerInfoId() ? OptionalInt.of(request.getGetSingleLayerInfoId()) : OptionalInt.empty());
        } catch (ExecutionException e) {
            reply.setSuccess(false).setMessage("Could not read the model's layers: " + e.getCause());
        } catch (BoundaryWait.NotRun e) {
            reply.setSuccess(false).setMessage("Could not read the model's layers: " + e.getMessage());
        }
        return reply.build();
    }

    private void changeHyperParameters(HyperParameters hp, String caller, StreamObserver<CommandResponse> response) {
        if (!hp.getUnknownFields().asMap().isEmpty()) {
            reply(response, false, "Unknown hyperparameter field(s) " + hp.getUnknownFields().asMap().keySet()
                    + ": this server knows the fields of WeightsLab's HyperParameters; nothing was changed.");
            return;
        }
        if (hp.hasEvaluationConfig()) {
            OffEventLoop.answer(response, () -> evaluationConfig(hp, caller));
            return;
        }
        OffEventLoop.answer(response, () -> applyHyperParameters(hp, caller));
    }

    /** Applies the change at the next step boundary; a call that ends before it withdraws the change. */
    private CommandResponse applyHyperParameters(HyperParameters hp, String caller) {
        HyperParameterUpdate update = HyperParameterMessages.update(hp);
        Optional<Boolean> training = hp.hasIsTraining() ? Optional.of(hp.getIsTraining()) : Optional.empty();
        Optional<Integer> steps = hp.hasNbSteps() ? Optional.of(hp.getNbSteps()) : Optional.empty();
        boolean success;
        String message;
        try {
            Steering.Outcome outcome = boundary.await(experiment.steering().change(update, training, steps));
            success = outcome.success();
            message = outcome.message();
        } catch (ExecutionException e) {
            success = false;
            message = "Failed to set hyperparameters: " + e.getCause().getMessage();
        } catch (BoundaryWait.NotRun e) {
            success = false;
            message = "Failed to set hyperparameters: " + e.getMessage();
        }
        HyperParameterAudit.record(experiment.audit(), hp, caller, (success ? "" : "refused: ") + message);
        return CommandResponse.newBuilder().setSuccess(success).setMessage(message).build();
    }


    @Override
    public void triggerEvaluation(TriggerEvaluationRequest request, StreamObserver<TriggerEvaluationResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> {
            EvaluationQueue.Answer answer = evaluations.trigger(request, caller);
            return TriggerEvaluationResponse.newBuilder().setSuccess(answer.accepted()).setMessage(answer.message()).build();
        });
    }

    @Override
    public void getEvaluationStatus(GetEvaluationStatusRequest request,
            StreamObserver<GetEvaluationStatusResponse> response) {
        response.onNext(evaluations.status());
        response.onCompleted();
    }

    @Override
    public void cancelEvaluation(CancelEvaluationRequest request, StreamObserver<CancelEvaluationResponse> response) {
        String caller = Callers.current();
        OffEventLoop.answer(response, () -> {
            EvaluationQueue.Answer answer = evaluations.cancel(request, caller);
            return CancelEvaluationResponse.newBuilder().setSuccess(answer.accepted()).setMessage(answer.message()).build();
        });
    }

    /** WeightsLab's evaluation_config: an evaluation trigger or cancel sent as a hyperparameter; alone. */
    private CommandResponse evaluationConfig(HyperParameters hp, String caller) {
        EvaluationQueue.Answer answer = hp.getAllFields().size() > 1
                ? new EvaluationQueue.Answer(false, "evaluation_config must be sent alone, without other hyperparameters;"
                        + " nothing was changed.")
                : evaluations.configure(hp.getEvaluationConfig(), caller);
        return CommandResponse.newBuilder().setSuccess(answer.accepted()).setMessage(answer.message()).build();
    }

    private static void reply(StreamObserver<CommandResponse> response, boolean success, String message) {
        response.onNext(CommandResponse.newBuilder().setSuccess(success).setMessage(message).build());
        response.onCompleted();
    }
}
