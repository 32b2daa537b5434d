package org.mtlab.core.contract;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Compact binary form of a {@link GradientEvent} (big-endian), version {@value #VERSION}:
 * <pre>
 * u8 version | u8 flags (bit 0: full gradients) | 16 B run id | i32 attempt | i64 step | i32 epoch
 * | u16 T | u16 B | T × f32 loss | T × f32 weight | B × T(T+1)/2 × f64 packed Gram upper triangle
 * | if full: B × i32 block size, then T × P × f32 gradient (P = Σ block sizes)
 * </pre>
 * Gram entries are doubles because cosine similarity is read from them and must be exact; losses and weights are
 * floats as they are in training. Decoding checks every length and value and refuses anything else.
 */
public final class GradientEventCodec {
    public static final byte VERSION = 1;
    public static final int MAX_TASKS = 64;
    public static final int MAX_BLOCKS = 4096;
    private static final int FLAG_FULL = 1;
    private static final int HEADER_BYTES = 1 + 1 + 16 + 4 + 8 + 4 + 2 + 2;

    private GradientEventCodec() {
    }

    public static byte[] encode(GradientEvent e) {
        int t = e.taskCount();
        int b = e.blockCount();
        if (t < 1 || t > MAX_TASKS || b < 1 || b > MAX_BLOCKS || e.weights().length != t) {
            throw new IllegalArgumentException("gradient event needs 1.." + MAX_TASKS + " tasks with a weight each and 1.."
                    + MAX_BLOCKS + " blocks, got " + t + " tasks, " + e.weights().length + " weights, " + b + " blocks");
        }
        int packed = GradientEvent.packedLength(t);
        long parameters = 0;
        if (e.hasFullGradients()) {
            for (int size : e.blockSizes()) {
                parameters += size;
            }
        }
        long length = HEADER_BYTES + 8L * t + 8L * b * packed
                + (e.hasFullGradients() ? 4L * b + 4L * t * parameters : 0);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(length));
        out.put(VERSION).put((byte) (e.hasFullGradients() ? FLAG_FULL : 0));
        out.putLong(e.runId().getMostSignificantBits()).putLong(e.runId().getLeastSignificantBits());
        out.putInt(e.attempt()).putLong(e.step()).putInt(e.epoch());
        out.putShort((short) t).putShort((short) b);
        for (float loss : e.losses()) {
            out.putFloat(loss);
        }
        for (float weight : e.weights()) {
            out.putFloat(weight);
        }
        for (double[] block : e.blockGrams()) {
            if (block.length != packed) {
                throw new IllegalArgumentException("each block Gram must hold " + packed + " packed entries");
            }
            for (double v : block) {
                out.putDouble(v);
            }
        }
        if (e.hasFullGradients()) {
            if (e.blockSizes().length != b || e.fullGradients().length != t) {
                throw new IllegalArgumentException("full gradients need a size per block and a vector per task");
            }
            for (int size : e.blockSizes()) {
                out.putInt(size);
            }
            for (float[] g : e.fullGradients()) {
                if (g.length != parameters) {
                    throw new IllegalArgumentException("each full gradient must have " + parameters + " entries");
                }
                for (float v : g) {
                    out.putFloat(v);
                }
            }
        }
        return out.array();
    }

    /** Decodes and validates; any violation is a {@link ContractException} naming the field. */
    public static GradientEvent decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_BYTES) {
            throw new ContractException(null, "gradient event too short: " + (bytes == null ? 0 : bytes.length)
                    + " bytes, the header alone is " + HEADER_BYTES);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = in.get();
        if (version != VERSION) {
            throw new ContractException("version", "unsupported gradient event version " + version
                    + ", this reader knows " + VERSION);
        }
        int flags = in.get();
        if ((flags & ~FLAG_FULL) != 0) {
            throw new ContractException("flags", "unknown flags " + flags);
        }
        try {
            UUID runId = new UUID(in.getLong(), in.getLong());
            int attempt = in.getInt();
            long step = in.getLong();
            int epoch = in.getInt();
            int t = Short.toUnsignedInt(in.getShort());
            int b = Short.toUnsignedInt(in.getShort());
            if (attempt < 0 || step < 0 || epoch < 0) {
                throw new ContractException(attempt < 0 ? "attempt" : step < 0 ? "step" : "epoch", "must not be negative");
            }
            if (t < 1 || t > MAX_TASKS) {
                throw new ContractException("tasks", "task count " + t + " outside 1.." + MAX_TASKS);
            }
            if (b < 1 || b > MAX_BLOCKS) {
                throw new ContractException("blocks", "block count " + b + " outside 1.." + MAX_BLOCKS);
            }
            int packed = GradientEvent.packedLength(t);
            long fixed = HEADER_BYTES + 8L * t + 8L * b * packed;
            boolean full = (flags & FLAG_FULL) != 0;
            if (!full && bytes.length != fixed) {
                throw new ContractException(null, "gradient event of " + t + " tasks and " + b + " blocks must be "
                        + fixed + " bytes, got " + bytes.length);
            }
            float[] losses = finiteFloats(in, t, "losses");
            float[] weights = finiteFloats(in, t, "weights");
            double[][] grams = new double[b][packed];
            for (int k = 0; k < b; k++) {
                for (int p = 0; p < packed; p++) {
                    grams[k][p] = in.getDouble();
                    if (!Double.isFinite(grams[k][p])) {
                        throw new ContractException("blockGrams[" + k + "]", "non-finite Gram entry");
                    }
                }
                checkGram(grams[k], t, k);
            }
            int[] sizes = null;
            float[][] gradients = null;
            if (full) {
                if (bytes.length < fixed + 4L * b) {
                    throw new ContractException("blockSizes", "truncated");
                }
                sizes = new int[b];
                long parameters = 0;
                for (int k = 0; k < b; k++) {
                    sizes[k] = in.getInt();
                    if (sizes[k] < 1) {
                        throw new ContractException("blockSizes[" + k + "]", "must be positive");
                    }
                    parameters += sizes[k];
                }
                if (parameters > GradientEvent.MAX_FULL_GRADIENT_PARAMETERS
                        || bytes.length != fixed + 4L * b + 4L * t * parameters) {
                    throw new ContractException("fullGradients", "expected " + t + " × " + parameters
                            + " floats (at most " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS + " parameters)");
                }
                gradients = new float[t][];
                for (int i = 0; i < t; i++) {
                    gradients[i] = finiteFloats(in, (int) parameters, "fullGradients[" + i + "]");
                }
            }
            return new GradientEvent(runId, attempt, step, epoch, losses, weights, grams, sizes, gradients);
        } catch (BufferUnderflowException e) {
            throw new ContractException(null, "gradient event truncated");
        }
    }

    private static float[] finiteFloats(ByteBuffer in, int n, String field) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getFloat();
            if (!Float.isFinite(out[i])) {
                throw new ContractException(field + "[" + i + "]", "must be finite");
            }
        }
        return out;
    }

    /** A Gram matrix has a non-negative diagonal and obeys Cauchy–Schwarz; anything else is corrupt. */
    private static void checkGram(double[] packed, int t, int block) {
        for (int i = 0; i < t; i++) {
            double gii = packed[GradientEvent.packedIndex(i, i, t)];
            if (gii < 0) {
                throw new ContractException("blockGrams[" + block + "]", "negative squared norm for task " + i);
            }
            for (int j = i + 1; j < t; j++) {
                double bound = Math.sqrt(gii * packed[GradientEvent.packedIndex(j, j, t)]);
                if (Math.abs(packed[GradientEvent.packedIndex(i, j, t)]) > bound * (1 + 1e-6) + 1e-30) {
                    throw new ContractException("blockGrams[" + block + "]",
                            "entry (" + i + "," + j + ") violates Cauchy-Schwarz: not a Gram matrix");
                }
            }
        }
    }
}
