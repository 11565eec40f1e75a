-- ORD-4: where a merchant's returns go, per city of the case; city '*' is the warehouse it
-- named on enrolment, used where it set no address for the city.
CREATE TABLE merchant_return_addresses (
    merchant_id   TEXT        NOT NULL,
    city          TEXT        NOT NULL,
    recipient     TEXT        NOT NULL,
    address       TEXT        NOT NULL,
    -- The address's own city (the warehouse may be in another city than the cases it serves).
    address_city  TEXT        NOT NULL,
    contact_phone TEXT        NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, city)
);
