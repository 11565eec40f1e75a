-- AS-2: customer service's desk. One intervention per case, asked by the buyer or the
-- merchant, ruled once by an agent.
CREATE TABLE interventions (
    case_id      UUID PRIMARY KEY REFERENCES decisions (case_id),
    city         TEXT        NOT NULL,
    shard        TEXT        NOT NULL,
    requested_by TEXT        NOT NULL,
    note         TEXT        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    -- open | ruled
    status       TEXT        NOT NULL,
    -- approve | reject, with the reason the buyer reads
    ruling       TEXT,
    ruling_reason TEXT,
    ruled_by     TEXT,
    ruled_at     TIMESTAMPTZ
);
CREATE INDEX interventions_open ON interventions (requested_at) WHERE status = 'open';
