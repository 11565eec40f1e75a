DROP INDEX cases_by_buyer;
ALTER TABLE cases ADD COLUMN idempotency_key TEXT UNIQUE;
