//! audit's tables (migrations/).

diesel::table! {
    decisions (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        merchant_id -> Text,
        status -> Text,
        rule_id -> Text,
        reason -> Text,
        inputs -> Jsonb,
        opened -> Jsonb,
        review_deadline -> Nullable<Timestamptz>,
        decided_by -> Nullable<Text>,
        decided_at -> Timestamptz,
    }
}
