-- MP-1, MP-2: the worry-free programme's registry.
CREATE TABLE merchant_programme (
    merchant_id            TEXT PRIMARY KEY,
    member                 BOOLEAN     NOT NULL,
    joined_at              TIMESTAMPTZ,
    left_at                TIMESTAMPTZ,
    -- MP-2: it left the seller-paid freight insurance when it left.
    left_freight_insurance BOOLEAN     NOT NULL DEFAULT false,
    updated_at             TIMESTAMPTZ NOT NULL
);

-- MP-3: what the merchant and customer service see, built from the events audit reads
-- (its own decisions and rulings, payment's refunds, recoveries and compensation).
CREATE TABLE merchant_standing (
    merchant_id              TEXT PRIMARY KEY,
    violation_points         INTEGER NOT NULL DEFAULT 0,
    deposit_drawn_fen        BIGINT  NOT NULL DEFAULT 0,
    outstanding_recovery_fen BIGINT  NOT NULL DEFAULT 0,
    disputed_recovery_fen    BIGINT  NOT NULL DEFAULT 0,
    refunds                  BIGINT  NOT NULL DEFAULT 0,
    -- Sum of request-to-refund seconds over `refunds`, for the average.
    refund_seconds           BIGINT  NOT NULL DEFAULT 0
);
