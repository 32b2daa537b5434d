package org.mtlab.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;

/** Per-task Adam against updates worked out by hand. */
class AdaTaskTest {

    @Test
    void sharedUpdateIsTheSumOfEachTasksAdamDirection() {
        AdaTask ada = new AdaTask(2, 1, 2, 0.1); // parameter 0 shared by two tasks, parameter 1 a head
        float[] p = {0, 0};
        ada.taskGradients(new float[][] {{3}, {-0.5f}});
        ada.step(p, new float[] {2.5f, 2});
        // first step: each task's direction is sign(g): +1 and −1 cancel (Adam on the sum 2.5 would move by −0.1)
        assertEquals(0, p[0], 1e-7);
        assertEquals(-0.1, p[1], 1e-7, "the head takes a plain Adam step");

        ada.taskGradients(new float[][] {{1}, {1}});
        ada.step(p, new float[] {2, 1});
        double m1 = 0.9 * 0.3 + 0.1;
        double v1 = 0.999 * 0.009 + 0.001;
        double m2 = 0.9 * -0.05 + 0.1;
        double v2 = 0.999 * 0.00025 + 0.001;
        double c1 = 1 - 0.81;
        double c2 = 1 - 0.999 * 0.999;
        double expected = -0.1 * (m1 / c1 / (Math.sqrt(v1 / c2) + 1e-8) + m2 / c1 / (Math.sqrt(v2 / c2) + 1e-8));
        assertEquals(expected, p[0], 1e-6);
    }

    @Test
    void eachTasksContributionIgnoresAConstantScaleOfItsLoss() {
        AdaTask a = new AdaTask(3, 3, 2, 0.05);
        AdaTask b = new AdaTask(3, 3, 2, 0.05);
        float[] pa = {0.5f, -1, 2};
        float[] pb = pa.clone();
        float[][][] grads = {{{0.3f, -1, 2}, {1, 1, -1}}, {{0.1f, 0.4f, -0.2f}, {-2, 0.5f, 0.5f}}};
        for (float[][] g : grads) {
            a.taskGradients(g);
            a.step(pa, new float[3]);
            float[] scaled = new float[3];
            for (int k = 0; k < 3; k++) {
                scaled[k] = 1000 * g[1][k];
            }
            b.taskGradients(new float[][] {g[0], scaled});
            b.step(pb, new float[3]);
        }
        assertArrayEquals(pa, pb, 1e-6f);
    }

    @Test
    void withOneTaskItIsAdamAndItsStateRoundTrips() {
        AdaTask ada = (AdaTask) Optimizers.create(new StudySpec.OptimizerSpec("adatask", 0.01, null), 3, 2, 1);
        Adam adam = new Adam(3, 0.01);
        float[] pa = {1, 2, 3};
        float[] pb = pa.clone();
        float[][] grads = {{0.5f, -1, 2}, {0.1f, 0.3f, -4}};
        for (float[] g : grads) {
            ada.taskGradients(new float[][] {g});
            ada.step(pa, g);
            adam.step(pb, g);
        }
        assertArrayEquals(pb, pa, "bit for bit");
        AdaTask copy = new AdaTask(3, 2, 1, 0.01);
        copy.restore(ada.state());
        float[] pc = pa.clone();
        copy.taskGradients(new float[][] {grads[0]});
        copy.step(pc, grads[0]);
        ada.taskGradients(new float[][] {grads[0]});
        ada.step(pa, grads[0]);
        assertArrayEquals(pa, pc);
        assertThrows(IllegalStateException.class, () -> ada.step(pa, grads[0]), "task gradients are needed every step");
    }
}
