package org.mtlab.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.StudySpec;

/** AdamW and step decay against updates worked out by hand. */
class AdamWAndStepDecayTest {

    @Test
    void adamWDecaysWeightsOutsideTheMomentsThenTakesTheAdamStep() {
        Adam adamW = Adam.adamW(2, 0.1, 0.5);
        float[] p = {1, -2};
        adamW.step(p, new float[] {0.5f, 0});
        // p ← p·(1 − 0.1·0.5) = 0.95p; then m̂ = 0.5, v̂ = 0.25: Adam moves coordinate 0 by 0.1·0.5/0.5
        assertEquals(0.95 - 0.1 * 0.5 / (0.5 + 1e-8), p[0], 1e-7);
        assertEquals(-2 * 0.95, p[1], 1e-7, "a zero gradient: only the decoupled decay acts");

        adamW.setLearningRate(0.05);
        adamW.step(p, new float[] {-1, 0});
        double m = 0.9 * 0.05 + 0.1 * -1;
        double v = 0.999 * 0.00025 + 0.001 * 1;
        double mHat = m / (1 - 0.9 * 0.9);
        double vHat = v / (1 - 0.999 * 0.999);
        double expected = (0.95 - 0.1 * 0.5 / (0.5 + 1e-8)) * (1 - 0.05 * 0.5) - 0.05 * mHat / (Math.sqrt(vHat) + 1e-8);
        assertEquals(expected, p[0], 1e-6);
        assertEquals(-2 * 0.95 * (1 - 0.05 * 0.5), p[1], 1e-6);
        assertEquals(0.1, adamW.learningRate());
        assertEquals(0.05, adamW.currentLearningRate());
    }

    @Test
    void adamWStateRestoresIntoAdamWOnly() {
        Adam adamW = Adam.adamW(1, 0.1, 0.01);
        adamW.step(new float[] {1}, new float[] {1});
        OptimizerState state = adamW.state();
        assertEquals("adamw", state.optimizer());
        Adam other = Adam.adamW(1, 0.1, 0.01);
        other.restore(state);
        assertEquals(1, other.steps());
        assertThrows(IllegalArgumentException.class, () -> new Adam(1, 0.1).restore(state));
    }

    @Test
    void sgdMomentumCarriesOverALearningRateChange() {
        Sgd sgd = new Sgd(1, 0.1, 0.9);
        float[] p = {1};
        sgd.step(p, new float[] {1});
        assertEquals(0.9, p[0], 1e-7);
        sgd.setLearningRate(0.01);
        sgd.step(p, new float[] {1});
        assertEquals(0.9 - 0.01 * (0.9 * 1 + 1), p[0], 1e-7);
        assertThrows(IllegalArgumentException.class, () -> sgd.setLearningRate(0));
    }

    @Test
    void stepDecayHalvesEveryTwoEpochs() {
        StepDecay decay = new StepDecay(2, 0.5);
        assertEquals(0.1, decay.rate(0.1, 1));
        assertEquals(0.1, decay.rate(0.1, 2));
        assertEquals(0.05, decay.rate(0.1, 3), 1e-15);
        assertEquals(0.05, decay.rate(0.1, 4), 1e-15);
        assertEquals(0.025, decay.rate(0.1, 5), 1e-15);
        assertEquals(0.1, StepDecay.NONE.rate(0.1, 1000));
        assertThrows(IllegalArgumentException.class, () -> new StepDecay(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new StepDecay(1, 1.5));
    }

    @Test
    void theSpecNamesWeightDecayAndStepDecay() {
        StudySpec.OptimizerSpec spec = Json.read(
                "{\"name\":\"AdamW\",\"learningRate\":0.001,\"weightDecay\":0.05,\"stepDecay\":{\"stepSize\":3,\"gamma\":0.2}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), StudySpec.OptimizerSpec.class);
        Optimizer optimizer = Optimizers.create(spec, 4);
        assertEquals("adamw", optimizer.name());
        assertEquals(0.05, ((Adam) optimizer).weightDecay());
        assertEquals(new StepDecay(3, 0.2), StepDecay.of(spec));
        assertEquals(new StepDecay(3, 0.2), StepDecay.of(spec.at(0.01)), "a grid point keeps the schedule");
        assertEquals(0.05, spec.at(0.01).weightDecay());
        assertEquals(Adam.DEFAULT_WEIGHT_DECAY,
                ((Adam) Optimizers.create(new StudySpec.OptimizerSpec("adamw", 0.1, null), 1)).weightDecay());
        assertEquals(StepDecay.NONE, StepDecay.of(new StudySpec.OptimizerSpec("sgd", 0.1, null)));
    }
}
