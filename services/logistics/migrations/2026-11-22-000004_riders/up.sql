-- PK-6: the rider who took the job, by real name; PK-3: when the rider called the buyer.
ALTER TABLE pickup_jobs ADD COLUMN rider_id TEXT;
ALTER TABLE pickup_jobs ADD COLUMN rider_name TEXT;
ALTER TABLE pickup_jobs ADD COLUMN called_at TIMESTAMPTZ;

-- PK-6: a buyer's complaint about the rider of a case's pickup (one per case).
CREATE TABLE courier_complaints (
    case_id         UUID PRIMARY KEY,
    job_id          UUID        NOT NULL REFERENCES pickup_jobs (job_id),
    courier_company TEXT        NOT NULL,
    rider_id        TEXT        NOT NULL,
    city            TEXT        NOT NULL,
    text            TEXT        NOT NULL,
    filed_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX courier_complaints_rider ON courier_complaints (courier_company, rider_id);
