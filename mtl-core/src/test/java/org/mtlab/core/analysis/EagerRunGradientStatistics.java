package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;
import org.mtlab.core.methods.ParetoStationarity;
import org.mtlab.core.analysis.RunGradientStatistics.BlockPair;
import org.mtlab.core.analysis.RunGradientStatistics.EpochPair;
import org.mtlab.core.analysis.RunGradientStatistics.EpochSummary;
import org.mtlab.core.analysis.RunGradientStatistics.PairSummary;
import org.mtlab.core.analysis.RunGradientStatistics.Snapshot;
import org.mtlab.core.analysis.RunGradientStatistics.TaskSummary;

/**
 * Test reference: {@link RunGradientStatistics} as it was before its Pareto stationarity was settled lazily (commit
 * 2a76fcc), every figure computed when the step is added; it predates partial labels, so its snapshots count no
 * unlabelled steps (0). Running gradient statistics of one run: per task pair, cosine and magnitude similarity and the norm ratio on the
 * whole shared trunk, and cosine per block (layer); per task, the gradient norm; Pareto stationarity (the norm of the
 * min-norm point of the task gradients' convex hull). Per epoch, the distribution (mean, 2.5/50/97.5 percentiles) of
 * cosine, magnitude similarity and stationarity, as Elich et al. report them. Each step counts once whatever the
 * attempt or redelivery: a resumed run re-emits the steps after its last checkpoint, and Kafka redelivers after a
 * crash.
 *
 * <p>Events that carry a {@link org.mtlab.core.contract.ConflictBaseline} also feed the run's
 * {@link ConflictBaselineStatistics}: the inter-sample and inter-batch spread every inter-task figure is to be read
 * against.
 */
final class EagerRunGradientStatistics {
    private final int tasks;
    private final RunningStat[] cosine;
    private final RunningStat[] magnitude;
    private final RunningStat[] norms;
    private final RunningStat[] normRatio;
    private final RunningStat stationarity = new RunningStat();
    private RunningStat[][] blockCosine;
    private final TreeMap<Integer, EpochValues> epochs = new TreeMap<>();
    private final BitSet analysedSteps = new BitSet();
    private ConflictBaselineStatistics baseline;
    private long lastStep = -1;

    EagerRunGradientStatistics(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("a run has at least one task");
        }
        this.tasks = tasks;
        int pairs = tasks * (tasks - 1) / 2;
        cosine = stats(pairs);
        magnitude = stats(pairs);
        normRatio = stats(pairs);
        norms = new RunningStat[tasks];
        for (int t = 0; t < tasks; t++) {
            norms[t] = new RunningStat();
        }
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
        if (blockCosine != null && blockCosine.length != event.blockCount()) {
            throw new IllegalArgumentException("run has " + blockCosine.length + " blocks, the event " + event.blockCount());
        }
        if (analysedSteps.get(step)) {
            return false;
        }
        if (blockCosine == null) {
            blockCosine = new RunningStat[event.blockCount()][];
            for (int b = 0; b < blockCosine.length; b++) {
                blockCosine[b] = stats(cosine.length);
            }
        }
        analysedSteps.set(step);
        lastStep = Math.max(lastStep, event.step());
        EpochValues epoch = epochs.computeIfAbsent(event.epoch(), e -> new EpochValues(cosine.length));
        epoch.firstStep = Math.min(epoch.firstStep, event.step());
        epoch.lastStep = Math.max(epoch.lastStep, event.step());
        // a run's events arrive in step order: earlier epochs are complete, keep only their percentiles
        epochs.headMap(event.epoch()).values().forEach(EpochValues::close);
        double[][] g = event.totalGram();
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            norms[i].add(Math.sqrt(g[i][i]));
            for (int j = i + 1; j < tasks; j++) {
                double cos = GradientGeometry.cosine(g[i][i], g[j][j], g[i][j]);
                double mag = GradientGeometry.magnitudeSimilarity(g[i][i], g[j][j]);
                cosine[p].add(cos);
                magnitude[p].add(mag);
                double small = Math.sqrt(Math.min(g[i][i], g[j][j]));
                if (small > 0) {
                    normRatio[p].add(Math.sqrt(Math.max(g[i][i], g[j][j])) / small);
                }
                epoch.cosine[p].add(cos);
                epoch.magnitude[p].add(mag);
                for (int b = 0; b < blockCosine.length; b++) {
                    blockCosine[b][p].add(GradientGeometry.cosine(event.gram(b, i, i), event.gram(b, j, j), event.gram(b, i, j)));
                }
                p++;
            }
        }
        double s = ParetoStationarity.fromGram(g);
        stationarity.add(s);
        epoch.stationarity.add(s);
        if (event.hasBaseline()) {
            if (baseline == null) {
                baseline = new ConflictBaselineStatistics(tasks);
            }
            baseline.add(event.epoch(), event.baseline());
        }
        return true;
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
    }

    public synchronized long analysedStepCount() {
        return analysedSteps.cardinality();
    }

    public synchronized Snapshot snapshot(List<String> taskNames) {
        List<String> names = taskNames != null && taskNames.size() == tasks ? taskNames : defaultNames();
        List<PairSummary> pairs = new ArrayList<>();
        List<String[]> pairNames = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                pairs.add(new PairSummary(names.get(i), names.get(j), cosine[p].summary(), magnitude[p].summary(),
                        normRatio[p].summary(), 0L));
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
                baseline == null ? null : baseline.snapshot(names), 0L);
    }

    private List<String> defaultNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("task" + t);
        }
        return names;
    }
}
