package org.mtlab.core.analysis;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.gradient.GradientGeometry;

/**
 * Running gradient statistics of one run: per task pair, cosine and magnitude similarity on the whole shared
 * trunk; per task, the gradient norm. Each step counts once whatever the attempt or redelivery: a resumed run
 * re-emits the steps after its last checkpoint, and Kafka redelivers after a crash.
 */
public final class RunGradientStatistics {
    private final int tasks;
    private final RunningStat[] cosine;
    private final RunningStat[] magnitude;
    private final RunningStat[] norms;
    private final BitSet analysedSteps = new BitSet();
    private long lastStep = -1;

    public RunGradientStatistics(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("a run has at least one task");
        }
        this.tasks = tasks;
        int pairs = tasks * (tasks - 1) / 2;
        cosine = new RunningStat[pairs];
        magnitude = new RunningStat[pairs];
        for (int p = 0; p < pairs; p++) {
            cosine[p] = new RunningStat();
            magnitude[p] = new RunningStat();
        }
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
        if (analysedSteps.get(step)) {
            return false;
        }
        analysedSteps.set(step);
        lastStep = Math.max(lastStep, event.step());
        double[][] g = event.totalGram();
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            norms[i].add(Math.sqrt(g[i][i]));
            for (int j = i + 1; j < tasks; j++) {
                cosine[p].add(GradientGeometry.cosine(g[i][i], g[j][j], g[i][j]));
                magnitude[p].add(GradientGeometry.magnitudeSimilarity(g[i][i], g[j][j]));
                p++;
            }
        }
        return true;
    }

    public synchronized long analysedStepCount() {
        return analysedSteps.cardinality();
    }

    public synchronized Snapshot snapshot(List<String> taskNames) {
        List<String> names = taskNames != null && taskNames.size() == tasks ? taskNames : defaultNames();
        List<PairSummary> pairs = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < tasks; i++) {
            for (int j = i + 1; j < tasks; j++) {
                pairs.add(new PairSummary(names.get(i), names.get(j), cosine[p].summary(), magnitude[p].summary()));
                p++;
            }
        }
        List<TaskSummary> perTask = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            perTask.add(new TaskSummary(names.get(t), norms[t].summary()));
        }
        return new Snapshot(analysedSteps.cardinality(), lastStep, pairs, perTask);
    }

    private List<String> defaultNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            names.add("task" + t);
        }
        return names;
    }

    /** Cosine (its negative fraction is the conflict fraction) and magnitude similarity of one task pair. */
    public record PairSummary(String taskA, String taskB, RunningStat.Summary cosine, RunningStat.Summary magnitudeSimilarity) {
    }

    public record TaskSummary(String task, RunningStat.Summary gradientNorm) {
    }

    public record Snapshot(long analysedSteps, long lastStep, List<PairSummary> pairs, List<TaskSummary> tasks) {
    }
}
