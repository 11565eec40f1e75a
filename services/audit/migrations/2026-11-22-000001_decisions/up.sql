-- One row per case: the decision, the rule that made it, and the facts it used.
CREATE TABLE decisions (
    case_id         UUID PRIMARY KEY,
    city            TEXT        NOT NULL,
    shard           TEXT        NOT NULL,
    merchant_id     TEXT        NOT NULL,
    -- approved | awaiting_merchant | rejected
    status          TEXT        NOT NULL,
    rule_id         TEXT        NOT NULL,
    reason          TEXT        NOT NULL,
    -- The inputs the rule read (AUTO-4: all already on the platform).
    inputs          JSONB       NOT NULL,
    -- The opened case as intake sent it, needed when the merchant approves later.
    opened          JSONB       NOT NULL,
    review_deadline TIMESTAMPTZ,
    decided_by      TEXT,
    decided_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_merchant_queue ON decisions (merchant_id, status);
