package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;

/**
 * The single-task conflict baseline of one run (Elich et al., GCPR 2024), from the {@link ConflictBaseline} sections
 * of its gradient events: per task pair, cosine, magnitude similarity and sign-disagreement fraction of the two tasks'
 * gradients on the <em>same</em> sample (inter-task), and the sign-disagreement fraction of their batch gradients; per
 * task, the same three measures between two <em>samples</em> (inter-sample, every pair of the step's m samples) and
 * between the two <em>half-batches</em> (inter-batch). Over the run: mean, std (and the fraction below 0); per epoch:
 * mean, std and the 2.5/50/97.5 percentiles. Steps are de-duplicated by the owning {@link RunGradientStatistics}.
 * Not thread-safe on its own: the owner synchronises.
 */
public final class ConflictBaselineStatistics {
    /** How the sign measure is defined, for readers of the figures. */
    static final String SIGN_RULE = "sign disagreement = fraction of the shared parameters whose two gradient entries "
            + "have strictly opposite signs (an entry of exactly 0 disagrees with nothing)";

    private final int tasks;
    private final Measures[] interTask;
    private final RunningStat[] batchSign;
    private final Measures[] interSample;
    private final Measures[] interBatch;
    private final TreeMap<Integer, EpochValues> epochs = new TreeMap<>();
    private long steps;

    ConflictBaselineStatistics(int tasks) {
        this.tasks = tasks;
        int pairs = ConflictBaseline.pairCount(tasks);
        interTask = new Measures[pairs];
        batchSign = new RunningStat[pairs];
        for (int p = 0; p < pairs; p++) {
            interTask[p] = new Measures();
            batchSign[p] = new RunningStat();
        }
        interSample = new Measures[tasks];
        interBatch = new Measures[tasks];
        for (int t = 0; t < tasks; t++) {
            interSample[t] = new Measures();
            interBatch[t] = new Measures();
        }
    }

