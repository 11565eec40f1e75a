//! payment's route table, one front per role: the buyer's refund; the merchant's receipt
//! (PAY-3), dispute (PAY-7) and statement (deposit, balance, recoveries); customer service's
//! dispute desk; the operator's ledger. Only the table.

use actix_web::web;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{dispute, ledger_reads, merchant_receipt, refunds, statement};
    cfg.route(
        "/buyer/cases/{id}/refund",
        web::get().to(refunds::buyer_refund),
    )
    .route("/cs/cases/{id}/refund", web::get().to(refunds::cs_refund))
    .route(
        "/merchant/cases/{id}/receipt",
        web::post().to(merchant_receipt::confirm_receipt),
    )
    .route(
        "/merchant/cases/{id}/dispute",
        web::post().to(dispute::open),
    )
    .route("/merchant/statement", web::get().to(statement::view))
    .route("/cs/disputes", web::get().to(dispute::queue))
    .route("/cs/disputes/{id}/ruling", web::post().to(dispute::rule))
    .route(
        "/operator/cases/{id}/ledger",
        web::get().to(ledger_reads::case_ledger),
    )
    .route(
        "/operator/accounts/{account}/balance",
        web::get().to(ledger_reads::account_balance),
    )
    .route(
        "/operator/ledger/trial-balance",
        web::get().to(ledger_reads::trial_balance),
    );
}
