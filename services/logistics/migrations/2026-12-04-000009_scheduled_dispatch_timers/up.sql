-- PK-1's scheduled dispatch became a durable timer like the service's other deadlines (issue 12):
-- a job scheduled before this migration gets its timer, due when the job was to be dispatched.
INSERT INTO timers (kind, case_id, city, shard, due_at, payload, traceparent, created_at)
SELECT 'pk1_dispatch', case_id, city, shard, dispatch_at, 'null'::jsonb, traceparent, created_at
FROM pickup_jobs
WHERE status = 'scheduled'
ON CONFLICT (kind, case_id) DO NOTHING;