    void add(int epochNumber, ConflictBaseline b) {
        if (b.taskCount() != tasks) {
            throw new IllegalArgumentException("run has " + tasks + " tasks, the event's baseline " + b.taskCount());
        }
        steps++;
        EpochValues epoch = epochs.computeIfAbsent(epochNumber, e -> new EpochValues(tasks));
        epochs.headMap(epochNumber).values().forEach(EpochValues::close);
        int m = b.samples();
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                int p = ConflictBaseline.pairIndex(i, j, tasks);
                for (int s = 0; s < m; s++) {
                    double cos = GradientGeometry.cosine(b.interTaskDot(s, i, i), b.interTaskDot(s, j, j), b.interTaskDot(s, i, j));
                    double mag = GradientGeometry.magnitudeSimilarity(b.interTaskDot(s, i, i), b.interTaskDot(s, j, j));
                    double sign = b.signDisagreementFraction(b.sampleSignDisagreements()[s][p]);
                    interTask[p].add(cos, mag, sign);
                    epoch.interTask[p].add(cos, mag, sign);
                }
                double batch = b.signDisagreementFraction(b.batchSignDisagreements()[p]);
                batchSign[p].add(batch);
                epoch.batchSign[p].add(batch);
            }
        }
        for (int t = 0; t < tasks; t++) {
            for (int s = 0; s < m; s++) {
                for (int u = s + 1; u < m; u++) {
                    double ss = b.interSampleDot(t, s, s);
                    double uu = b.interSampleDot(t, u, u);
                    double cos = GradientGeometry.cosine(ss, uu, b.interSampleDot(t, s, u));
                    double mag = GradientGeometry.magnitudeSimilarity(ss, uu);
                    double sign = b.signDisagreementFraction(b.taskSampleSignDisagreements()[t][ConflictBaseline.pairIndex(s, u, m)]);
                    interSample[t].add(cos, mag, sign);
                    epoch.interSample[t].add(cos, mag, sign);
                }
            }
            double[] h = b.halfBatches()[t];
            double cos = GradientGeometry.cosine(h[ConflictBaseline.HALF_A], h[ConflictBaseline.HALF_B], h[ConflictBaseline.HALF_DOT]);
            double mag = GradientGeometry.magnitudeSimilarity(h[ConflictBaseline.HALF_A], h[ConflictBaseline.HALF_B]);
            double sign = b.signDisagreementFraction(b.halfBatchSignDisagreements()[t]);
            interBatch[t].add(cos, mag, sign);
            epoch.interBatch[t].add(cos, mag, sign);
        }
    }

    /** The complete state, within {@link RunGradientStatistics#toBytes()}. */
    void writeTo(java.io.DataOutput out) throws java.io.IOException {
        out.writeLong(steps);
        for (Measures m : interTask) {
            m.writeTo(out);
        }
        RunGradientStatistics.writeAll(out, batchSign);
        for (Measures m : interSample) {
            m.writeTo(out);
        }
        for (Measures m : interBatch) {
            m.writeTo(out);
        }
        out.writeInt(epochs.size());
        for (var entry : epochs.entrySet()) {
            out.writeInt(entry.getKey());
            entry.getValue().writeTo(out);
        }
    }

    /** Replaces this (new) object's state by one {@link #writeTo} wrote. */
    void readFrom(java.io.DataInput in) throws java.io.IOException {
        steps = in.readLong();
        for (Measures m : interTask) {
            m.readFrom(in);
        }
        RunGradientStatistics.readAll(in, batchSign);
        for (Measures m : interSample) {
            m.readFrom(in);
        }
        for (Measures m : interBatch) {
            m.readFrom(in);
        }
        int count = in.readInt();
        for (int e = 0; e < count; e++) {
            int number = in.readInt();
            EpochValues values = new EpochValues(tasks);
            values.readFrom(in);
            epochs.put(number, values);
        }
    }

    Snapshot snapshot(List<String> names) {
        List<InterTaskPair> pairs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                int p = ConflictBaseline.pairIndex(i, j, tasks);
                pairs.add(new InterTaskPair(names.get(i), names.get(j), interTask[p].summary(), batchSign[p].summary()));
            }
        }
        List<SingleTask> perTask = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            perTask.add(new SingleTask(names.get(t), interSample[t].summary(), interBatch[t].summary()));
        }
        List<Epoch> perEpoch = new ArrayList<>();
        epochs.forEach((number, values) -> {
            List<EpochInterTaskPair> epochPairs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                for (int j = i + 1; j < tasks; j++) {
                    int p = ConflictBaseline.pairIndex(i, j, tasks);
                    epochPairs.add(new EpochInterTaskPair(names.get(i), names.get(j), values.interTask[p].percentiles(),
                            values.batchSign[p].percentiles()));
                }
            }
            List<EpochSingleTask> epochTasks = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                epochTasks.add(new EpochSingleTask(names.get(t), values.interSample[t].percentiles(),
                        values.interBatch[t].percentiles()));
            }
            perEpoch.add(new Epoch(number, epochPairs, epochTasks));
        });
        return new Snapshot(steps, SIGN_RULE, pairs, perTask, perEpoch);
    }

    /** Running cosine, magnitude similarity and sign disagreement of one comparison. */
    private static final class Measures {
        final RunningStat cosine = new RunningStat();
        final RunningStat magnitude = new RunningStat();
        final RunningStat sign = new RunningStat();

        void add(double cos, double mag, double signFraction) {
            cosine.add(cos);
            magnitude.add(mag);
            sign.add(signFraction);
        }

        Summary summary() {
            return new Summary(cosine.summary(), magnitude.summary(), sign.summary());
        }

        void writeTo(java.io.DataOutput out) throws java.io.IOException {
            cosine.writeTo(out);
            magnitude.writeTo(out);
            sign.writeTo(out);
        }

        void readFrom(java.io.DataInput in) throws java.io.IOException {
            cosine.readFrom(in);
            magnitude.readFrom(in);
            sign.readFrom(in);
        }
    }

    /** One epoch's values of one comparison, kept whole until the epoch closes. */
    private static final class EpochMeasures {
        final RunGradientStatistics.Series cosine = new RunGradientStatistics.Series();
        final RunGradientStatistics.Series magnitude = new RunGradientStatistics.Series();
        final RunGradientStatistics.Series sign = new RunGradientStatistics.Series();

        void add(double cos, double mag, double signFraction) {
            cosine.add(cos);
            magnitude.add(mag);
            sign.add(signFraction);
        }

        void close() {
            cosine.close();
            magnitude.close();
            sign.close();
        }

        Distribution percentiles() {
            return new Distribution(cosine.percentiles(), magnitude.percentiles(), sign.percentiles());
        }

        void writeTo(java.io.DataOutput out) throws java.io.IOException {
            cosine.writeTo(out);
            magnitude.writeTo(out);
            sign.writeTo(out);
        }

        void readFrom(java.io.DataInput in) throws java.io.IOException {
            cosine.readFrom(in);
            magnitude.readFrom(in);
            sign.readFrom(in);
        }
    }

    private static final class EpochValues {
        final EpochMeasures[] interTask;
        final RunGradientStatistics.Series[] batchSign;
        final EpochMeasures[] interSample;
        final EpochMeasures[] interBatch;

        EpochValues(int tasks) {
            int pairs = ConflictBaseline.pairCount(tasks);
            interTask = new EpochMeasures[pairs];
            batchSign = new RunGradientStatistics.Series[pairs];
            for (int p = 0; p < pairs; p++) {
                interTask[p] = new EpochMeasures();
                batchSign[p] = new RunGradientStatistics.Series();
            }
            interSample = new EpochMeasures[tasks];
            interBatch = new EpochMeasures[tasks];
            for (int t = 0; t < tasks; t++) {
                interSample[t] = new EpochMeasures();
                interBatch[t] = new EpochMeasures();
            }
        }

        void close() {
            for (EpochMeasures m : interTask) {
                m.close();
            }
            for (RunGradientStatistics.Series s : batchSign) {
                s.close();
            }
            for (EpochMeasures m : interSample) {
                m.close();
            }
            for (EpochMeasures m : interBatch) {
                m.close();
            }
        }

        void writeTo(java.io.DataOutput out) throws java.io.IOException {
            for (EpochMeasures m : interTask) {
                m.writeTo(out);
            }
            RunGradientStatistics.Series.writeAll(out, batchSign);
            for (EpochMeasures m : interSample) {
                m.writeTo(out);
            }
            for (EpochMeasures m : interBatch) {
                m.writeTo(out);
            }
        }

        void readFrom(java.io.DataInput in) throws java.io.IOException {
            for (EpochMeasures m : interTask) {
                m.readFrom(in);
            }
            RunGradientStatistics.Series.readAll(in, batchSign);
            for (EpochMeasures m : interSample) {
                m.readFrom(in);
            }
            for (EpochMeasures m : interBatch) {
                m.readFrom(in);
            }
        }
    }

    /** Cosine, magnitude similarity and sign-disagreement fraction of one comparison over the run. */
    public record Summary(RunningStat.Summary cosine, RunningStat.Summary magnitudeSimilarity,
                          RunningStat.Summary signDisagreement) {
    }

    /** The same three measures within one epoch: mean, std, 2.5/50/97.5 percentiles. */
    public record Distribution(Percentiles cosine, Percentiles magnitudeSimilarity, Percentiles signDisagreement) {
    }

    /**
     * @param sameSample            the two tasks' gradients on the same sample (m values per baseline step)
     * @param batchSignDisagreement the two tasks' batch gradients (one value per baseline step)
     */
    public record InterTaskPair(String taskA, String taskB, Summary sameSample, RunningStat.Summary batchSignDisagreement) {
    }

    /**
     * @param interSample the task's gradients on two different samples (m(m−1)/2 values per baseline step)
     * @param interBatch  the task's gradients on the two half-batches (one value per baseline step)
     */
    public record SingleTask(String task, Summary interSample, Summary interBatch) {
    }

    public record EpochInterTaskPair(String taskA, String taskB, Distribution sameSample,
                                     Percentiles batchSignDisagreement) {
    }

    public record EpochSingleTask(String task, Distribution interSample, Distribution interBatch) {
    }

    public record Epoch(int epoch, List<EpochInterTaskPair> pairs, List<EpochSingleTask> tasks) {
    }

    /**
     * @param steps    analysed steps that carried a baseline
     * @param signRule how the sign-disagreement fraction is defined
     */
    public record Snapshot(long steps, String signRule, List<InterTaskPair> pairs, List<SingleTask> tasks,
                           List<Epoch> epochs) {
    }
}
