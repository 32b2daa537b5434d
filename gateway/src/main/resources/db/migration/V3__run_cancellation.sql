-- A cancelled run (status CANCELLED, message: why) is also an outbox entry: its cancel order for the trainers is
-- published by the outbox relay, which then records when Kafka acknowledged it.
alter table run add column control_published_at timestamp with time zone;
create index run_unpublished_control_idx on run (updated_at) where status = 'CANCELLED' and control_published_at is null;
