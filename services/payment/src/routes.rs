//! payment's route table, one front per role: the buyer's refund; the merchant's receipt
//! (PAY-3), dispute (PAY-7) and statement (deposit, balance, recoveries); customer service's
//! dispute desk; the operator's ledger.
//! Only the table: each handler lives in its feature module, and its `#[utoipa::path]` is
//! the one place its method and path are written.

use crate::{dispute, ledger_reads, merchant_receipt, refunds, statement};

returns_runtime::api! {
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
}
