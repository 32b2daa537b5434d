package org.mtlab.analysis;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.mtlab.core.contract.Json;

/**
 * Writes changed run statistics to PostgreSQL on a fixed interval, off the consumer thread, so that consumption
 * never waits on the database and every instance's runs are readable by every instance.
 */
@ApplicationScoped
public class SummaryWriter {
    private static final Logger LOG = Logger.getLogger(SummaryWriter.class);

    @ConfigProperty(name = "mtlab.analysis.flush-interval")
    Duration interval;
    /** How long a finished run stays in memory, unchanged and persisted, before it is retired (read from the database). */
    @ConfigProperty(name = "mtlab.analysis.run-retention")
    Duration runRetention;
    @Inject
    AnalysisEngine engine;

    private volatile boolean running;
    private Thread thread;

    void start(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "analysis-summary-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                flush();
                engine.retireFinished(runRetention); // only after a flush that succeeded: what leaves is persisted
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                LOG.warnf("writing run summaries failed, retrying: %s", e.toString());
            }
        }
    }

    void flush() throws Throwable {
        List<RunState> changed = new ArrayList<>();
        for (RunState state : engine.runs()) {
            if (state.takeDirty()) {
                changed.add(state);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        List<RunAnalysisEntity> rows = changed.stream().map(SummaryWriter::rowOf).toList();
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() ->
                    io.smallrye.mutiny.Multi.createFrom().iterable(rows)
                            .onItem().transformToUniAndConcatenate(row -> Panache.getSession().chain(s -> s.merge(row)))
                            .collect().last()));
        } catch (Throwable e) {
            changed.forEach(RunState::markDirty);
            throw e;
        }
    }

    private static RunAnalysisEntity rowOf(RunState state) {
        var d = state.descriptor();
        var snapshot = state.snapshot();
        RunAnalysisEntity row = new RunAnalysisEntity();
        row.runId = state.runId;
        row.studyId = state.studyId();
        row.kind = d.kind().name();
        row.tasks = String.join(",", d.tasks());
        row.optimizer = d.optimizer();
        row.learningRate = d.learningRate();
        row.method = d.method();
        row.seed = d.seed();
        row.status = state.status();
        row.totalSteps = state.totalSteps();
        row.analysedSteps = snapshot == null ? 0 : snapshot.analysedSteps();
        row.gradientStats = snapshot == null ? null : Json.writeString(snapshot);
        row.finalMetrics = state.finalMetrics() == null ? null : Json.writeString(state.finalMetrics());
        row.evalHistory = Json.writeString(state.evaluations());
        row.startedAtMs = state.startedEventMs();
        row.finishedAtMs = state.endedEventMs();
        row.device = d.device() == null ? null : d.device().substring(0, Math.min(64, d.device().length()));
        row.decision = state.decision() == null ? null : Json.writeString(state.decision());
        row.cost = state.cost() == null ? null : Json.writeString(state.cost());
        row.dataCounts = d.data() == null ? null : Json.writeString(d.data());
        row.updatedAt = Instant.now();
        return row;
    }
}
