-- One door-pickup job per case (PK-1..PK-4).
CREATE TABLE pickup_jobs (
    job_id          UUID PRIMARY KEY,
    case_id         UUID        NOT NULL UNIQUE,
    city            TEXT        NOT NULL,
    shard           TEXT        NOT NULL,
    -- scheduled | dispatched | accepted | collected
    status          TEXT        NOT NULL,
    courier_company TEXT        NOT NULL,
    size_class      TEXT        NOT NULL,
    -- Personal data: kept here only, shown only to the courier company of the job.
    address         TEXT        NOT NULL,
    contact_phone   TEXT        NOT NULL,
    dispatch_at     TIMESTAMPTZ NOT NULL,
    dispatched_at   TIMESTAMPTZ,
    arrive_by       TIMESTAMPTZ NOT NULL,
    accepted_at     TIMESTAMPTZ,
    -- PK-3: when the courier reached the door (at the latest, when it collected).
    arrived_at      TIMESTAMPTZ,
    -- PK-5: it did not arrive by arrive_by.
    late            BOOLEAN     NOT NULL DEFAULT false,
    collected_at    TIMESTAMPTZ,
    tracking_number TEXT,
    -- What payment needs when the tracking number arrives (PAY-1).
    refund          JSONB       NOT NULL,
    -- The case's trace, continued by the courier's calls and the dispatch timer.
    traceparent     TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX pickup_jobs_due ON pickup_jobs (dispatch_at) WHERE status = 'scheduled';
CREATE INDEX pickup_jobs_courier ON pickup_jobs (courier_company, status);
