//! ORD-1..ORD-6: the marketplace's orders as the platform keeps them, the moves its order
//! events make, which case kinds an order's state allows, and what the units of a case are
//! worth. Pure: the caller passes the stored order, the event and `now`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{CaseKind, Category, Fen, Policy, SizeClass};

/// Where an order is in its life (ORD-1). Moves only forward, one step at a time.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Placed, not yet paid (AS-4's "awaiting payment").
    AwaitingPayment,
    Paid,
    Shipped,
    /// The buyer received the goods.
    Delivered,
    /// The buyer confirmed; AS-1's window counts from here.
    Completed,
    Cancelled,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::AwaitingPayment => "awaiting_payment",
            OrderState::Paid => "paid",
            OrderState::Shipped => "shipped",
            OrderState::Delivered => "delivered",
            OrderState::Completed => "completed",
            OrderState::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<OrderState> {
        [
            OrderState::AwaitingPayment,
            OrderState::Paid,
            OrderState::Shipped,
            OrderState::Delivered,
            OrderState::Completed,
            OrderState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }

    /// The state's place on the way to completion (cancelled is past them all).
    pub fn rank(self) -> u8 {
        match self {
            OrderState::AwaitingPayment => 0,
            OrderState::Paid => 1,
            OrderState::Shipped => 2,
            OrderState::Delivered => 3,
            OrderState::Completed => 4,
            OrderState::Cancelled => 5,
        }
    }

    /// Whether the goods reached the buyer (K-2, K-3 need it; K-1 and K-7 come before it).
    pub fn delivered(self) -> bool {
        matches!(self, OrderState::Delivered | OrderState::Completed)
    }
}

/// One line of an order, as the order system states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub line_id: String,
    pub product_id: String,
    pub category: Category,
    pub size_class: SizeClass,
    /// Units bought, 1 or more.
    pub quantity: i32,
    /// What the buyer paid for all the line's units, in fen.
    pub amount_paid_fen: Fen,
}

/// Why an order event cannot be applied (ORD-6: set aside with the reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Contradiction(pub String);

fn contradiction(msg: impl Into<String>) -> Contradiction {
    Contradiction(msg.into())
}

/// The limits an order's facts must keep (ORD-1; money stays in range).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderLimits {
    pub max_lines: usize,
    pub max_quantity: i32,
    pub max_line_fen: i64,
}

impl OrderLimits {
    pub fn of(policy: &Policy) -> OrderLimits {
        OrderLimits {
            max_lines: policy.order_max_lines,
            max_quantity: policy.order_line_max_quantity,
            max_line_fen: policy.order_line_max_fen,
        }
    }
}

