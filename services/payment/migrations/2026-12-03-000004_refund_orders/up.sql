-- Issue 12 item 4: payment keeps what a case's parcel will be paid for from the approval it
-- reads (case.approved, or case.converted for RS-3), instead of reading it back from the
-- pickup event. A parcel whose approval payment has not read yet waits for it.
CREATE TABLE refund_orders (
    case_id        UUID        PRIMARY KEY,
    buyer_id       TEXT        NOT NULL,
    merchant_id    TEXT        NOT NULL,
    order_line_id  TEXT        NOT NULL,
    amount_fen     BIGINT      NOT NULL CHECK (amount_fen > 0),
    fast_return    BOOLEAN     NOT NULL,
    remedy         TEXT        NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE parcels_awaiting_order (
    case_id      UUID        PRIMARY KEY,
    parcel       JSONB       NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
