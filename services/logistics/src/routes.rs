//! logistics' route table, one front per role: courier companies list the jobs dispatched to
//! them and report accept (PK-2), call and arrival (PK-3) and pickup with the tracking number
//! (PK-4); buyers read their pickup, enter their own tracking number (CT-2) and complain about a
//! rider (PK-6); merchants send goods back and report care (CARE-4) and delivery (WF-3) steps;
//! operators read coverage (CT-1) and the figures per courier and rider. Only the table.

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{
        care_jobs, courier_complaints, courier_steps, delivery_jobs, escalated, pickup_reads,
        pickup_slot, report, self_ship, send_back,
    };
    cfg.route("/courier/jobs", web::get().to(pickup_reads::list_jobs))
        .route(
            "/courier/jobs/{id}/accept",
            web::post().to(courier_steps::accept),
        )
        .route(
            "/courier/jobs/{id}/call",
            web::post().to(courier_steps::call),
        )
        .route(
            "/courier/jobs/{id}/arrive",
            web::post().to(courier_steps::arrive),
        )
        .route(
            "/courier/jobs/{id}/pickup",
            web::post().to(courier_steps::pickup),
        )
        .route(
            "/courier/jobs/{id}/deliver",
            web::post().to(courier_steps::deliver),
        )
        .route(
            "/buyer/cases/{id}/pickup",
            web::get().to(pickup_reads::buyer_pickup),
        )
        .route(
            "/buyer/cases/{id}/pickup-slot",
            web::post().to(pickup_slot::book),
        )
        .route(
            "/cs/cases/{id}/pickup",
            web::get().to(pickup_reads::cs_pickup),
        )
        .route("/cs/pickups", web::get().to(escalated::desk))
        .route("/cs/pickups/{id}/action", web::post().to(escalated::act))
        .route(
            "/buyer/cases/{id}/shipment",
            web::post().to(self_ship::enter_tracking),
        )
        .route(
            "/buyer/cases/{id}/courier-complaint",
            web::post().to(courier_complaints::file),
        )
        .route(
            "/merchant/cases/{id}/send-back",
            web::post().to(send_back::send_back),
        )
        .route("/merchant/care-jobs/{id}", web::get().to(care_jobs::view))
        .route(
            "/merchant/care-jobs/{id}/{step}",
            web::post().to(care_jobs::report),
        )
        .route(
            "/merchant/delivery-jobs/{id}/{step}",
            web::post().to(delivery_jobs::report),
        )
        .route("/operator/coverage", web::get().to(pickup_reads::coverage))
        .route(
            "/operator/reports/operator",
            web::get().to(report::operator_report),
        );
}