/// ORD-1: a placed order's lines are whole and in range, or the event is set aside.
pub fn check_lines(lines: &[OrderLine], limits: OrderLimits) -> Result<(), Contradiction> {
    if lines.is_empty() || lines.len() > limits.max_lines {
        return Err(contradiction(format!(
            "an order has 1 to {} lines; this one has {}",
            limits.max_lines,
            lines.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, l) in lines.iter().enumerate() {
        if !seen.insert(l.line_id.as_str()) {
            return Err(contradiction(format!(
                "lines[{i}].line_id {:?} appears twice",
                l.line_id
            )));
        }
        if !(1..=limits.max_quantity).contains(&l.quantity) {
            return Err(contradiction(format!(
                "lines[{i}].quantity must be 1 to {}; got {}",
                limits.max_quantity, l.quantity
            )));
        }
        if !(1..=limits.max_line_fen).contains(&l.amount_paid_fen.0) {
            return Err(contradiction(format!(
                "lines[{i}].amount_paid_fen must be 1 to {} fen; got {}",
                limits.max_line_fen, l.amount_paid_fen.0
            )));
        }
    }
    Ok(())
}

/// A later order event: the step it claims and when it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStep {
    Paid,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
}

impl OrderStep {
    pub fn target(self) -> OrderState {
        match self {
            OrderStep::Paid => OrderState::Paid,
            OrderStep::Shipped => OrderState::Shipped,
            OrderStep::Delivered => OrderState::Delivered,
            OrderStep::Completed => OrderState::Completed,
            OrderStep::Cancelled => OrderState::Cancelled,
        }
    }
}

/// What an order event does to the stored order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderMove {
    /// Record the new state at the event's time.
    To(OrderState),
    /// The order is already there with this very time: a repeat, applied once (ORD-6).
    Repeat,
}

/// ORD-6: the move `step` at `at` makes from `state` (whose last step happened at `since`),
/// or the contradiction that sets the event aside.
pub fn step(
    state: OrderState,
    since: DateTime<Utc>,
    step: OrderStep,
    at: DateTime<Utc>,
    recorded_at: Option<DateTime<Utc>>,
) -> Result<OrderMove, Contradiction> {
    let target = step.target();
    // The step the order already took, at the very same time (to the microsecond a database
    // keeps): a repeat, whatever came since.
    if recorded_at.map(|r| r.timestamp_micros()) == Some(at.timestamp_micros()) {
        return Ok(OrderMove::Repeat);
    }
    if state == target {
        return Err(contradiction(format!(
            "the order is already {} since another time",
            state.as_str()
        )));
    }
    let allowed = match step {
        OrderStep::Paid => state == OrderState::AwaitingPayment,
        OrderStep::Shipped => state == OrderState::Paid,
        OrderStep::Delivered => state == OrderState::Shipped,
        OrderStep::Completed => state == OrderState::Delivered,
        OrderStep::Cancelled => matches!(state, OrderState::AwaitingPayment | OrderState::Paid),
    };
    if !allowed {
        return Err(contradiction(format!(
            "an order that is {} cannot become {}",
            state.as_str(),
            target.as_str()
        )));
    }
    if at < since {
        return Err(contradiction(format!(
            "{} at {at} is before the order's previous step at {since}",
            target.as_str()
        )));
    }
    Ok(OrderMove::To(target))
}

/// What the platform holds of an order when a buyer opens a case on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub state: OrderState,
    pub delivered_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// ORD-2: whether the order's state allows a case of `kind` at `now`; `Err` says why not,
/// naming the order's state.
pub fn allows(
    order: &OrderView,
    kind: CaseKind,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), String> {
    let state = order.state.as_str();
    match kind {
        CaseKind::RefundOnly | CaseKind::DeliveryInstallation
            if matches!(order.state, OrderState::Paid | OrderState::Shipped) =>
        {
            Ok(())
        }
        CaseKind::RefundOnly => Err(format!(
            "ORD-2: a refund before delivery (K-1) is for a paid order not yet delivered; this order is {state}"
        )),
        CaseKind::DeliveryInstallation => Err(format!(
            "ORD-2: delivery and installation (K-7) are booked for a paid order not yet delivered; this order is {state}"
        )),
        CaseKind::ReturnRefund | CaseKind::Exchange if order.state.delivered() => Ok(()),
        CaseKind::ReturnRefund | CaseKind::Exchange => Err(format!(
            "ORD-2: a return or an exchange (K-2, K-3) needs the goods delivered; this order is {state}"
        )),
        CaseKind::AfterSales => match (order.state, order.completed_at) {
            (OrderState::Completed, Some(done)) => {
                crate::after_sales::within_window(done, now, policy)
            }
            _ => Err(format!(
                "ORD-2: after-sales (K-4) opens once the order is completed; this order is {state}"
            )),
        },
        CaseKind::Care | CaseKind::Complaint => {
            Err("care orders (K-5) and complaints (K-6) are opened at their own routes".to_owned())
        }
    }
}

/// The units of a line already in open or paid cases, and what they are worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Taken {
    pub units: i32,
    pub value: Fen,
}

/// Why units cannot be taken from a line (ORD-3, PAY-6).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitsRefused {
    #[error("quantity must be 1 or more")]
    NotPositive,
    #[error(
        "PAY-6: {asked} units asked but only {left} of the line's {bought} are not in another case"
    )]
    TooMany { asked: i32, left: i32, bought: i32 },
}

