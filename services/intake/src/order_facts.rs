//! ORD-1: a placed order's facts, checked and turned into intake's rows. Pure: the order feed
//! and the operator's backfill both call it, and each refusal names the field.

use chrono::{DateTime, Utc};
use returns_domain::order::{self, OrderLimits, OrderState};
use returns_domain::{CityCode, Policy};
use returns_events::orders::OrderPlaced;
use returns_web::Problem;

use crate::order_store::{OrderLineRow, OrderRow};
use returns_domain::to_wire;

/// Why a placed order is refused: the field and what is allowed.
fn refuse(field: &str, message: impl std::fmt::Display) -> String {
    format!("{field}: {message}")
}

fn id(field: &str, v: &str) -> Result<(), String> {
    returns_web::check_id(field, v).map_err(|p: Problem| refuse(field, p.detail))
}

/// The rows of a newly placed order, in state `awaiting_payment` since `placed_at`.
pub(crate) fn rows_of(
    order_id: &str,
    p: &OrderPlaced,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(OrderRow, Vec<OrderLineRow>), String> {
    id("order_id", order_id)?;
    id("buyer_id", &p.buyer_id)?;
    id("merchant_id", &p.merchant_id)?;
    let city = CityCode::parse(&p.delivery_address.city)
        .map_err(|e| refuse("delivery_address.city", e.message))?;
    let a = &p.delivery_address;
    crate::request::check_contact(&a.address, &a.contact_phone, "delivery_address")
        .map_err(|p| refuse(p.field.as_deref().unwrap_or("delivery_address"), p.detail))?;
    if p.payment_due_at < p.placed_at {
        return Err(refuse("payment_due_at", "cannot be before placed_at"));
    }
    order::check_lines(&p.lines, OrderLimits::of(policy)).map_err(|c| refuse("lines", c))?;
    for (i, l) in p.lines.iter().enumerate() {
        id(&format!("lines[{i}].line_id"), &l.line_id)?;
        id(&format!("lines[{i}].product_id"), &l.product_id)?;
    }
    let row = OrderRow {
        order_id: order_id.to_owned(),
        buyer_id: p.buyer_id.clone(),
        merchant_id: p.merchant_id.clone(),
        state: OrderState::AwaitingPayment.as_str().to_owned(),
        state_since: p.placed_at,
        city: city.to_string(),
        delivery_address: a.address.clone(),
        contact_phone: a.contact_phone.clone(),
        paid_online: p.paid_online,
        freight_insured: p.freight_insured,
        placed_at: p.placed_at,
        payment_due_at: p.payment_due_at,
        paid_at: None,
        shipped_at: None,
        delivered_at: None,
        completed_at: None,
        cancelled_at: None,
        carrier: None,
        tracking_number: None,
        cancel_reason: None,
        updated_at: now,
    };
    let lines = p
        .lines
        .iter()
        .zip(0..)
        .map(|(l, position)| OrderLineRow {
            order_id: order_id.to_owned(),
            line_id: l.line_id.clone(),
            product_id: l.product_id.clone(),
            category: to_wire(&l.category),
            size_class: to_wire(&l.size_class),
            quantity: l.quantity,
            amount_paid_fen: l.amount_paid_fen.0,
            position,
        })
        .collect();
    Ok((row, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use returns_domain::order::OrderLine;
    use returns_domain::{Category, Fen, SizeClass};
    use returns_events::orders::DeliveryAddress;

    fn placed() -> OrderPlaced {
        let t = Utc::now();
        OrderPlaced {
            buyer_id: "b-1".into(),
            merchant_id: "m-1".into(),
            placed_at: t,
            payment_due_at: t + chrono::Duration::hours(72),
            paid_online: true,
            freight_insured: false,
            delivery_address: DeliveryAddress {
                city: "shanghai".into(),
                address: "88 Century Avenue".into(),
                contact_phone: "+8613800138000".into(),
            },
            lines: vec![OrderLine {
                line_id: "l-1".into(),
                product_id: "p-1".into(),
                category: Category::Apparel,
                size_class: SizeClass::Small,
                quantity: 2,
                amount_paid_fen: Fen(19_900),
            }],
        }
    }

    #[test]
    fn ord_1_a_placed_order_becomes_rows_awaiting_payment() {
        let (row, lines) = rows_of("o-1", &placed(), &Policy::default(), Utc::now()).unwrap();
        assert_eq!(row.state, "awaiting_payment");
        assert_eq!(row.city, "shanghai");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].category, "apparel");
    }

    #[test]
    fn ord_1_bad_facts_are_refused_naming_the_field() {
        let mut p = placed();
        p.lines[0].quantity = 0;
        let e = rows_of("o-1", &p, &Policy::default(), Utc::now()).unwrap_err();
        assert!(e.starts_with("lines") && e.contains("quantity"), "{e}");
        let mut p = placed();
        p.lines[0].amount_paid_fen = Fen(-1);
        assert!(rows_of("o-1", &p, &Policy::default(), Utc::now()).is_err());
        let mut p = placed();
        p.delivery_address.city = "Shanghai!".into();
        let e = rows_of("o-1", &p, &Policy::default(), Utc::now()).unwrap_err();
        assert!(e.starts_with("delivery_address.city"), "{e}");
        let e = rows_of("o 1", &placed(), &Policy::default(), Utc::now()).unwrap_err();
        assert!(e.starts_with("order_id"), "{e}");
    }
}
