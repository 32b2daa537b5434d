/**
 * Multi-task weighting and gradient-aggregation methods, one class per method, named and parametrised as their
 * papers (or LibMTL) do; {@link org.mtlab.core.methods.MethodRegistry} finds them by name (one canonical name per
 * method, {@link org.mtlab.core.methods.MethodRegistry#canonicalName}). Each class declares in its
 * {@link org.mtlab.core.methods.MethodInfo} the inputs it reads and its
 * {@link org.mtlab.core.methods.MethodProperty properties} (seeded, stateful, parameter space only); callers read those
 * rather than lists of names.
 *
 * <p>How a trainer uses a method, once per step:
 * <ol>
 *   <li>Build a {@link org.mtlab.core.methods.StepInput} with what the method's
 *       {@link org.mtlab.core.methods.MethodInfo#inputs()} asks for: losses, the Gram matrix of the per-task shared
 *       gradients (the same matrix the telemetry sends), or the gradients themselves.</li>
 *   <li>{@link org.mtlab.core.methods.MtlMethod#apply} returns one weight per task and, when gradients were given,
 *       the combined shared gradient. {@code LOSS_WEIGHTING}: back-propagate {@code Σ w_t L_t}.
 *       {@code GRAM_WEIGHTING}: the shared gradient is {@code Σ w_t g_t} (LibMTL gives task heads their raw
 *       gradients). {@code GRADIENT_AGGREGATION}: use the returned combined gradient as is.</li>
 *   <li>If the method has {@link org.mtlab.core.methods.MtlMethod#learnableParameters()}, step them with their
 *       gradient; if it {@link org.mtlab.core.methods.MtlMethod#needsLossesAfterStep()}, pass the re-evaluated
 *       losses to {@link org.mtlab.core.methods.MtlMethod#afterStep}.</li>
 * </ol>
 * Instances are stateful and not thread-safe: one per run, steps in order. Every method returns finite numbers for
 * zero, identical or opposite gradients and for a single task; invalid input fails with an
 * {@link java.lang.IllegalArgumentException} that names the problem.
 */
package org.mtlab.core.methods;
