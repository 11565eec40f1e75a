//! intake's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{
    cancel, care, evidence, http, intervention, open_case, order_routes, products, report,
    service_cards,
};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    open_case::open_case,
    order_routes::buyer_order,
    order_routes::import,
    order_routes::orders_by_state,
    http::buyer_cases,
    http::buyer_case,
    http::merchant_case,
    http::cs_case,
    http::put_ratings,
    http::policies,
    http::cases_by_status,
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
pub struct ApiDoc;
