-- CARE-1: service cards as the order system issues them, with the counts this service keeps.
CREATE TABLE service_cards (
    card_id           TEXT PRIMARY KEY,
    buyer_id          TEXT        NOT NULL,
    merchant_id       TEXT        NOT NULL,
    order_line_id     TEXT        NOT NULL,
    category          TEXT        NOT NULL,
    -- cleaning | maintenance | repair
    services          JSONB       NOT NULL,
    valid_until       TIMESTAMPTZ NOT NULL,
    services_total    INTEGER     NOT NULL CHECK (services_total >= 0),
    services_used     INTEGER     NOT NULL DEFAULT 0 CHECK (services_used >= 0),
    -- Held by open care orders (CARE-8 releases them on rejection or failed inspection).
    services_reserved INTEGER     NOT NULL DEFAULT 0 CHECK (services_reserved >= 0),
    goods_value_fen   BIGINT      NOT NULL CHECK (goods_value_fen > 0),
    -- CARE-3: a longer review time the service description states.
    review_hours      BIGINT,
    -- CARE-4: the merchant's courier.
    merchant_courier  TEXT        NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK (services_used + services_reserved <= services_total)
);

-- K-5: the card a care order uses, how it ended for the card, and the buyer's rating (CARE-7).
ALTER TABLE cases ADD COLUMN card_id TEXT REFERENCES service_cards (card_id);
-- serviced | inspection_failed | rejected | lost
ALTER TABLE cases ADD COLUMN care_outcome TEXT;
ALTER TABLE cases ADD COLUMN rating_stars SMALLINT CHECK (rating_stars BETWEEN 1 AND 5);
ALTER TABLE cases ADD COLUMN rating_comment TEXT;
