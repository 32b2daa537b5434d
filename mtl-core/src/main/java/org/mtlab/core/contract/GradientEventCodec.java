package org.mtlab.core.contract;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Compact binary form of a {@link GradientEvent} (big-endian), version {@value #VERSION}:
 * <pre>
 * u8 version | u8 flags (bit 0: full gradients, bit 1: conflict baseline, bit 2: representation space,
 *                        bit 3: unlabelled tasks) | 16 B run id | i32 attempt | i64 step
 * | i32 epoch | u16 T | u16 B | T × f32 loss | T × f32 weight | if unlabelled tasks: u64 mask (bit t: task t had no
 * label in the batch) | B × T(T+1)/2 × f64 packed Gram upper triangle
 * | if baseline: u16 m | i32 P | m × T(T+1)/2 × f64 per-sample task Grams | m × T(T−1)/2 × i32 sign disagreements
 *               | T × m(m+1)/2 × f64 per-task sample Grams | T × m(m−1)/2 × i32 sign disagreements
 *               | T × 3 × f64 half-batch (‖a‖², ‖b‖², ⟨a,b⟩) | T × i32 half-batch sign disagreements
 *               | T(T−1)/2 × i32 batch sign disagreements
 * | if full: B × i32 block size, then T × P × f32 gradient (P = Σ block sizes)
 * </pre>
 * Gram entries are doubles because cosine similarity is read from them and must be exact; losses and weights are
 * floats as they are in training; sign disagreements are exact counts out of P. Decoding checks every length and value
 * and refuses anything else. Flag bit 2 says the gradients live on the shared representation
 * ({@link GradientEvent.Space#REPRESENTATION}); without it they live on the shared parameters. Flag bit 3 says some
 * task had no label in the step's batch ({@link GradientEvent#unlabelledTasks()}, partial labels): the mask follows the
 * weights, is non-zero, names only the event's tasks, and each task it names has a loss of exactly 0 and a zero Gram
 * row and column (and a zero full gradient); an event whose tasks all had labels has the same bytes as in version 3
 * but for the version byte. Versions 1 (no baseline section, flag bit 1 unused), 2 (no gradient space, flag bit 2
 * unused: parameters) and 3 (no unlabelled tasks, flag bit 3 unused) are still decoded, so that a topic replayed from
 * its start after an upgrade is read whole; readers of an older version refuse a newer one by its version byte (a
 * version-3 reader answers "unsupported gradient event version 4"), never reading a zero gradient of an unlabelled task
 * as a measured one. Every event is written in version {@value #VERSION}.
 */
public final class GradientEventCodec {
    public static final byte VERSION = 4;
    /** The version before unlabelled tasks (every task had labels in every batch); decoded, never written. */
    public static final byte VERSION_3 = 3;
    /** The version before the gradient space (every event on the shared parameters); decoded, never written. */
    public static final byte VERSION_2 = 2;
    /** The version before the conflict baseline; decoded, never written. */
    public static final byte VERSION_1 = 1;
    public static final int MAX_TASKS = 64;
    public static final int MAX_BLOCKS = 4096;
    private static final int FLAG_FULL = 1;
    private static final int FLAG_BASELINE = 2;
    private static final int FLAG_REPRESENTATION = 4;
    private static final int FLAG_UNLABELLED = 8;
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
        if ((e.unlabelledTasks() & ~GradientEvent.allTasks(t)) != 0) {
            throw new IllegalArgumentException("unlabelledTasks names a task beyond the event's " + t);
        }
        boolean unlabelled = e.hasUnlabelledTasks();
        long length = HEADER_BYTES + 8L * t + (unlabelled ? 8 : 0) + 8L * b * packed
                + (e.hasBaseline() ? baselineBytes(t, e.baseline().samples()) : 0)
                + (e.hasFullGradients() ? 4L * b + 4L * t * parameters : 0);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(length));
        out.put(VERSION).put((byte) ((e.hasFullGradients() ? FLAG_FULL : 0) | (e.hasBaseline() ? FLAG_BASELINE : 0)
                | (e.space() == GradientEvent.Space.REPRESENTATION ? FLAG_REPRESENTATION : 0)
                | (unlabelled ? FLAG_UNLABELLED : 0)));
        out.putLong(e.runId().getMostSignificantBits()).putLong(e.runId().getLeastSignificantBits());
        out.putInt(e.attempt()).putLong(e.step()).putInt(e.epoch());
        out.putShort((short) t).putShort((short) b);
        for (float loss : e.losses()) {
            out.putFloat(loss);
        }
        for (float weight : e.weights()) {
            out.putFloat(weight);
        }
        if (unlabelled) {
            out.putLong(e.unlabelledTasks());
        }
        for (double[] block : e.blockGrams()) {
            if (block.length != packed) {
                throw new IllegalArgumentException("each block Gram must hold " + packed + " packed entries");
            }
            for (double v : block) {
                out.putDouble(v);
            }
        }
        if (e.hasBaseline()) {
            encodeBaseline(e.baseline(), t, out);
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
        if (version != VERSION && version != VERSION_3 && version != VERSION_2 && version != VERSION_1) {
            throw new ContractException("version", "unsupported gradient event version " + version
                    + ", this reader knows " + VERSION_1 + " to " + VERSION);
        }
        int flags = in.get();
        int knownFlags = version == VERSION ? FLAG_FULL | FLAG_BASELINE | FLAG_REPRESENTATION | FLAG_UNLABELLED
                : version == VERSION_3 ? FLAG_FULL | FLAG_BASELINE | FLAG_REPRESENTATION
                : version == VERSION_2 ? FLAG_FULL | FLAG_BASELINE : FLAG_FULL;
        if ((flags & ~knownFlags) != 0) {
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
            boolean unlabelled = (flags & FLAG_UNLABELLED) != 0;
            long fixed = HEADER_BYTES + 8L * t + (unlabelled ? 8 : 0) + 8L * b * packed;
            boolean full = (flags & FLAG_FULL) != 0;
            boolean withBaseline = (flags & FLAG_BASELINE) != 0;
            if (!full && !withBaseline && bytes.length != fixed) {
                throw new ContractException(null, "gradient event of " + t + " tasks and " + b + " blocks must be "
                        + fixed + " bytes, got " + bytes.length);
            }
            float[] losses = finiteFloats(in, t, "losses");
            float[] weights = finiteFloats(in, t, "weights");
            long unlabelledTasks = unlabelled ? in.getLong() : 0L;
            if (unlabelled && (unlabelledTasks == 0 || (unlabelledTasks & ~GradientEvent.allTasks(t)) != 0)) {
                throw new ContractException("unlabelledTasks", "mask " + Long.toBinaryString(unlabelledTasks)
                        + " must be non-zero and name only the event's " + t + " tasks");
            }
            for (int k = 0; k < t; k++) {
                if ((unlabelledTasks >>> k & 1L) != 0 && losses[k] != 0f) {
                    throw new ContractException("losses[" + k + "]", "task " + k + " had no label in the batch, its "
                            + "loss must be 0, got " + losses[k]);
                }
            }
            double[][] grams = new double[b][packed];
            for (int k = 0; k < b; k++) {
                for (int p = 0; p < packed; p++) {
                    grams[k][p] = in.getDouble();
                    if (!Double.isFinite(grams[k][p])) {
                        throw new ContractException("blockGrams[" + k + "]", "non-finite Gram entry");
                    }
                }
                checkGram(grams[k], t, "blockGrams[", k);
                checkUnlabelledRows(grams[k], t, unlabelledTasks, "blockGrams[" + k + "]");
            }
            ConflictBaseline baseline = withBaseline ? decodeBaseline(in, t, bytes.length) : null;
            long beforeFull = in.position();
            int[] sizes = null;
            float[][] gradients = null;
            if (full) {
                if (bytes.length < beforeFull + 4L * b) {
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
                        || bytes.length != beforeFull + 4L * b + 4L * t * parameters) {
                    throw new ContractException("fullGradients", "expected " + t + " × " + parameters
                            + " floats (at most " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS + " parameters)");
                }
                gradients = new float[t][];
                for (int i = 0; i < t; i++) {
                    gradients[i] = finiteFloats(in, (int) parameters, "fullGradients[" + i + "]");
                    if ((unlabelledTasks >>> i & 1L) != 0) {
                        for (float v : gradients[i]) {
                            if (v != 0f) {
                                throw new ContractException("fullGradients[" + i + "]", "task " + i + " had no label "
                                        + "in the batch, its gradient must be zero");
                            }
                        }
                    }
                }
            }
            if (in.hasRemaining()) {
                throw new ContractException(null, "gradient event has " + in.remaining() + " bytes after its end");
            }
            GradientEvent.Space space = (flags & FLAG_REPRESENTATION) != 0 ? GradientEvent.Space.REPRESENTATION
                    : GradientEvent.Space.PARAMETERS;
            return new GradientEvent(runId, attempt, step, epoch, losses, weights, grams, sizes, gradients, baseline,
                    space, unlabelledTasks);
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

    /** Bytes of the baseline section for T tasks and m samples. */
    public static long baselineBytes(int t, int m) {
        return 2 + 4 + 8L * m * GradientEvent.packedLength(t) + 4L * m * ConflictBaseline.pairCount(t)
                + 8L * t * GradientEvent.packedLength(m) + 4L * t * ConflictBaseline.pairCount(m) + 8L * 3 * t + 4L * t
                + 4L * ConflictBaseline.pairCount(t);
    }

    private static void encodeBaseline(ConflictBaseline c, int t, ByteBuffer out) {
        int m = c.samples();
        if (m < ConflictBaseline.MIN_SAMPLES || m > ConflictBaseline.MAX_SAMPLES || c.sharedParameters() < 1
                || c.taskCount() != t) {
            throw new IllegalArgumentException("a conflict baseline needs " + ConflictBaseline.MIN_SAMPLES + ".."
                    + ConflictBaseline.MAX_SAMPLES + " samples, a positive parameter count and the event's " + t
                    + " tasks, got " + m + " samples, " + c.sharedParameters() + " parameters, " + c.taskCount() + " tasks");
        }
        out.putShort((short) m).putInt(c.sharedParameters());
        putDoubles(out, c.sampleGrams(), m, GradientEvent.packedLength(t), "sampleGrams");
        putInts(out, c.sampleSignDisagreements(), m, ConflictBaseline.pairCount(t), "sampleSignDisagreements");
        putDoubles(out, c.taskSampleGrams(), t, GradientEvent.packedLength(m), "taskSampleGrams");
        putInts(out, c.taskSampleSignDisagreements(), t, ConflictBaseline.pairCount(m), "taskSampleSignDisagreements");
        putDoubles(out, c.halfBatches(), t, 3, "halfBatches");
        putInts(out, new int[][] {c.halfBatchSignDisagreements()}, 1, t, "halfBatchSignDisagreements");
        putInts(out, new int[][] {c.batchSignDisagreements()}, 1, ConflictBaseline.pairCount(t), "batchSignDisagreements");
    }

    private static void putDoubles(ByteBuffer out, double[][] rows, int n, int width, String field) {
        if (rows == null || rows.length != n) {
            throw new IllegalArgumentException(field + " must have " + n + " rows");
        }
        for (double[] row : rows) {
            if (row == null || row.length != width) {
                throw new IllegalArgumentException(field + " rows must have " + width + " entries");
            }
            for (double v : row) {
                out.putDouble(v);
            }
        }
    }

    private static void putInts(ByteBuffer out, int[][] rows, int n, int width, String field) {
        if (rows == null || rows.length != n) {
            throw new IllegalArgumentException(field + " must have " + n + " rows");
        }
        for (int[] row : rows) {
            if (row == null || row.length != width) {
                throw new IllegalArgumentException(field + " must have " + width + " entries per row");
            }
            for (int v : row) {
                out.putInt(v);
            }
        }
    }

    private static ConflictBaseline decodeBaseline(ByteBuffer in, int t, int totalBytes) {
        int m = Short.toUnsignedInt(in.getShort());
        int parameters = in.getInt();
        if (m < ConflictBaseline.MIN_SAMPLES || m > ConflictBaseline.MAX_SAMPLES) {
            throw new ContractException("baseline.samples", "sample count " + m + " outside "
                    + ConflictBaseline.MIN_SAMPLES + ".." + ConflictBaseline.MAX_SAMPLES);
        }
        if (parameters < 1) {
            throw new ContractException("baseline.sharedParameters", "must be positive, got " + parameters);
        }
        if (totalBytes - (in.position() - 6) < baselineBytes(t, m)) {
            throw new ContractException("baseline", "truncated: " + m + " samples of " + t + " tasks need "
                    + baselineBytes(t, m) + " bytes");
        }
        double[][] sampleGrams = new double[m][];
        int[][] sampleSigns = new int[m][];
        for (int s = 0; s < m; s++) {
            sampleGrams[s] = finiteDoubles(in, GradientEvent.packedLength(t), "baseline.sampleGrams[" + s + "]");
            checkGram(sampleGrams[s], t, "baseline.sampleGrams[" + s + "]");
        }
        for (int s = 0; s < m; s++) {
            sampleSigns[s] = counts(in, ConflictBaseline.pairCount(t), parameters, "baseline.sampleSignDisagreements[" + s + "]");
        }
        double[][] taskGrams = new double[t][];
        int[][] taskSigns = new int[t][];
        for (int k = 0; k < t; k++) {
            taskGrams[k] = finiteDoubles(in, GradientEvent.packedLength(m), "baseline.taskSampleGrams[" + k + "]");
            checkGram(taskGrams[k], m, "baseline.taskSampleGrams[" + k + "]");
            for (int s = 0; s < m; s++) {
                // the same squared norm, sent in both matrices: equal or corrupt
                if (taskGrams[k][GradientEvent.packedIndex(s, s, m)] != sampleGrams[s][GradientEvent.packedIndex(k, k, t)]) {
                    throw new ContractException("baseline.taskSampleGrams[" + k + "]", "squared norm of sample " + s
                            + " differs from baseline.sampleGrams[" + s + "]");
                }
            }
        }
        for (int k = 0; k < t; k++) {
            taskSigns[k] = counts(in, ConflictBaseline.pairCount(m), parameters, "baseline.taskSampleSignDisagreements[" + k + "]");
        }
        double[][] halves = new double[t][];
        for (int k = 0; k < t; k++) {
            halves[k] = finiteDoubles(in, 3, "baseline.halfBatches[" + k + "]");
            double[] asGram = {halves[k][ConflictBaseline.HALF_A], halves[k][ConflictBaseline.HALF_DOT],
                    halves[k][ConflictBaseline.HALF_B]};
            checkGram(asGram, 2, "baseline.halfBatches[" + k + "]");
        }
        int[] halfSigns = counts(in, t, parameters, "baseline.halfBatchSignDisagreements");
        int[] batchSigns = counts(in, ConflictBaseline.pairCount(t), parameters, "baseline.batchSignDisagreements");
        return new ConflictBaseline(m, parameters, sampleGrams, sampleSigns, taskGrams, taskSigns, halves, halfSigns,
                batchSigns);
    }

    private static double[] finiteDoubles(ByteBuffer in, int n, String field) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getDouble();
            if (!Double.isFinite(out[i])) {
                throw new ContractException(field, "non-finite entry " + i);
            }
        }
        return out;
    }

    private static int[] counts(ByteBuffer in, int n, int parameters, String field) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.getInt();
            if (out[i] < 0 || out[i] > parameters) {
                throw new ContractException(field + "[" + i + "]", "count " + out[i] + " outside 0.." + parameters);
            }
        }
        return out;
    }

    /** The Gram row and column of a task without labels in the batch are exactly zero: its gradient is zero. */
    private static void checkUnlabelledRows(double[] packed, int t, long unlabelledTasks, String field) {
        for (int i = 0; i < t; i++) {
            if ((unlabelledTasks >>> i & 1L) == 0) {
                continue;
            }
            for (int j = 0; j < t; j++) {
                if (packed[GradientEvent.packedIndex(i, j, t)] != 0) {
                    throw new ContractException(field, "task " + i + " had no label in the batch, its Gram row must "
                            + "be zero; entry (" + i + "," + j + ") is " + packed[GradientEvent.packedIndex(i, j, t)]);
                }
            }
        }
    }

    /** A Gram matrix has a non-negative diagonal and obeys Cauchy–Schwarz; anything else is corrupt. */
    private static void checkGram(double[] packed, int t, String field) {
        checkGram(packed, t, field, -1);
    }

    /** @param index when ≥ 0, the field is {@code field + index + "]"}, a name built only for the error */
    private static void checkGram(double[] packed, int t, String field, int index) {
        for (int i = 0; i < t; i++) {
            double gii = packed[GradientEvent.packedIndex(i, i, t)];
            if (gii < 0) {
                throw new ContractException(fieldName(field, index), "negative squared norm of vector " + i);
            }
            for (int j = i + 1; j < t; j++) {
                double bound = Math.sqrt(gii * packed[GradientEvent.packedIndex(j, j, t)]);
                if (Math.abs(packed[GradientEvent.packedIndex(i, j, t)]) > bound * (1 + 1e-6) + 1e-30) {
                    throw new ContractException(fieldName(field, index),
                            "entry (" + i + "," + j + ") violates Cauchy-Schwarz: not a Gram matrix");
                }
            }
        }
    }

    private static String fieldName(String field, int index) {
        return index < 0 ? field : field + index + "]";
    }
}
