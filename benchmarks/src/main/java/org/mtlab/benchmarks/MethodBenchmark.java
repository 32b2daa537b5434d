package org.mtlab.benchmarks;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.mtlab.core.methods.MethodInfo;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.methods.MethodResult;
import org.mtlab.core.methods.MtlMethod;
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
 * Time of one {@link MtlMethod#apply} per step, for every method that reads the Gram matrix or the full gradients,
 * at T tasks. Methods that read the Gram matrix get the T×T Gram matrix of random Gaussian gradients with
 * {@value #PARAMETERS} entries (they never see the gradients); methods that need the full gradients
 * ({@link org.mtlab.core.methods.MethodInfo#needsFullGradients()}: DB-MTL, GradDrop, MoCo, ExcessMTL) get the
 * T×{@value #PARAMETERS} gradients themselves. CR-MOGM is measured over its default inner method, MGDA. One method instance per trial, fed {@value #INPUTS} different steps in turn, as in a run (stateful
 * methods keep their state, warm starts included). The Gram matrix of a full-gradient step is computed when the
 * step is built, outside the measurement; {@link GramBenchmark} measures that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MethodBenchmark {
    static final int PARAMETERS = 10_000;
    static final int INPUTS = 8; // a power of two
    static final long SEED = 20_240_611L;

    @Param({"GradNorm", "MGDA", "PCGrad", "GradVac", "CAGrad", "IMTL-G", "Nash-MTL", "Aligned-MTL", "UPGrad",
            "DualProj", "FairGrad", "DB-MTL", "GradDrop", "MoCo", "SDMGrad", "MoDo", "ExcessMTL", "ConFIG",
            "CR-MOGM"})
    public String method;

    @Param({"2", "4", "10", "40"})
    public int tasks;

    private StepInput[] inputs;
    private MtlMethod instance;
    private int next;

    @Setup
    public void setUp() {
        MethodInfo info = MethodRegistry.describe(method);
        if (!info.needsTaskGradients()) {
            throw new IllegalArgumentException(method + " reads the losses only: nothing to measure here");
        }
        Random random = new Random(SEED + tasks);
        inputs = new StepInput[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            double[][] gradients = Gaussian.matrix(random, tasks, PARAMETERS);
            double[] losses = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                losses[t] = 0.5 + random.nextDouble();
            }
            inputs[k] = info.needsFullGradients()
                    ? StepInput.ofGradients(0, k, losses, gradients)
                    : StepInput.ofGram(0, k, losses, Gaussian.gram(gradients));
        }
        instance = MethodRegistry.create(method, Map.of(), SEED);
        next = 0;
    }

    @Benchmark
    public MethodResult apply() {
        return instance.apply(inputs[next++ & (INPUTS - 1)]);
    }
}
