package org.mtlab.analysis;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mtlab.core.analysis.ConflictBaselineStatistics;
import org.mtlab.core.analysis.RunGradientStatistics;

/**
 * Prometheus gauges of the running statistics, labelled by run and task pair. Runs are unbounded, so a finished
 * run's series are removed after {@code mtlab.analysis.metrics-retention}, and the live series count is exported.
 */
@ApplicationScoped
public class GradientMetrics {
    @Inject
    MeterRegistry registry;
    @Inject
    AnalysisEngine engine;
    @ConfigProperty(name = "mtlab.analysis.metrics-retention")
    Duration retention;

    private final Map<UUID, List<Meter>> meters = new ConcurrentHashMap<>();
    private final Map<UUID, RunState> tracked = new ConcurrentHashMap<>();
    /** Runs whose single-task baseline series are registered (on their first gradient event carrying a baseline). */
    private final java.util.Set<UUID> baselineTracked = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-retention");
        t.setDaemon(true);
        return t;
    });

    void start(@Observes StartupEvent event) {
        Gauge.builder("mtlab.analysis.live.series", meters, m -> m.values().stream().mapToInt(List::size).sum())
                .description("metric series currently exported for runs").register(registry);
        Gauge.builder("mtlab.analysis.runs.tracked", tracked, Map::size)
                .description("runs whose gradient statistics are exported").register(registry);
        Gauge.builder("mtlab.analysis.partitions.assigned", engine, e -> e.assignment().size())
                .description("topic partitions this instance consumes").register(registry);
        long period = Math.max(1000, Math.min(30_000, retention.toMillis() / 4));
        sweeper.scheduleAtFixedRate(this::removeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    /** Registers the run's series once its tasks are known. */
    void track(RunState state) {
        if (tracked.putIfAbsent(state.runId, state) != null) {
            return;
        }
        List<String> tasks = state.descriptor().tasks();
        String run = state.runId.toString();
        List<Meter> mine = new ArrayList<>();
        int pair = 0;
        for (int i = 0; i < tasks.size(); i++) {
            Tags taskTags = Tags.of("run", run, "task", tasks.get(i));
            int task = i;
            mine.add(gauge("mtlab.grad.norm", "mean gradient norm of a task on the shared parameters", taskTags, state,
                    s -> s.tasks().get(task).gradientNorm().mean()));
            for (int j = i + 1; j < tasks.size(); j++) {
                Tags tags = Tags.of("run", run, "task_a", tasks.get(i), "task_b", tasks.get(j));
                int p = pair++;
                mine.add(gauge("mtlab.grad.cosine", "running mean cosine similarity of two task gradients", tags, state,
                        s -> s.pairs().get(p).cosine().mean()));
                mine.add(gauge("mtlab.grad.cosine.ema", "exponential moving average of the cosine similarity", tags,
                        state, s -> s.pairs().get(p).cosine().ema()));
                mine.add(gauge("mtlab.grad.conflict.ratio", "fraction of analysed steps with negative cosine", tags,
                        state, s -> s.pairs().get(p).cosine().negativeFraction()));
                mine.add(gauge("mtlab.grad.magnitude.similarity", "running mean of 2|g||g'|/(|g|^2+|g'|^2)", tags,
                        state, s -> s.pairs().get(p).magnitudeSimilarity().mean()));
            }
        }
        mine.add(Gauge.builder("mtlab.grad.steps.analysed", state, s -> {
            RunGradientStatistics.Snapshot snap = s.snapshot();
            return snap == null ? 0 : snap.analysedSteps();
        }).tags(Tags.of("run", run)).description("distinct steps analysed for the run").register(registry));
        meters.put(state.runId, mine);
        if (state.hasBaseline()) {
            trackBaseline(state);
        }
    }

    /**
     * Registers the run's single-task baseline series, once, when the run is tracked and its statistics hold a
     * baseline: per task pair the two tasks' gradients on the same sample (inter-task); per task and kind
     * ({@code inter_sample}: two samples, {@code inter_batch}: two half-batches) the task's gradients against each
     * other; the latest epoch's 2.5th and 97.5th percentile of the inter-sample cosine (the band the inter-task
     * cosine is read against). Running means over the run unless named otherwise; no series for runs without one.
     */
    void trackBaseline(RunState state) {
        if (!tracked.containsKey(state.runId) || !baselineTracked.add(state.runId)) {
            return;
        }
        List<String> tasks = state.descriptor().tasks();
        String run = state.runId.toString();
        List<Meter> mine = new ArrayList<>();
        int pair = 0;
        for (int i = 0; i < tasks.size(); i++) {
            for (int j = i + 1; j < tasks.size(); j++) {
                Tags tags = Tags.of("run", run, "task_a", tasks.get(i), "task_b", tasks.get(j));
                int p = pair++;
                mine.add(baselineGauge("mtlab.baseline.inter.task.cosine", "running mean cosine of the two tasks' "
                        + "gradients on the same sample", tags, state, b -> b.pairs().get(p).sameSample().cosine().mean()));
                mine.add(baselineGauge("mtlab.baseline.inter.task.magnitude.similarity", "running mean magnitude "
                        + "similarity of the two tasks' gradients on the same sample", tags, state,
                        b -> b.pairs().get(p).sameSample().magnitudeSimilarity().mean()));
                mine.add(baselineGauge("mtlab.baseline.inter.task.sign.disagreement.ratio", "running mean fraction of "
                        + "shared parameters whose two tasks' gradient entries on the same sample have opposite signs",
                        tags, state, b -> b.pairs().get(p).sameSample().signDisagreement().mean()));
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            int t = i;
            for (String kind : List.of("inter_sample", "inter_batch")) {
                Tags tags = Tags.of("run", run, "task", tasks.get(i), "kind", kind);
                boolean sample = kind.equals("inter_sample");
                java.util.function.Function<ConflictBaselineStatistics.Snapshot, ConflictBaselineStatistics.Summary> of =
                        b -> sample ? b.tasks().get(t).interSample() : b.tasks().get(t).interBatch();
                mine.add(baselineGauge("mtlab.baseline.single.task.cosine", "running mean cosine between the task's "
                        + "gradients on two samples (inter_sample) or two half-batches (inter_batch)", tags, state,
                        b -> of.apply(b).cosine().mean()));
                mine.add(baselineGauge("mtlab.baseline.single.task.magnitude.similarity", "running mean magnitude "
                        + "similarity between the task's gradients on two samples or two half-batches", tags, state,
                        b -> of.apply(b).magnitudeSimilarity().mean()));
                mine.add(baselineGauge("mtlab.baseline.single.task.sign.disagreement.ratio", "running mean fraction of "
                        + "shared parameters whose entries of the task's two gradients have opposite signs", tags, state,
                        b -> of.apply(b).signDisagreement().mean()));
            }
            for (String[] q : new String[][] {{"0.025", "low"}, {"0.975", "high"}}) {
                boolean low = q[1].equals("low");
                mine.add(baselineGauge("mtlab.baseline.inter.sample.cosine.quantile", "the latest epoch's quantile of "
                        + "the cosine between the task's gradients on two samples: the single-task band",
                        Tags.of("run", run, "task", tasks.get(i), "quantile", q[0]), state, b -> {
                            if (b.epochs().isEmpty()) {
                                return Double.NaN;
                            }
                            var cosine = b.epochs().get(b.epochs().size() - 1).tasks().get(t).interSample().cosine();
                            return low ? cosine.p2_5() : cosine.p97_5();
                        }));
            }
        }
        // atomically with forget(): a run forgotten meanwhile gets no series
        if (meters.computeIfPresent(state.runId, (id, list) -> {
            List<Meter> all = new ArrayList<>(list);
            all.addAll(mine);
            return all;
        }) == null) {
            mine.forEach(registry::remove);
        }
    }

    private Meter baselineGauge(String name, String help, Tags tags, RunState state,
                                ToDoubleFunction<ConflictBaselineStatistics.Snapshot> read) {
        return gauge(name, help, tags, state, s -> s.baseline() == null ? Double.NaN : read.applyAsDouble(s.baseline()));
    }

    private Meter gauge(String name, String help, Tags tags, RunState state,
                        ToDoubleFunction<RunGradientStatistics.Snapshot> read) {
        return Gauge.builder(name, state, s -> {
            RunGradientStatistics.Snapshot snap = s.snapshot();
            return snap == null ? Double.NaN : read.applyAsDouble(snap);
        }).tags(tags).description(help).register(registry);
    }

    void forget(UUID runId) {
        tracked.remove(runId);
        baselineTracked.remove(runId);
        List<Meter> mine = meters.remove(runId);
        if (mine != null) {
            mine.forEach(registry::remove);
        }
    }

    void removeExpired() {
        long now = System.currentTimeMillis();
        for (RunState state : List.copyOf(tracked.values())) {
            long finished = state.finishedAtMs();
            if (finished > 0 && now - finished >= retention.toMillis()) {
                forget(state.runId);
            }
        }
    }

    int liveSeries() {
        return meters.values().stream().mapToInt(List::size).sum();
    }
}