/// ORD-3: what `units` more units of `line` are worth, given what other cases already hold.
/// A share of the amount paid, rounded down, except that the last units take what is left, so
/// the cases of a line never add up to more (or less) than was paid (PAY-6).
pub fn value_of_units(line: &OrderLine, taken: Taken, units: i32) -> Result<Fen, UnitsRefused> {
    if units < 1 {
        return Err(UnitsRefused::NotPositive);
    }
    let left = line.quantity - taken.units;
    if units > left {
        return Err(UnitsRefused::TooMany {
            asked: units,
            left: left.max(0),
            bought: line.quantity,
        });
    }
    let paid = line.amount_paid_fen.0;
    if units == left {
        return Ok(Fen(paid - taken.value.0));
    }
    // i128: amount × units cannot overflow, whatever the limits.
    let share = i128::from(paid) * i128::from(units) / i128::from(line.quantity);
    Ok(Fen(i64::try_from(share)
        .unwrap_or(i64::MAX)
        .min(paid - taken.value.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn line(quantity: i32, paid: i64) -> OrderLine {
        OrderLine {
            line_id: "l-1".into(),
            product_id: "p-1".into(),
            category: Category::Apparel,
            size_class: SizeClass::Small,
            quantity,
            amount_paid_fen: Fen(paid),
        }
    }

    fn limits() -> OrderLimits {
        OrderLimits::of(&Policy::default())
    }

    #[test]
    fn ord_1_lines_must_be_whole_and_in_range() {
        assert!(check_lines(&[line(1, 100)], limits()).is_ok());
        assert!(check_lines(&[], limits()).is_err());
        assert!(check_lines(&[line(0, 100)], limits()).is_err());
        assert!(check_lines(&[line(1, -5)], limits()).is_err());
        let max = Policy::default().order_line_max_fen;
        assert!(check_lines(&[line(1, max)], limits()).is_ok());
        assert!(check_lines(&[line(1, max + 1)], limits()).is_err());
        assert!(check_lines(&[line(1, 100), line(2, 100)], limits()).is_err());
    }

    #[test]
    fn ord_6_steps_go_forward_one_at_a_time_and_repeats_apply_once() {
        let t = Utc::now();
        let later = t + Duration::hours(1);
        assert_eq!(
            step(OrderState::AwaitingPayment, t, OrderStep::Paid, later, None),
            Ok(OrderMove::To(OrderState::Paid))
        );
        assert!(
            step(
                OrderState::AwaitingPayment,
                t,
                OrderStep::Shipped,
                later,
                None
            )
            .is_err()
        );
        assert!(step(OrderState::Paid, later, OrderStep::Shipped, t, None).is_err());
        assert_eq!(
            step(OrderState::Paid, t, OrderStep::Paid, t, Some(t)),
            Ok(OrderMove::Repeat)
        );
        assert!(step(OrderState::Paid, t, OrderStep::Paid, later, Some(t)).is_err());
        // An older step repeated after later ones is still the same fact.
        assert_eq!(
            step(OrderState::Delivered, later, OrderStep::Paid, t, Some(t)),
            Ok(OrderMove::Repeat)
        );
        assert!(
            step(
                OrderState::Delivered,
                later,
                OrderStep::Paid,
                later,
                Some(t)
            )
            .is_err()
        );
        assert!(step(OrderState::Shipped, t, OrderStep::Cancelled, later, None).is_err());
        assert_eq!(
            step(OrderState::Paid, t, OrderStep::Cancelled, later, None),
            Ok(OrderMove::To(OrderState::Cancelled))
        );
    }

    #[test]
    fn ord_2_kinds_follow_the_orders_state() {
        let now = Utc::now();
        let p = Policy::default();
        let view = |state, completed: Option<DateTime<Utc>>| OrderView {
            state,
            delivered_at: None,
            completed_at: completed,
        };
        assert!(allows(&view(OrderState::Paid, None), CaseKind::RefundOnly, now, &p).is_ok());
        assert!(
            allows(
                &view(OrderState::Delivered, None),
                CaseKind::RefundOnly,
                now,
                &p
            )
            .is_err()
        );
        assert!(
            allows(
                &view(OrderState::Shipped, None),
                CaseKind::ReturnRefund,
                now,
                &p
            )
            .is_err()
        );
        assert!(
            allows(
                &view(OrderState::Delivered, None),
                CaseKind::Exchange,
                now,
                &p
            )
            .is_ok()
        );
        let done = Some(now - Duration::days(3));
        assert!(
            allows(
                &view(OrderState::Completed, done),
                CaseKind::AfterSales,
                now,
                &p
            )
            .is_ok()
        );
        let long_ago = Some(now - Duration::days(16));
        let late = allows(
            &view(OrderState::Completed, long_ago),
            CaseKind::AfterSales,
            now,
            &p,
        );
        assert!(late.is_err_and(|m| m.contains("AS-1")));
        let refused = allows(
            &view(OrderState::Cancelled, None),
            CaseKind::RefundOnly,
            now,
            &p,
        );
        assert!(refused.is_err_and(|m| m.contains("cancelled")));
    }

    #[test]
    fn ord_3_pay_6_the_cases_of_a_line_add_up_to_what_was_paid() {
        let l = line(3, 100);
        let a = value_of_units(&l, Taken::default(), 1);
        assert_eq!(a, Ok(Fen(33)));
        let b = value_of_units(
            &l,
            Taken {
                units: 1,
                value: Fen(33),
            },
            2,
        );
        assert_eq!(b, Ok(Fen(67)), "the last units take what is left");
        assert_eq!(
            value_of_units(
                &l,
                Taken {
                    units: 3,
                    value: Fen(100)
                },
                1
            ),
            Err(UnitsRefused::TooMany {
                asked: 1,
                left: 0,
                bought: 3
            })
        );
        assert_eq!(
            value_of_units(&l, Taken::default(), 0),
            Err(UnitsRefused::NotPositive)
        );
    }

    #[test]
    fn ord_3_a_line_at_the_maximum_amount_does_not_overflow() {
        let max = Policy::default().order_line_max_fen;
        let l = line(Policy::default().order_line_max_quantity, max);
        let v = value_of_units(&l, Taken::default(), l.quantity - 1);
        assert!(v.is_ok_and(|f| f.0 > 0 && f.0 < max));
        assert_eq!(
            value_of_units(&l, Taken::default(), l.quantity),
            Ok(Fen(max))
        );
    }
}
