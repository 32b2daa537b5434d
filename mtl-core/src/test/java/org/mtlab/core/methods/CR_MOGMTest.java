package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CR_MOGMTest {
    private static StepInput[] steps(long seed, int tasks, int count) {
        Random random = new Random(seed);
        StepInput[] steps = new StepInput[count];
        for (int k = 0; k < count; k++) {
            double[] losses = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                losses[t] = 0.1 + random.nextDouble();
            }
            steps[k] = StepInput.ofGradients(k / 4, k, losses, Vec.randomGradients(random, tasks, 5));
        }
        return steps;
    }

    @Test
    void smoothingZeroIsTheInnerMethod() {
        StepInput[] steps = steps(1, 4, 12);
        for (String inner : List.of("MGDA", "UPGrad", "Nash-MTL", "PCGrad", "GradVac", "CAGrad", "ConFIG", "MoDo")) {
            MtlMethod wrapped = MethodRegistry.create("cr_mogm:" + inner, Map.of("smoothing", 0.0), 7);
            MtlMethod plain = MethodRegistry.create(inner, Map.of(), 7);
            for (StepInput step : steps) {
                MethodResult expected = plain.apply(step);
                MethodResult actual = wrapped.apply(step);
                assertArrayEquals(expected.weights(), actual.weights(), 0.0, inner);
                assertArrayEquals(expected.combinedGradient(), actual.combinedGradient(), 1e-12, inner);
            }
        }
    }

    @Test
    void weightsAreTheExponentialMovingAverageOfTheInnerWeights() {
        StepInput[] steps = steps(2, 3, 6);
        CR_MOGM method = new CR_MOGM(new UPGrad(), 0.9);
        UPGrad reference = new UPGrad();
        double[] average = null;
        for (StepInput step : steps) {
            double[] current = reference.apply(step).weights();
            average = average == null ? current : Vec.add(Vec.scale(average, 0.9), Vec.scale(current, 0.1));
            MethodResult result = method.apply(step);
            assertArrayEquals(average, result.weights(), 1e-12);
            assertArrayEquals(Vec.combination(step.gradients(), average), result.combinedGradient(), 1e-12);
        }
        assertEquals("CR-MOGM:UPGrad", method.info().name());
        assertTrue(method.info().keepsState());
    }

    @Test
    void seededInnerMethodsStaySeeded() {
        StepInput[] steps = steps(3, 5, 6);
        MtlMethod a = MethodRegistry.create("CR-MOGM:PCGrad", Map.of(), 3);
        MtlMethod b = MethodRegistry.create("CR-MOGM:PCGrad", Map.of(), 3);
        MtlMethod c = MethodRegistry.create("CR-MOGM:PCGrad", Map.of(), 4);
        boolean differs = false;
        for (StepInput step : steps) {
            double[] wa = a.apply(step).weights();
            assertArrayEquals(wa, b.apply(step).weights(), 0.0, "same seed, same weights");
            differs |= !Arrays.equals(wa, c.apply(step).weights());
        }
        assertTrue(differs, "another seed visits the tasks in another order");
        assertTrue(a.info().seeded());
    }

    @Test
    void wrapsGramWeightingsOnlyAndPassesLearnableParametersThrough() {
        assertThrows(IllegalArgumentException.class, () -> new CR_MOGM(new EW(), 0.9));
        assertThrows(IllegalArgumentException.class, () -> new CR_MOGM(new DB_MTL(), 0.9));
        assertThrows(IllegalArgumentException.class, () -> new CR_MOGM(new CR_MOGM(), 0.9));
        assertThrows(IllegalArgumentException.class, () -> new CR_MOGM(new MGDA(), 1.0));
        CR_MOGM gradNorm = new CR_MOGM(new GradNorm(), 0.5);
        gradNorm.apply(steps(4, 2, 1)[0]);
        assertTrue(gradNorm.learnableParameters().isPresent());
        assertEquals(gradNorm.inner().learnableParameters().orElseThrow(), gradNorm.learnableParameters().orElseThrow());
        assertFalse(new CR_MOGM().info().seeded());
        assertEquals(List.of("smoothing", "alpha"), List.copyOf(gradNorm.info().parameters().keySet()));
        assertEquals(0.5, gradNorm.info().parameters().get("smoothing"));
    }
}
