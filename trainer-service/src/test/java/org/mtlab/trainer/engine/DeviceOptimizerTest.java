package org.mtlab.trainer.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.optim.AdaTask;
import org.mtlab.core.optim.Optimizer;
import org.mtlab.core.optim.OptimizerState;
import org.mtlab.core.optim.Optimizers;

/**
 * The device optimizers against mtl-core's Java optimizers (the reference, in double): the same initial parameters and
 * the same gradients for 100 steps, a step decay halfway, agree to 1e-6 relative to the parameters' largest magnitude;
 * their states (float32 on the device, double in the reference) to 1e-5, and carry over bit for bit.
 */
class DeviceOptimizerTest {
    @RegisterExtension
    static final CpuEngine ENGINE = new CpuEngine();

    /** Two shared tensors, then a head's weight and bias. */
    private static final long[][] SHAPES = {{4, 3}, {4}, {2, 4}, {2}};
    private static final int SHARED_TENSORS = 2;
    private static final int SHARED = 16;
    private static final int SIZE = 26;
    private static final int TASKS = 3;

    private static StudySpec.OptimizerSpec spec(String name, double rate) {
        return new StudySpec.OptimizerSpec(name, rate, null, null, name.equals("adamw") ? 0.05 : null, null);
    }

    @Test
    void everyOptimizerTracksItsJavaReferenceFor100Steps() {
        for (String name : List.of("sgd", "adam", "adamw", "adatask")) {
            try (NDManager run = ENGINE.manager().newSubManager()) {
                SplittableRandom random = new SplittableRandom(7);
                float[] reference = new float[SIZE];
                for (int k = 0; k < SIZE; k++) {
                    reference[k] = (float) random.nextGaussian();
                }
                NDArray[] tensors = upload(run, reference);
                HostDeviceTraffic traffic = new HostDeviceTraffic();
                StudySpec.OptimizerSpec spec = spec(name, 0.01);
                DeviceOptimizer device = DeviceOptimizer.create(spec, tensors, SHARED_TENSORS, TASKS, run, traffic);
                Optimizer java = Optimizers.create(spec, SIZE, SHARED, TASKS);
                for (int step = 1; step <= 100; step++) {
                    if (step == 50) {
                        device.setLearningRate(0.003);
                        java.setLearningRate(0.003);
                    }
                    float[][] perTask = new float[TASKS][SHARED];
                    float[] gradient = new float[SIZE];
                    for (int k = 0; k < SIZE; k++) {
                        gradient[k] = (float) (random.nextGaussian() * (k < SHARED ? 1 : 0.1));
                    }
                    for (int t = 0; t < TASKS; t++) {
                        for (int k = 0; k < SHARED; k++) {
                            perTask[t][k] = (float) random.nextGaussian() * (t + 1);
                        }
                    }
                    try (NDManager stepManager = run.newSubManager()) {
                        NDArray g = stepManager.create(gradient);
                        NDArray j = stepManager.create(flatten(perTask), new Shape(TASKS, SHARED));
                        device.step(g, j, stepManager);
                    }
                    if (java instanceof AdaTask adaTask) {
                        adaTask.taskGradients(perTask);
                    }
                    java.step(reference, gradient);
                }
                assertClose(name, reference, download(tensors), 1e-6);
                OptimizerState deviceState = device.state();
                OptimizerState javaState = java.state();
                assertEquals(javaState.buffers().keySet(), deviceState.buffers().keySet(), name);
                assertEquals(100, deviceState.steps(), name);
                for (String buffer : javaState.buffers().keySet()) {
                    double[] expected = javaState.buffers().get(buffer);
                    double[] actual = deviceState.buffers().get(buffer);
                    float[] e = new float[expected.length];
                    float[] a = new float[actual.length];
                    for (int k = 0; k < e.length; k++) {
                        e[k] = (float) expected[k];
                        a[k] = (float) actual[k];
                    }
                    // float32 state against the reference's double: each step's rounding accumulates in the moments
                    assertClose(name + " " + buffer, e, a, 1e-5);
                }
                assertTrue(traffic.toHost(HostDeviceTraffic.Purpose.CHECKPOINT) > 0, "state() copies the state out");
            }
        }
    }

