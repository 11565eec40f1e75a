-- Issue 12 item 4: the buyer's contact reaches logistics with the case's opening
-- (`contact.given`), not through intake after audit's approval. Whichever of the contact and
-- the approval arrives first waits here for the other; both are deleted when the job is made.
-- Personal data: a contact is also deleted when its case ends without a job.
CREATE TABLE contacts (
    case_id        UUID        PRIMARY KEY,
    kind           TEXT        NOT NULL,
    address        TEXT        NOT NULL,
    contact_phone  TEXT        NOT NULL,
    given_at       TIMESTAMPTZ NOT NULL
);

-- `case.approved` of a door pickup, care pickup or delivery whose contact has not come yet.
CREATE TABLE approvals_awaiting_contact (
    case_id      UUID        PRIMARY KEY,
    approved     JSONB       NOT NULL,
    approved_at  TIMESTAMPTZ NOT NULL
);
