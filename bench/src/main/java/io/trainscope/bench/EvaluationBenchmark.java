package io.trainscope.bench;

import io.trainscope.core.Experiment;
import io.trainscope.core.eval.EvaluationProgress;
import io.trainscope.core.eval.EvaluationQueue;
import io.trainscope.core.eval.EvaluationRequest;
import io.trainscope.core.eval.EvaluationState;
import io.trainscope.core.hparams.HyperParameterUpdate;
import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.train.TrainingOptions;
import io.trainscope.server.ServerSettings;
import io.trainscope.server.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Evaluation throughput against training throughput, in one run: blocks of training steps
 * alternate with evaluations of the whole test split on the training thread, at the test batch
 * sizes asked for, and each is measured in samples/s. Alternating cancels the machine's drift.
 */
@Command(name = "evaluation", mixinStandardHelpOptions = true,
        description = "Evaluation samples/s (test split, on the training thread) against training samples/s.")
final class EvaluationBenchmark implements Callable<Integer> {

    private static final int TRAIN_BATCH = 64;

    @Option(names = "--rounds", defaultValue = "5", description = "Training blocks and evaluations per batch size (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--block-steps", defaultValue = "150", description = "Training steps per block (default: ${DEFAULT-VALUE}).")
    int blockSteps;

    @Option(names = "--eval-batches", split = ",", defaultValue = "64,500",
            description = "Test batch sizes to evaluate with (default: ${DEFAULT-VALUE}).")
    List<Integer> evalBatches;

    @Override
    public Integer call() throws Exception {
        DemoData.Choice data = DemoData.choose(Optional.empty());
        try (TrainingSession session = TrainingSession.start(data.train(), data.test(),
                TrainingOptions.epochs(100).withValidation(false), TRAIN_BATCH, 1e-3f, false, ServerSettings.loopback(),
                BenchRuns.directory())) {
            Experiment experiment = session.experiment();
            waitForSteps(experiment, 100); // warm-up
            System.out.printf("data: %s (%d training, %d test samples), training batch %d%n", data.train().name(),
                    data.train().size(), data.test().size(), TRAIN_BATCH);
            System.out.println("| test batch | training samples/s (median) | evaluation samples/s (median) | ratio |"
                    + " evaluation time (median) |");
            System.out.println("|---|---|---|---|---|");
            for (int evalBatch : evalBatches) {
                experiment.steering().change(HyperParameterUpdate.none().withTestBatchSize(evalBatch), Optional.empty(),
                        Optional.empty()).get(60, TimeUnit.SECONDS);
                double[] training = new double[rounds];
                double[] evaluation = new double[rounds];
                double[] seconds = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    experiment.steering().resume().get(60, TimeUnit.SECONDS);
                    long fromStep = experiment.step();
                    long from = System.nanoTime();
                    waitForSteps(experiment, fromStep + blockSteps);
                    long steps = experiment.step() - fromStep;
                    training[r] = steps * TRAIN_BATCH / ((System.nanoTime() - from) / 1e9);
                    seconds[r] = evaluate(experiment);
                    evaluation[r] = data.test().size() / seconds[r];
                }
                double train = median(training);
                double eval = median(evaluation);
                System.out.printf("| %d | %.0f | %.0f | %.1f× | %.2f s |%n", evalBatch, train, eval, eval / train,
                        median(seconds));
            }
        }
        return 0;
    }

    /** Seconds from the trigger to the evaluation's end, whole test split (training pauses for it). */
    private static double evaluate(Experiment experiment) throws InterruptedException {
        long start = System.nanoTime();
        EvaluationQueue.Answer answer = experiment.evaluations().trigger(EvaluationRequest.of("test"));
        if (!answer.accepted()) {
            throw new IllegalStateException(answer.message());
        }
        EvaluationProgress p;
        while ((p = experiment.evaluations().progress()).state().isActive()) {
            Thread.sleep(1);
        }
        if (p.state() != EvaluationState.DONE) {
            throw new IllegalStateException("evaluation ended " + p.state() + ": " + p.error());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void waitForSteps(Experiment experiment, long step) throws InterruptedException {
        while (experiment.step() < step) {
            Thread.sleep(2);
        }
    }

    private static double median(double[] values) {
        List<Double> sorted = new ArrayList<>();
        for (double v : values) {
            sorted.add(v);
        }
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
