package org.mtlab.trainer.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * Mean training-step time of each model kind on 36×36 MultiFashion-like composites (generated Fashion-MNIST-like
 * files), T = 2 classification tasks (10 classes each), batch 256, Adam, EW, telemetry off: the trainer's own
 * per-step measurement ({@link TrainingOutcome#meanStepMicros()}: batch assembly, forward, one backward per task,
 * gradient copies, aggregation, optimizer step; evaluation excluded). Best of the repeats, models interleaved. Prints
 * a Markdown table with each model's shared and total parameter counts.
 *
 * <p>Run from the repository root after {@code test-compile} (classpath as in {@link StepBenchmark}):
 * <pre>
 * java -cp "$CP" org.mtlab.trainer.engine.ModelStepBenchmark [batchesPerRun [repeats]]
 * </pre>
 */
public final class ModelStepBenchmark {
    private ModelStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path data = FashionLikeFiles.write(Files.createTempDirectory("model-bench"), 600, 200, 1);
        List<StudySpec.ModelSpec> models = List.of(new StudySpec.ModelSpec("mlp", List.of(64)),
                new StudySpec.ModelSpec("multilenet", null), new StudySpec.ModelSpec("resnet", null),
                new StudySpec.ModelSpec("mmoe", null));
        MultiTaskTrainer trainer = new MultiTaskTrainer();
        double[] best = new double[models.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        long[][] counts = new long[models.size()][];
        for (StudySpec.ModelSpec model : models) { // warm-up: JIT, native code paths, allocator
            trainer.train(request(data, model, 2), null, () -> false);
        }
        for (int r = 0; r < repeats; r++) {
            for (int m = 0; m < models.size(); m++) {
                long[] shared = new long[1];
                TrainingListener listener = new TrainingListener() {
                    @Override
                    public void started(long totalSteps, org.mtlab.core.contract.RunEvent.RunDescriptor run) {
                        shared[0] = run.sharedParameters();
                    }
                };
                TrainingOutcome outcome = trainer.train(request(data, models.get(m), batches), listener, () -> false);
                best[m] = Math.min(best[m], outcome.meanStepMicros());
                counts[m] = new long[] {shared[0], outcome.cost().parameters()};
            }
        }
        System.out.println();
        System.out.println("Per training step, best of " + repeats + " runs of " + batches + " steps (36×36, T = 2 × 10"
                + " classes, batch 256, Adam, EW, telemetry off; " + Runtime.getRuntime().availableProcessors()
                + " CPUs, ai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "default")
                + ").");
        System.out.println();
        System.out.println("| model | shared parameters | all parameters | step ms |");
        System.out.println("|---|---|---|---|");
        for (int m = 0; m < models.size(); m++) {
            StudySpec.ModelSpec model = models.get(m);
            String name = model.kind() + (model.hidden() != null ? " " + model.hidden()
                    : "mmoe".equals(model.kind()) ? " (8 experts × 16)" : "");
            System.out.println(String.format(Locale.ROOT, "| %s | %d | %d | %.1f |", name, counts[m][0], counts[m][1],
                    best[m] / 1000));
        }
    }

    private static TrainingRequest request(Path data, StudySpec.ModelSpec model, int batches) {
        Map<String, Object> params = Map.of("path", data.toString(), "trainSamples", 256 * batches,
                "validationSamples", 256, "testSamples", 256, "seed", 3);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1, RunKind.MTL,
                List.of("left", "right"), List.of("left", "right"), new StudySpec.DatasetSpec("multi-fashion", params),
                model, new StudySpec.OptimizerSpec("adam", 1e-3, null), "ew", 7, 1, 256,
                new StudySpec.TelemetrySpec(1_000_000, false));
    }
}
