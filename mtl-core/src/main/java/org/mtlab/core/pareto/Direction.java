package org.mtlab.core.pareto;

/** Whether larger or smaller values of a metric or objective are preferred. */
public enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    /** Sign that turns a value in this direction into one where lower is better (for minimisation). */
    double toMinimisationSign() {
        return this == HIGHER_IS_BETTER ? -1.0 : 1.0;
    }
}
