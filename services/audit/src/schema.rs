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

diesel::table! {
    interventions (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        requested_by -> Text,
        note -> Text,
        requested_at -> Timestamptz,
        status -> Text,
        ruling -> Nullable<Text>,
        ruling_reason -> Nullable<Text>,
        ruled_by -> Nullable<Text>,
        ruled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    merchant_programme (merchant_id) {
        merchant_id -> Text,
        member -> Bool,
        joined_at -> Nullable<Timestamptz>,
        left_at -> Nullable<Timestamptz>,
        left_freight_insurance -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    merchant_standing (merchant_id) {
        merchant_id -> Text,
        violation_points -> Integer,
        deposit_drawn_fen -> BigInt,
        outstanding_recovery_fen -> BigInt,
        disputed_recovery_fen -> BigInt,
        refunds -> BigInt,
        refund_seconds -> BigInt,
    }
}

diesel::table! {
    complaints (id) {
        id -> Uuid,
        buyer_id -> Text,
        merchant_id -> Text,
        order_line_id -> Nullable<Text>,
        case_id -> Nullable<Uuid>,
        city -> Text,
        shard -> Text,
        grounds -> Text,
        rule_id -> Text,
        text -> Text,
        evidence -> Jsonb,
        filed_at -> Timestamptz,
        state -> Text,
        ruling_reason -> Nullable<Text>,
        ruled_by -> Nullable<Text>,
        ruled_at -> Nullable<Timestamptz>,
        violation_points -> Integer,
        order_id -> Nullable<Text>,
    }
}

diesel::joinable!(interventions -> decisions (case_id));
diesel::allow_tables_to_appear_in_same_query!(decisions, interventions, merchant_programme);

diesel::table! {
    merchant_return_addresses (merchant_id, city) {
        merchant_id -> Text,
        city -> Text,
        recipient -> Text,
        address -> Text,
        address_city -> Text,
        contact_phone -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    orders (order_id) {
        order_id -> Text,
        buyer_id -> Text,
        merchant_id -> Text,
        city -> Text,
        placed_at -> Timestamptz,
        payment_due_at -> Timestamptz,
        settled_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}
