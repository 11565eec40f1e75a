-- GET /buyer/cases pages through one buyer's cases, newest first.
CREATE INDEX cases_by_buyer ON cases (buyer_id, id DESC);
-- Idempotency keys now belong to the API edge of every service (the idempotency_keys table).
ALTER TABLE cases DROP COLUMN idempotency_key;
