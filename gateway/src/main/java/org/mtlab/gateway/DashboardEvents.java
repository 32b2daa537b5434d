package org.mtlab.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Live dashboard feed: {@code GET /api/studies/{id}/events} (server-sent events). Every tick (about 1 s) it sends the
 * study with every run's status and progress and, for each MTL run that advanced since the last event, the latest
 * running statistics per task pair (mean and EMA of the cosine, mean magnitude similarity) at the run's last analysed
 * step; the browser builds the "over time" series by appending these points. The stream ends with the first event
 * after which the study is terminal and every MTL run's final point was sent.
 */
@Path("/api")
@io.quarkus.security.Authenticated
public class DashboardEvents {
    private static final Logger LOG = Logger.getLogger(DashboardEvents.class);
    private static final int FINAL_READS = 3;

    /**
     * One point per task pair of one MTL run at {@code step}, with the pair's single-task baseline band per epoch so far
     * (the analysis service's {@code baselineBands}: epoch, firstStep, lastStep, cosineLow/High,
     * sameSampleCosineMedian, magnitudeLow/High, sameSampleMagnitudeMedian); empty when the run sends no baseline.
     */
    @RegisterForReflection
    public record PairPoint(String taskA, String taskB, Double cosineMean, Double cosineEma, Double magnitudeMean,
                            JsonNode baseline) {
    }

    @RegisterForReflection
    public record RunPoint(UUID runId, String label, String optimizer, String method, String status, long step,
                           long analysedSteps, List<PairPoint> pairs) {
    }

    /**
     * @param analysisAvailable false when the analysis service could not be reached this tick
     * @param last              true on the final event of the stream
     */
    @RegisterForReflection
    public record DashboardEvent(Views.StudyView study, List<RunPoint> gradients, boolean analysisAvailable,
                                 boolean last) {
    }

    @Inject
    AnalysisClient analysis;
    @Inject
    Tenants tenants;

    @ConfigProperty(name = "mtlab.dashboard.interval", defaultValue = "1s")
    Duration interval;

    @GET
    @Path("/studies/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @io.smallrye.common.annotation.Blocking
    public Multi<DashboardEvent> events(@PathParam("id") String id) {
        UUID studyId = DashboardResource.uuid(id);
        // only the study's own tenant may follow it: checked before the stream starts, so that others get a plain 404
        String tenant = tenants.current();
        try {
            VertxContextSupport.subscribeAndAwait(() -> tenants.ownStudy(studyId, tenant));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        Map<UUID, Long> sentStep = new HashMap<>();
        Map<UUID, Integer> terminalTicks = new HashMap<>();
        AtomicBoolean ended = new AtomicBoolean();
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(10)).every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().item(() -> tick(studyId, sentStep, terminalTicks))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .select().first(event -> !ended.getAndSet(event.last()));
    }

    private DashboardEvent tick(UUID studyId, Map<UUID, Long> sentStep, Map<UUID, Integer> terminalTicks) {
        Views.StudyView study = load(studyId);
        List<RunPoint> points = new ArrayList<>();
        boolean available = true;
        boolean allFinal = true;
        for (Views.RunView run : study.runs()) {
            if (!"MTL".equals(run.kind()) || "CREATED".equals(run.status()) || "QUEUED".equals(run.status())) {
                continue;
            }
            boolean terminal = "COMPLETED".equals(run.status()) || "FAILED".equals(run.status());
            // a finished run is read a few more ticks, until the analysis has caught up with its last steps
            if (terminal && terminalTicks.getOrDefault(run.id(), 0) >= FINAL_READS) {
                continue;
            }
            if (!available) {
                allFinal = false;
                continue;
            }
            try {
                AnalysisClient.Answer a = analysis.getBlocking("/api/runs/" + run.id() + "/gradients");
                if (a.ok()) {
                    RunPoint p = point(run, a.json());
                    Long sent = sentStep.get(run.id());
                    if (p != null && (sent == null || p.step() > sent)) {
                        points.add(p);
                        sentStep.put(run.id(), p.step());
                    }
                }
            } catch (AnalysisClient.Unavailable e) {
                LOG.debugf("dashboard: %s", e.getMessage());
                available = false;
            } catch (RuntimeException e) {
                LOG.warnf("dashboard: unreadable gradient statistics of run %s: %s", run.id(), e.toString());
            }
            if (terminal && available) {
                terminalTicks.merge(run.id(), 1, Integer::sum);
            }
            allFinal &= terminal && terminalTicks.getOrDefault(run.id(), 0) >= FINAL_READS;
        }
        boolean studyDone = study.status().equals("COMPLETED") || study.status().equals("FINISHED_WITH_FAILURES");
        return new DashboardEvent(study, points, available, studyDone && allFinal);
    }

    static RunPoint point(Views.RunView run, JsonNode grads) {
        JsonNode stats = grads.path("statistics");
        if (stats.isMissingNode() || stats.isNull()) {
            return null;
        }
        List<PairPoint> pairs = new ArrayList<>();
        for (JsonNode pair : stats.path("pairs")) {
            String a = pair.path("taskA").asText();
            String b = pair.path("taskB").asText();
            JsonNode band = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            for (JsonNode bands : grads.path("baselineBands")) {
                if (a.equals(bands.path("taskA").asText()) && b.equals(bands.path("taskB").asText())) {
                    band = bands.path("epochs");
                }
            }
            pairs.add(new PairPoint(a, b, number(pair.path("cosine").path("mean")), number(pair.path("cosine").path("ema")),
                    number(pair.path("magnitudeSimilarity").path("mean")), band));
        }
        return new RunPoint(run.id(), run.label(), run.optimizer(), run.method(), run.status(),
                stats.path("lastStep").asLong(), stats.path("analysedSteps").asLong(), pairs);
    }

    private static Double number(JsonNode n) {
        return n.isNumber() && Double.isFinite(n.asDouble()) ? n.asDouble() : null;
    }

    private static Views.StudyView load(UUID id) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> StudyEntity.<StudyEntity>findById(id)
                    .chain(study -> {
                        if (study == null) {
                            throw ProblemException.notFound("study", id);
                        }
                        return RunEntity.<RunEntity>list("studyId = ?1 order by label", id)
                                .map(runs -> Views.StudyView.of(study, runs));
                    })));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
