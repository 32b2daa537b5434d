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
    @Column(name = "updated_at")
    public Instant updatedAt;
}
