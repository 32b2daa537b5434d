-- The analysis' checkpoints (the connector's checkpoint commit strategy, AnalysisCheckpoints): per consumer group and
-- topic-partition, the offset to resume from and the state of the runs that partition's records built before it.
create table analysis_checkpoint (
    checkpoint_id    text primary key,
    consumer_group   text not null,
    topic            text not null,
    partition_number integer not null,
    -- the topic's Kafka id: a checkpoint of a topic deleted and created again under its name is not restored
    topic_id         text not null,
    next_offset      bigint not null,
    runs             integer not null,
    state            bytea not null,
    updated_at       timestamp with time zone not null
);
