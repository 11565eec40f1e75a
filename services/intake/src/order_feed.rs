//! ORD-1, ORD-6: the order feed applied to intake's copy of the orders, each event once (the
//! consumer's inbox) and in order per order (the feed is keyed by order id). An event that
//! contradicts the stored order is rejected whole, so the consumer sets it aside on the
//! dead-letter topic with the reason and nothing of it is applied.

use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::order::{self, OrderMove, OrderState, OrderStep};
use returns_events::orders::{OrderEnvelope, OrderEvent, OrderPlaced};
use returns_runtime::AppContext;

use crate::order_store::{self, OrderRow, StepRow};

/// Applies one record of the order feed.
pub(crate) async fn apply(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let event = env.event().map_err(HandleError::reject)?;
    let (step, at, row) = match effect_of(&event, ctx.clock.now()) {
        Effect::Start(p) => return placed(conn, env, p, ctx).await,
        Effect::Step(step, at, row) => (step, at, row),
    };
    let decided = moved(conn, env, step, at, row).await?;
    if step == OrderStep::Shipped && decided != OrderMove::Repeat {
        return crate::order_shipped::convert_refunds(conn, &env.order_id, at, ctx).await;
    }
    Ok(Vec::new())
}

async fn placed(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    p: &OrderPlaced,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let (row, lines) =
        crate::order_facts::rows_of(&env.order_id, p, &ctx.settings.policy, ctx.clock.now())
            .map_err(|m| HandleError::reject(format!("order.placed {}: {m}", env.order_id)))?;
    if !order_store::insert_order(conn, &row, &lines).await? {
        // The same order placed again under a new event id is a repeat; other facts are not.
        let known = order_store::order_by_id(conn, &env.order_id).await?;
        if !known.is_some_and(|k| same_order(&k, &row)) {
            return Err(HandleError::reject(format!(
                "order {} was already placed with other facts",
                env.order_id
            )));
        }
    }
    Ok(Vec::new())
}

/// The same placement: buyer, merchant and time (to the microsecond the database keeps).
fn same_order(a: &OrderRow, b: &OrderRow) -> bool {
    let at = |o: &OrderRow| o.placed_at.timestamp_micros();
    (&a.buyer_id, &a.merchant_id, at(a)) == (&b.buyer_id, &b.merchant_id, at(b))
}

/// What an order event does: start an order, or move one a step (when, with what facts).
enum Effect<'a> {
    Start(&'a OrderPlaced),
    Step(OrderStep, chrono::DateTime<chrono::Utc>, StepRow),
}

fn effect_of(e: &OrderEvent, now: chrono::DateTime<chrono::Utc>) -> Effect<'_> {
    let mut row = StepRow {
        updated_at: now,
        ..StepRow::default()
    };
    let (step, at) = match e {
        OrderEvent::Paid(p) => {
            row.paid_at = Some(p.paid_at);
            (OrderStep::Paid, p.paid_at)
        }
        OrderEvent::Shipped(s) => {
            row.shipped_at = Some(s.shipped_at);
            row.carrier = Some(s.carrier.clone());
            row.tracking_number = Some(s.tracking_number.clone());
            (OrderStep::Shipped, s.shipped_at)
        }
        OrderEvent::Delivered(d) => {
            row.delivered_at = Some(d.delivered_at);
            (OrderStep::Delivered, d.delivered_at)
        }
        OrderEvent::Completed(c) => {
            row.completed_at = Some(c.completed_at);
            (OrderStep::Completed, c.completed_at)
        }
        OrderEvent::Cancelled(c) => {
            row.cancelled_at = Some(c.cancelled_at);
            row.cancel_reason = Some(c.reason.clone());
            (OrderStep::Cancelled, c.cancelled_at)
        }
        OrderEvent::Placed(p) => return Effect::Start(p),
    };
    row.state = step.target().as_str().to_owned();
    row.state_since = at;
    Effect::Step(step, at, row)
}

/// When the stored order recorded the state `step` leads to, if it did.
fn recorded_at(o: &OrderRow, step: OrderStep) -> Option<chrono::DateTime<chrono::Utc>> {
    match step {
        OrderStep::Paid => o.paid_at,
        OrderStep::Shipped => o.shipped_at,
        OrderStep::Delivered => o.delivered_at,
        OrderStep::Completed => o.completed_at,
        OrderStep::Cancelled => o.cancelled_at,
    }
}

