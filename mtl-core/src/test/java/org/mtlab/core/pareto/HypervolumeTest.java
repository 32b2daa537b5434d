package org.mtlab.core.pareto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HypervolumeTest {
    private static final Direction H = Direction.HIGHER_IS_BETTER;
    private static final Direction L = Direction.LOWER_IS_BETTER;

    /** Independent exact value for minimisation: inclusion–exclusion over all non-empty subsets. */
    private static double inclusionExclusion(double[][] points, double[] reference) {
        int n = points.length;
        int dims = reference.length;
        double total = 0.0;
        for (int mask = 1; mask < (1 << n); mask++) {
            double volume = 1.0;
            for (int k = 0; k < dims; k++) {
                double worst = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        worst = Math.max(worst, points[i][k]);
                    }
                }
                volume *= Math.max(0.0, reference[k] - worst);
            }
            total += Integer.bitCount(mask) % 2 == 1 ? volume : -volume;
        }
        return total;
    }

    private static Direction[] all(Direction d, int dims) {
        Direction[] directions = new Direction[dims];
        java.util.Arrays.fill(directions, d);
        return directions;
    }

    @Test
    void closedForms() {
        // one point: a box
        assertEquals(2.0 * 3.0, Hypervolume.of(new double[][] {{1, 1}}, new double[] {3, 4}, all(L, 2)), 1e-12);
        assertEquals(2.0 * 3.0 * 4.0,
                Hypervolume.of(new double[][] {{1, 1, 1}}, new double[] {3, 4, 5}, all(L, 3)), 1e-12);
        // two 2D points (1,2),(2,1), ref (3,3): 2·1 + 1·2 − 1·1 = 3
        assertEquals(3.0, Hypervolume.of(new double[][] {{1, 2}, {2, 1}}, new double[] {3, 3}, all(L, 2)), 1e-12);
        // one objective: the best distance to the reference
        assertEquals(4.0, Hypervolume.of(new double[][] {{1}, {-1}, {5}}, new double[] {3}, all(L, 1)), 1e-12);
        // a point that does not beat the reference in every objective adds nothing
        assertEquals(0.0, Hypervolume.of(new double[][] {{3, 1}, {1, 5}}, new double[] {3, 3}, all(L, 2)), 0.0);
        assertEquals(0.0, Hypervolume.of(new double[0][], new double[] {3, 3}, all(L, 2)), 0.0);
        // three points around ref (2,2,2): their union misses only the unit cube at the origin, 8 − 1 = 7
        double[][] corners = {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}};
        assertEquals(7.0, Hypervolume.of(corners, new double[] {2, 2, 2}, all(L, 3)), 1e-12);
    }

    @Test
    void maximisationMirrorsMinimisation() {
        // accuracy-like objectives, ref (0,0): (0.5,0.8) and (0.7,0.6) → 0.5·0.8 + 0.7·0.6 − 0.5·0.6
        double hv = Hypervolume.of(new double[][] {{0.5, 0.8}, {0.7, 0.6}}, new double[] {0, 0}, all(H, 2));
        assertEquals(0.4 + 0.42 - 0.3, hv, 1e-12);
        // mixed directions: accuracy up, loss down
        double mixed = Hypervolume.of(new double[][] {{0.5, 1.0}, {0.7, 2.0}}, new double[] {0, 3},
                new Direction[] {H, L});
        assertEquals(0.5 * 2 + 0.7 * 1 - 0.5 * 1, mixed, 1e-12);
    }

    @Test
    void gridCountingOnIntegerPoints() {
        // integer coordinates: the hypervolume equals the number of unit cells dominated, counted one by one
        Random random = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int dims = 2 + trial % 3;
            int n = 1 + random.nextInt(9);
            double[][] points = new double[n][dims];
            for (double[] p : points) {
                for (int k = 0; k < dims; k++) {
                    p[k] = random.nextInt(6);
                }
            }
            double[] reference = new double[dims];
            java.util.Arrays.fill(reference, 6);
            long cells = 0;
            int[] cell = new int[dims];
            for (int index = 0; index < Math.pow(6, dims); index++) {
                for (int k = 0, rest = index; k < dims; k++, rest /= 6) {
                    cell[k] = rest % 6;
                }
                boolean covered = false;
                for (double[] p : points) {
                    boolean inBox = true;
                    for (int k = 0; k < dims; k++) {
                        inBox &= p[k] <= cell[k];
                    }
                    covered |= inBox;
                }
                cells += covered ? 1 : 0;
            }
            assertEquals(cells, Hypervolume.of(points, reference, all(L, dims)), 1e-9);
        }
    }

    @Property(tries = 150)
    void matchesInclusionExclusion(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int dims,
                                   @ForAll @IntRange(min = 0, max = 9) int n) {
        Random random = new Random(seed);
        double[][] points = new double[n][dims];
        double[] reference = new double[dims];
        for (int k = 0; k < dims; k++) {
            reference[k] = 1.0;
        }
        for (double[] p : points) {
            for (int k = 0; k < dims; k++) {
                p[k] = random.nextDouble() * 1.2 - 0.1; // some points fall outside the reference box
            }
        }
        double expected = inclusionExclusion(points, reference);
        assertEquals(expected, Hypervolume.of(points, reference, all(L, dims)), 1e-9);
        // the same set read as maximisation after negation gives the same volume
        double[][] negated = new double[n][dims];
        double[] negatedReference = new double[dims];
        for (int k = 0; k < dims; k++) {
            negatedReference[k] = -reference[k];
            for (int i = 0; i < n; i++) {
                negated[i][k] = -points[i][k];
            }
        }
        assertEquals(expected, Hypervolume.of(negated, negatedReference, all(H, dims)), 1e-9);
    }

    @Test
    void exclusiveContributions() {
        double[][] points = {{1, 2}, {2, 1}, {2, 2}};
        // (2,2) is dominated: 0; (1,2) alone adds 1·1 beyond (2,1); symmetric
        assertArrayEquals(new double[] {1, 1, 0},
                Hypervolume.exclusiveContributions(points, new double[] {3, 3}, all(L, 2)), 1e-12);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> Hypervolume.of(new double[][] {{1, 2}}, new double[] {3}, all(L, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Hypervolume.of(new double[][] {{1}}, new double[] {3, 3}, all(L, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Hypervolume.of(new double[][] {{Double.NaN, 1}}, new double[] {3, 3}, all(L, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Hypervolume.of(new double[][] {{1, 1}}, new double[] {Double.POSITIVE_INFINITY, 3}, all(L, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> Hypervolume.of(new double[0][], new double[0], new Direction[0]));
    }
}
