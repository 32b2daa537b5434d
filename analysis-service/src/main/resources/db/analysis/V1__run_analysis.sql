-- One row per run: what it is, its latest gradient statistics and its final test metrics. Every analysis
-- instance writes the runs of its partitions; study-level results are computed from all rows of a study.
create table analysis_run (
    run_id          uuid primary key,
    study_id        uuid not null,
    kind            varchar(8) not null,
    tasks           varchar(2000) not null,
    optimizer       varchar(32) not null,
    learning_rate   double precision not null,
    method          varchar(64) not null,
    seed            bigint not null,
    status          varchar(16) not null,
    total_steps     bigint not null default 0,
    analysed_steps  bigint not null default 0,
    gradient_stats  text,
    final_metrics   text,
    updated_at      timestamp with time zone not null
);

create index analysis_run_study_idx on analysis_run (study_id);
