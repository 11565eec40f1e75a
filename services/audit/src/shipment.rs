//! RS-3: an order shipped after a refund before shipment was asked, but before the refund
//! completes (within `policy.unshipped_refund_cutoff_minutes`), turns the case into a return
//! and refund; RS-1's compensation no longer applies. The shipment comes from the order feed
//! (ORD-1), never from a merchant's word.

use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::lifecycle::DecisionState;
use returns_domain::refund_only::shipment_converts;
use returns_domain::{CaseKind, Remedy, RuleId};
use returns_events::Envelope;
use returns_events::payloads::{CaseConverted, CaseOpened, OrderShippedDuringRefund};
use returns_runtime::AppContext;

use returns_bus::About;

use crate::store;

/// RS-3: the order of a refund before shipment was shipped (`case.order_shipped`, from intake's
/// copy of the order). Within the cut-off the case becomes a return; later, or for another
/// kind of case, the shipment changes nothing and the refund stands.
pub(crate) async fn on_order_shipped(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    shipped: &OrderShippedDuringRefund,
    app: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let now = app.clock.now();
    let Some(row) = store::find_for_update(conn, env.case_id).await? else {
        return Err(HandleError::reject(format!(
            "case {} is unknown to audit",
            env.case_id
        )));
    };
    let opened: CaseOpened =
        serde_json::from_value(row.opened.clone()).map_err(HandleError::reject)?;
    if opened.facts.kind != CaseKind::RefundOnly || row.status != DecisionState::Approved {
        tracing::info!(status = %row.status, "RS-3: the shipment changes nothing for this case");
        return Ok(Vec::new());
    }
    let rule = RuleId::parse(&row.rule_id).unwrap_or(RuleId::Rv1);
    if let Err(m) = shipment_converts(
        rule,
        opened.facts.requested_at,
        shipped.shipped_at,
        &app.settings.policy,
    ) {
        tracing::info!(reason = %m, "RS-3: shipped after the refund completed");
        return Ok(Vec::new());
    }
    let reason = "The merchant shipped before the refund completed; the request continues as a return (RS-3).";
    store::record_later_decision(
        conn,
        env.case_id,
        DecisionState::Converted,
        RuleId::Rs3.as_str(),
        reason,
        "system",
        now,
    )
    .await?;
    let mut facts = opened.facts.clone();
    facts.kind = CaseKind::ReturnRefund;
    facts.remedy = Remedy::ReturnRefund;
    facts.merchant_shipped = true;
    let case = About {
        case_id: env.case_id,
        city: &row.city,
        shard: &row.shard,
    };
    let ev = returns_bus::Emitter::new(crate::SERVICE, now).emit(
        case,
        &CaseConverted {
            rule: RuleId::Rs3,
            carrier: shipped.carrier.clone(),
            tracking_number: shipped.tracking_number.clone(),
            converted_at: now,
            facts,
        },
    )?;
    Ok(vec![ev])
}
