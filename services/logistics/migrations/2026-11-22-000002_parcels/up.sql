-- CT-2: no door pickup; the buyer ships the parcel and enters its tracking number.
CREATE TABLE buyer_shipments (
    case_id         UUID PRIMARY KEY,
    city            TEXT        NOT NULL,
    shard           TEXT        NOT NULL,
    buyer_id        TEXT        NOT NULL,
    -- awaiting | shipped
    status          TEXT        NOT NULL,
    carrier         TEXT,
    tracking_number TEXT,
    shipped_at      TIMESTAMPTZ,
    -- What payment needs when the tracking number arrives, as for a pickup job.
    refund          JSONB       NOT NULL,
    traceparent     TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);

-- K-3, K-4: the merchant sends the replacement or the repaired goods back to the buyer.
CREATE TABLE send_backs (
    case_id         UUID PRIMARY KEY,
    merchant_id     TEXT        NOT NULL,
    remedy          TEXT        NOT NULL,
    carrier         TEXT        NOT NULL,
    tracking_number TEXT        NOT NULL,
    sent_at         TIMESTAMPTZ NOT NULL
);
