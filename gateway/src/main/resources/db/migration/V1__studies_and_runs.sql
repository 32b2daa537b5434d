-- Studies as submitted, and their runs. A run row doubles as the outbox entry of its training request:
-- status CREATED means persisted but not yet acknowledged by Kafka; the outbox relay publishes it.
create table study (
    id          uuid primary key,
    name        varchar(200) not null,
    spec        text not null,
    source      varchar(16) not null,
    created_at  timestamp with time zone not null
);

create table run (
    id             uuid primary key,
    study_id       uuid not null references study (id),
    label          varchar(300) not null,
    kind           varchar(8) not null,
    tasks          varchar(2000) not null,
    optimizer      varchar(32) not null,
    learning_rate  double precision not null,
    method         varchar(64) not null,
    seed           bigint not null,
    status         varchar(16) not null,
    step           bigint not null default 0,
    total_steps    bigint not null default 0,
    epoch          integer not null default 0,
    attempt        integer not null default 0,
    message        varchar(4000),
    final_metrics  text,
    request        text not null,
    created_at     timestamp with time zone not null,
    published_at   timestamp with time zone,
    updated_at     timestamp with time zone not null
);

create index run_study_idx on run (study_id);
create index run_unpublished_idx on run (created_at) where status = 'CREATED';
