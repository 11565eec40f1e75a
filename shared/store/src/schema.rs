//! The tables every service database has (migrations/00000000000001_outbox_inbox).

diesel::table! {
    outbox (id) {
        id -> BigInt,
        event_id -> Uuid,
        topic -> Text,
        partition -> Integer,
        record_key -> Text,
        payload -> Bytea,
        traceparent -> Nullable<Text>,
        headers -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    inbox (event_id) {
        event_id -> Uuid,
        topic -> Text,
        partition -> Integer,
        record_offset -> BigInt,
        processed_at -> Timestamptz,
    }
}

diesel::table! {
    timers (id) {
        id -> BigInt,
        kind -> Text,
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        due_at -> Timestamptz,
        payload -> Jsonb,
        traceparent -> Nullable<Text>,
        created_at -> Timestamptz,
        fired_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    idempotency_keys (caller, key) {
        caller -> Text,
        key -> Text,
        request -> Text,
        status -> Nullable<SmallInt>,
        content_type -> Nullable<Text>,
        body -> Nullable<Bytea>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_subscriptions (owner) {
        owner -> Text,
        url -> Text,
        secret -> Text,
        event_types -> Array<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        owner -> Text,
        event_id -> Uuid,
        event_type -> Text,
        body -> Bytea,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamptz,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
    }
}
