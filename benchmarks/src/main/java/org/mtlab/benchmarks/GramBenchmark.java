package org.mtlab.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mtlab.core.methods.StepInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * For scale: building a full-gradient step, i.e. the mtl-core Gram matrix of T task gradients of
 * {@value MethodBenchmark#PARAMETERS} entries ({@code StepInput.ofGradients} validates and computes it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GramBenchmark {
    @Param({"2", "4", "10", "40"})
    public int tasks;

    private double[][] gradients;
    private double[] losses;

    @Setup
    public void setUp() {
        Random random = new Random(MethodBenchmark.SEED + tasks);
        gradients = Gaussian.matrix(random, tasks, MethodBenchmark.PARAMETERS);
        losses = new double[tasks];
        java.util.Arrays.fill(losses, 1.0);
    }

    @Benchmark
    public StepInput ofGradients() {
        return StepInput.ofGradients(0, 0, losses, gradients);
    }
}
