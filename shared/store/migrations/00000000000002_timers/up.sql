-- Durable deadlines (RV-1's 72 hours, PK-2's 5 minutes, ...): written in the transaction that
-- starts the wait, fired once by the service's timer actor in the transaction that applies the
-- consequence, so a restart neither loses nor repeats one.
CREATE TABLE timers (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT        NOT NULL,
    case_id     UUID        NOT NULL,
    city        TEXT        NOT NULL,
    shard       TEXT        NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    payload     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    -- The trace of the step that started the wait, continued when it fires.
    traceparent TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    fired_at    TIMESTAMPTZ,
    UNIQUE (kind, case_id)
);
CREATE INDEX timers_due ON timers (due_at) WHERE fired_at IS NULL;
