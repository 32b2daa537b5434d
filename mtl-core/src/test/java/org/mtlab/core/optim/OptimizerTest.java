package org.mtlab.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;

class OptimizerTest {

    @Test
    void adamFirstStepMovesEveryCoordinateByLearningRateTimesSign() {
        Adam adam = new Adam(4, 0.01);
        float[] p = {1, 1, 1, 1};
        adam.step(p, new float[] {3, -0.002f, 1e3f, -7});
        // m̂ = g, v̂ = g², update lr·g/(|g| + 1e-8)
        assertEquals(1 - 0.01, p[0], 1e-7);
        assertEquals(1 + 0.01, p[1], 1e-6); // |g| = 2e-3: ε shortens the step by 5e-6 relative
        assertEquals(1 - 0.01, p[2], 1e-7);
        assertEquals(1 + 0.01, p[3], 1e-7);
        assertEquals(1, adam.steps());
    }

    @Test
    void adamSecondStepMatchesTheClosedForm() {
        Adam adam = new Adam(1, 0.1);
        float[] p = {0};
        adam.step(p, new float[] {1});
        adam.step(p, new float[] {-2});
        double m = 0.9 * 0.1 + 0.1 * -2;            // -0.11
        double v = 0.999 * 0.001 + 0.001 * 4;       // 0.004999
        double mHat = m / (1 - 0.81);
        double vHat = v / (1 - 0.999 * 0.999);
        double expected = -0.1 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(expected, p[0], 1e-6);
    }

    @Test
    void adamHeadsAreInvariantToAConstantGradientScale() {
        Adam a = new Adam(3, 0.05);
        Adam b = new Adam(3, 0.05);
        float[] pa = {0.5f, -1, 2};
        float[] pb = pa.clone();
        float[][] grads = {{0.3f, -1, 2}, {0.1f, 0.4f, -0.2f}, {-0.5f, 0.25f, 1}};
        for (float[] g : grads) {
            a.step(pa, g);
            float[] scaled = new float[3];
            for (int k = 0; k < 3; k++) {
                scaled[k] = 10 * g[k];
            }
            b.step(pb, scaled);
        }
        assertArrayEquals(pa, pb, 1e-6f);
    }

    @Test
    void sgdWithMomentumFollowsPyTorch() {
        Sgd sgd = new Sgd(2, 0.1, 0.9);
        float[] p = {1, -1};
        sgd.step(p, new float[] {1, 2});     // v = g = (1, 2); p = (0.9, -1.2)
        assertArrayEquals(new float[] {0.9f, -1.2f}, p, 1e-7f);
        sgd.step(p, new float[] {-1, 0});    // v = (0.9 - 1, 1.8) = (-0.1, 1.8); p = (0.91, -1.38)
        assertArrayEquals(new float[] {0.91f, -1.38f}, p, 1e-6f);
        Sgd plain = new Sgd(1, 0.5, 0);
        float[] q = {2};
        plain.step(q, new float[] {4});
        plain.step(q, new float[] {4});
        assertEquals(-2, q[0], 0);
    }

    @Test
    void restoredStateContinuesIdentically() {
        for (String name : new String[] {"sgd", "adam"}) {
            Optimizer a = Optimizers.create(new StudySpec.OptimizerSpec(name, 0.01, null), 3);
            float[] p = {1, 2, 3};
            a.step(p, new float[] {0.5f, -0.5f, 1});
            a.step(p, new float[] {0.1f, 0.2f, -0.3f});
            OptimizerState saved = a.state();
            float[] saveP = p.clone();
            a.step(p, new float[] {1, 1, 1});

            Optimizer b = Optimizers.create(new StudySpec.OptimizerSpec(name, 0.01, null), 3);
            b.restore(saved);
            assertEquals(2, b.steps());
            b.step(saveP, new float[] {1, 1, 1});
            assertArrayEquals(p, saveP, name);
            assertEquals(a.state(), b.state(), name);
        }
    }

    @Test
    void stateIsACopy() {
        Sgd sgd = new Sgd(1, 0.1, 0.9);
        float[] p = {0};
        sgd.step(p, new float[] {1});
        OptimizerState s = sgd.state();
        sgd.step(p, new float[] {1});
        assertEquals(1.0, s.buffers().get("momentum")[0]);
    }

    @Test
    void factoryRefusesWhatItCannotBuild() {
        assertInstanceOf(Sgd.class, Optimizers.create(new StudySpec.OptimizerSpec("SGD", 0.1, null), 1));
        assertEquals(0.9, ((Sgd) Optimizers.create(new StudySpec.OptimizerSpec("sgd", 0.1, null), 1)).momentum());
        assertInstanceOf(Adam.class, Optimizers.create(new StudySpec.OptimizerSpec("adam", 0.1, null), 1));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create(new StudySpec.OptimizerSpec("rmsprop", 0.1, null), 1));
        assertThrows(IllegalArgumentException.class, () -> Optimizers.create(new StudySpec.OptimizerSpec("adam", null, null), 1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(1, 0.1, 0.9).step(new float[2], new float[2]));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1, 0.1).restore(new Sgd(1, 0.1, 0).state()));
    }
}
