//! intake's route table, one front per role: buyers open, list and read their cases (with the
//! timeline) and care orders; merchants read their shop's cases; operators load ratings and
//! service cards and read the figures and the policies in force. Only the table: each route's
//! handler lives in the module named for what it does.

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{
        cancel, care, cases, evidence, intervention, open_case, order_routes, policies, products,
        ratings, report, service_cards,
    };
    cfg.route("/buyer/cases", web::post().to(open_case::open_case))
        .route(
            "/buyer/orders/{id}",
            web::get().to(order_routes::buyer_order),
        )
        .route("/operator/orders", web::put().to(order_routes::import))
        .route(
            "/operator/stats/orders",
            web::get().to(order_routes::orders_by_state),
        )
        .route("/buyer/cases", web::get().to(cases::buyer_cases))
        .route("/buyer/cases/{id}", web::get().to(cases::buyer_case))
        .route("/buyer/cases/{id}/cancel", web::post().to(cancel::cancel))
        .route("/buyer/cases/{id}/evidence", web::post().to(evidence::add))
        .route(
            "/buyer/cases/{id}/intervention",
            web::post().to(intervention::by_buyer),
        )
        .route(
            "/buyer/products/services",
            web::get().to(products::services),
        )
        .route(
            "/buyer/service-cards/{id}",
            web::get().to(service_cards::buyer_card),
        )
        .route("/buyer/care-orders", web::post().to(care::open))
        .route("/buyer/care-orders/{id}/rating", web::post().to(care::rate))
        .route("/merchant/cases/{id}", web::get().to(cases::merchant_case))
        .route("/cs/cases/{id}", web::get().to(cases::cs_case))
        .route(
            "/merchant/cases/{id}/intervention",
            web::post().to(intervention::by_merchant),
        )
        .route(
            "/merchant/service-cards/{id}",
            web::get().to(service_cards::merchant_card),
        )
        .route("/operator/ratings", web::put().to(ratings::put_ratings))
        .route(
            "/operator/service-cards",
            web::put().to(service_cards::import_cards),
        )
        .route(
            "/operator/stats/cases-by-status",
            web::get().to(cases::cases_by_status),
        )
        .route(
            "/operator/reports/operator",
            web::get().to(report::operator_report),
        )
        .route("/operator/policies", web::get().to(policies::policies));
}
