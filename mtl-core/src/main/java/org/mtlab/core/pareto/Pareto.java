package org.mtlab.core.pareto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Pareto dominance, the Pareto front and non-dominated sorting over points with one direction per objective.
 * NaN coordinates are rejected; infinities compare as usual.
 */
public final class Pareto {
    private Pareto() {
    }

    /**
     * True when {@code a} is no worse than {@code b} in every objective and strictly better in at least one.
     *
     * @throws IllegalArgumentException on mismatched lengths or NaN
     */
    public static boolean dominates(double[] a, double[] b, Direction[] directions) {
        Checks.directionsPresent(directions);
        Checks.noNaN("a", a);
        Checks.noNaN("b", b);
        Checks.sameLength("a", directions.length, a.length);
        Checks.sameLength("b", directions.length, b.length);
        return dominatesUnchecked(a, b, directions);
    }

    static boolean dominatesUnchecked(double[] a, double[] b, Direction[] directions) {
        boolean strictlyBetterSomewhere = false;
        for (int k = 0; k < directions.length; k++) {
            double aMin = a[k] * directions[k].toMinimisationSign();
            double bMin = b[k] * directions[k].toMinimisationSign();
            if (aMin > bMin) {
                return false;
            }
            if (aMin < bMin) {
                strictlyBetterSomewhere = true;
            }
        }
        return strictlyBetterSomewhere;
    }

    /** Indices of the points no other point dominates, ascending. Duplicate points are all on the front. */
    public static List<Integer> front(double[][] points, Direction[] directions) {
        Checks.points(points, directions);
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            boolean dominated = false;
            for (int j = 0; j < points.length && !dominated; j++) {
                dominated = j != i && dominatesUnchecked(points[j], points[i], directions);
            }
            if (!dominated) {
                front.add(i);
            }
        }
        return front;
    }

    /**
     * Non-dominated sorting (Deb et al., "A fast and elitist multiobjective genetic algorithm: NSGA-II", 2002):
     * the first list is the Pareto front, each later one the front of what remains. Indices ascending in each.
     */
    public static List<List<Integer>> nonDominatedSort(double[][] points, Direction[] directions) {
        Checks.points(points, directions);
        int n = points.length;
        int[] dominatedByCount = new int[n];
        List<List<Integer>> dominatesList = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            dominatesList.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominatesUnchecked(points[i], points[j], directions)) {
                    dominatesList.get(i).add(j);
                    dominatedByCount[j]++;
                } else if (dominatesUnchecked(points[j], points[i], directions)) {
                    dominatesList.get(j).add(i);
                    dominatedByCount[i]++;
                }
            }
        }
        List<List<Integer>> fronts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (dominatedByCount[i] == 0) {
                current.add(i);
            }
        }
        while (!current.isEmpty()) {
            fronts.add(Collections.unmodifiableList(current));
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                for (int j : dominatesList.get(i)) {
                    if (--dominatedByCount[j] == 0) {
                        next.add(j);
                    }
                }
            }
            Collections.sort(next);
            current = next;
        }
        return Collections.unmodifiableList(fronts);
    }
}
