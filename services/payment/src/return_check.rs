//! RV-3 in payment: a failed return check holds a refund that waits for the merchant's receipt
//! (its window no longer pays it); on an advanced refund it becomes a dispute of the advance
//! (PAY-7). Customer service's ruling (AS-2) pays the held refund or refuses it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::lifecycle::{RecoveryState, RefundState};
use returns_events::Envelope;
use returns_events::payloads::ReturnCheckFailed;

use crate::receipt::{self, Paid};
use crate::schema::refunds;
use crate::{dispute, ledger, recovery};

pub(crate) async fn failed(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    check: &ReturnCheckFailed,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(refund) = ledger::refund_for_update(conn, env.case_id).await? else {
        return Ok(Vec::new());
    };
    if refund.status.may_become(RefundState::HeldByReturnCheck) {
        set_status(conn, env, RefundState::HeldByReturnCheck).await?;
        returns_store::timers::cancel(conn, receipt::KIND, env.case_id).await?;
        tracing::info!(case_id = %env.case_id, "refund held by a failed return check (RV-3)");
        return Ok(Vec::new());
    }
    // Already advanced (PAY-1): the merchant's finding disputes the advance instead.
    match recovery::for_update(conn, env.case_id).await? {
        Some(r) if r.status.may_become(RecoveryState::Disputed) => {
            let note = format!(
                "RV-3 check failed ({}): {}",
                check.failed.join(", "),
                check.reason
            );
            Ok(vec![
                dispute::open_in(conn, &r, "not_as_described", &check.evidence, &note, now).await?,
            ])
        }
        _ => Ok(Vec::new()),
    }
}

/// AS-2 overruled the check: the held refund is paid from the merchant's funds (PAY-3).
pub(crate) async fn overruled(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(refund) = ledger::refund_for_update(conn, env.case_id).await? else {
        return Ok(Vec::new());
    };
    if !refund
        .status
        .may_become(RefundState::AwaitingMerchantReceipt)
    {
        return Ok(Vec::new());
    }
    set_status(conn, env, RefundState::AwaitingMerchantReceipt).await?;
    Ok(
        match receipt::pay_from_merchant(conn, env.case_id, None, "return check overruled", now)
            .await?
        {
            Paid::Now(out) => out,
            _ => Vec::new(),
        },
    )
}

/// AS-2 upheld the check (a final rejection): the held refund is refused.
pub(crate) async fn upheld(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
) -> Result<(), HandleError> {
    let Some(refund) = ledger::refund_for_update(conn, env.case_id).await? else {
        return Ok(());
    };
    if refund.status.may_become(RefundState::RefusedByReturnCheck) {
        set_status(conn, env, RefundState::RefusedByReturnCheck).await?;
    }
    Ok(())
}

async fn set_status(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    status: RefundState,
) -> Result<(), HandleError> {
    diesel::update(refunds::table.find(env.case_id))
        .set(refunds::status.eq(status))
        .execute(conn)
        .await?;
    Ok(())
}
