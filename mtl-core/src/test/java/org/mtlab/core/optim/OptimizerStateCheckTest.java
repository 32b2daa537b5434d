package org.mtlab.core.optim;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.StudySpec;

/**
 * {@link Optimizers#checkState} judges a checkpoint's state without building the optimizer; the reference is the
 * optimizer's own {@code restore}: for every optimizer, the states restore accepts pass the check, and each state the
 * check refuses restore refuses too.
 */
class OptimizerStateCheckTest {
    private static final int SIZE = 11;
    private static final int SHARED = 7;
    private static final int TASKS = 3;

    private static StudySpec.OptimizerSpec spec(String name) {
        return new StudySpec.OptimizerSpec(name, 0.01, null);
    }

    @Test
    void everyOptimizersOwnStatePassesAndEveryDamagedOneFailsLikeRestore() {
        for (String name : List.of(Sgd.NAME, Adam.NAME, Adam.ADAMW, AdaTask.NAME)) {
            Optimizer optimizer = Optimizers.create(spec(name), SIZE, SHARED, TASKS);
            OptimizerState state = optimizer.state();
            assertDoesNotThrow(() -> Optimizers.checkState(spec(name), SIZE, SHARED, TASKS, state), name);

            for (String buffer : state.buffers().keySet()) {
                for (OptimizerState damaged : List.of(without(state, buffer), resized(state, buffer))) {
                    IllegalArgumentException checked = assertThrows(IllegalArgumentException.class,
                            () -> Optimizers.checkState(spec(name), SIZE, SHARED, TASKS, damaged), name + " " + buffer);
                    assertThrows(IllegalArgumentException.class,
                            () -> Optimizers.create(spec(name), SIZE, SHARED, TASKS).restore(damaged));
                    assertEquals(true, checked.getMessage().contains("'" + buffer + "'"), checked.getMessage());
                }
            }
        }
    }

    @Test
    void anotherOptimizersStateIsRefusedByName() {
        OptimizerState sgd = Optimizers.create(spec(Sgd.NAME), SIZE, SHARED, TASKS).state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.checkState(spec(Adam.NAME), SIZE, SHARED, TASKS, sgd));
        assertEquals("cannot restore sgd state into adam", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Optimizers.create(spec(Adam.NAME), SIZE, SHARED, TASKS).restore(sgd));
    }

    private static OptimizerState without(OptimizerState state, String buffer) {
        Map<String, double[]> buffers = new LinkedHashMap<>(state.buffers());
        buffers.remove(buffer);
        return new OptimizerState(state.optimizer(), state.steps(), buffers);
    }

    private static OptimizerState resized(OptimizerState state, String buffer) {
        Map<String, double[]> buffers = new LinkedHashMap<>(state.buffers());
        buffers.put(buffer, new double[buffers.get(buffer).length + 1]);
        return new OptimizerState(state.optimizer(), state.steps(), buffers);
    }
}
