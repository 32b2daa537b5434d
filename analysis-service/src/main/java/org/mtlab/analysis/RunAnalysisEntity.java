package org.mtlab.analysis;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "analysis_run")
public class RunAnalysisEntity extends PanacheEntityBase {
    @Id
    @Column(name = "run_id")
    public UUID runId;
    @Column(name = "study_id")
    public UUID studyId;
    public String kind;
    /** Comma-separated task names in the run's order. */
    public String tasks;
    public String optimizer;
    @Column(name = "learning_rate")
    public double learningRate;
    public String method;
    public long seed;
    public String status;
    @Column(name = "total_steps")
    public long totalSteps;
    @Column(name = "analysed_steps")
    public long analysedSteps;
    /** {@link org.mtlab.core.analysis.RunGradientStatistics.Snapshot} as JSON. */
    @Column(name = "gradient_stats", columnDefinition = "text")
    public String gradientStats;
    /** The COMPLETED event's test metrics as JSON. */
    @Column(name = "final_metrics", columnDefinition = "text")
    public String finalMetrics;
    /** Per-epoch EVAL metrics, {@link org.mtlab.core.analysis.RunHistory.EpochMetrics} list as JSON. */
    @Column(name = "eval_history", columnDefinition = "text")
    public String evalHistory;
    /** Trainer timestamp of the run's first STARTED event (epoch milliseconds). */
    @Column(name = "started_at_ms")
    public Long startedAtMs;
    /** Trainer timestamp of its COMPLETED or FAILED event. */
    @Column(name = "finished_at_ms")
    public Long finishedAtMs;
    public String device;
    /** The study's {@link org.mtlab.core.contract.StudyDecision} from the STARTED event, as JSON. */
    @Column(columnDefinition = "text")
    public String decision;
    /** The COMPLETED event's {@link org.mtlab.core.contract.RunCost}, as JSON. */
    @Column(columnDefinition = "text")
    public String cost;
    /** The STARTED event's {@link org.mtlab.core.contract.RunEvent.DataCounts} (samples, labelled), as JSON. */
    @Column(name = "data_counts", columnDefinition = "text")
    public String dataCounts;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
