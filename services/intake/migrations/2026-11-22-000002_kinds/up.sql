-- K-3, K-4: what the buyer asks for, and when the order completed (AS-1).
ALTER TABLE cases ADD COLUMN remedy TEXT NOT NULL DEFAULT 'return_refund';
ALTER TABLE cases ALTER COLUMN remedy DROP DEFAULT;
ALTER TABLE cases ADD COLUMN completed_at TIMESTAMPTZ;
-- AS-2: who asked customer service to intervene, and when (once per case).
ALTER TABLE cases ADD COLUMN intervention_requested_by TEXT;
ALTER TABLE cases ADD COLUMN intervention_requested_at TIMESTAMPTZ;
-- status_rank is now the status's place on the kind's own path (shared/domain machine.rs).
COMMENT ON COLUMN cases.status_rank IS 'position of status on the path of the case kind';
