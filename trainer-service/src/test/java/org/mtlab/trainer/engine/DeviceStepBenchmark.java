package org.mtlab.trainer.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * Training-step time of the trainer in three telemetry modes against a bare DJL loop of the same model (forward, one
 * backward of the summed loss, the same device optimizer, nothing else — the limit), and the host↔device bytes each
 * trainer step moves. Modes: {@code plain} (no telemetry: EW takes one backward of the weighted loss sum),
 * {@code telemetry} (parameter-space Grams every step: T backward passes), {@code sampled} (the default telemetry:
 * every 20th step, baseline on every 10th event), {@code bare} (the loop alone). Rows interleaved, best of the
 * repeats. Adam, EW, batch 64 (MLP) or 256 (MultiLeNet).
 *
 * <p>Models: {@code mlp-wide} (d = 1024, trunk [2048, 2048], 6.3 M shared parameters, synthetic regression tasks) and
 * {@code multilenet} (36×36 MultiFashion-like composites, 10 classes per task). Run from the repository root after
 * {@code test-compile} (classpath as in {@link StepBenchmark}):
 * <pre>
 * java -cp "$CP" org.mtlab.trainer.engine.DeviceStepBenchmark mlp-wide,multilenet 2,4 plain,telemetry,sampled,bare 20 3
 * </pre>
 * The same class runs against the previous trainer's classes (put first on the classpath) for every mode but
 * {@code bare}; the bytes column is then blank (that trainer did not count them).
 */
public final class DeviceStepBenchmark {
    private DeviceStepBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.offline", "true");
        List<String> models = List.of(args[0].split(","));
        List<Integer> taskCounts = java.util.Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList();
        List<String> modes = List.of(args[2].split(","));
        int steps = Integer.parseInt(args[3]);
        int repeats = Integer.parseInt(args[4]);
        Path images = FashionLikeFiles.write(Files.createTempDirectory("device-bench"), 600, 200, 1);
        List<String> rows = new ArrayList<>();
        List<double[]> best = new ArrayList<>();
        List<TrainingRequest> requests = new ArrayList<>();
        for (String model : models) {
            for (int tasks : taskCounts) {
                for (String mode : modes) {
                    rows.add(model + " | " + tasks + " | " + mode);
                    requests.add(request(model, tasks, mode, steps, images));
                    best.add(new double[] {Double.MAX_VALUE, -1});
                }
            }
        }
        MultiTaskTrainer trainer = new MultiTaskTrainer();
        for (int r = -1; r < repeats; r++) { // r = −1: warm-up
            for (int i = 0; i < rows.size(); i++) {
                boolean bare = rows.get(i).endsWith("bare");
                double micros;
                long bytes = -1;
                if (bare) {
                    micros = BareDjlLoop.meanStepMicros(requests.get(i));
                } else {
                    TrainingOutcome outcome = trainer.train(requests.get(i), null, () -> false);
                    micros = outcome.meanStepMicros();
                    bytes = stepBytes(outcome);
                }
                if (r >= 0 && micros < best.get(i)[0]) {
                    best.get(i)[0] = micros;
                    best.get(i)[1] = bytes;
                }
            }
        }
        System.out.println();
        System.out.println("Best of " + repeats + " interleaved runs of " + steps + " steps; "
                + Runtime.getRuntime().availableProcessors() + " CPUs, ai.djl.pytorch.num_threads="
                + System.getProperty("ai.djl.pytorch.num_threads", "default") + ".");
        System.out.println();
        System.out.println("| model | T | mode | step ms | host↔device bytes per step |");
        System.out.println("|---|---|---|---|---|");
        for (int i = 0; i < rows.size(); i++) {
            long bytes = (long) best.get(i)[1];
            System.out.println(String.format(Locale.ROOT, "| %s | %.2f | %s |", rows.get(i), best.get(i)[0] / 1000,
                    bytes < 0 ? "" : String.format(Locale.ROOT, "%,d", bytes)));
        }
    }

    /** All bytes the steps moved per step, read by name so that the class also runs against a trainer without them. */
    private static long stepBytes(TrainingOutcome outcome) {
        try {
            Object traffic = TrainingOutcome.class.getMethod("stepTraffic").invoke(outcome);
            long total = 0;
            for (HostDeviceTraffic.Purpose p : HostDeviceTraffic.Purpose.values()) {
                total += ((HostDeviceTraffic) traffic).total(p);
            }
            return total / Math.max(1, outcome.steps());
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    static TrainingRequest request(String model, int tasks, String mode, int steps, Path images) {
        StudySpec.TelemetrySpec telemetry = switch (mode) {
            case "plain", "bare" -> new StudySpec.TelemetrySpec(1_000_000, false, 0, null);
            case "telemetry" -> new StudySpec.TelemetrySpec(1, false, 0, null);
            case "sampled" -> StudySpec.TelemetrySpec.DEFAULT;
            default -> throw new IllegalArgumentException("mode " + mode);
        };
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("t" + t);
        }
        StudySpec.OptimizerSpec adam = new StudySpec.OptimizerSpec("adam", 1e-4, null);
        if (model.equals("mlp-wide")) {
            int batch = 64;
            Map<String, Object> data = Map.of("dimension", 1024, "samples", batch * steps * 5 / 4 + 10, "scale", 0.5,
                    "seed", 11);
            return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1, RunKind.MTL,
                    names, names, new StudySpec.DatasetSpec("synthetic", data),
                    new StudySpec.ModelSpec("mlp", List.of(2048, 2048)), adam, "ew", 5, 1, batch, telemetry);
        }
        if (!model.equals("multilenet")) {
            throw new IllegalArgumentException("model " + model + ": mlp-wide or multilenet");
        }
        if (tasks != 2) {
            throw new IllegalArgumentException("the MultiFashion-like composites have 2 tasks");
        }
        Map<String, Object> data = Map.of("path", images.toString(), "trainSamples", 256 * steps,
                "validationSamples", 256, "testSamples", 256, "seed", 3);
        return new TrainingRequest(TrainingRequest.SCHEMA_VERSION, Requests.RUN, Requests.STUDY, 1, RunKind.MTL,
                List.of("left", "right"), List.of("left", "right"), new StudySpec.DatasetSpec("multi-fashion", data),
                new StudySpec.ModelSpec("multilenet", null), adam, "ew", 7, 1, 256, telemetry);
    }
}
