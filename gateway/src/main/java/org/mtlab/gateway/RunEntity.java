package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.mtlab.core.contract.RunKind;

/** One run of a study; its {@code request} column is the outbox payload published to the trainers. */
@Entity
@Table(name = "run")
public class RunEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    @Column(name = "study_id")
    public UUID studyId;
    public String label;
    @Enumerated(EnumType.STRING)
    public RunKind kind;
    /** Comma-separated task names, in training order. */
    public String tasks;
    public String optimizer;
    @Column(name = "learning_rate")
    public double learningRate;
    public String method;
    public long seed;
    @Enumerated(EnumType.STRING)
    public RunStatus status;
    public long step;
    @Column(name = "total_steps")
    public long totalSteps;
    public int epoch;
    public int attempt;
    public String message;
    @Column(name = "final_metrics", columnDefinition = "text")
    public String finalMetrics;
    @Column(columnDefinition = "text")
    public String request;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "published_at")
    public Instant publishedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** Trainer timestamp of the run's first STARTED event. */
    @Column(name = "started_at")
    public Instant startedAt;
    /** Trainer timestamp of its COMPLETED or FAILED event. */
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** When the cancel order of a CANCELLED run was acknowledged by Kafka (null: not yet published). */
    @Column(name = "control_published_at")
    public Instant controlPublishedAt;
}
