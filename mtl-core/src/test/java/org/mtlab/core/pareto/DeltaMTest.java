package org.mtlab.core.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DeltaMTest {
    private static final Direction H = Direction.HIGHER_IS_BETTER;
    private static final Direction L = Direction.LOWER_IS_BETTER;

    @Test
    void literatureDeltaMHandWorked() {
        // accuracy 0.80 vs 0.75 (higher better): -(0.05/0.75) = -0.0666…; error 0.5 vs 0.6 (lower better): -0.1/0.6
        double dm = DeltaM.deltaMPercentLowerIsBetter(new double[] {0.8, 0.5}, new double[] {0.75, 0.6},
                new Direction[] {H, L});
        assertEquals(100.0 / 2 * (-0.05 / 0.75 - 0.1 / 0.6), dm, 1e-12);
        assertEquals(-11.666666666666666, dm, 1e-9);
        // a worse third metric: error 2.0 vs 1.0 adds +1.0
        double dm3 = DeltaM.deltaMPercentLowerIsBetter(new double[] {0.8, 0.5, 2.0}, new double[] {0.75, 0.6, 1.0},
                new Direction[] {H, L, L});
        assertEquals(100.0 / 3 * (-0.05 / 0.75 - 0.1 / 0.6 + 1.0), dm3, 1e-12);
        assertEquals(0.0, DeltaM.deltaMPercentLowerIsBetter(new double[] {3, 4}, new double[] {3, 4},
                new Direction[] {H, L}), 0.0);
    }

    @Test
    void libMtlImprovementHandWorked() {
        Direction[] d = {H, L, L};
        double[] mtl = {0.8, 0.5, 2.0};
        double[] base = {0.75, 0.6, 1.0};
        // task 0 has metrics 0 and 1: mean(+0.0666…, +0.1666…) = 0.1166…; task 1: -1.0; mean over tasks
        assertEquals(((0.05 / 0.75 + 0.1 / 0.6) / 2 - 1.0) / 2,
                DeltaM.improvementFractionHigherIsBetter(mtl, base, d, new int[] {0, 0, 1}), 1e-12);
        // one task per metric: the plain mean, which is -Δm%/100
        assertEquals(-DeltaM.deltaMPercentLowerIsBetter(mtl, base, d) / 100,
                DeltaM.improvementFractionHigherIsBetter(mtl, base, d, new int[] {0, 1, 2}), 1e-12);
    }

    @Test
    void negativeBaselineKeepsTheSignMeaningful() {
        // lower is better, baseline -2, MTL -3 is better: Δm must be negative (improvement)
        double dm = DeltaM.deltaMPercentLowerIsBetter(new double[] {-3}, new double[] {-2}, new Direction[] {L});
        assertEquals(-50.0, dm, 1e-12);
    }

    @Test
    void rejectsBadInput() {
        Direction[] d = {H, L};
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.deltaMPercentLowerIsBetter(new double[] {1, 2}, new double[] {0, 1}, d));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.deltaMPercentLowerIsBetter(new double[] {1}, new double[] {1, 1}, d));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.deltaMPercentLowerIsBetter(new double[] {Double.NaN, 1}, new double[] {1, 1}, d));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.deltaMPercentLowerIsBetter(new double[0], new double[0], new Direction[0]));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.improvementFractionHigherIsBetter(new double[] {1, 2}, new double[] {1, 1}, d,
                        new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.improvementFractionHigherIsBetter(new double[] {1, 2}, new double[] {1, 1}, d,
                        new int[] {0, -1}));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaM.improvementFractionHigherIsBetter(new double[] {1, 2}, new double[] {1, 0}, d,
                        new int[] {0, 1}));
    }
}
