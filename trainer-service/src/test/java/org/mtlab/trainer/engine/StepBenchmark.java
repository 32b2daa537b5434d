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
 * without telemetry (one backward pass of the summed loss), with a Gram-only gradient event every step, with the
 * default telemetry, with the single-task conflict baseline (8 samples) on every event, with full gradients every
 * step, and in representation space; and (argument {@code multilenet}) the same comparison on MultiLeNet. Each
 * gradient event is encoded with {@link GradientEventCodec} as the Kafka worker would. Prints a Markdown table.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -B -o -q -pl trainer-service -am test-compile
 * mvn -B -o -q -pl trainer-service dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp "mtl-core/target/classes:trainer-service/target/classes:trainer-service/target/test-classes:$(cat trainer-service/target/bench.cp)" \
 *     org.mtlab.trainer.engine.StepBenchmark [steps [repeats]]
 * java ... org.mtlab.trainer.engine.StepBenchmark multilenet|multilenet-defaults [steps [repeats [defaultSteps]]]
 * </pre>
 * ({@code mtl-core/target/classes} first: the mtl-core jar in the local repository may be older than the tree.)
 */
public final class StepBenchmark {
    private StepBenchmark() {
    }

    public static void main(String[] args) throws java.io.IOException {
        System.setProperty("ai.djl.offline", "true");
        if (args.length > 0 && args[0].startsWith("multilenet")) {
            multiLeNet(args.length > 1 ? Integer.parseInt(args[1]) : 60, args.length > 2 ? Integer.parseInt(args[2]) : 2,
                    args.length > 3 ? Integer.parseInt(args[3]) : 200, args[0].equals("multilenet-defaults"));
            return;
        }
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MultiTaskTrainer trainer = new MultiTaskTrainer();
        // warm-up: JIT, native library, allocator
        run(trainer, 4, new StudySpec.TelemetrySpec(1, true, 8, 5), 400);

        StudySpec.TelemetrySpec defaults = StudySpec.TelemetrySpec.DEFAULT;
        String[] modes = {"none (one backward of the summed loss)", "Gram every step",
            "default (Gram every " + defaults.everyStepsOrDefault() + " steps, baseline (m = 8) every "
                    + defaults.baselineEveryOrDefault() + "th event)",
            "Gram + baseline (m = 8) every step", "Gram + full gradients every step",
            "representation space, Gram every step", "representation space, default sampling"};
        StudySpec.TelemetrySpec[] telemetry = {new StudySpec.TelemetrySpec(1_000_000, false, 0, null),
            new StudySpec.TelemetrySpec(1, false, 0, null), defaults, new StudySpec.TelemetrySpec(1, false, 8, 1),
            new StudySpec.TelemetrySpec(1, true, 0, null),
            new StudySpec.TelemetrySpec(1, false, 0, null, "representation"),
            new StudySpec.TelemetrySpec(null, null, null, null, "representation")};
        List<String> rows = new ArrayList<>();
        for (int tasks : new int[] {2, 4}) {
            // interleaved repeats, best of each: robust against other load on a shared machine
            double[][] best = new double[modes.length][];
            for (int r = 0; r < repeats; r++) {
                for (int m = 0; m < modes.length; m++) {
                    double[] result = run(trainer, tasks, telemetry[m], steps);
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

    /**
     * MultiFashion-shaped input (36×36 composites of generated Fashion-MNIST-like items, {@link FashionLikeFiles}),
     * MultiLeNet, T = 2, batch 256, Adam, EW: a plain MTL step (no telemetry: one backward pass of the summed loss),
     * representation-space telemetry every step, parameter-space telemetry every step, parameter-space telemetry with
     * the conflict baseline (m = 8) every step (the cost of a baseline step), and the default {@code telemetry} in
     * both spaces over {@code defaultSteps} steps. Modes interleaved, best of {@code repeats}. With
     * {@code defaultsOnly}: no telemetry and the two defaults only, all over {@code defaultSteps} steps (runs of equal
     * length: the best of short runs is lower than the best of long ones on a loaded machine).
     */
    private static void multiLeNet(int steps, int repeats, int defaultSteps, boolean defaultsOnly)
            throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("fashion-like");
        FashionLikeFiles.write(dir, 2000, 200, 1);
        StudySpec.TelemetrySpec defaults = StudySpec.TelemetrySpec.DEFAULT;
        String[] modes = {"none (one backward of the summed loss)", "representation space, every step",
            "parameter space, every step", "parameter space + baseline (m = 8), every step",
            "default: parameter space, every " + defaults.everyStepsOrDefault() + " steps, baseline every "
                    + defaults.baselineEveryOrDefault() + "th event",
            "default in representation space"};
        StudySpec.TelemetrySpec[] telemetry = {new StudySpec.TelemetrySpec(1_000_000, false, 0, null),
            new StudySpec.TelemetrySpec(1, false, 0, null, "representation"), new StudySpec.TelemetrySpec(1, false, 0, null),
            new StudySpec.TelemetrySpec(1, false, 8, 1), defaults,
            new StudySpec.TelemetrySpec(null, null, null, null, "representation")};
        int[] runSteps = {steps, steps, steps, steps, defaultSteps, defaultSteps};
        if (defaultsOnly) {
            modes = new String[] {modes[0], modes[4], modes[5]};
            telemetry = new StudySpec.TelemetrySpec[] {telemetry[0], telemetry[4], telemetry[5]};
            runSteps = new int[] {defaultSteps, defaultSteps, defaultSteps};
        }
        lenetRun(dir, new StudySpec.TelemetrySpec(1, false, 8, 2), 8); // warm-up: JIT, native library, allocator
        double[][] best = new double[modes.length][];
        for (int r = 0; r < repeats; r++) {
            for (int m = 0; m < modes.length; m++) {
                double[] result = lenetRun(dir, telemetry[m], runSteps[m]);
                System.err.printf(java.util.Locale.ROOT, "repeat %d, %s: wall %.0f µs, CPU %.0f µs, %d events%n", r,
                        modes[m], result[0], result[1], (long) result[2]);
                if (best[m] == null) {
                    best[m] = result;
                } else {
                    best[m][0] = Math.min(best[m][0], result[0]);
                    best[m][1] = Math.min(best[m][1], result[1]);
                }
            }
        }
        System.out.println();
        System.out.println("MultiLeNet, MultiFashion-shaped 36×36 input (generated), T = 2, batch 256, Adam, EW; best of "
                + repeats + " runs of " + steps + " steps (" + defaultSteps + " for the defaults); "
                + Runtime.getRuntime().availableProcessors() + " CPUs, ai.djl.pytorch.num_threads="
                + System.getProperty("ai.djl.pytorch.num_threads", "default"));
        System.out.println();
        System.out.println("| telemetry | wall ms/step | CPU ms/step (vs none) | gradient events |");
        System.out.println("|---|---|---|---|");
        for (int m = 0; m < modes.length; m++) {
            System.out.printf(java.util.Locale.ROOT, "| %s | %.1f | %.1f (%+.1f%%) | %d |%n", modes[m], best[m][0] / 1e3,
                    best[m][1] / 1e3, 100 * (best[m][1] / best[0][1] - 1), (long) best[m][2]);
        }
    }

    /** Returns {mean step wall µs, mean step CPU µs, gradient events} of one epoch of exactly {@code steps} steps. */
    private static double[] lenetRun(java.nio.file.Path dir, StudySpec.TelemetrySpec telemetry, int steps) {
        int batch = 256;
        Map<String, Object> params = Map.of("path", dir.toString(), "trainSamples", steps * batch,
                "validationSamples", 100, "testSamples", 100, "seed", 3);
        List<String> tasks = List.of("left", "right");
        TrainingRequest request = new TrainingRequest(TrainingRequest.SCHEMA_VERSION, UUID.randomUUID(),
                UUID.randomUUID(), 1, RunKind.MTL, tasks, tasks, new StudySpec.DatasetSpec("multi-fashion", params),
                new StudySpec.ModelSpec("multilenet", null), new StudySpec.OptimizerSpec("adam", 1e-3, null), "ew", 1, 1,
                batch, telemetry);
        long[] events = {0};
        TrainingOutcome outcome = new MultiTaskTrainer().train(request, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                GradientEventCodec.encode(event);
                events[0]++;
            }
        }, () -> false);
        if (outcome.steps() != steps) {
            throw new IllegalStateException("expected " + steps + " steps, ran " + outcome.steps());
        }
        return new double[] {outcome.meanStepMicros(), outcome.meanStepCpuMicros(), events[0]};
    }

    /** Returns {mean step wall µs, mean step CPU µs, bytes of the largest encoded event}. */
    private static double[] run(MultiTaskTrainer trainer, int tasks, StudySpec.TelemetrySpec telemetry, int steps) {
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
                batch, telemetry);
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
