-- PAY-5: a double-entry ledger. A transaction is a set of postings that sum to zero; the
-- database refuses one that does not, and refuses any change to a posting once written.
CREATE TABLE ledger_transactions (
    id         UUID PRIMARY KEY,
    case_id    UUID        NOT NULL,
    kind       TEXT        NOT NULL,
    rule_id    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- A case is never paid the same movement twice, whatever is retried or redelivered.
    UNIQUE (case_id, kind)
);

CREATE TABLE ledger_entries (
    id             BIGSERIAL PRIMARY KEY,
    transaction_id UUID   NOT NULL REFERENCES ledger_transactions (id),
    account        TEXT   NOT NULL,
    amount_fen     BIGINT NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
BEGIN
    IF (SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries WHERE transaction_id = NEW.transaction_id) <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', NEW.transaction_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Checked at commit, when all of a transaction's postings are in.
CREATE CONSTRAINT TRIGGER ledger_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

CREATE FUNCTION ledger_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are immutable; post a correcting transaction instead';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER ledger_transactions_immutable BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();

-- Refunds by case: paid at once under PAY-1, or waiting for the merchant's receipt (PAY-3).
CREATE TABLE refunds (
    case_id         UUID PRIMARY KEY,
    city            TEXT        NOT NULL,
    shard           TEXT        NOT NULL,
    buyer_id        TEXT        NOT NULL,
    merchant_id     TEXT        NOT NULL,
    order_line_id   TEXT        NOT NULL,
    amount_fen      BIGINT      NOT NULL CHECK (amount_fen > 0),
    -- paid | awaiting_merchant_receipt
    status          TEXT        NOT NULL,
    -- NULL for goods that never left (K-1).
    tracking_number TEXT,
    collected_at    TIMESTAMPTZ,
    paid_at         TIMESTAMPTZ,
    transaction_id  UUID REFERENCES ledger_transactions (id)
);

-- PAY-2: what merchants owe the platform for advanced refunds.
CREATE TABLE recoveries (
    case_id        UUID PRIMARY KEY,
    merchant_id    TEXT        NOT NULL,
    amount_fen     BIGINT      NOT NULL CHECK (amount_fen > 0),
    -- open | settled
    status         TEXT        NOT NULL,
    opened_at      TIMESTAMPTZ NOT NULL,
    transaction_id UUID        NOT NULL REFERENCES ledger_transactions (id)
);
CREATE INDEX recoveries_merchant ON recoveries (merchant_id, status);

-- PAY-4: compensation owed to the buyer (PK-5 late courier, ...), paid with the refund.
CREATE TABLE compensations (
    case_id         UUID PRIMARY KEY,
    city            TEXT        NOT NULL,
    shard           TEXT        NOT NULL,
    buyer_id        TEXT        NOT NULL,
    -- Who is charged for it (PK-5: the courier company).
    charged_to      TEXT        NOT NULL,
    owed_under      TEXT        NOT NULL,
    amount_fen      BIGINT      NOT NULL CHECK (amount_fen > 0),
    -- owed | paid
    status          TEXT        NOT NULL,
    owed_at         TIMESTAMPTZ NOT NULL,
    paid_at         TIMESTAMPTZ,
    transaction_id  UUID REFERENCES ledger_transactions (id)
);
