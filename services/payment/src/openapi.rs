//! payment's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{dispute, http, statement};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    http::buyer_refund,
    http::cs_refund,
    http::confirm_receipt,
    http::case_ledger,
    http::account_balance,
    http::trial_balance,
    dispute::open,
    dispute::queue,
    dispute::rule,
    statement::view,
))]
pub struct ApiDoc;
