package org.mtlab.benchmarks;

import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.GradientEventCodec;
import org.mtlab.core.methods.ParetoStationarity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The analysis path of one gradient event with 4 tasks and 8 blocks (Gram matrices of random Gaussian block
 * gradients of 64 entries, no full gradients): {@link RunGradientStatistics#add} of a new step each call, and the
 * binary codec both ways.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TelemetryBenchmark {
    static final int TASKS = 4;
    static final int BLOCKS = 8;
    static final int BLOCK_SIZE = 64;

    private GradientEvent event;
    private byte[] encoded;
    private RunGradientStatistics statistics;
    private double[][] totalGram;
    private RunGradientStatistics longOpenEpoch;
    private byte[] longOpenEpochImage;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(MethodBenchmark.SEED);
        double[][] grams = new double[BLOCKS][];
        for (int b = 0; b < BLOCKS; b++) {
            double[][] g = Gaussian.gram(Gaussian.matrix(random, TASKS, BLOCK_SIZE));
            grams[b] = new double[GradientEvent.packedLength(TASKS)];
            for (int i = 0; i < TASKS; i++) {
                for (int j = i; j < TASKS; j++) {
                    grams[b][GradientEvent.packedIndex(i, j, TASKS)] = g[i][j];
                }
            }
        }
        float[] losses = new float[TASKS];
        float[] weights = new float[TASKS];
        for (int t = 0; t < TASKS; t++) {
            losses[t] = 0.5f + random.nextFloat();
            weights[t] = 1f;
        }
        event = new GradientEvent(new UUID(random.nextLong(), random.nextLong()), 1, 0, 0, losses, weights, grams,
                null, null);
        encoded = GradientEventCodec.encode(event);
        longOpenEpoch = new RunGradientStatistics(TASKS);
        for (int s = 0; s < OPEN_EPOCH_STEPS; s++) {
            longOpenEpoch.add(new GradientEvent(event.runId(), 1, s, 0, losses, weights, grams, null, null));
        }
        longOpenEpochImage = longOpenEpoch.toBytes();
        totalGram = event.totalGram();
    }

    /** A fresh run per iteration, so that the analysed-step set does not grow across the whole trial. */
    @Setup(Level.Iteration)
    public void newRun() {
        statistics = new RunGradientStatistics(TASKS);
        step = 0;
    }

    /** Adds the event as the run's next step (a new step each call; the event record is re-created around it). */
    @Benchmark
    public boolean statisticsAdd() {
        GradientEvent e = event;
        return statistics.add(new GradientEvent(e.runId(), e.attempt(), step++, e.epoch(), e.losses(), e.weights(),
                e.blockGrams(), null, null));
    }

    /**
     * Everything a step costs, on one thread: a run of {@value #RUN_STEPS} steps added and then read once (its
     * snapshot, which settles the Pareto stationarity that {@link RunGradientStatistics#add} defers, and computes
     * the epoch's percentiles); per step.
     */
    @Benchmark
    @OperationsPerInvocation(RUN_STEPS)
    public RunGradientStatistics.Snapshot statisticsAddThenRead() {
        RunGradientStatistics run = new RunGradientStatistics(TASKS);
        GradientEvent e = event;
        for (int s = 0; s < RUN_STEPS; s++) {
            run.add(new GradientEvent(e.runId(), e.attempt(), s, e.epoch(), e.losses(), e.weights(), e.blockGrams(), null,
                    null));
        }
        return run.snapshot(null);
    }

    static final int RUN_STEPS = 1000;

    static final int OPEN_EPOCH_STEPS = 20_000;

    /**
     * A checkpoint's image of a run whose epoch is still open after {@value #OPEN_EPOCH_STEPS} steps (its 13 series
     * keep every value for exact percentiles: about 2 MB).
     */
    @Benchmark
    public byte[] checkpointImage() {
        return longOpenEpoch.toBytes();
    }

    /** The run restored from that image. */
    @Benchmark
    public RunGradientStatistics checkpointRestore() {
        return RunGradientStatistics.fromBytes(longOpenEpochImage);
    }

    /** The one costly part of a step's statistics, which {@link RunGradientStatistics#add} defers: its QP. */
    @Benchmark
    public double paretoStationarity() {
        return ParetoStationarity.fromGram(totalGram);
    }

    @Benchmark
    public byte[] encode() {
        return GradientEventCodec.encode(event);
    }

    @Benchmark
    public GradientEvent decode() {
        return GradientEventCodec.decode(encoded);
    }
}
