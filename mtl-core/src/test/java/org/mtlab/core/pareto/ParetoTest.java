package org.mtlab.core.pareto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ParetoTest {
    private static final Direction H = Direction.HIGHER_IS_BETTER;
    private static final Direction L = Direction.LOWER_IS_BETTER;

    /** Independent definition: count objectives where a is better / worse after reading each direction. */
    private static boolean bruteDominates(double[] a, double[] b, Direction[] d) {
        int better = 0;
        int worse = 0;
        for (int k = 0; k < d.length; k++) {
            boolean aBetter = d[k] == H ? a[k] > b[k] : a[k] < b[k];
            boolean aWorse = d[k] == H ? a[k] < b[k] : a[k] > b[k];
            better += aBetter ? 1 : 0;
            worse += aWorse ? 1 : 0;
        }
        return worse == 0 && better > 0;
    }

    /** Small integer coordinates so ties and duplicates occur often. */
    private static double[][] randomPoints(Random random, int n, int dims) {
        double[][] points = new double[n][dims];
        for (double[] p : points) {
            for (int k = 0; k < dims; k++) {
                p[k] = random.nextInt(5);
            }
        }
        return points;
    }

    private static Direction[] randomDirections(Random random, int dims) {
        Direction[] d = new Direction[dims];
        for (int k = 0; k < dims; k++) {
            d[k] = random.nextBoolean() ? H : L;
        }
        return d;
    }

    @Test
    void dominanceHandWorked() {
        Direction[] d = {H, L};
        assertTrue(Pareto.dominates(new double[] {2, 1}, new double[] {1, 2}, d));
        assertTrue(Pareto.dominates(new double[] {2, 2}, new double[] {1, 2}, d), "better in one, equal in other");
        assertFalse(Pareto.dominates(new double[] {1, 2}, new double[] {1, 2}, d), "equal points do not dominate");
        assertFalse(Pareto.dominates(new double[] {2, 3}, new double[] {1, 2}, d), "trade-off");
        assertFalse(Pareto.dominates(new double[] {1, 2}, new double[] {2, 1}, d));
    }

    @Test
    void frontAndSortHandWorked() {
        // maximise both: (3,1) (1,3) (2,2) on the front; (1,1) dominated by all three; (0,0) by (1,1) too
        double[][] points = {{1, 1}, {3, 1}, {0, 0}, {1, 3}, {2, 2}};
        Direction[] d = {H, H};
        assertEquals(List.of(1, 3, 4), Pareto.front(points, d));
        assertEquals(List.of(List.of(1, 3, 4), List.of(0), List.of(2)), Pareto.nonDominatedSort(points, d));
        assertEquals(List.of(), Pareto.front(new double[0][], d));
        assertEquals(List.of(), Pareto.nonDominatedSort(new double[0][], d));
    }

    @Test
    void rejectsBadInput() {
        Direction[] d = {H, L};
        assertThrows(IllegalArgumentException.class, () -> Pareto.dominates(new double[] {1}, new double[] {1, 2}, d));
        assertThrows(IllegalArgumentException.class,
                () -> Pareto.dominates(new double[] {Double.NaN, 1}, new double[] {1, 2}, d));
        assertThrows(IllegalArgumentException.class,
                () -> Pareto.front(new double[][] {{1, 2}, {1, 2, 3}}, d));
        assertThrows(IllegalArgumentException.class,
                () -> Pareto.nonDominatedSort(new double[][] {{1, Double.NaN}}, d));
        assertThrows(IllegalArgumentException.class,
                () -> Pareto.front(new double[][] {{1, 2}}, new Direction[] {H, null}));
    }

    @Property(tries = 200)
    void dominanceMatchesBruteForce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int dims) {
        Random random = new Random(seed);
        Direction[] d = randomDirections(random, dims);
        double[][] points = randomPoints(random, 12, dims);
        for (double[] a : points) {
            for (double[] b : points) {
                assertEquals(bruteDominates(a, b, d), Pareto.dominates(a, b, d));
            }
        }
    }

    @Property(tries = 200)
    void frontIsExactlyTheUndominatedPoints(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int dims,
                                            @ForAll @IntRange(min = 0, max = 25) int n) {
        Random random = new Random(seed);
        Direction[] d = randomDirections(random, dims);
        double[][] points = randomPoints(random, n, dims);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean dominated = false;
            for (int j = 0; j < n; j++) {
                dominated |= bruteDominates(points[j], points[i], d);
            }
            if (!dominated) {
                expected.add(i);
            }
        }
        assertEquals(expected, Pareto.front(points, d));
    }

    @Property(tries = 200)
    void sortedFrontsPartitionAndLayer(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int dims,
                                       @ForAll @IntRange(min = 0, max = 25) int n) {
        Random random = new Random(seed);
        Direction[] d = randomDirections(random, dims);
        double[][] points = randomPoints(random, n, dims);
        List<List<Integer>> fronts = Pareto.nonDominatedSort(points, d);
        Set<Integer> seen = new HashSet<>();
        for (int f = 0; f < fronts.size(); f++) {
            assertFalse(fronts.get(f).isEmpty());
            for (int i : fronts.get(f)) {
                assertTrue(seen.add(i), "index in two fronts: " + i);
                // nothing in this or a later front dominates it
                for (int g = f; g < fronts.size(); g++) {
                    for (int j : fronts.get(g)) {
                        assertFalse(bruteDominates(points[j], points[i], d));
                    }
                }
                // something in the previous front does
                if (f > 0) {
                    assertTrue(fronts.get(f - 1).stream().anyMatch(j -> bruteDominates(points[j], points[i], d)));
                }
            }
            List<Integer> sorted = new ArrayList<>(fronts.get(f));
            sorted.sort(null);
            assertEquals(sorted, fronts.get(f), "ascending indices");
        }
        assertEquals(n, seen.size());
        if (n > 0) {
            assertEquals(Pareto.front(points, d), fronts.get(0));
        }
    }
}
