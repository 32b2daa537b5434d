-- What a run's data held, from its STARTED event: samples per split and, per split and task, the samples carrying
-- the task's label (partial labels), as JSON (RunEvent.DataCounts).
alter table analysis_run add column data_counts text;
