//! logistics' tables (migrations/).

diesel::table! {
    pickup_jobs (job_id) {
        job_id -> Uuid,
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        status -> Text,
        courier_company -> Text,
        size_class -> Text,
        address -> Text,
        contact_phone -> Text,
        dispatch_at -> Timestamptz,
        dispatched_at -> Nullable<Timestamptz>,
        arrive_by -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        arrived_at -> Nullable<Timestamptz>,
        late -> Bool,
        collected_at -> Nullable<Timestamptz>,
        tracking_number -> Nullable<Text>,
        refund -> Jsonb,
        traceparent -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}
