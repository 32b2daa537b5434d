package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.mtlab.core.contract.Json;
import org.mtlab.kafka.RecordRejectedException;
import org.mtlab.core.contract.RunPlan;
import org.mtlab.core.contract.StudyExpansion;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.StudySpecValidator;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.methods.MethodRegistry;

/** Validates a spec, expands it into runs and persists study and runs in one transaction. */
@ApplicationScoped
public class StudyService {
    /**
     * Weighting methods the trainers run: every method of the registry, by its name lower-cased ("nash-mtl"); the
     * validator compares a spec's names by {@link MethodRegistry#canonicalName}, so any case and '-'/'_' spelling is
     * accepted ("nash_mtl"), and so are CR-MOGM's wrapped names ("cr_mogm:upgrad").
     */
    public static final Set<String> KNOWN_METHODS = MethodRegistry.names().stream()
            .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    private static final StudySpecValidator VALIDATOR = new StudySpecValidator(KNOWN_METHODS);

    @Inject
    OutboxRelay outbox;

    public List<Violation> validate(StudySpec spec) {
        return VALIDATOR.validate(spec);
    }

    /**
     * Persists a valid study with all its runs, each carrying its training request (the outbox payload), then wakes
     * the outbox relay. Idempotent on the study id: a study that exists already is returned as it is.
     */
    public Uni<StudyEntity> create(UUID studyId, StudySpec spec, String source, String tenant) {
        return Panache.withTransaction(() -> StudyEntity.<StudyEntity>findById(studyId).chain(existing -> {
            if (existing != null) {
                if (!tenant.equals(existing.tenant)) {
                    throw new RecordRejectedException("study id " + studyId + " is taken");
                }
                return Uni.createFrom().item(existing);
            }
            Instant now = Instant.now();
            StudyEntity study = new StudyEntity();
            study.id = studyId;
            study.name = spec.name();
            study.spec = Json.writeString(spec);
            study.source = source;
            study.tenant = tenant;
            study.createdAt = now;
            List<RunEntity> runs = new ArrayList<>();
            for (RunPlan plan : StudyExpansion.expand(spec)) {
                RunEntity run = new RunEntity();
                run.id = UUID.randomUUID();
                run.studyId = studyId;
                run.label = plan.label();
                run.kind = plan.kind();
                run.tasks = String.join(",", plan.tasks());
                run.optimizer = plan.optimizer().name();
                run.learningRate = plan.optimizer().learningRate();
                run.method = plan.reportedMethod();
                run.seed = plan.seed();
                run.status = RunStatus.CREATED;
                run.request = Json.writeString(TrainingRequest.of(run.id, studyId, plan, spec));
                run.createdAt = now;
                run.updatedAt = now;
                runs.add(run);
            }
            return study.<StudyEntity>persist().chain(() -> RunEntity.persist(runs)).replaceWith(study);
        })).invoke(outbox::wake);
    }

    /**
     * Cancels every run of the study that has not finished: CANCELLED with the reason, in one transaction; the outbox
     * relay then publishes no request for them and a cancel order per run to the trainers.
     *
     * @return how many runs were cancelled (0: all had finished); fails with 404 for an unknown study
     */
    public Uni<Integer> cancel(UUID studyId, String reason, String tenant) {
        return Panache.withTransaction(() -> StudyEntity.<StudyEntity>findById(studyId).chain(study -> {
            if (study == null || !tenant.equals(study.tenant)) {
                throw ProblemException.notFound("study", studyId);
            }
            return RunEntity.update("status = ?1, message = ?2, updatedAt = ?3 where studyId = ?4 and status in ?5",
                    RunStatus.CANCELLED, "cancelled: " + reason, Instant.now(), studyId,
                    List.of(RunStatus.CREATED, RunStatus.QUEUED, RunStatus.RUNNING));
        })).invoke(outbox::wake);
    }
}
