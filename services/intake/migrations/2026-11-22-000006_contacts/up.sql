-- The buyer's address and phone for a door pickup, a care pickup or a delivery: kept here only
-- until the case is approved and its courier job (courier_job.ordered) is staged for
-- logistics, or until the case closes without one (issue 4, PII).
CREATE TABLE case_contacts (
    case_id       UUID PRIMARY KEY,
    address       TEXT NOT NULL,
    contact_phone TEXT NOT NULL
);
