//! K-5 money: goods lost after pickup are paid by the merchant at their value (CARE-5); the
//! freight back to the buyer is the buyer's after a failed inspection (CARE-6) and the
//! merchant's after the service (CARE-7). Each is posted once per case.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::RuleId;
use returns_domain::care::CareStep;
use returns_domain::ledger::{Account, care_loss, care_return_freight};
use returns_events::Envelope;
use returns_events::payloads::{CareProgress, CompensationPaid, GoodsSentBack};

use crate::ledger;

pub(crate) async fn on_progress(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    p: &CareProgress,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let (CareStep::Lost, Some(value)) = (p.step, p.goods_value_fen) else {
        return Ok(Vec::new());
    };
    let m = care_loss(&p.buyer_id, &p.merchant_id, value).map_err(HandleError::reject)?;
    let Some(txn) = ledger::post_once(conn, env.case_id, &m, now).await? else {
        return Ok(Vec::new());
    };
    tracing::info!(case_id = %env.case_id, rule = RuleId::Care5.as_str(), "lost goods compensated by the merchant");
    Ok(vec![returns_bus::Emitter::new(crate::SERVICE, now).emit(
        env,
        &CompensationPaid {
            rule: RuleId::Care5,
            owed_under: RuleId::Care5,
            amount_fen: value,
            buyer_id: p.buyer_id.clone(),
            ledger_transaction_id: txn,
            paid_at: now,
        },
    )?])
}

pub(crate) async fn on_sent_back(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    s: &GoodsSentBack,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let (Some(payer), Some(amount)) = (s.freight_payer.as_deref(), s.freight_fen) else {
        return Ok(Vec::new());
    };
    let account = match payer {
        "buyer" => Account::Buyer(s.buyer_id.clone()),
        "merchant" => Account::Merchant(s.merchant_id.clone()),
        other => {
            return Err(HandleError::reject(format!(
                "unknown freight payer {other}"
            )));
        }
    };
    let m =
        care_return_freight(account, &s.carrier, amount, s.rule).map_err(HandleError::reject)?;
    ledger::post_once(conn, env.case_id, &m, now).await?;
    tracing::info!(case_id = %env.case_id, rule = s.rule.as_str(), payer, "freight back posted");
    Ok(Vec::new())
}
