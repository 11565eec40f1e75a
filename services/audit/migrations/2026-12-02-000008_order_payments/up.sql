-- ORD-1, AS-4: audit's own copy of the order feed, as much as a broken-promise complaint
-- needs: whose order it is, where, and whether it still awaits payment. intake keeps the
-- full order; audit never reads intake's tables.
CREATE TABLE orders (
    order_id       TEXT PRIMARY KEY,
    buyer_id       TEXT        NOT NULL,
    merchant_id    TEXT        NOT NULL,
    city           TEXT        NOT NULL,
    placed_at      TIMESTAMPTZ NOT NULL,
    payment_due_at TIMESTAMPTZ NOT NULL,
    -- When the order stopped awaiting payment (paid, or cancelled); NULL while it awaits.
    settled_at     TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);

-- AS-4 complaints name the order (the merchant and city come from it); AS-5 ones the case.
ALTER TABLE complaints ADD COLUMN order_id TEXT;
ALTER TABLE complaints ALTER COLUMN order_line_id DROP NOT NULL;
CREATE UNIQUE INDEX complaints_order ON complaints (order_id, buyer_id) WHERE case_id IS NULL;
