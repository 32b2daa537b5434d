package org.mtlab.trainer.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.contract.RunKind;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;

/**
 * The soak: one long MTL run (T = 2, EW, Adam) with the trainer's default telemetry (Gram every step, single-task
 * baseline of 8 samples every 20th step), every gradient event encoded as the Kafka worker would, checkpoints every
 * 500 steps and an evaluation per epoch, while the resident set size (VmRSS of /proc/self/status) is sampled after a
 * warm-up. Prints the samples and the growth from the first post-warm-up sample to the last, plus the least-squares
 * slope over all post-warm-up samples (less sensitive to where a garbage collection happens to fall).
 *
 * <p>Data: MultiFashion composed from generated Fashion-MNIST-like files ({@link FashionLikeFiles}), so the images are
 * 36×36 as in the benchmark; 2,000 training composites, 200 validation and 200 test.
 *
 * <p>Run from the repository root (build and class path as for {@link StepBenchmark}):
 * <pre>
 * java -cp "$CP" org.mtlab.trainer.engine.SoakBenchmark [steps [warmup [sampleEvery [batch [model]]]]]
 * </pre>
 * Defaults: 10,000 steps, 1,000 warm-up steps, a sample every 500 steps, batch 8, model {@code multilenet} (or
 * {@code mlp}: trunk [64, 64] over the 1,296 pixels).
 */
public final class SoakBenchmark {
    private static final int TRAIN = 2000;

    private SoakBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int sampleEvery = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        String model = args.length > 4 ? args[4] : "multilenet";
        int stepsPerEpoch = (TRAIN + batch - 1) / batch;
        int epochs = (steps + stepsPerEpoch - 1) / stepsPerEpoch;
        long totalSteps = (long) epochs * stepsPerEpoch;

        Path work = Files.createTempDirectory("mtlab-soak");
        Path fashion = FashionLikeFiles.write(work.resolve("fashion"), 2000, 500, 3);
        Map<String, Object> data = Map.of("path", fashion.toString(), "trainSamples", TRAIN, "validationSamples", 200,
                "testSamples", 200, "seed", 0);
        List<String> tasks = List.of("left", "right");
        TrainingRequest request = new TrainingRequest(TrainingRequest.SCHEMA_VERSION, UUID.randomUUID(),
                UUID.randomUUID(), 1, RunKind.MTL, tasks, tasks, new StudySpec.DatasetSpec("multi-fashion", data),
                new StudySpec.ModelSpec(model, "mlp".equals(model) ? List.of(64, 64) : null),
                new StudySpec.OptimizerSpec("adam", 1e-3, null), "ew", 1, epochs, batch, StudySpec.TelemetrySpec.DEFAULT);
        MultiTaskTrainer trainer = new MultiTaskTrainer(ai.djl.Device.cpu(),
                ai.djl.engine.Engine.getEngine(MultiTaskTrainer.ENGINE).newBaseManager(ai.djl.Device.cpu()),
                new Checkpoints(work.resolve("checkpoints"), 500));

        List<long[]> samples = new ArrayList<>(); // step, RSS kB, heap used kB, heap committed kB
        long[] events = {0, 0};
        long[] nextSample = {warmup};
        long start = System.nanoTime();
        TrainingOutcome outcome = trainer.train(request, new TrainingListener() {
            @Override
            public void gradients(GradientEvent event) {
                events[0]++;
                events[1] += GradientEventCodec.encode(event).length;
                if (event.step() >= nextSample[0]) {
                    nextSample[0] += sampleEvery;
                    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    long[] sample = {event.step(), residentKb(), heap.getUsed() / 1024, heap.getCommitted() / 1024};
                    samples.add(sample);
                    System.err.printf(Locale.ROOT, "step %6d  RSS %7d kB  heap used %7d kB  committed %7d kB  %.0f s%n",
                            sample[0], sample[1], sample[2], sample[3], (System.nanoTime() - start) / 1e9);
                }
            }
        }, () -> false);
        double wall = (System.nanoTime() - start) / 1e9;

        long first = samples.get(0)[1];
        long last = samples.get(samples.size() - 1)[1];
        long peak = samples.stream().mapToLong(s -> s[1]).max().orElseThrow();
        double slope = slopePerThousandSteps(samples);
        System.out.println();
        System.out.printf(Locale.ROOT, "Soak: %s, T = 2, EW, Adam, batch %d, %d steps (%d epochs of %d), default telemetry "
                        + "(%d gradient events, %.1f MB encoded), checkpoints every 500 steps; %d CPUs, JVM max heap %d MB%n",
                model, batch, totalSteps, epochs, stepsPerEpoch, events[0], events[1] / 1e6,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "wall %.0f s, mean step %.1f ms, final test accuracy %s%n", wall,
                outcome.meanStepMicros() / 1000, outcome.finalMetrics().stream()
                        .filter(m -> "test".equals(m.split()) && "accuracy".equals(m.name()))
                        .map(m -> m.task() + " " + String.format(Locale.ROOT, "%.3f", m.value())).toList());
        System.out.printf(Locale.ROOT, "RSS after warm-up (step %d): %d kB; at the end (step %d): %d kB; peak %d kB%n",
                samples.get(0)[0], first, samples.get(samples.size() - 1)[0], last, peak);
        System.out.printf(Locale.ROOT, "growth first→last: %+.2f%%; first→peak: %+.2f%%; least-squares slope %+.0f kB per "
                + "1,000 steps (%+.2f%% of the first sample over the %d post-warm-up steps)%n",
                100.0 * (last - first) / first, 100.0 * (peak - first) / first, slope,
                100.0 * slope * (samples.get(samples.size() - 1)[0] - samples.get(0)[0]) / 1000 / first,
                samples.get(samples.size() - 1)[0] - samples.get(0)[0]);
    }

    private static double slopePerThousandSteps(List<long[]> samples) {
        double n = samples.size();
        double mx = samples.stream().mapToDouble(s -> s[0]).sum() / n;
        double my = samples.stream().mapToDouble(s -> s[1]).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (long[] s : samples) {
            sxy += (s[0] - mx) * (s[1] - my);
            sxx += (s[0] - mx) * (s[0] - mx);
        }
        return sxx == 0 ? 0 : 1000 * sxy / sxx;
    }

    private static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status (not Linux?)");
    }
}
