-- K-6: complaints against merchants (AS-4 broken promise, AS-5 after an after-sales
-- intervention), ruled once by customer service.
CREATE TABLE complaints (
    id            UUID PRIMARY KEY,
    buyer_id      TEXT        NOT NULL,
    merchant_id   TEXT        NOT NULL,
    order_line_id TEXT        NOT NULL,
    -- AS-5: the after-sales case it follows; NULL for AS-4.
    case_id       UUID REFERENCES decisions (case_id),
    city          TEXT        NOT NULL,
    shard         TEXT        NOT NULL,
    -- broken_promise | invoice_problem | not_as_described
    grounds       TEXT        NOT NULL,
    rule_id       TEXT        NOT NULL,
    text          TEXT        NOT NULL,
    evidence      JSONB       NOT NULL,
    filed_at      TIMESTAMPTZ NOT NULL,
    -- filed | upheld | dismissed (shared/domain complaint.rs)
    state         TEXT        NOT NULL,
    ruling_reason TEXT,
    ruled_by      TEXT,
    ruled_at      TIMESTAMPTZ,
    violation_points INTEGER  NOT NULL DEFAULT 0
);
CREATE INDEX complaints_open ON complaints (filed_at) WHERE state = 'filed';
-- One complaint per after-sales case.
CREATE UNIQUE INDEX complaints_case ON complaints (case_id) WHERE case_id IS NOT NULL;
