//! logistics' routes as an OpenAPI document (the runtime completes and serves it).

use crate::{
    care_jobs, courier_complaints, delivery_jobs, http, pickup_slot, report, self_ship, send_back,
};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    http::list_jobs,
    http::accept,
    http::call,
    http::arrive,
    http::pickup,
    http::deliver,
    http::buyer_pickup,
    http::cs_pickup,
    crate::escalated::desk,
    crate::escalated::act,
    http::coverage,
    pickup_slot::book,
    self_ship::enter_tracking,
    courier_complaints::file,
    send_back::send_back,
    care_jobs::view,
    care_jobs::report,
    delivery_jobs::report,
    report::operator_report,
))]
pub struct ApiDoc;
