-- ORD-1: intake's own copy of the marketplace's orders, applied from the order feed
-- (marketplace.orders.v1) or the operator's backfill. Cases decide only from it.
CREATE TABLE orders (
    order_id         TEXT PRIMARY KEY,
    buyer_id         TEXT        NOT NULL,
    merchant_id      TEXT        NOT NULL,
    -- awaiting_payment | paid | shipped | delivered | completed | cancelled (shared/domain order.rs)
    state            TEXT        NOT NULL,
    -- When the order reached its state; a later step may not be earlier (ORD-6).
    state_since      TIMESTAMPTZ NOT NULL,
    -- The delivery address: a door pickup's default; its city is the case's (CT-3). Personal data.
    city             TEXT        NOT NULL,
    delivery_address TEXT        NOT NULL,
    contact_phone    TEXT        NOT NULL,
    paid_online      BOOLEAN     NOT NULL,
    freight_insured  BOOLEAN     NOT NULL,
    placed_at        TIMESTAMPTZ NOT NULL,
    payment_due_at   TIMESTAMPTZ NOT NULL,
    paid_at          TIMESTAMPTZ,
    shipped_at       TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    cancelled_at     TIMESTAMPTZ,
    carrier          TEXT,
    tracking_number  TEXT,
    cancel_reason    TEXT,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX orders_by_buyer ON orders (buyer_id);

CREATE TABLE order_lines (
    order_id        TEXT    NOT NULL REFERENCES orders (order_id),
    line_id         TEXT    NOT NULL,
    product_id      TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    size_class      TEXT    NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    amount_paid_fen BIGINT  NOT NULL CHECK (amount_paid_fen > 0),
    position        INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_id)
);

-- ORD-3: the units each case holds of a line and what they are worth. A withdrawn or finally
-- rejected case releases them; open and paid ones never add up to more than was bought.
CREATE TABLE case_lines (
    case_id     UUID        NOT NULL REFERENCES cases (id),
    order_id    TEXT        NOT NULL,
    line_id     TEXT        NOT NULL,
    quantity    INTEGER     NOT NULL CHECK (quantity > 0),
    amount_fen  BIGINT      NOT NULL CHECK (amount_fen >= 0),
    released_at TIMESTAMPTZ,
    PRIMARY KEY (case_id, line_id),
    FOREIGN KEY (order_id, line_id) REFERENCES order_lines (order_id, line_id)
);
CREATE INDEX case_lines_held ON case_lines (order_id, line_id) WHERE released_at IS NULL;

ALTER TABLE cases ADD COLUMN order_id TEXT;
-- ORD-4: where the buyer sends the goods, from the approval.
ALTER TABLE cases ADD COLUMN return_address JSONB;
