package org.mtlab.gateway;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "study")
public class StudyEntity extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    /** The spec as submitted (JSON), the source of truth for the report. */
    @Column(columnDefinition = "text")
    public String spec;
    /** "rest" or "kafka": where the submission came from. */
    public String source;
    @Column(name = "created_at")
    public Instant createdAt;
    /** Who owns it: the {@code tenant} claim of the submitter's token. */
    public String tenant;
}
