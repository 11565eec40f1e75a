//! intake's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{
    cancel, care, cases, evidence, intervention, open_case, order_routes, policies, products,
    ratings, report, service_cards,
};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
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
    care::rate,
    report::operator_report,
))]
pub(crate) struct ApiDoc;
