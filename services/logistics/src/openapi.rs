//! logistics' routes as an OpenAPI document (the runtime completes and serves it).

use crate::{
    care_jobs, courier_complaints, courier_steps, delivery_jobs, pickup_reads, pickup_slot, report,
    self_ship, send_back,
};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    pickup_reads::list_jobs,
    courier_steps::accept,
    courier_steps::call,
    courier_steps::arrive,
    courier_steps::pickup,
    courier_steps::deliver,
    pickup_reads::buyer_pickup,
    pickup_reads::cs_pickup,
    crate::escalated::desk,
    crate::escalated::act,
    pickup_reads::coverage,
    pickup_slot::book,
    self_ship::enter_tracking,
    courier_complaints::file,
    send_back::send_back,
    care_jobs::view,
    care_jobs::report,
    delivery_jobs::report,
    report::operator_report,
))]
pub(crate) struct ApiDoc;
