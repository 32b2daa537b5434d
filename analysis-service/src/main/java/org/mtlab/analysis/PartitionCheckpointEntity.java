package org.mtlab.analysis;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One topic-partition's checkpoint of the analysis (see {@link AnalysisCheckpoints}). */
@Entity
@Table(name = "analysis_checkpoint")
public class PartitionCheckpointEntity {
    /** {@code group/topic/partition}. */
    @Id
    @Column(name = "checkpoint_id")
    public String id;
    @Column(name = "consumer_group")
    public String consumerGroup;
    public String topic;
    @Column(name = "partition_number")
    public int partition;
    @Column(name = "topic_id")
    public String topicId;
    /** The offset of the first record the state does not hold for sure (later ones may be in it too: they count once). */
    @Column(name = "next_offset")
    public long nextOffset;
    public int runs;
    /** {@link PartitionImage}. */
    @Column(columnDefinition = "bytea")
    public byte[] state;
    @Column(name = "updated_at")
    public Instant updatedAt;

    static String idOf(String group, String topic, int partition) {
        return group + "/" + topic + "/" + partition;
    }
}
