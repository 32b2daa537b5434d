package org.mtlab.trainer.engine;

import java.nio.FloatBuffer;
import java.util.EnumMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Counts the bytes a run moves between the host (Java arrays) and the device its tensors live on, by what they were
 * moved for: every crossing on the training path goes through {@link #upload} or {@link #download}, so "the step
 * copies nothing but losses and Grams" is measured, not claimed. On a CPU device a crossing is a copy between the Java
 * heap and native memory; on a GPU it is a PCIe transfer.
 *
 * <p>Not thread-safe: one instance per run.
 */
public final class HostDeviceTraffic {

    /** What a crossing was for. */
    public enum Purpose {
        /** The batch's features and targets: the data live on the host. */
        BATCH,
        /** What Java decides a step with: the losses, the per-block Gram matrices, the method's weights. */
        STEP,
        /** Whole per-task gradient vectors: full-gradient telemetry, or a method that needs the vectors. */
        GRADIENT_VECTORS,
        /** The single-task conflict baseline's per-sample gradients. */
        BASELINE,
        /** Evaluation and serving-cost forward passes: inputs in, outputs out. */
        EVALUATION,
        /** Parameters and optimizer state, when a checkpoint is written or read, and the initial parameters. */
        CHECKPOINT
    }

    private final Map<Purpose, long[]> bytes = new EnumMap<>(Purpose.class);

    public HostDeviceTraffic() {
        for (Purpose p : Purpose.values()) {
            bytes.put(p, new long[2]);
        }
    }

    /** Creates {@code shape} from {@code length} floats of {@code data} at {@code offset} on the manager's device. */
    NDArray upload(NDManager manager, float[] data, int offset, int length, Shape shape, Purpose purpose) {
        bytes.get(purpose)[0] += (long) length * Float.BYTES;
        return manager.create(FloatBuffer.wrap(data, offset, length), shape);
    }

    NDArray upload(NDManager manager, float[] data, Shape shape, Purpose purpose) {
        return upload(manager, data, 0, data.length, shape, purpose);
    }

    /** The array's values on the host. */
    float[] download(NDArray array, Purpose purpose) {
        float[] values = array.toFloatArray();
        bytes.get(purpose)[1] += (long) values.length * Float.BYTES;
        return values;
    }

    /** Bytes moved host → device for {@code purpose} so far. */
    public long toDevice(Purpose purpose) {
        return bytes.get(purpose)[0];
    }

    /** Bytes moved device → host for {@code purpose} so far. */
    public long toHost(Purpose purpose) {
        return bytes.get(purpose)[1];
    }

    /** Bytes moved in both directions for {@code purpose}. */
    public long total(Purpose purpose) {
        return toDevice(purpose) + toHost(purpose);
    }

    /** A copy of the counts, e.g. to subtract from a later one. */
    public HostDeviceTraffic snapshot() {
        HostDeviceTraffic copy = new HostDeviceTraffic();
        bytes.forEach((p, b) -> copy.bytes.put(p, b.clone()));
        return copy;
    }

    /** These counts with the given purposes' set to zero. */
    public HostDeviceTraffic without(Purpose... purposes) {
        HostDeviceTraffic rest = snapshot();
        for (Purpose p : purposes) {
            rest.bytes.put(p, new long[2]);
        }
        return rest;
    }

    /** The bytes moved since {@code earlier} (a {@link #snapshot()} of this counter), per purpose. */
    public HostDeviceTraffic since(HostDeviceTraffic earlier) {
        HostDeviceTraffic delta = new HostDeviceTraffic();
        bytes.forEach((p, b) -> {
            long[] before = earlier.bytes.get(p);
            delta.bytes.put(p, new long[] {b[0] - before[0], b[1] - before[1]});
        });
        return delta;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("HostDeviceTraffic[");
        bytes.forEach((p, b) -> s.append(p).append(" in ").append(b[0]).append(" out ").append(b[1]).append("; "));
        return s.append(']').toString();
    }
}
