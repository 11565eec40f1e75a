-- PAY-2: when and by which transaction the merchant repaid the advance.
-- recoveries.status: open | disputed | settled | written_off | recovered_from_buyer
ALTER TABLE recoveries ADD COLUMN buyer_id TEXT;
ALTER TABLE recoveries ADD COLUMN city TEXT;
ALTER TABLE recoveries ADD COLUMN shard TEXT;
ALTER TABLE recoveries ADD COLUMN closed_at TIMESTAMPTZ;
ALTER TABLE recoveries ADD COLUMN closing_transaction_id UUID REFERENCES ledger_transactions (id);

-- PAY-7: a merchant's dispute of an advanced refund, and customer service's ruling.
CREATE TABLE disputes (
    case_id        UUID PRIMARY KEY REFERENCES recoveries (case_id),
    merchant_id    TEXT        NOT NULL,
    -- empty_parcel | wrong_item | not_as_described
    claim          TEXT        NOT NULL,
    evidence       JSONB       NOT NULL,
    note           TEXT        NOT NULL,
    opened_at      TIMESTAMPTZ NOT NULL,
    -- open | ruled
    status         TEXT        NOT NULL,
    ruling         TEXT,
    ruling_reason  TEXT,
    ruled_by       TEXT,
    ruled_at       TIMESTAMPTZ
);
CREATE INDEX disputes_open ON disputes (opened_at) WHERE status = 'open';
