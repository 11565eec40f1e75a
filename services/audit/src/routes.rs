//! audit's route table, one front per role: the merchant's review queue and approve/reject
//! (RV-1, RV-2), return check (RV-3), programme (MP-1/2) and standing (MP-3); the buyer's
//! complaints (K-6); customer service's interventions, rulings and complaints; the operator's
//! view of any merchant's standing. Only the table: each handler lives in its feature module.

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{
        complaints, cs_desk, decisions, order_copy, programme, return_address, return_check,
        standing,
    };
    cfg.route("/buyer/complaints", web::post().to(complaints::file))
        .route("/buyer/complaints/{id}", web::get().to(complaints::view))
        .route("/merchant/cases", web::get().to(decisions::review_queue))
        .route(
            "/merchant/cases/{id}/decision",
            web::get().to(decisions::merchant_decision),
        )
        .route(
            "/merchant/cases/{id}/decision",
            web::post().to(decisions::merchant_decides),
        )
        .route(
            "/merchant/cases/{id}/return-check",
            web::post().to(return_check::check),
        )
        .route(
            "/merchant/return-addresses",
            web::put().to(return_address::put),
        )
        .route(
            "/merchant/return-addresses",
            web::get().to(return_address::get),
        )
        .route("/merchant/programme", web::post().to(programme::change))
        .route("/merchant/standing", web::get().to(standing::own))
        .route(
            "/cs/merchants/{id}/standing",
            web::get().to(standing::for_cs),
        )
        .route(
            "/cs/cases/{id}/decision",
            web::get().to(decisions::cs_decision),
        )
        .route("/cs/cases/{id}/ruling", web::post().to(cs_desk::rule))
        .route("/cs/interventions", web::get().to(cs_desk::queue))
        .route("/cs/complaints", web::get().to(complaints::queue))
        .route(
            "/cs/complaints/{id}/ruling",
            web::post().to(complaints::rule),
        )
        .route(
            "/operator/merchants/{id}/standing",
            web::get().to(standing::any),
        )
        .route("/operator/orders/{id}", web::get().to(order_copy::view));
}
