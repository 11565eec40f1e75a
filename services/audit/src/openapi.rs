//! audit's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{complaints, cs_desk, decisions, programme, return_check, standing};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    decisions::review_queue,
    decisions::merchant_decision,
    decisions::merchant_decides,
    decisions::cs_decision,
    return_check::check,
    programme::change,
    crate::return_address::put,
    crate::return_address::get,
    standing::own,
    standing::any,
    standing::for_cs,
    complaints::file,
    complaints::view,
    complaints::queue,
    complaints::rule,
    cs_desk::queue,
    cs_desk::rule,
    crate::order_copy::view,
))]
pub(crate) struct ApiDoc;
