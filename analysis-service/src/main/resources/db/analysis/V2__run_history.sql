-- What the decision report needs of each run: its per-epoch evaluations (validation-only selection of learning rate
-- and epoch), its wall time from the trainer's event timestamps, its device (GPU-hours), the study's decision fields
-- (primary task, values, margins, quick) and the trainer's cost figures (parameters, training time, latency).
alter table analysis_run add column eval_history   text;
alter table analysis_run add column started_at_ms  bigint;
alter table analysis_run add column finished_at_ms bigint;
alter table analysis_run add column device         varchar(64);
alter table analysis_run add column decision       text;
alter table analysis_run add column cost           text;
