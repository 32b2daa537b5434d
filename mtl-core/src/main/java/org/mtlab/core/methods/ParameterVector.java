package org.mtlab.core.methods;

/** A method's learnable parameter vector with the gradient of its objective at the last step. */
final class ParameterVector implements LearnableParameters {
    private final double initialValue;
    private double[] values;
    private double[] gradient;

    ParameterVector(double initialValue) {
        this.initialValue = initialValue;
    }

    /** Sizes the vector on the first step. */
    double[] current(int taskCount) {
        if (values == null) {
            values = Linalg.filled(taskCount, initialValue);
            gradient = new double[taskCount];
        }
        return values;
    }

    void setGradient(double[] gradient) {
        this.gradient = gradient.clone();
    }

    @Override
    public double[] values() {
        return values == null ? new double[0] : values.clone();
    }

    @Override
    public double[] gradient() {
        return gradient == null ? new double[0] : gradient.clone();
    }

    @Override
    public void setValues(double[] newValues) {
        if (newValues == null || (values != null && newValues.length != values.length)) {
            throw new IllegalArgumentException("expected " + (values == null ? "values" : values.length + " values"));
        }
        for (double v : newValues) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("parameter values must be finite");
            }
        }
        values = newValues.clone();
        if (gradient == null || gradient.length != values.length) {
            gradient = new double[values.length];
        }
    }
}
