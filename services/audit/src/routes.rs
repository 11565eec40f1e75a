//! audit's route table, one front per role: the merchant's review queue and approve/reject
//! (RV-1, RV-2), return check (RV-3), programme (MP-1/2) and standing (MP-3); the buyer's
//! complaints (K-6); customer service's interventions, rulings and complaints; the operator's
//! view of any merchant's standing.
//! Only the table: each handler lives in its feature module, and its `#[utoipa::path]` is
//! the one place its method and path are written.

use crate::{
    complaint_desk, complaints, cs_desk, decisions, order_copy, programme, return_address,
    return_check, standing,
};

returns_runtime::api! {
    decisions::review_queue,
    decisions::merchant_decision,
    decisions::merchant_decides,
    decisions::cs_decision,
    return_check::check,
    programme::change,
    return_address::put,
    return_address::get,
    standing::own,
    standing::any,
    standing::for_cs,
    complaints::file,
    complaints::view,
    complaint_desk::queue,
    complaint_desk::rule,
    cs_desk::queue,
    cs_desk::rule,
    order_copy::view,
}
