package org.mtlab.core.analysis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.core.methods.ParetoStationarity;
import org.mtlab.core.methods.StepInput;

/**
 * Running gradient statistics of one run: per task pair, cosine and magnitude similarity and the norm ratio on the
 * whole shared trunk, and cosine per block (layer); per task, the gradient norm; Pareto stationarity (the norm of the
 * min-norm point of the task gradients' convex hull). Per epoch, the distribution (mean, 2.5/50/97.5 percentiles) of
 * cosine, magnitude similarity and stationarity, as Elich et al. report them. Each step counts once whatever the
 * attempt or redelivery: a resumed run re-emits the steps after its last checkpoint, and Kafka redelivers after a
 * crash.
 *
 * <p>Partial labels: a task without a label in a step's batch ({@link GradientEvent#unlabelled}) has a zero gradient,
 * whose direction is undefined, so that step is left out of every figure of the task — its norm, the cosine, magnitude
 * similarity and norm ratio of each pair it is in (per block and per epoch too) — and, as the min-norm point of a hull
 * holding a zero vector is zero, out of Pareto stationarity; each pair counts the steps it left out
 * ({@link PairSummary#unlabelledSteps()}), the run the analysed steps with some task unlabelled
 * ({@link Snapshot#unlabelledSteps()}).
 *
 * <p>Events that carry a {@link org.mtlab.core.contract.ConflictBaseline} also feed the run's
 * {@link ConflictBaselineStatistics}: the inter-sample and inter-batch spread every inter-task figure is to be read
 * against.
 */
public final class RunGradientStatistics {
    private final int tasks;
    private final RunningStat[] cosine;
    private final RunningStat[] magnitude;
    private final RunningStat[] norms;
    private final RunningStat[] normRatio;
    private final RunningStat stationarity = new RunningStat();
    /** Per pair, the analysed steps left out of its figures because one of its tasks had no label in the batch. */
    private final long[] unlabelledPairSteps;
    private long unlabelledSteps;
    private RunningStat[][] blockCosine;
    private final TreeMap<Integer, EpochValues> epochs = new TreeMap<>();
    private final BitSet analysedSteps = new BitSet();
    private ConflictBaselineStatistics baseline;
    private long lastStep = -1;
    /** Packed upper triangle of the T×T Gram: per pair index p, the entries (i, i), (j, j) and (i, j). */
    private final int packed;
    private final int[] pairI;
    private final int[] pairJ;
    private final int[] pairIJ;
    private final int[] diagonal;
    /** The epoch of the previous event and its values (the epoch map is looked up only when the epoch changes). */
    private int currentEpoch;
    private EpochValues currentValues;
    /** Every epoch below this one is closed. */
    private int closedBelow = Integer.MIN_VALUE;
    /** Scratch for the total Gram of the event being added (only under the lock). */
    private final double[] total;
    private final double[][] totalMatrix;
    /**
     * Pareto stationarity is a small QP per step, the one costly part of a step's statistics; it is settled in
     * arrival order when the statistics are read ({@link #snapshot}), before an epoch is closed, or by
     * {@link #settle()} from another thread. Until then each added step waits here: its total Gram (packed) and its
     * epoch, entries [pendingStart, pendingEnd) of the buffers; {@code appliedSteps} counts the entries settled so far
     * over the run's life. Settling computes exactly what an immediate computation would have, in the same order.
     */
    private double[] pendingGrams;
    private EpochValues[] pendingEpochs;
    private int pendingStart;
    private int pendingEnd;
    private long appliedSteps;

