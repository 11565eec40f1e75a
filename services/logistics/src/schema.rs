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
        first_weight_fee_fen -> BigInt,
        extra_weight_fee_fen -> BigInt,
        insurance_pays_fen -> BigInt,
        buyer_pays_fen -> BigInt,
        rider_id -> Nullable<Text>,
        rider_name -> Nullable<Text>,
        called_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    courier_complaints (case_id) {
        case_id -> Uuid,
        job_id -> Uuid,
        courier_company -> Text,
        rider_id -> Text,
        city -> Text,
        text -> Text,
        filed_at -> Timestamptz,
    }
}

diesel::table! {
    buyer_shipments (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        buyer_id -> Text,
        status -> Text,
        carrier -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        shipped_at -> Nullable<Timestamptz>,
        refund -> Jsonb,
        traceparent -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    send_backs (case_id) {
        case_id -> Uuid,
        merchant_id -> Text,
        remedy -> Text,
        carrier -> Text,
        tracking_number -> Text,
        sent_at -> Timestamptz,
    }
}

diesel::table! {
    care_jobs (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        buyer_id -> Text,
        merchant_id -> Text,
        merchant_courier -> Text,
        address -> Text,
        contact_phone -> Text,
        goods_value_fen -> BigInt,
        confirm_by -> Timestamptz,
        step -> Nullable<Text>,
        pickup_at -> Nullable<Timestamptz>,
        tracking_number -> Nullable<Text>,
        damage_note -> Nullable<Text>,
        traceparent -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    delivery_jobs (case_id) {
        case_id -> Uuid,
        city -> Text,
        shard -> Text,
        merchant_id -> Text,
        address -> Text,
        contact_phone -> Text,
        installation -> Bool,
        slot_start -> Timestamptz,
        slot_end -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        installed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contacts (case_id) {
        case_id -> Uuid,
        kind -> Text,
        address -> Text,
        contact_phone -> Text,
        given_at -> Timestamptz,
    }
}

diesel::table! {
    approvals_awaiting_contact (case_id) {
        case_id -> Uuid,
        approved -> Jsonb,
        approved_at -> Timestamptz,
    }
}
