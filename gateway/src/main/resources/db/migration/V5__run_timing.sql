-- Trainer timestamps of each run's first STARTED and its outcome: the study's elapsed time and its remaining-time
-- estimate (GET /api/studies/{id}: progress.etaSeconds).
alter table run add column started_at  timestamp with time zone;
alter table run add column finished_at timestamp with time zone;