    public RunGradientStatistics(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("a run has at least one task");
        }
        this.tasks = tasks;
        int pairs = tasks * (tasks - 1) / 2;
        cosine = stats(pairs);
        magnitude = stats(pairs);
        normRatio = stats(pairs);
        unlabelledPairSteps = new long[pairs];
        norms = new RunningStat[tasks];
        for (int t = 0; t < tasks; t++) {
            norms[t] = new RunningStat();
        }
        packed = GradientEvent.packedLength(tasks);
        pairI = new int[pairs];
        pairJ = new int[pairs];
        pairIJ = new int[pairs];
        diagonal = new int[tasks];
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            diagonal[i] = GradientEvent.packedIndex(i, i, tasks);
            for (int j = i + 1; j < tasks; j++) {
                pairI[p] = GradientEvent.packedIndex(i, i, tasks);
                pairJ[p] = GradientEvent.packedIndex(j, j, tasks);
                pairIJ[p] = GradientEvent.packedIndex(i, j, tasks);
                p++;
            }
        }
        total = new double[packed];
        totalMatrix = new double[tasks][tasks];
        pendingGrams = new double[16 * packed];
        pendingEpochs = new EpochValues[16];
    }

    public int taskCount() {
        return tasks;
    }

    /**
     * Adds one step's event.
     *
     * @return false when the step was analysed before (a duplicate, ignored)
     * @throws IllegalArgumentException when the event's task count differs from the run's
     */
    public synchronized boolean add(GradientEvent event) {
        if (event.taskCount() != tasks) {
            throw new IllegalArgumentException("run has " + tasks + " tasks, the event " + event.taskCount());
        }
        if (event.step() > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("step " + event.step() + " beyond the supported range");
        }
        int step = (int) event.step();
        double[][] grams = event.blockGrams();
        if (blockCosine != null && blockCosine.length != grams.length) {
            throw new IllegalArgumentException("run has " + blockCosine.length + " blocks, the event " + grams.length);
        }
        if (analysedSteps.get(step)) {
            return false;
        }
        if (blockCosine == null) {
            blockCosine = new RunningStat[grams.length][];
            for (int b = 0; b < blockCosine.length; b++) {
                blockCosine[b] = stats(cosine.length);
            }
        }
        analysedSteps.set(step);
        lastStep = Math.max(lastStep, event.step());
        EpochValues epoch = epochValues(event.epoch());
        epoch.firstStep = Math.min(epoch.firstStep, event.step());
        epoch.lastStep = Math.max(epoch.lastStep, event.step());
        // a run's events arrive in step order: earlier epochs are complete, keep only their percentiles
        if (event.epoch() > closedBelow) {
            settleHere();
            epochs.headMap(event.epoch()).values().forEach(EpochValues::close);
            closedBelow = event.epoch();
        }
        // the Gram matrix of the whole trunk: the blocks' sum, in block order
        double[] g = total;
        Arrays.fill(g, 0.0);
        for (double[] block : grams) {
            for (int k = 0; k < packed; k++) {
                g[k] += block[k];
            }
        }
        for (int i = 0; i < tasks; i++) {
            if (!event.unlabelled(i)) {
                norms[i].add(Math.sqrt(g[diagonal[i]]));
            }
        }
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++, p++) {
                if (event.unlabelled(i) || event.unlabelled(j)) {
                    unlabelledPairSteps[p]++;
                    continue;
                }
                double gii = g[pairI[p]];
                double gjj = g[pairJ[p]];
                double cos = GradientGeometry.cosine(gii, gjj, g[pairIJ[p]]);
                double mag = GradientGeometry.magnitudeSimilarity(gii, gjj);
                cosine[p].add(cos);
                magnitude[p].add(mag);
                double small = Math.sqrt(Math.min(gii, gjj));
                if (small > 0) {
                    normRatio[p].add(Math.sqrt(Math.max(gii, gjj)) / small);
                }
                epoch.cosine[p].add(cos);
                epoch.magnitude[p].add(mag);
                int ii = pairI[p];
                int jj = pairJ[p];
                int ij = pairIJ[p];
                for (int b = 0; b < grams.length; b++) {
                    double[] block = grams[b];
                    blockCosine[b][p].add(GradientGeometry.cosine(block[ii], block[jj], block[ij]));
                }
            }
        }
        if (event.hasUnlabelledTasks()) {
            // a zero gradient makes the step's stationarity zero: such steps stay out of it
            unlabelledSteps++;
        } else {
            // what ParetoStationarity.fromGram checks, now, so that a bad step fails here as it always did
            StepInput.ofGram(0, 0, null, unpack(g, 0, totalMatrix));
            appendPending(g, epoch);
        }
        if (event.hasBaseline()) {
            if (baseline == null) {
                baseline = new ConflictBaselineStatistics(tasks);
            }
            baseline.add(event.epoch(), event.baseline());
        }
        return true;
    }

    private EpochValues epochValues(int epoch) {
        if (currentValues == null || currentEpoch != epoch) {
            EpochValues values = epochs.get(epoch);
            if (values == null) {
                values = new EpochValues(cosine.length);
                epochs.put(epoch, values);
                // a step of an epoch not seen before, below epochs already closed (a run trained twice at once):
                // it is closed by the next step of a later epoch, as every epoch is
                closedBelow = Math.min(closedBelow, epoch);
            }
            currentEpoch = epoch;
            currentValues = values;
        }
        return currentValues;
    }

    private static double[][] unpack(double[] packedGram, int offset, double[][] into) {
        int t = into.length;
        int k = offset;
        for (int i = 0; i < t; i++) {
            for (int j = i; j < t; j++) {
                into[i][j] = packedGram[k];
                into[j][i] = packedGram[k];
                k++;
            }
        }
        return into;
    }

    private void appendPending(double[] g, EpochValues epoch) {
        if (pendingEnd == pendingEpochs.length) {
            int live = pendingEnd - pendingStart;
            if (pendingStart > 0 && live <= pendingEpochs.length / 2) {
                System.arraycopy(pendingGrams, pendingStart * packed, pendingGrams, 0, live * packed);
                System.arraycopy(pendingEpochs, pendingStart, pendingEpochs, 0, live);
                Arrays.fill(pendingEpochs, live, pendingEnd, null);
                pendingStart = 0;
                pendingEnd = live;
            } else {
                pendingGrams = Arrays.copyOf(pendingGrams, pendingGrams.length * 2);
                pendingEpochs = Arrays.copyOf(pendingEpochs, pendingEpochs.length * 2);
            }
        }
        System.arraycopy(g, 0, pendingGrams, pendingEnd * packed, packed);
        pendingEpochs[pendingEnd++] = epoch;
    }

    /**
     * Computes the Pareto stationarity of the steps added but not yet settled, outside the lock, so that a thread
     * other than the one adding events can take this work; {@link #add} waits only while the results are recorded.
     * Optional: a read settles what is left itself.
     */
    public void settle() {
        long from;
        int count;
        double[] gramsToSettle;
        synchronized (this) {
            count = pendingEnd - pendingStart;
            if (count == 0) {
                return;
            }
            from = appliedSteps;
            gramsToSettle = Arrays.copyOfRange(pendingGrams, pendingStart * packed, pendingEnd * packed);
        }
        double[] values = stationarities(gramsToSettle, count);
        synchronized (this) {
            apply(from, values);
        }
    }

    /** Number of added steps whose Pareto stationarity is not settled yet. */
    public synchronized int unsettledSteps() {
        return pendingEnd - pendingStart;
    }

    /** Settles every pending step on the calling thread; under the lock. */
    private void settleHere() {
        int count = pendingEnd - pendingStart;
        if (count == 0) {
            return;
        }
        double[] values = stationarities(Arrays.copyOfRange(pendingGrams, pendingStart * packed,
                pendingEnd * packed), count);
        apply(appliedSteps, values);
    }

    private double[] stationarities(double[] grams, int count) {
        double[][] g = new double[tasks][tasks];
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            out[k] = ParetoStationarity.fromGram(unpack(grams, k * packed, g));
        }
        return out;
    }

    /** Records the stationarity of the steps {@code from, from + 1, ...}, in order, skipping those recorded already. */
    private void apply(long from, double[] values) {
        for (int k = (int) Math.max(0, appliedSteps - from); k < values.length; k++) {
            EpochValues epoch = pendingEpochs[pendingStart];
            pendingEpochs[pendingStart++] = null;
            appliedSteps++;
            stationarity.add(values[k]);
            epoch.stationarity.add(values[k]);
        }
        if (pendingStart == pendingEnd) {
            pendingStart = 0;
            pendingEnd = 0;
        }
    }

    /** First int of {@link #toBytes()}: the format; a checkpoint written in another one is not read. */
    static final int STATE_FORMAT = 0x4d53_0001;

    /**
     * The complete state, for a checkpoint: {@link #fromBytes} of it continues exactly as this object would (bit for
     * bit, the same figures after the same further events). Pending stationarity is settled first. A binary form of our
     * own because the state is the statistics' private fields (running moments, open epochs' raw values, the analysed
     * steps), not a published view.
     */
    public synchronized byte[] toBytes() {
        settleHere();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(STATE_FORMAT);
            out.writeInt(tasks);
            writeAll(out, cosine);
            writeAll(out, magnitude);
            writeAll(out, norms);
            writeAll(out, normRatio);
            stationarity.writeTo(out);
            for (long n : unlabelledPairSteps) {
                out.writeLong(n);
            }
            out.writeLong(unlabelledSteps);
            out.writeInt(blockCosine == null ? -1 : blockCosine.length);
            for (int b = 0; blockCosine != null && b < blockCosine.length; b++) {
                writeAll(out, blockCosine[b]);
            }
            out.writeInt(epochs.size());
            for (var entry : epochs.entrySet()) {
                out.writeInt(entry.getKey());
                entry.getValue().writeTo(out);
            }
            long[] steps = analysedSteps.toLongArray();
            out.writeInt(steps.length);
            for (long word : steps) {
                out.writeLong(word);
            }
            out.writeLong(lastStep);
            out.writeInt(closedBelow);
            out.writeLong(appliedSteps);
            out.writeBoolean(baseline != null);
            if (baseline != null) {
                baseline.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Statistics restored from {@link #toBytes()}.
     *
     * @throws IllegalArgumentException when the bytes are not such a state (another format, truncated)
     */
    public static RunGradientStatistics fromBytes(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int format = in.readInt();
            if (format != STATE_FORMAT) {
                throw new IllegalArgumentException("not a gradient statistics state of format " + STATE_FORMAT
                        + " (found " + format + ")");
            }
            RunGradientStatistics s = new RunGradientStatistics(in.readInt());
            readAll(in, s.cosine);
            readAll(in, s.magnitude);
            readAll(in, s.norms);
            readAll(in, s.normRatio);
            s.stationarity.readFrom(in);
            for (int p = 0; p < s.unlabelledPairSteps.length; p++) {
                s.unlabelledPairSteps[p] = in.readLong();
            }
            s.unlabelledSteps = in.readLong();
            int blocks = in.readInt();
            if (blocks >= 0) {
                s.blockCosine = new RunningStat[blocks][];
                for (int b = 0; b < blocks; b++) {
                    s.blockCosine[b] = stats(s.cosine.length);
                    readAll(in, s.blockCosine[b]);
                }
            }
            int epochCount = in.readInt();
            for (int e = 0; e < epochCount; e++) {
                int epoch = in.readInt();
                EpochValues values = new EpochValues(s.cosine.length);
                values.readFrom(in);
                s.epochs.put(epoch, values);
            }
            long[] steps = new long[in.readInt()];
            for (int w = 0; w < steps.length; w++) {
                steps[w] = in.readLong();
            }
            s.analysedSteps.or(BitSet.valueOf(steps));
            s.lastStep = in.readLong();
            s.closedBelow = in.readInt();
            s.appliedSteps = in.readLong();
            if (in.readBoolean()) {
                s.baseline = new ConflictBaselineStatistics(s.tasks);
                s.baseline.readFrom(in);
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("gradient statistics state longer than its content");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated gradient statistics state: " + e, e);
        }
    }

    static void writeAll(DataOutput out, RunningStat[] stats) throws IOException {
        for (RunningStat stat : stats) {
            stat.writeTo(out);
        }
    }

    static void readAll(DataInput in, RunningStat[] stats) throws IOException {
        for (RunningStat stat : stats) {
            stat.readFrom(in);
        }
    }

    private static RunningStat[] stats(int n) {
        RunningStat[] out = new RunningStat[n];
        for (int k = 0; k < n; k++) {
            out[k] = new RunningStat();
        }
        return out;
    }

    /** One epoch's values, kept whole while the epoch runs so that its percentiles are exact. */
    private static final class EpochValues {
        final Series[] cosine;
        final Series[] magnitude;
        final Series stationarity = new Series();
        /** The epoch's step range as analysed so far: where its figures sit on a chart over steps. */
        long firstStep = Long.MAX_VALUE;
        long lastStep = -1;

        EpochValues(int pairs) {
            cosine = new Series[pairs];
            magnitude = new Series[pairs];
            for (int p = 0; p < pairs; p++) {
                cosine[p] = new Series();
                magnitude[p] = new Series();
            }
        }

        void close() {
            for (Series series : cosine) {
                series.close();
            }
            for (Series series : magnitude) {
                series.close();
            }
            stationarity.close();
        }

        void writeTo(DataOutput out) throws IOException {
            out.writeLong(firstStep);
            out.writeLong(lastStep);
            Series.writeAll(out, cosine);
            Series.writeAll(out, magnitude);
            stationarity.writeTo(out);
        }

        void readFrom(DataInput in) throws IOException {
            firstStep = in.readLong();
            lastStep = in.readLong();
            Series.readAll(in, cosine);
            Series.readAll(in, magnitude);
            stationarity.readFrom(in);
        }
    }

    /** Values of one epoch until it is closed; then only their percentiles. */
    static final class Series {
        private double[] values = new double[64];
        private int size;
        private Percentiles closed;

        void add(double v) {
            if (closed != null) {
                // only a run trained twice at once (a rebalance mid-run) sends a step of an epoch already closed:
                // the step counts in the run's totals, its epoch's percentiles stay as they were
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void close() {
            if (closed == null) {
                closed = Percentiles.of(values, size);
                values = null;
            }
        }

        Percentiles percentiles() {
            return closed != null ? closed : Percentiles.of(values, size);
        }

        /** Open: the values so far; closed: the percentiles. */
        void writeTo(DataOutput out) throws IOException {
            out.writeBoolean(closed != null);
            if (closed != null) {
                out.writeLong(closed.count());
                out.writeDouble(closed.mean());
                out.writeDouble(closed.std());
                out.writeDouble(closed.p2_5());
                out.writeDouble(closed.p50());
                out.writeDouble(closed.p97_5());
            } else {
                out.writeInt(size);
                // in one block, the bytes writeDouble would write value by value (big-endian IEEE 754): an open epoch
                // holds tens of thousands of values per series
                byte[] block = new byte[Double.BYTES * size];
                ByteBuffer.wrap(block).asDoubleBuffer().put(values, 0, size);
                out.write(block);
            }
        }

        void readFrom(DataInput in) throws IOException {
            if (in.readBoolean()) {
                closed = new Percentiles(in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble());
                values = null;
                size = 0;
            } else {
                size = in.readInt();
                if (size < 0 || size > Integer.MAX_VALUE / Double.BYTES) {
                    throw new IOException("series size " + size + " out of range");
                }
                values = new double[Math.max(64, Integer.highestOneBit(Math.max(1, size)) << 1)];
                byte[] block = new byte[Double.BYTES * size];
                in.readFully(block);
                ByteBuffer.wrap(block).asDoubleBuffer().get(values, 0, size);
                closed = null;
            }
        }

        static void writeAll(DataOutput out, Series[] series) throws IOException {
            for (Series s : series) {
                s.writeTo(out);
            }
        }

        static void readAll(DataInput in, Series[] series) throws IOException {
            for (Series s : series) {
                s.readFrom(in);
            }
        }
    }

    public synchronized long analysedStepCount() {
        return analysedSteps.cardinality();
    }

    public synchronized Snapshot snapshot(List<String> taskNames) {
        settleHere();
        List<String> names = taskNames != null && taskNames.size() == tasks ? taskNames : defaultNames();
        List<PairSummary> pairs = new ArrayList<>();
        List<String[]> pairNames = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                pairs.add(new PairSummary(names.get(i), names.get(j), cosine[p].summary(), magnitude[p].summary(),
                        normRatio[p].summary(), unlabelledPairSteps[p]));
                pairNames.add(new String[] {names.get(i), names.get(j)});
                p++;
            }
        }
        List<TaskSummary> perTask = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            perTask.add(new TaskSummary(names.get(t), norms[t].summary()));
        }
        List<BlockPair> blocks = new ArrayList<>();
        for (int b = 0; blockCosine != null && b < blockCosine.length; b++) {
            for (int q = 0; q < pairNames.size(); q++) {
                blocks.add(new BlockPair(b, pairNames.get(q)[0], pairNames.get(q)[1], blockCosine[b][q].summary()));
            }
        }
        List<EpochSummary> perEpoch = new ArrayList<>();
        epochs.forEach((epoch, values) -> {
            List<EpochPair> epochPairs = new ArrayList<>();
            for (int q = 0; q < pairNames.size(); q++) {
                epochPairs.add(new EpochPair(pairNames.get(q)[0], pairNames.get(q)[1], values.cosine[q].percentiles(),
                        values.magnitude[q].percentiles()));
            }
            perEpoch.add(new EpochSummary(epoch, values.firstStep, values.lastStep, epochPairs,
                    values.stationarity.percentiles()));
        });
        return new Snapshot(analysedSteps.cardinality(), lastStep, pairs, perTask, stationarity.summary(), perEpoch, blocks,
                baseline == null ? null : baseline.snapshot(names), unlabelledSteps);
    }

    private List<String> defaultNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("task" + t);
        }
        return names;
    }

    /**
     * Cosine (its negative fraction is the conflict fraction), magnitude similarity, and the ratio of the larger to
     * the smaller gradient norm of one task pair; {@code unlabelledSteps}: the analysed steps left out of these figures
     * because one of the two tasks had no label in the batch (null in statistics persisted before it was recorded).
     */
    public record PairSummary(String taskA, String taskB, RunningStat.Summary cosine,
                              RunningStat.Summary magnitudeSimilarity, RunningStat.Summary normRatio,
                              Long unlabelledSteps) {
    }

    /** Cosine of one task pair on one block (layer) of the shared trunk. */
    public record BlockPair(int block, String taskA, String taskB, RunningStat.Summary cosine) {
    }

    public record EpochPair(String taskA, String taskB, Percentiles cosine, Percentiles magnitudeSimilarity) {
    }

    /**
     * One epoch's distributions; {@code firstStep}..{@code lastStep} are the steps of it analysed so far (null in
     * statistics persisted before they were recorded).
     */
    public record EpochSummary(int epoch, Long firstStep, Long lastStep, List<EpochPair> pairs,
                               Percentiles paretoStationarity) {
    }

    public record TaskSummary(String task, RunningStat.Summary gradientNorm) {
    }

    /**
     * @param baseline        the single-task conflict baseline (inter-task on the same sample, inter-sample,
     *                        inter-batch), null when no event of the run carried one
     * @param unlabelledSteps analysed steps where some task had no label in the batch (left out of Pareto
     *                        stationarity); null in statistics persisted before it was recorded
     */
    public record Snapshot(long analysedSteps, long lastStep, List<PairSummary> pairs, List<TaskSummary> tasks,
                           RunningStat.Summary paretoStationarity, List<EpochSummary> epochs, List<BlockPair> blocks,
                           ConflictBaselineStatistics.Snapshot baseline, Long unlabelledSteps) {
    }
}
