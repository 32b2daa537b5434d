package org.mtlab.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The one seeded shuffle the dataset splits, MultiFashion and the trainer's epochs draw from. */
class ShuffleTest {

    private static void assertPermutation(int[] order, int n) {
        assertEquals(n, order.length);
        boolean[] seen = new boolean[n];
        for (int i : order) {
            assertTrue(i >= 0 && i < n, "index " + i + " out of 0.." + (n - 1));
            assertFalse(seen[i], "index " + i + " twice");
            seen[i] = true;
        }
    }

    @Test
    void everyOrderIsAPermutation() {
        for (int n : new int[] {0, 1, 2, 3, 10, 1000}) {
            for (long seed = -3; seed <= 3; seed++) {
                assertPermutation(Shuffle.permutation(n, seed), n);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameOrderAndAnotherSeedAnother() {
        assertArrayEquals(Shuffle.permutation(500, 42), Shuffle.permutation(500, 42));
        assertFalse(Arrays.equals(Shuffle.permutation(500, 42), Shuffle.permutation(500, 43)));
        Set<String> orders = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            orders.add(Arrays.toString(Shuffle.permutation(6, seed)));
        }
        assertTrue(orders.size() > 30, "50 seeds give many of the 720 orders of 6, got " + orders.size());
    }

    /**
     * The orders the four former copies (CSV, image and MultiFashion splits, the trainer's epochs) drew for these
     * seeds: datasets and epochs keep their order across the change.
     */
    @Test
    void theOrdersAreThoseOfTheFormerCopies() {
        assertArrayEquals(new int[] {1, 5, 0, 4, 2, 8, 7, 3, 9, 6}, Shuffle.permutation(10, 7));
        assertArrayEquals(new int[] {0, 7, 1, 6, 8, 5, 4, 3, 9, 2}, Shuffle.permutation(10, 8));
        assertArrayEquals(new int[] {2, 6, 1, 4, 0, 9, 5, 7, 3, 8}, Shuffle.permutation(10, -1));
    }

    @Test
    void aStreamIsAdvancedForTheCallersFurtherDraws() {
        SplittableRandom a = new SplittableRandom(5);
        int[] first = Shuffle.permutation(8, a);
        int[] second = Shuffle.permutation(8, a);
        assertArrayEquals(Shuffle.permutation(8, 5), first, "the seeded form is a fresh stream of that seed");
        assertPermutation(second, 8);
        SplittableRandom b = new SplittableRandom(5);
        Shuffle.permutation(8, b);
        assertArrayEquals(second, Shuffle.permutation(8, b), "7 draws for 8 elements, the same on every run");
    }

    @Test
    void aNegativeSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Shuffle.permutation(-1, 0));
    }

    @Test
    void everyPositionIsReachedAboutEquallyOften() {
        int n = 4;
        int draws = 20_000;
        int[][] counts = new int[n][n];
        for (int seed = 0; seed < draws; seed++) {
            int[] order = Shuffle.permutation(n, seed);
            for (int position = 0; position < n; position++) {
                counts[position][order[position]]++;
            }
        }
        for (int[] row : counts) {
            for (int c : row) {
                // expected 5000 per cell, standard deviation about 61
                assertEquals(draws / n, c, 350, Arrays.deepToString(counts));
            }
        }
    }
}
