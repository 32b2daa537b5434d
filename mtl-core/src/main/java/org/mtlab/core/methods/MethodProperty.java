package org.mtlab.core.methods;

/**
 * What a method is like beyond the inputs it reads, declared by each method class in its {@link MethodInfo}, so that
 * callers (the study validator, the trainer, the API) ask the method instead of keeping lists of names.
 */
public enum MethodProperty {
    /**
     * Draws random numbers from the seed it was created with (RLW, PCGrad in random order, GradVac, GradDrop): two
     * seeds give different results on the same steps, one seed the same.
     */
    SEEDED,
    /**
     * Keeps state across steps besides a seeded random stream (moving averages, learnable parameters, warm starts,
     * epoch means): a step's result depends on the steps before it, so one instance serves one run, steps in order.
     */
    STATEFUL,
    /**
     * Keeps per-coordinate state of gradient vectors across steps (DB-MTL's buffers, MoCo's tracked gradients,
     * ExcessMTL's AdaGrad sums), so every step must have the same coordinates: it runs on the gradients of the shared
     * parameters only, never on representation gradients, whose coordinates are the samples of each step's batch.
     */
    PARAMETER_SPACE_ONLY
}
