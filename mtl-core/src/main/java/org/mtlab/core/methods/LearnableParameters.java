package org.mtlab.core.methods;

/**
 * Parameters a method learns alongside the network (UW's log-variances, GradNorm's weight logits, IMTL-L's
 * scales). After each {@link MtlMethod#apply}, {@link #gradient()} is the gradient of the method's own objective
 * with respect to {@link #values()} at that step; the trainer's optimizer updates them through
 * {@link #setValues(double[])}, as the reference implementations train them with the model's optimizer.
 */
public interface LearnableParameters {
    /** Current values (a copy). */
    double[] values();

    /** Gradient of the method's objective at the last applied step (a copy; zeros before the first step). */
    double[] gradient();

    void setValues(double[] values);
}
