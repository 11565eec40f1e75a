-- CR-1: ratings as the platform's rating job last delivered them (never computed here).
CREATE TABLE buyer_ratings (
    buyer_id   TEXT PRIMARY KEY,
    stars      SMALLINT    NOT NULL CHECK (stars BETWEEN 1 AND 5),
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cases (
    id                UUID PRIMARY KEY,
    idempotency_key   TEXT UNIQUE,
    buyer_id          TEXT        NOT NULL,
    merchant_id       TEXT        NOT NULL,
    order_line_id     TEXT        NOT NULL,
    kind              TEXT        NOT NULL,
    reason            TEXT        NOT NULL,
    category          TEXT        NOT NULL,
    size_class        TEXT        NOT NULL,
    city              TEXT        NOT NULL,
    shard             TEXT        NOT NULL,
    paid_amount_fen   BIGINT      NOT NULL CHECK (paid_amount_fen > 0),
    refund_amount_fen BIGINT      NOT NULL CHECK (refund_amount_fen > 0 AND refund_amount_fen <= paid_amount_fen),
    -- CR-3: the rating the case was opened with.
    buyer_rating      SMALLINT    NOT NULL CHECK (buyer_rating BETWEEN 1 AND 5),
    door_pickup       BOOLEAN     NOT NULL,
    -- NULL before delivery (K-1 refund only).
    received_at       TIMESTAMPTZ,
    merchant_shipped  BOOLEAN     NOT NULL DEFAULT false,
    requested_at      TIMESTAMPTZ NOT NULL,
    status            TEXT        NOT NULL,
    -- The status's place in the journey (shared/domain CaseStatus::rank): it only grows.
    status_rank       SMALLINT    NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX cases_buyer ON cases (buyer_id, requested_at DESC);

-- What the buyer sees happen, one row per event, with the rule that decided it.
CREATE TABLE case_timeline (
    id         BIGSERIAL PRIMARY KEY,
    case_id    UUID        NOT NULL REFERENCES cases (id),
    event_id   UUID        NOT NULL UNIQUE,
    event_type TEXT        NOT NULL,
    -- The status the event moved the case to; NULL for a line that does not move it.
    status     TEXT,
    rule_id    TEXT,
    reason     TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
-- The same fact (type and instant) is shown once, even when an upstream duplicate carries a new
-- event id.
CREATE UNIQUE INDEX case_timeline_fact ON case_timeline (case_id, event_type, at);
