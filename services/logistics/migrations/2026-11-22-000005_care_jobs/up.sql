-- K-5: the merchant's courier collects the goods for its service centre and brings them back
-- (CARE-4..CARE-7).
CREATE TABLE care_jobs (
    case_id           UUID PRIMARY KEY,
    city              TEXT        NOT NULL,
    shard             TEXT        NOT NULL,
    buyer_id          TEXT        NOT NULL,
    merchant_id       TEXT        NOT NULL,
    merchant_courier  TEXT        NOT NULL,
    -- Personal data: kept here only.
    address           TEXT        NOT NULL,
    contact_phone     TEXT        NOT NULL,
    goods_value_fen   BIGINT      NOT NULL,
    -- CARE-4: the courier confirms a pickup time with the buyer by then.
    confirm_by        TIMESTAMPTZ NOT NULL,
    -- NULL until confirmed; then confirmed | collected | at_centre | serviced |
    -- inspection_failed | sent_back | lost (shared/domain care.rs)
    step              TEXT,
    pickup_at         TIMESTAMPTZ,
    tracking_number   TEXT,
    damage_note       TEXT,
    traceparent       TEXT,
    created_at        TIMESTAMPTZ NOT NULL
);
