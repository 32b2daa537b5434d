package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * The standard offline benchmark: MultiFashion (Fashion-MNIST from the Debian package dataset-fashion-mnist) with
 * MultiLeNet — MTL with equal weighting under Adam and under SGD, and the STL run of each task — printing each run's
 * test accuracy per task, wall time and mean step time as a Markdown table.
 *
 * <p>Run from the repository root (build and class path as for {@link StepBenchmark}):
 * <pre>
 * java -cp "mtl-core/target/classes:trainer-service/target/classes:trainer-service/target/test-classes:$(cat trainer-service/target/bench.cp)" \
 *     org.mtlab.trainer.engine.MultiFashionBenchmark [trainSamples [testSamples [epochs [batch [runs [model]]]]]]
 * </pre>
 * Defaults: 120,000 / 20,000 (the paper's sizes), 40 epochs, batch 256; Adam lr 1e-3, SGD lr 1e-2 momentum 0.9,
 * seed 1, validation 2,000, telemetry every 50 steps; {@code runs} = {@code all} (default) or a comma-separated
 * choice of {@code mtl-adam, mtl-sgd, stl-left, stl-right}, so that runs can go to separate processes; {@code model}
 * = {@code multilenet} (default), {@code resnet18}, or {@code torchscript=PATH} (a trunk reading [1, 36, 36]).
 *
 * <p>Each row gives the test accuracy at the epoch with the best mean validation accuracy over the run's tasks (chosen
 * on validation only, as the decision protocol chooses, though it ranks MTL runs by validation Δm) and, after a
 * slash, at the last epoch.
 */
public final class MultiFashionBenchmark {
    private MultiFashionBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int train = args.length > 0 ? Integer.parseInt(args[0]) : 120_000;
        int test = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        Map<String, Object> data = Map.of("trainSamples", train, "validationSamples", 2000, "testSamples", test,
                "seed", 0);
        StudySpec.OptimizerSpec adam = new StudySpec.OptimizerSpec("adam", 1e-3, null);
        StudySpec.OptimizerSpec sgd = new StudySpec.OptimizerSpec("sgd", 1e-2, 0.9);
        List<String> both = List.of("left", "right");
        String modelName = args.length > 5 ? args[5] : "multilenet";
        StudySpec.ModelSpec model = modelName.startsWith("torchscript=")
                ? StudySpec.ModelSpec.torchScript(modelName.substring("torchscript=".length()), List.of(1, 36, 36), null)
                : new StudySpec.ModelSpec(modelName, null);
        MultiTaskTrainer trainer = new MultiTaskTrainer();
        List<String> rows = new ArrayList<>();
        List<BenchmarkRun> runs = List.of(new BenchmarkRun("mtl-adam", "MTL ew", both, adam),
                new BenchmarkRun("mtl-sgd", "MTL ew", both, sgd), new BenchmarkRun("stl-left", "STL", List.of("left"), adam),
                new BenchmarkRun("stl-right", "STL", List.of("right"), adam));
        List<String> chosen = args.length <= 4 || "all".equals(args[4])
                ? runs.stream().map(BenchmarkRun::key).toList() : List.of(args[4].split(","));
        for (BenchmarkRun run : runs) {
            if (!chosen.contains(run.key())) {
                continue;
            }
            List<String> tasks = run.tasks();
            StudySpec.OptimizerSpec optimizer = run.optimizer();
            TrainingRequest request = new TrainingRequest(TrainingRequest.SCHEMA_VERSION, UUID.randomUUID(),
                    UUID.randomUUID(), 1, tasks.size() == 1 ? RunKind.STL : RunKind.MTL, both, tasks,
                    new StudySpec.DatasetSpec("multi-fashion", data), model,
                    optimizer, "ew", 1, epochs, batch, new StudySpec.TelemetrySpec(50, false));
            BestValidationEpoch best = new BestValidationEpoch();
            TrainingOutcome outcome = trainer.train(request, new TrainingListener() {
                @Override
                public void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
                    best.offer(epoch, metrics);
                    System.err.println(run.label() + " " + tasks + " " + optimizer.name() + " epoch " + epoch + ": " + metrics
                            .stream().filter(m -> m.name().equals("accuracy"))
                            .map(m -> m.task() + "/" + m.split() + " " + String.format(Locale.ROOT, "%.4f", m.value()))
                            .toList());
                }
            }, () -> false);
            String left = accuracy(best.metrics, "left") + " / " + accuracy(outcome.finalMetrics(), "left");
            String right = accuracy(best.metrics, "right") + " / " + accuracy(outcome.finalMetrics(), "right");
            rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %.0f | %.1f |", run.label(),
                    String.join("+", tasks), optimizer.name() + " lr " + optimizer.learningRate(), best.epoch, left,
                    right, outcome.meanStepMicros(), outcome.wallTimeMs() / 1000.0));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "MultiFashion (train %d, test %d), %s, %d epochs, batch %d, seed 1; %d CPUs%n",
                train, test, modelName, epochs, batch, Runtime.getRuntime().availableProcessors());
        System.out.println();
        System.out.println("| run | tasks | optimizer | selected epoch | test accuracy left (selected / last) "
                + "| test accuracy right (selected / last) | mean step µs | wall s |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** One row of the table: {@code key} selects it on the command line. */
    private record BenchmarkRun(String key, String label, List<String> tasks, StudySpec.OptimizerSpec optimizer) {
    }

    /** The task's test accuracy among an epoch's metrics, or a dash when the run has no such task. */
    private static String accuracy(List<RunEvent.Metric> metrics, String task) {
        return metrics.stream()
                .filter(m -> m.task().equals(task) && m.split().equals("test") && m.name().equals("accuracy"))
                .map(m -> String.format(Locale.ROOT, "%.4f", m.value())).findFirst().orElse("–");
    }

    /** The epoch whose mean validation accuracy over the run's tasks is highest (the first such), and its metrics. */
    private static final class BestValidationEpoch {
        private int epoch;
        private double validation = Double.NEGATIVE_INFINITY;
        private List<RunEvent.Metric> metrics = List.of();

        void offer(int epoch, List<RunEvent.Metric> epochMetrics) {
            double mean = epochMetrics.stream()
                    .filter(m -> m.split().equals("validation") && m.name().equals("accuracy"))
                    .mapToDouble(RunEvent.Metric::value).average().orElse(Double.NEGATIVE_INFINITY);
            if (mean > validation) {
                validation = mean;
                this.epoch = epoch;
                metrics = epochMetrics;
            }
        }
    }
}
