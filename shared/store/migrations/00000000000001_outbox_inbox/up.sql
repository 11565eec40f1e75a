-- Every service database has these two tables (shared/store).

-- Events written in the same transaction as the state change that caused them; the relay
-- publishes them in id order and deletes them once the broker acknowledged.
CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    event_id    UUID        NOT NULL UNIQUE,
    topic       TEXT        NOT NULL,
    partition   INTEGER     NOT NULL,
    record_key  TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    -- W3C trace context of the span that wrote the row, sent as the `traceparent` header.
    traceparent TEXT,
    -- Further record headers (e.g. a dead letter's reason), string to string.
    headers     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Event ids a consumer has applied, written in the same transaction as the effect.
CREATE TABLE inbox (
    event_id      UUID        PRIMARY KEY,
    topic         TEXT        NOT NULL,
    partition     INTEGER     NOT NULL,
    record_offset BIGINT      NOT NULL,
    processed_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
