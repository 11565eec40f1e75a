//! payment's tables (migrations/).

diesel::table! {
    ledger_transactions (id) {
        id -> Uuid,
        case_id -> Uuid,
        kind -> Text,
        rule_id -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        transaction_id -> Uuid,
        account -> Text,
        amount_fen -> BigInt,
    }
}

diesel::table! {
    refunds (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        buyer_id -> Text,
        merchant_id -> Text,
        order_line_id -> Text,
        amount_fen -> BigInt,
        status -> Text,
        tracking_number -> Nullable<Text>,
        collected_at -> Nullable<Timestamptz>,
        paid_at -> Nullable<Timestamptz>,
        transaction_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    recoveries (case_id) {
        case_id -> Uuid,
        merchant_id -> Text,
        amount_fen -> BigInt,
        status -> Text,
        opened_at -> Timestamptz,
        transaction_id -> Uuid,
        buyer_id -> Nullable<Text>,
        city -> Nullable<Text>,
        shard -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        closing_transaction_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    disputes (case_id) {
        case_id -> Uuid,
        merchant_id -> Text,
        claim -> Text,
        evidence -> Jsonb,
        note -> Text,
        opened_at -> Timestamptz,
        status -> Text,
        ruling -> Nullable<Text>,
        ruling_reason -> Nullable<Text>,
        ruled_by -> Nullable<Text>,
        ruled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    compensations (case_id, owed_under) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        buyer_id -> Text,
        charged_to -> Text,
        owed_under -> Text,
        amount_fen -> BigInt,
        status -> Text,
        owed_at -> Timestamptz,
        paid_at -> Nullable<Timestamptz>,
        transaction_id -> Nullable<Uuid>,
    }
}

diesel::joinable!(ledger_entries -> ledger_transactions (transaction_id));
diesel::allow_tables_to_appear_in_same_query!(
    ledger_transactions,
    ledger_entries,
    refunds,
    recoveries,
    compensations
);

diesel::table! {
    refund_orders (case_id) {
        case_id -> Uuid,
        buyer_id -> Text,
        merchant_id -> Text,
        order_line_id -> Text,
        amount_fen -> BigInt,
        fast_return -> Bool,
        remedy -> Text,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    parcels_awaiting_order (case_id) {
        case_id -> Uuid,
        parcel -> Jsonb,
        received_at -> Timestamptz,
    }
}