    @Test
    void aRestoredStateContinuesBitForBit() {
        for (String name : List.of("sgd", "adam", "adamw", "adatask")) {
            try (NDManager run = ENGINE.manager().newSubManager()) {
                float[] start = new float[SIZE];
                SplittableRandom random = new SplittableRandom(11);
                for (int k = 0; k < SIZE; k++) {
                    start[k] = (float) random.nextGaussian();
                }
                NDArray[] a = upload(run, start);
                NDArray[] b = upload(run, start);
                HostDeviceTraffic traffic = new HostDeviceTraffic();
                DeviceOptimizer first = DeviceOptimizer.create(spec(name, 0.02), a, SHARED_TENSORS, TASKS, run, traffic);
                float[][] gradients = new float[20][SIZE];
                float[][] taskGradients = new float[20][TASKS * SHARED];
                for (int s = 0; s < 20; s++) {
                    for (int k = 0; k < SIZE; k++) {
                        gradients[s][k] = (float) random.nextGaussian();
                    }
                    for (int k = 0; k < TASKS * SHARED; k++) {
                        taskGradients[s][k] = (float) random.nextGaussian();
                    }
                }
                for (int s = 0; s < 10; s++) {
                    step(first, run, gradients[s], taskGradients[s]);
                }
                OptimizerState saved = first.state();
                float[] savedParameters = download(a);
                DeviceOptimizer second = DeviceOptimizer.create(spec(name, 0.02), b, SHARED_TENSORS, TASKS, run, traffic);
                second.restore(saved);
                load(b, savedParameters);
                for (int s = 10; s < 20; s++) {
                    step(first, run, gradients[s], taskGradients[s]);
                    step(second, run, gradients[s], taskGradients[s]);
                }
                assertEquals(java.util.Arrays.toString(download(a)), java.util.Arrays.toString(download(b)), name);
                assertEquals(first.state(), second.state(), name);
                assertThrows(IllegalArgumentException.class, () -> second.restore(
                        new OptimizerState("other", 1, java.util.Map.of())), name + " refuses another's state");
            }
        }
    }

    private static void step(DeviceOptimizer optimizer, NDManager run, float[] gradient, float[] taskGradients) {
        try (NDManager step = run.newSubManager()) {
            optimizer.step(step.create(gradient), step.create(taskGradients, new Shape(TASKS, SHARED)), step);
        }
    }

    private static NDArray[] upload(NDManager manager, float[] flat) {
        NDArray[] tensors = new NDArray[SHAPES.length];
        int offset = 0;
        for (int i = 0; i < SHAPES.length; i++) {
            Shape shape = new Shape(SHAPES[i]);
            tensors[i] = manager.create(java.util.Arrays.copyOfRange(flat, offset, offset + (int) shape.size()), shape);
            tensors[i].setRequiresGradient(true);
            offset += (int) shape.size();
        }
        return tensors;
    }

    private static void load(NDArray[] tensors, float[] flat) {
        int offset = 0;
        for (NDArray t : tensors) {
            int n = (int) t.size();
            t.set(java.nio.FloatBuffer.wrap(java.util.Arrays.copyOfRange(flat, offset, offset + n)));
            offset += n;
        }
    }

    private static float[] download(NDArray[] tensors) {
        float[] flat = new float[SIZE];
        int offset = 0;
        for (NDArray t : tensors) {
            float[] v = t.toFloatArray();
            System.arraycopy(v, 0, flat, offset, v.length);
            offset += v.length;
        }
        return flat;
    }

    private static float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * rows[r].length, rows[r].length);
        }
        return flat;
    }

    /** max |actual − expected| ≤ relative · max |expected|. */
    private static void assertClose(String what, float[] expected, float[] actual, double relative) {
        double scale = 0;
        double error = 0;
        for (int k = 0; k < expected.length; k++) {
            scale = Math.max(scale, Math.abs(expected[k]));
            error = Math.max(error, Math.abs(actual[k] - expected[k]));
        }
        assertTrue(scale > 0, what + ": nothing to compare");
        assertTrue(error <= relative * scale, what + ": max error " + error + " against scale " + scale);
    }
}
