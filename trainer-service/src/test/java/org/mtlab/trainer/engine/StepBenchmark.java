package org.mtlab.trainer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * Mean training-step time of the synthetic MMoE MLP (d = 100, trunk [64, 64], batch 64, Adam, EW) for 2 and 4 tasks,
 * without telemetry, with a Gram-only gradient event every step, with the single-task conflict baseline (8 samples) on
 * every 20th event (the default), every 5th and on every event, and with full gradients every step. Each gradient event is encoded
 * with {@link GradientEventCodec} as the Kafka worker would. Prints a Markdown table.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -B -o -q -pl trainer-service -am test-compile
 * mvn -B -o -q -pl trainer-service dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp "mtl-core/target/classes:trainer-service/target/classes:trainer-service/target/test-classes:$(cat trainer-service/target/bench.cp)" \
 *     org.mtlab.trainer.engine.StepBenchmark [steps [repeats]]
 * </pre>
 * ({@code mtl-core/target/classes} first: the mtl-core jar in the local repository may be older than the tree.)
 */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MultiTaskTrainer trainer = new MultiTaskTrainer();
        // warm-up: JIT, native library, allocator
        run(trainer, 4, 1, true, 8, 5, 400);

        String[] modes = {"none", "Gram every step", "Gram every step + baseline (m = 8) every 20th step (default)",
            "Gram every step + baseline (m = 8) every 5th step",
            "Gram + baseline (m = 8) every step", "Gram + full gradients every step"};
        int[] baselineSamples = {0, 0, 8, 8, 8, 0};
        int[] baselineEvery = {1, 1, 20, 5, 1, 1};
        List<String> rows = new ArrayList<>();
        for (int tasks : new int[] {2, 4}) {
            // interleaved repeats, best of each: robust against other load on a shared machine
            double[][] best = new double[modes.length][];
            for (int r = 0; r < repeats; r++) {
                for (int m = 0; m < modes.length; m++) {
                    double[] result = run(trainer, tasks, m == 0 ? 1_000_000 : 1, m == 5, baselineSamples[m],
                            baselineEvery[m], steps);
                    if (best[m] == null) {
                        best[m] = result;
                    } else {
                        best[m][0] = Math.min(best[m][0], result[0]);
                        best[m][1] = Math.min(best[m][1], result[1]);
                    }
                }
            }
            for (int m = 0; m < modes.length; m++) {
                rows.add(String.format(java.util.Locale.ROOT, "| %d | %s | %.0f | %.0f (%+.1f%%) | %d |", tasks, modes[m],
                        best[m][0], best[m][1], 100 * (best[m][1] / best[0][1] - 1), (long) best[m][2]));
            }
        }
        System.out.println();
        System.out.println("Per training step, best of " + repeats + " runs of " + steps
                + " steps (d=100, hidden [64,64], batch 64, Adam, EW; " + Runtime.getRuntime().availableProcessors()
                + " CPUs, ai.djl.pytorch.num_threads=" + System.getProperty("ai.djl.pytorch.num_threads", "default")
                + "). CPU = the training thread's CPU time, the whole step only with num_threads=1.");
        System.out.println();
        System.out.println("| tasks | telemetry | wall µs | CPU µs (vs none) | largest event bytes |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** Returns {mean step wall µs, mean step CPU µs, bytes of the largest encoded event}. */
    private static double[] run(MultiTaskTrainer trainer, int tasks, int every, boolean full, int baselineSamples,
                                int baselineEvery, int steps) {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("y" + t);
        }
        int batch = 64;
        int train = steps * batch; // one epoch of exactly `steps` steps
        int samples = train * 10 / 8 + 10;
        TrainingRequest request = new TrainingRequest(TrainingRequest.SCHEMA_VERSION, UUID.randomUUID(), UUID.randomUUID(),
                1, RunKind.MTL, names, names, new StudySpec.DatasetSpec("synthetic", Map.of("dimension", 100, "samples", samples)),
                new StudySpec.ModelSpec("mlp", List.of(64, 64)), new StudySpec.OptimizerSpec("adam", 1e-3, null), "ew", 1, 1,
                batch, new StudySpec.TelemetrySpec(every, full, baselineSamples, baselineEvery));
        long[] bytes = {0};
        TrainingOutcome outcome = trainer.train(request, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                bytes[0] = Math.max(bytes[0], GradientEventCodec.encode(event).length);
            }
        }, () -> false);
        return new double[] {outcome.meanStepMicros(), outcome.meanStepCpuMicros(), bytes[0]};
    }
}