async fn moved(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    step: OrderStep,
    at: chrono::DateTime<chrono::Utc>,
    row: StepRow,
) -> Result<OrderMove, HandleError> {
    if let OrderStep::Shipped = step {
        returns_web::tracking_number(row.tracking_number.as_deref().unwrap_or_default())
            .map_err(|p| HandleError::reject(format!("order.shipped: {}", p.detail)))?;
    }
    let Some(stored) = order_store::order_for_update(conn, &env.order_id).await? else {
        return Err(HandleError::reject(format!(
            "{} for order {}, which was never placed here",
            env.event_type, env.order_id
        )));
    };
    let state = OrderState::parse(&stored.state).ok_or_else(|| {
        HandleError::reject(format!(
            "order {} has unknown state {}",
            env.order_id, stored.state
        ))
    })?;
    let decided = order::step(
        state,
        stored.state_since,
        step,
        at,
        recorded_at(&stored, step),
    )
    .map_err(|c| {
        HandleError::reject(format!(
            "{} for order {}: {c}",
            env.event_type, env.order_id
        ))
    })?;
    if let OrderMove::To(_) = decided {
        order_store::record_step(conn, &env.order_id, &row).await?;
    }
    Ok(decided)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order_store::fixtures;
    use chrono::{DateTime, Duration, Utc};
    use returns_events::orders::{OrderCancelled, OrderPaid, OrderShipped};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse()
            .unwrap_or_else(|e| panic!("a time {text}: {e}"))
    }

    fn step_of(e: &OrderEvent, now: DateTime<Utc>) -> (OrderStep, DateTime<Utc>, StepRow) {
        match effect_of(e, now) {
            Effect::Step(step, at, row) => (step, at, row),
            Effect::Start(_) => panic!("{e:?} starts an order instead of moving one"),
        }
    }

    #[test]
    fn ord_6_a_payment_moves_the_order_to_paid_at_the_time_it_was_paid() {
        let (paid, now) = (at("2026-11-01T08:00:00Z"), at("2026-11-01T09:00:00Z"));
        let (step, when, row) = step_of(&OrderEvent::Paid(OrderPaid { paid_at: paid }), now);
        assert_eq!((step, when), (OrderStep::Paid, paid));
        assert_eq!((row.state.as_str(), row.state_since), ("paid", paid));
        assert_eq!((row.paid_at, row.updated_at), (Some(paid), now));
        assert_eq!((row.shipped_at, row.carrier), (None, None));
    }

    #[test]
    fn ord_6_a_shipment_carries_its_carrier_and_tracking_number() {
        let shipped = at("2026-11-02T10:00:00Z");
        let e = OrderEvent::Shipped(OrderShipped {
            shipped_at: shipped,
            carrier: "sf-express".into(),
            tracking_number: "SF1234567890".into(),
        });
        let (step, _, row) = step_of(&e, shipped + Duration::minutes(1));
        assert_eq!(step, OrderStep::Shipped);
        assert_eq!(row.state, "shipped");
        assert_eq!(row.carrier.as_deref(), Some("sf-express"));
        assert_eq!(row.tracking_number.as_deref(), Some("SF1234567890"));
        assert_eq!(row.paid_at, None, "a step writes only its own facts");
    }

    #[test]
    fn ord_6_a_cancellation_keeps_its_reason() {
        let cancelled = at("2026-11-01T12:00:00Z");
        let e = OrderEvent::Cancelled(OrderCancelled {
            cancelled_at: cancelled,
            reason: "buyer asked".into(),
        });
        let (step, when, row) = step_of(&e, cancelled);
        assert_eq!((step, when), (OrderStep::Cancelled, cancelled));
        assert_eq!(row.cancel_reason.as_deref(), Some("buyer asked"));
        assert_eq!(row.cancelled_at, Some(cancelled));
    }

    #[test]
    fn ord_1_the_same_placement_is_a_repeat_to_the_microsecond() {
        let placed = at("2026-11-01T08:00:00.123456Z");
        let stored = fixtures::order("paid", placed);
        let mut again = fixtures::order("awaiting_payment", placed + Duration::nanoseconds(400));
        again.city = "beijing".into();
        assert!(
            same_order(&stored, &again),
            "state, city and nanoseconds the database drops do not make another placement"
        );
    }

    #[test]
    fn ord_1_another_buyer_merchant_or_time_is_not_the_same_placement() {
        let placed = at("2026-11-01T08:00:00Z");
        let stored = fixtures::order("paid", placed);
        let mut buyer = stored.clone();
        buyer.buyer_id = "b-2".into();
        let mut merchant = stored.clone();
        merchant.merchant_id = "m-2".into();
        let later = fixtures::order("paid", placed + Duration::microseconds(1));
        for other in [buyer, merchant, later] {
            assert!(!same_order(&stored, &other), "{other:?}");
        }
    }
}
