package org.mtlab.core.data;

import java.util.SplittableRandom;

/**
 * The one seeded shuffle: a Fisher–Yates permutation of 0..n−1 drawn from a {@link SplittableRandom}. The dataset
 * splits (CSV, IDX, image folders), MultiFashion's sources and the trainer's epoch order all draw from it, so the same
 * seed gives the same order on every machine.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** A permutation of 0..n−1 from a stream seeded with {@code seed}. */
    public static int[] permutation(int n, long seed) {
        return permutation(n, new SplittableRandom(seed));
    }

    /**
     * A permutation of 0..n−1 drawn from {@code random} (n − 1 draws, from the last position down), leaving the stream
     * advanced for the caller's further draws.
     */
    public static int[] permutation(int n, SplittableRandom random) {
        if (n < 0) {
            throw new IllegalArgumentException("a permutation of " + n + " elements");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
