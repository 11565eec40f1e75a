//! intake's tables (migrations/).

diesel::table! {
    buyer_ratings (buyer_id) {
        buyer_id -> Text,
        stars -> SmallInt,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    cases (id) {
        id -> Uuid,
        buyer_id -> Text,
        merchant_id -> Text,
        order_line_id -> Text,
        kind -> Text,
        reason -> Text,
        category -> Text,
        size_class -> Text,
        city -> Text,
        shard -> Text,
        paid_amount_fen -> BigInt,
        refund_amount_fen -> BigInt,
        buyer_rating -> SmallInt,
        door_pickup -> Bool,
        received_at -> Nullable<Timestamptz>,
        merchant_shipped -> Bool,
        requested_at -> Timestamptz,
        status -> Text,
        status_rank -> SmallInt,
        updated_at -> Timestamptz,
        remedy -> Text,
        completed_at -> Nullable<Timestamptz>,
        intervention_requested_by -> Nullable<Text>,
        intervention_requested_at -> Nullable<Timestamptz>,
        guarantee -> Nullable<Text>,
        evidence -> Jsonb,
        card_id -> Nullable<Text>,
        care_outcome -> Nullable<Text>,
        rating_stars -> Nullable<SmallInt>,
        rating_comment -> Nullable<Text>,
        order_id -> Nullable<Text>,
        return_address -> Nullable<Jsonb>,
    }
}

diesel::table! {
    case_timeline (id) {
        id -> BigInt,
        case_id -> Uuid,
        event_id -> Uuid,
        event_type -> Text,
        status -> Nullable<Text>,
        rule_id -> Nullable<Text>,
        reason -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    service_cards (card_id) {
        card_id -> Text,
        buyer_id -> Text,
        merchant_id -> Text,
        order_line_id -> Text,
        category -> Text,
        services -> Jsonb,
        valid_until -> Timestamptz,
        services_total -> Integer,
        services_used -> Integer,
        services_reserved -> Integer,
        goods_value_fen -> BigInt,
        review_hours -> Nullable<BigInt>,
        merchant_courier -> Text,
        updated_at -> Timestamptz,
        order_id -> Nullable<Text>,
    }
}

diesel::joinable!(case_timeline -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(
    cases,
    case_timeline,
    buyer_ratings,
    service_cards,
    case_contacts,
    orders,
    order_lines,
    case_lines
);

diesel::table! {
    case_contacts (case_id) {
        case_id -> Uuid,
        address -> Text,
        contact_phone -> Text,
    }
}

diesel::table! {
    orders (order_id) {
        order_id -> Text,
        buyer_id -> Text,
        merchant_id -> Text,
        state -> Text,
        state_since -> Timestamptz,
        city -> Text,
        delivery_address -> Text,
        contact_phone -> Text,
        paid_online -> Bool,
        freight_insured -> Bool,
        placed_at -> Timestamptz,
        payment_due_at -> Timestamptz,
        paid_at -> Nullable<Timestamptz>,
        shipped_at -> Nullable<Timestamptz>,
        delivered_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        carrier -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        cancel_reason -> Nullable<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    order_lines (order_id, line_id) {
        order_id -> Text,
        line_id -> Text,
        product_id -> Text,
        category -> Text,
        size_class -> Text,
        quantity -> Integer,
        amount_paid_fen -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    case_lines (case_id, line_id) {
        case_id -> Uuid,
        order_id -> Text,
        line_id -> Text,
        quantity -> Integer,
        amount_fen -> BigInt,
        released_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(case_lines -> cases (case_id));
