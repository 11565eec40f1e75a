ALTER TABLE cases DROP COLUMN intervention_requested_at;
ALTER TABLE cases DROP COLUMN intervention_requested_by;
ALTER TABLE cases DROP COLUMN completed_at;
ALTER TABLE cases DROP COLUMN remedy;
