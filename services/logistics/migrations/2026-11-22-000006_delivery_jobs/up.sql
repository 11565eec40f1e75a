-- K-7, WF-3: delivery into the home and installation, on a booked slot.
CREATE TABLE delivery_jobs (
    case_id       UUID PRIMARY KEY,
    city          TEXT        NOT NULL,
    shard         TEXT        NOT NULL,
    merchant_id   TEXT        NOT NULL,
    -- Personal data: kept here only.
    address       TEXT        NOT NULL,
    contact_phone TEXT        NOT NULL,
    installation  BOOLEAN     NOT NULL,
    slot_start    TIMESTAMPTZ NOT NULL,
    slot_end      TIMESTAMPTZ NOT NULL,
    delivered_at  TIMESTAMPTZ,
    installed_at  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);
