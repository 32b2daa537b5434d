package org.mtlab.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * The {@code mmoe} kind (Ma et al., KDD 2018): E ReLU(linear) experts shared by all tasks; task t's head reads its own
 * softmax gate's mixture of them, Σ_e gate_t(x)_e · expert_e(x). The gates are task tensors (before each head).
 */
final class MmoeNetwork extends FlatNetwork {

    MmoeNetwork(MlpLayout layout) {
        super(layout);
    }

    /** The experts in one matrix product: ReLU(x·[W_1; …; W_E]ᵀ + [b_1; …; b_E]) as [rows, E, expertWidth]. */
    @Override
    public NDArray trunk(NDArray[] p, NDArray input, int rows) {
        int experts = layout.experts();
        NDList weights = new NDList(experts);
        NDList biases = new NDList(experts);
        for (int e = 0; e < experts; e++) {
            weights.add(p[2 * e]);
            biases.add(p[2 * e + 1]);
        }
        NDArray w = experts == 1 ? p[0] : NDArrays.concat(weights, 0);
        NDArray b = experts == 1 ? p[1] : NDArrays.concat(biases, 0);
        NDArray h = Activation.relu(input.getNDArrayInternal().linear(input, w, b).singletonOrThrow());
        return h.reshape(rows, experts, -1);
    }

    /** Task t's input to its head: Σ_e gate_t(x)_e · expert_e(x), [rows, expertWidth]. */
    @Override
    public NDArray headInput(NDArray[] p, int task, NDArray experts, NDArray input) {
        return experts.mul(gate(p, task, input).expandDims(2)).sum(new int[] {1});
    }

    /** Task t's gate: softmax over the experts of linear(input), [rows, E]. */
    NDArray gate(NDArray[] p, int task, NDArray input) {
        int gate = layout.gateWeight(task);
        return input.getNDArrayInternal().linear(input, p[gate], p[gate + 1]).singletonOrThrow().softmax(1);
    }
}
