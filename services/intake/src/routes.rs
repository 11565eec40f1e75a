//! intake's route table, one front per role: buyers open, list and read their cases (with the
//! timeline) and care orders; merchants read their shop's cases; operators load ratings and
//! service cards and read the figures and the policies in force. Only the table: each
//! handler lives in the module named for what it does, and its `#[utoipa::path]` is the one
//! place its method and path are written.

use crate::{
    cancel, care, care_rating, cases, evidence, intervention, open_case, order_routes, policies,
    products, ratings, report, service_cards,
};

returns_runtime::api! {
    open_case::open_case,
    order_routes::buyer_order,
    order_routes::import,
    order_routes::orders_by_state,
    cases::buyer_cases,
    cases::buyer_case,
    cases::merchant_case,
    cases::cs_case,
    ratings::put_ratings,
    policies::policies,
    cases::cases_by_status,
    cancel::cancel,
    evidence::add,
    intervention::by_buyer,
    intervention::by_merchant,
    products::services,
    service_cards::import_cards,
    service_cards::buyer_card,
    service_cards::merchant_card,
    care::open,
    care_rating::rate,
    report::operator_report,
}
