//! audit's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{complaints, cs_desk, http, programme, return_check, shipment, standing};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    http::review_queue,
    http::merchant_decision,
    http::merchant_decides,
    http::cs_decision,
    shipment::shipped,
    return_check::check,
    programme::change,
    standing::own,
    standing::any,
    complaints::file,
    complaints::view,
    complaints::queue,
    complaints::rule,
    cs_desk::queue,
    cs_desk::rule,
))]
pub struct ApiDoc;
