//! payment's routes as an OpenAPI document (the runtime completes and serves it).

use crate::{dispute, ledger_reads, merchant_receipt, refunds, statement};

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    refunds::buyer_refund,
    refunds::cs_refund,
    merchant_receipt::confirm_receipt,
    ledger_reads::case_ledger,
    ledger_reads::account_balance,
    ledger_reads::trial_balance,
    dispute::open,
    dispute::queue,
    dispute::rule,
    statement::view,
))]
pub(crate) struct ApiDoc;
