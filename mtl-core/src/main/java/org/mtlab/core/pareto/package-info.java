/**
 * Judging multi-task results: Pareto dominance, fronts and non-dominated sorting, exact hypervolume, and Δm against
 * baselines in both sign conventions (the method names say which). Every objective carries a
 * {@link org.mtlab.core.pareto.Direction}; NaN is rejected everywhere.
 */
package org.mtlab.core.pareto;
