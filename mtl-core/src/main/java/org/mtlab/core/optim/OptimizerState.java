package org.mtlab.core.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of an {@link Optimizer}, enough to resume it exactly: its name, step count and named buffers
 * (SGD: {@code "momentum"}; Adam: {@code "exp_avg"}, {@code "exp_avg_sq"}, as PyTorch names them).
 */
public record OptimizerState(String optimizer, long steps, Map<String, double[]> buffers) {

    public OptimizerState {
        LinkedHashMap<String, double[]> copy = new LinkedHashMap<>();
        buffers.forEach((k, v) -> copy.put(k, v.clone()));
        buffers = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Checks, without copying anything, that this is the state of {@code optimizer} with (at least) the buffers
     * {@code sizes} names, each of its size: what resuming from it needs, judged before the optimizer is built.
     */
    public void requireLayout(String optimizer, Map<String, Integer> sizes) {
        if (!optimizer.equals(this.optimizer)) {
            throw new IllegalArgumentException("cannot restore " + this.optimizer + " state into " + optimizer);
        }
        sizes.forEach((name, size) -> {
            double[] b = buffers.get(name);
            if (b == null || b.length != size) {
                throw new IllegalArgumentException("optimizer state of '" + optimizer + "' needs buffer '" + name
                        + "' of " + size + " entries, got " + (b == null ? "none" : b.length));
            }
        });
    }

    /** A copy of one buffer, or an {@link IllegalArgumentException} when missing or of the wrong size. */
    public double[] buffer(String name, int size) {
        double[] b = buffers.get(name);
        if (b == null || b.length != size) {
            throw new IllegalArgumentException("optimizer state of '" + optimizer + "' needs buffer '" + name + "' of "
                    + size + " entries, got " + (b == null ? "none" : b.length));
        }
        return b.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptimizerState s) || !optimizer.equals(s.optimizer) || steps != s.steps
                || !buffers.keySet().equals(s.buffers.keySet())) {
            return false;
        }
        for (var e : buffers.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.buffers.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return optimizer.hashCode() * 31 + Long.hashCode(steps);
    }

    @Override
    public String toString() {
        return "OptimizerState[" + optimizer + ", steps=" + steps + ", buffers=" + buffers.keySet() + "]";
    }
}
