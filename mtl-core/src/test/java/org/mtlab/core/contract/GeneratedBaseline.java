package org.mtlab.core.contract;

import java.util.Random;

/**
 * Explicit gradient vectors for a conflict baseline, and the {@link ConflictBaseline} they imply computed the plain way
 * (a double loop per dot product and per sign comparison): the reference every derived statistic is checked against.
 * Entries are drawn with a share of exact zeros, as ReLU trunks produce, so that the "zero disagrees with nothing" rule
 * is exercised.
 */
public final class GeneratedBaseline {
    /** [sample][task][parameter] */
    public final double[][][] perSample;
    /** [task][half][parameter] */
    public final double[][][] halves;
    /** [task][parameter] */
    public final double[][] batch;
    public final int tasks;
    public final int samples;
    public final int parameters;

    public GeneratedBaseline(double[][][] perSample, double[][][] halves, double[][] batch) {
        this.perSample = perSample;
        this.halves = halves;
        this.batch = batch;
        this.samples = perSample.length;
        this.tasks = batch.length;
        this.parameters = batch[0].length;
    }

    /**
     * Random vectors; task t's per-sample gradients share a task direction of weight {@code taskShare} and are scaled by
     * {@code taskScale[t]}, so inter-task and inter-sample geometry can be set apart.
     */
    public static GeneratedBaseline random(Random rnd, int tasks, int samples, int parameters, double taskShare,
                                           double[] taskScale) {
        double[][] direction = new double[tasks][parameters];
        for (double[] d : direction) {
            fill(rnd, d, 0);
        }
        double[][][] perSample = new double[samples][tasks][parameters];
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < tasks; t++) {
                fill(rnd, perSample[s][t], 0.2);
                for (int k = 0; k < parameters; k++) {
                    if (perSample[s][t][k] != 0) {
                        perSample[s][t][k] = taskScale[t] * ((1 - taskShare) * perSample[s][t][k] + taskShare * direction[t][k]);
                    }
                }
            }
        }
        double[][][] halves = new double[tasks][2][parameters];
        double[][] batch = new double[tasks][parameters];
        for (int t = 0; t < tasks; t++) {
            for (int h = 0; h < 2; h++) {
                fill(rnd, halves[t][h], 0.1);
            }
            fill(rnd, batch[t], 0.1);
        }
        return new GeneratedBaseline(perSample, halves, batch);
    }

    private static void fill(Random rnd, double[] v, double zeroShare) {
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextDouble() < zeroShare ? 0 : rnd.nextGaussian();
        }
    }

    public static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }

    public static int opposite(double[] a, double[] b) {
        int n = 0;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > 0 && b[k] < 0 || a[k] < 0 && b[k] > 0) {
                n++;
            }
        }
        return n;
    }

    public ConflictBaseline toBaseline() {
        double[][] sampleGrams = new double[samples][GradientEvent.packedLength(tasks)];
        int[][] sampleSigns = new int[samples][ConflictBaseline.pairCount(tasks)];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < tasks; i++) {
                for (int j = i; j < tasks; j++) {
                    sampleGrams[s][GradientEvent.packedIndex(i, j, tasks)] = dot(perSample[s][i], perSample[s][j]);
                    if (j > i) {
                        sampleSigns[s][ConflictBaseline.pairIndex(i, j, tasks)] = opposite(perSample[s][i], perSample[s][j]);
                    }
                }
            }
        }
        double[][] taskGrams = new double[tasks][GradientEvent.packedLength(samples)];
        int[][] taskSigns = new int[tasks][ConflictBaseline.pairCount(samples)];
        for (int t = 0; t < tasks; t++) {
            for (int s = 0; s < samples; s++) {
                for (int u = s; u < samples; u++) {
                    taskGrams[t][GradientEvent.packedIndex(s, u, samples)] = dot(perSample[s][t], perSample[u][t]);
                    if (u > s) {
                        taskSigns[t][ConflictBaseline.pairIndex(s, u, samples)] = opposite(perSample[s][t], perSample[u][t]);
                    }
                }
            }
        }
        double[][] half = new double[tasks][];
        int[] halfSigns = new int[tasks];
        for (int t = 0; t < tasks; t++) {
            half[t] = new double[] {dot(halves[t][0], halves[t][0]), dot(halves[t][1], halves[t][1]),
                    dot(halves[t][0], halves[t][1])};
            halfSigns[t] = opposite(halves[t][0], halves[t][1]);
        }
        int[] batchSigns = new int[ConflictBaseline.pairCount(tasks)];
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                batchSigns[ConflictBaseline.pairIndex(i, j, tasks)] = opposite(batch[i], batch[j]);
            }
        }
        return new ConflictBaseline(samples, parameters, sampleGrams, sampleSigns, taskGrams, taskSigns, half, halfSigns,
                batchSigns);
    }

    /** The packed Gram of the batch gradients over all parameters (one block). */
    public double[] batchGram() {
        double[] packed = new double[GradientEvent.packedLength(tasks)];
        for (int i = 0; i < tasks; i++) {
            for (int j = i; j < tasks; j++) {
                packed[GradientEvent.packedIndex(i, j, tasks)] = dot(batch[i], batch[j]);
            }
        }
        return packed;
    }
}
