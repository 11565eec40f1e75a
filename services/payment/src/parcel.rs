//! The buyer's parcel left the buyer: collected by a courier (PK-4) or shipped by the buyer
//! (CT-2). Its tracking number is known now, so a fast return's refund is paid at once from
//! the platform's advance and the merchant's debt recorded (PAY-1, PAY-2); without fast-return
//! entitlement the refund waits for the merchant's receipt (PAY-3).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{Emitter, HandleError, Outgoing};
use returns_domain::Policy;
use returns_domain::RuleId;
use returns_domain::ledger::{fast_refund, insured_pickup_fee};
use returns_domain::lifecycle::RefundState;
use returns_events::Envelope;
use returns_events::payloads::{PickupCollected, RecoveryOpened, RefundOrder, RefundPaid};
use tracing::Instrument;
use uuid::Uuid;

use returns_store::case_lock::{Join, lock_case};

use crate::ledger;
use crate::parcel_facts::Parcel;

impl Parcel {
    /// The parcel with what its case asks for.
    fn with(self, order: RefundOrder) -> Sent {
        Sent {
            order,
            tracking_number: self.tracking_number,
            at: self.at,
        }
    }
}

/// The parcel with what the case asks for.
struct Sent {
    order: RefundOrder,
    tracking_number: String,
    at: DateTime<Utc>,
}

/// The approval of a case whose goods come back (or RS-3's conversion) tells payment what its
/// parcel will be paid for; a parcel that came first is paid now.
pub(crate) async fn order_known(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    order: &RefundOrder,
    converted: bool,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    // The parcel's side takes the same lock: one of the two always sees the other.
    lock_case(conn, Join::ParcelAndApproval, env.case_id).await?;
    crate::refund_orders::keep(conn, env.case_id, order, converted, now).await?;
    match crate::refund_orders::take_waiting(conn, env.case_id).await? {
        Some(parcel) => pay(conn, env, parcel.with(order.clone()), policy, now).await,
        None => Ok(Vec::new()),
    }
}

/// PK-8: the freight insurance's part of the pickup fee, whatever the case asks for.
pub(crate) async fn insured_fee(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    c: &PickupCollected,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    if let Some(fee) = c.fee.filter(|f| f.insurance_pays_fen.is_positive()) {
        let m = insured_pickup_fee(&c.courier_company, fee.insurance_pays_fen)
            .map_err(HandleError::reject)?;
        ledger::post_once(conn, env.case_id, &m, now).await?;
    }
    Ok(())
}

/// Pays, or waits for the merchant, once the parcel has left the buyer; a parcel whose
/// approval payment has not read yet waits for it.
pub(crate) async fn left_buyer(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    parcel: Parcel,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    lock_case(conn, Join::ParcelAndApproval, env.case_id).await?;
    let kept = crate::refund_orders::of_case(conn, env.case_id).await?;
    let Some(order) = kept.or_else(|| parcel.order_v1.clone()) else {
        tracing::info!(case_id = %env.case_id, "the parcel waits for its approval");
        crate::refund_orders::wait(conn, env.case_id, &parcel, now).await?;
        return Ok(Vec::new());
    };
    pay(conn, env, parcel.with(order), policy, now).await
}

/// Pays the parcel's refund from the advance, or records it waiting for the merchant.
async fn pay(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    sent: Sent,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    if !sent.order.remedy.pays_refund() {
        // K-3, a K-4 repair: the merchant answers by sending goods back, and no refund will
        // come to pay a late courier's compensation with (PK-5): it is paid now.
        return crate::compensation::pay_owed(conn, env.case_id, now).await;
    }
    let span = tracing::info_span!("payment.pay_refund", case_id = %env.case_id, city = %env.city, shard = %env.shard, amount_fen = sent.order.amount_fen.0);
    async {
        if sent.order.fast_return {
            pay_from_advance(conn, env, &sent, policy, now).await
        } else {
            wait_for_receipt(conn, env, &sent, policy, now).await?;
            Ok(Vec::new())
        }
    }
    .instrument(span)
    .await
}

/// PAY-3: no fast return; the refund is recorded and waits for the merchant's receipt.
async fn wait_for_receipt(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    sent: &Sent,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    tracing::info!(
        rule = RuleId::Pay3.as_str(),
        "refund waits for the merchant's receipt"
    );
    let tracking = Some(sent.tracking_number.as_str());
    let waiting = RefundState::opened(false);
    let at = Some(sent.at);
    ledger::record_refund(conn, env, &sent.order, waiting, tracking, at, None, None).await?;
    crate::receipt::start_wait(conn, env, sent.at, policy, now).await?;
    Ok(())
}

/// PAY-1, PAY-2: the buyer is paid from the platform's advance and the merchant owes it;
/// compensation owed is paid with the refund (PAY-4). Each posting once per case (PAY-5).
async fn pay_from_advance(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    sent: &Sent,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let order = &sent.order;
    let [advance, recovery] = fast_refund(&order.buyer_id, &order.merchant_id, order.amount_fen)
        .map_err(HandleError::reject)?;
    let Some(paid_txn) = ledger::post_once(conn, env.case_id, &advance, now).await? else {
        tracing::info!("refund already paid for this case; nothing to do (PAY-5)");
        return Ok(Vec::new());
    };
    let (tracking, at) = (Some(sent.tracking_number.as_str()), Some(sent.at));
    ledger::record_refund(
        conn,
        env,
        order,
        RefundState::opened(true),
        tracking,
        at,
        Some(now),
        Some(paid_txn),
    )
    .await?;
    let cx = Emitter::new(crate::SERVICE, now);
    let paid = RefundPaid {
        rule: RuleId::Pay1,
        amount_fen: order.amount_fen,
        buyer_id: order.buyer_id.clone(),
        ledger_transaction_id: paid_txn,
        paid_at: now,
    };
    let mut out = vec![cx.emit(env, &paid)?];
    if let Some(rec_txn) = ledger::post_once(conn, env.case_id, &recovery, now).await? {
        out.push(owe_advance(conn, env, sent, rec_txn, policy, cx).await?);
    }
    tracing::info!(
        rule = RuleId::Pay1.as_str(),
        "refund paid from the platform's advance"
    );
    out.extend(crate::compensation::pay_owed(conn, env.case_id, now).await?);
    Ok(out)
}

/// PAY-2: the merchant owes the advance; it settles on its receipt of the parcel or when its
/// window passes, unless it disputes (PAY-7).
async fn owe_advance(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    sent: &Sent,
    rec_txn: Uuid,
    policy: &Policy,
    cx: Emitter<'_>,
) -> Result<Outgoing, HandleError> {
    let order = &sent.order;
    let (merchant, buyer) = (&order.merchant_id, &order.buyer_id);
    let now = cx.now();
    crate::recovery::open(
        conn,
        env,
        merchant,
        buyer,
        order.amount_fen,
        sent.at,
        rec_txn,
        policy,
        now,
    )
    .await?;
    let opened = RecoveryOpened {
        rule: RuleId::Pay2,
        merchant_id: merchant.clone(),
        amount_fen: order.amount_fen,
        ledger_transaction_id: rec_txn,
    };
    Ok(cx.emit(env, &opened)?)
}
