package org.mtlab.core.methods;

/**
 * Adam (Kingma &amp; Ba 2015) with PyTorch's coupled L2 weight decay (the decay term is added to the gradient),
 * betas 0.9 / 0.999, epsilon 1e-8: the optimizer FAMO uses for its own weight logits.
 */
final class Adam {
    private final double learningRate;
    private final double weightDecay;
    private double[] firstMoment;
    private double[] secondMoment;
    /** Per coordinate, the steps it took: a coordinate left out of a step keeps its moments and its own count. */
    private int[] steps;

    Adam(double learningRate, double weightDecay) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    void step(double[] parameters, double[] gradient) {
        int[] all = new int[parameters.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        step(parameters, gradient, all);
    }

    /**
     * Steps only the coordinates {@code coordinates}; the others, their moments and their step counts stay as they
     * are (partial labels: FAMO's logit of a task without labels in the batch).
     */
    void step(double[] parameters, double[] gradient, int[] coordinates) {
        if (firstMoment == null) {
            firstMoment = new double[parameters.length];
            secondMoment = new double[parameters.length];
            steps = new int[parameters.length];
        }
        for (int i : coordinates) {
            steps[i]++;
            double correction1 = 1 - Math.pow(0.9, steps[i]);
            double correction2 = 1 - Math.pow(0.999, steps[i]);
            double g = gradient[i] + weightDecay * parameters[i];
            firstMoment[i] = 0.9 * firstMoment[i] + 0.1 * g;
            secondMoment[i] = 0.999 * secondMoment[i] + 0.001 * g * g;
            double denominator = Math.sqrt(secondMoment[i] / correction2) + 1e-8;
            parameters[i] -= learningRate * (firstMoment[i] / correction1) / denominator;
        }
    }
}
