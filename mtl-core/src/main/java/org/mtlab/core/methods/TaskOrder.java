package org.mtlab.core.methods;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The order in which PCGrad and GradVac visit the other tasks: seeded random shuffles, or fixed ascending order. */
final class TaskOrder {
    private final Random random;

    /** @param seed null for the fixed ascending order */
    TaskOrder(Long seed) {
        this.random = seed == null ? null : new Random(seed);
    }

    List<Integer> othersThan(int task, int taskCount) {
        List<Integer> others = new ArrayList<>(taskCount - 1);
        for (int j = 0; j < taskCount; j++) {
            if (j != task) {
                others.add(j);
            }
        }
        if (random != null) {
            Collections.shuffle(others, random);
        }
        return others;
    }
}
