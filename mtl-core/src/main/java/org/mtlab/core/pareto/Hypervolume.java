package org.mtlab.core.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Exact hypervolume: the measure of the region that is dominated by at least one point and dominates the
 * reference point. Each point counts only where it is strictly better than the reference in every objective;
 * others add nothing.
 *
 * <p>Algorithms, all exact: one objective, the best distance to the reference; two, a sort-and-sweep
 * (O(n log n)); three or more, HSO slicing (While, Hingston, Barone, Huband, "A faster algorithm for calculating
 * hypervolume", IEEE TEVC 2006): sort by the last objective, cut the region into slabs between consecutive
 * values, and sum slab thickness × the (d−1)-dimensional hypervolume of the points active in that slab. Three
 * objectives cost O(n² log n); cost grows as O(n^{d−1}) beyond, fine for the few hundred runs a study holds.
 */
public final class Hypervolume {
    private Hypervolume() {
    }

    /**
     * @param points     one row per point, one column per objective
     * @param reference  the reference point (typically the worst acceptable value of each objective)
     * @param directions one per objective
     * @throws IllegalArgumentException on mismatched lengths, no objectives, or non-finite values
     */
    public static double of(double[][] points, double[] reference, Direction[] directions) {
        return unionVolume(boxExtents(points, reference, directions));
    }

    /**
     * Each point's exclusive contribution: the hypervolume lost if only that point were removed (zero for a
     * dominated or duplicated point).
     */
    public static double[] exclusiveContributions(double[][] points, double[] reference, Direction[] directions) {
        double total = of(points, reference, directions);
        double[] contributions = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            double[][] others = new double[points.length - 1][];
            for (int j = 0, o = 0; j < points.length; j++) {
                if (j != i) {
                    others[o++] = points[j];
                }
            }
            contributions[i] = Math.max(0.0, total - of(others, reference, directions));
        }
        return contributions;
    }

    /**
     * Turns each point into the extents of the box between it and the reference, measured towards "better", so
     * the region becomes a union of origin-anchored boxes [0, a]. Points not strictly better everywhere drop out.
     */
    private static List<double[]> boxExtents(double[][] points, double[] reference, Direction[] directions) {
        Checks.directionsPresent(directions);
        if (directions.length == 0) {
            throw new IllegalArgumentException("at least one objective is needed");
        }
        Checks.finite("reference", reference);
        Checks.sameLength("reference", directions.length, reference.length);
        if (points == null) {
            throw new IllegalArgumentException("points must not be null");
        }
        List<double[]> extents = new ArrayList<>(points.length);
        for (int i = 0; i < points.length; i++) {
            Checks.finite("points[" + i + "]", points[i]);
            Checks.sameLength("points[" + i + "]", directions.length, points[i].length);
            double[] extent = new double[directions.length];
            boolean inside = true;
            for (int k = 0; k < directions.length && inside; k++) {
                extent[k] = (reference[k] - points[i][k]) * directions[k].toMinimisationSign();
                inside = extent[k] > 0.0;
            }
            if (inside) {
                extents.add(extent);
            }
        }
        return extents;
    }

    /** Volume of the union of boxes [0, a] over the given extents, in their full dimension. */
    private static double unionVolume(List<double[]> extents) {
        if (extents.isEmpty()) {
            return 0.0;
        }
        return unionVolume(extents, extents.get(0).length);
    }

    /** Volume of the union of boxes [0, a] over the first {@code dims} coordinates of each extent. */
    private static double unionVolume(List<double[]> extents, int dims) {
        if (dims == 1) {
            double longest = 0.0;
            for (double[] a : extents) {
                longest = Math.max(longest, a[0]);
            }
            return longest;
        }
        if (dims == 2) {
            return unionArea(extents);
        }
        int last = dims - 1;
        List<double[]> byLastDescending = new ArrayList<>(extents);
        byLastDescending.sort(Comparator.comparingDouble((double[] a) -> a[last]).reversed());
        double volume = 0.0;
        List<double[]> active = new ArrayList<>(byLastDescending.size());
        for (int i = 0; i < byLastDescending.size(); i++) {
            active.add(byLastDescending.get(i));
            double top = byLastDescending.get(i)[last];
            double bottom = i + 1 < byLastDescending.size() ? byLastDescending.get(i + 1)[last] : 0.0;
            if (top > bottom) {
                volume += (top - bottom) * unionVolume(active, dims - 1);
            }
        }
        return volume;
    }

    /** Area of the union of rectangles [0, x] × [0, y]: sweep x from large to small, add the new height each time. */
    private static double unionArea(List<double[]> extents) {
        double[][] byXDescending = extents.toArray(new double[0][]);
        Arrays.sort(byXDescending, Comparator.comparingDouble((double[] a) -> a[0]).reversed());
        double area = 0.0;
        double coveredHeight = 0.0;
        for (double[] a : byXDescending) {
            if (a[1] > coveredHeight) {
                area += a[0] * (a[1] - coveredHeight);
                coveredHeight = a[1];
            }
        }
        return area;
    }
}
