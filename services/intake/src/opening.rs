//! A buyer's request held against intake's copy of the order (ORD-1..ORD-3): the order's state
//! allows the kind, the lines are the order's, the units are free, and every fact of the case
//! comes from the order. Pure: the route reads the order, its lines and the units held, and
//! writes what this answers.

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use returns_domain::order::{self, OrderLine, OrderState, OrderView, Taken, UnitsRefused};
use returns_domain::{CaseKind, Category, CityCode, Fen, Policy, SizeClass, delivery};
use returns_events::payloads::{CaseLine, DeliveryFacts, PickupAddress};
use returns_web::Problem;

use crate::order_store::{Held, OrderLineRow, OrderRow};
use crate::request::{Checked, OpenCaseRequest};

/// What a case opened on the order is, all from the order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Opening {
    pub lines: Vec<CaseLine>,
    pub city: CityCode,
    pub category: Category,
    pub size_class: SizeClass,
    /// The units' value: what a refund pays back (ORD-3).
    pub value: Fen,
    pub received_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub merchant_shipped: bool,
    pub door_pickup: Option<PickupAddress>,
    pub delivery: Option<(DeliveryFacts, PickupAddress)>,
}

/// 409: the order's state does not allow this kind of case (ORD-2).
fn wrong_state(detail: String) -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "order-state",
        "The order's state does not allow this request",
        detail,
    )
    .with_field("kind")
}

fn domain_line(row: &OrderLineRow) -> Result<OrderLine, Problem> {
    let bad = || Problem::unavailable(format!("order line {} is stored unreadably", row.line_id));
    Ok(OrderLine {
        line_id: row.line_id.clone(),
        product_id: row.product_id.clone(),
        category: returns_domain::from_wire(&row.category).ok_or_else(bad)?,
        size_class: returns_domain::from_wire(&row.size_class).ok_or_else(bad)?,
        quantity: row.quantity,
        amount_paid_fen: Fen(row.amount_paid_fen),
    })
}

/// ORD-2: the order's state allows the kind (a guarantee claim counts its own window from
/// delivery, WF-4, instead of AS-1's from completion).
fn check_state(
    r: &OpenCaseRequest,
    checked: &Checked<'_>,
    o: &OrderRow,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<OrderState, Problem> {
    let state = OrderState::parse(&o.state).ok_or_else(|| {
        Problem::unavailable(format!("order {} has an unknown state", o.order_id))
    })?;
    let view = OrderView {
        state,
        delivered_at: o.delivered_at,
        completed_at: o.completed_at,
    };
    let by_guarantee = checked.guarantee.is_some() && state.delivered();
    if !(by_guarantee && r.kind == CaseKind::AfterSales) {
        order::allows(&view, r.kind, now, policy).map_err(wrong_state)?;
    }
    Ok(state)
}

/// ORD-3: each asked line is the order's and its units are free; answers the case's lines.
fn take_units(
    r: &OpenCaseRequest,
    o: &OrderRow,
    lines: &[OrderLineRow],
    held: &[Held],
) -> Result<Vec<CaseLine>, Problem> {
    let mut out = Vec::with_capacity(r.lines.len());
    for (i, asked) in r.lines.iter().enumerate() {
        let row = lines
            .iter()
            .find(|l| l.line_id == asked.order_line_id)
            .ok_or_else(|| {
                let ids: Vec<&str> = lines.iter().map(|l| l.line_id.as_str()).collect();
                Problem::invalid(
                    format!("lines[{i}].order_line_id"),
                    format!(
                        "ORD-3: not a line of order {}; its lines are {}",
                        o.order_id,
                        ids.join(", ")
                    ),
                )
            })?;
        let line = domain_line(row)?;
        let taken = held
            .iter()
            .find(|h| h.line_id == row.line_id)
            .map(|h| Taken {
                units: i32::try_from(h.units).unwrap_or(i32::MAX),
                value: Fen(h.value),
            })
            .unwrap_or_default();
        let field = format!("lines[{i}].quantity");
        let value = order::value_of_units(&line, taken, asked.quantity).map_err(|e| match e {
            UnitsRefused::TooMany { .. } => Problem::conflict(e.to_string()).with_field(&field),
            UnitsRefused::NotPositive => Problem::invalid(&field, e.to_string()),
        })?;
        if !value.is_positive() {
            return Err(Problem::invalid(
                field,
                "ORD-3: these units are worth 0 fen of what was paid; ask for more of them",
            ));
        }
        out.push(CaseLine {
            order_line_id: line.line_id,
            product_id: line.product_id,
            category: line.category,
            size_class: line.size_class,
            quantity: asked.quantity,
            amount_fen: value,
        });
    }
    Ok(out)
}

/// WF-3 and WF-2: the lines fit the kind (K-7's categories) and the claimed guarantee.
fn check_lines_fit(
    r: &OpenCaseRequest,
    checked: &Checked<'_>,
    lines: &[CaseLine],
    received_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), Problem> {
    for (i, l) in lines.iter().enumerate() {
        let field = format!("lines[{i}].order_line_id");
        if r.kind == CaseKind::DeliveryInstallation && !delivery::offered_for(l.category) {
            return Err(Problem::invalid(
                field,
                "WF-3: delivery and installation are for home_furnishing, large_appliance and small_appliance lines",
            ));
        }
        if let Some(g) = checked.guarantee {
            let received = received_at.ok_or_else(|| {
                Problem::invalid("guarantee", "a guarantee is claimed for delivered goods")
            })?;
            g.check_claim(
                l.category,
                r.kind,
                checked.remedy,
                received,
                now,
                &r.evidence,
            )
            .map_err(|e| match e.field {
                "category" => Problem::invalid(&field, e.message),
                "received_at" => Problem::invalid("guarantee", e.message),
                f => Problem::invalid(f, e.message),
            })?;
        }
    }
    Ok(())
}

/// The case the request opens on the order `o`, or the refusal naming the field.
pub(crate) fn open_on(
    r: &OpenCaseRequest,
    checked: &Checked<'_>,
    o: &OrderRow,
    lines: &[OrderLineRow],
    held: &[Held],
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<Opening, Problem> {
    let state = check_state(r, checked, o, now, policy)?;
    let case_lines = take_units(r, o, lines, held)?;
    let delivered = matches!(
        r.kind,
        CaseKind::ReturnRefund | CaseKind::Exchange | CaseKind::AfterSales
    );
    let received_at = o.delivered_at.filter(|_| delivered);
    check_lines_fit(r, checked, &case_lines, received_at, now)?;
    let value = case_lines
        .iter()
        .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.amount_fen))
        .ok_or_else(|| {
            Problem::invalid("lines", "the units' value is beyond what can be refunded")
        })?;
    let first = case_lines
        .first()
        .ok_or_else(|| Problem::invalid("lines", "name at least one line"))?;
    let order_city =
        CityCode::parse(&o.city).map_err(|e| Problem::unavailable(format!("order city: {e}")))?;
    let order_address = || PickupAddress {
        address: o.delivery_address.clone(),
        contact_phone: o.contact_phone.clone(),
    };
    let (city, door_pickup) = match &r.door_pickup {
        None => (order_city.clone(), None),
        Some(d) => {
            let city = match &d.city {
                Some(c) => CityCode::parse(c)
                    .map_err(|e| Problem::invalid("door_pickup.city", e.message))?,
                None => order_city.clone(),
            };
            let base = order_address();
            let address = PickupAddress {
                address: d.address.clone().unwrap_or(base.address),
                contact_phone: d.contact_phone.clone().unwrap_or(base.contact_phone),
            };
            (city, Some(address))
        }
    };
    let delivery = r.delivery.as_ref().map(|d| {
        let base = order_address();
        (
            DeliveryFacts {
                preferred_date: d.preferred_date,
                installation: d.installation,
            },
            PickupAddress {
                address: d.address.clone().unwrap_or(base.address),
                contact_phone: d.contact_phone.clone().unwrap_or(base.contact_phone),
            },
        )
    });
    if let Some((facts, _)) = &delivery {
        let today = now.date_naive();
        if facts.preferred_date < today || facts.preferred_date > today + chrono::Duration::days(30)
        {
            return Err(Problem::invalid(
                "delivery.preferred_date",
                "a day from today to 30 days ahead",
            ));
        }
    }
    Ok(Opening {
        city,
        category: first.category,
        size_class: if case_lines.iter().any(|l| l.size_class == SizeClass::Large) {
            SizeClass::Large
        } else {
            SizeClass::Small
        },
        value,
        received_at,
        completed_at: o.completed_at.filter(|_| r.kind == CaseKind::AfterSales),
        merchant_shipped: state == OrderState::Shipped,
        door_pickup,
        delivery,
        lines: case_lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::order_store::fixtures::at;

    /// Delivered on the 3rd: placed, paid and shipped that day too.
    fn order(state: OrderState) -> OrderRow {
        crate::order_store::fixtures::order(state.as_str(), at(3))
    }

    /// Two units of a 199.00 line: each unit is worth 99.50.
    fn lines() -> Vec<OrderLineRow> {
        vec![crate::order_store::fixtures::line("apparel", 2, 19_900)]
    }

    fn asked(line: &str, quantity: i32) -> OpenCaseRequest {
        let body = serde_json::json!({
            "order_id": "o-1",
            "lines": [{ "order_line_id": line, "quantity": quantity }],
            "kind": "return_refund",
            "reason": "did_not_like",
        });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a request body: {e}"))
    }

    fn open(r: &OpenCaseRequest, o: &OrderRow, held: &[Held]) -> Result<Opening, Problem> {
        let policy = Policy::default();
        let checked = crate::request::check(r, &policy)?;
        open_on(r, &checked, o, &lines(), held, at(5), &policy)
    }

    #[test]
    fn ord_1_ord_3_a_case_takes_its_facts_and_value_from_the_order() {
        let o = order(OrderState::Delivered);
        let opening = open(&asked("l-1", 1), &o, &[]).unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(opening.value, Fen(9_950));
        assert_eq!(opening.city.as_str(), "shanghai");
        assert_eq!(opening.category, Category::Apparel);
        assert_eq!(opening.received_at, Some(at(3)));
        assert_eq!(opening.lines[0].quantity, 1);
    }

    #[test]
    fn ord_3_a_line_not_on_the_order_is_refused_naming_it() {
        let o = order(OrderState::Delivered);
        let p = open(&asked("l-9", 1), &o, &[]).err();
        assert_eq!(
            p.map(|p| (p.status, p.field)),
            Some((422, Some("lines[0].order_line_id".into())))
        );
    }

    #[test]
    fn ord_3_units_in_another_case_are_not_taken_twice() {
        let o = order(OrderState::Delivered);
        let held = [Held {
            line_id: "l-1".into(),
            units: 2,
            value: 19_900,
        }];
        let p = open(&asked("l-1", 1), &o, &held).err();
        assert_eq!(
            p.map(|p| (p.status, p.field)),
            Some((409, Some("lines[0].quantity".into())))
        );
    }

    #[test]
    fn ord_2_a_return_needs_the_goods_delivered() {
        let o = order(OrderState::Paid);
        let p = open(&asked("l-1", 1), &o, &[]).err();
        assert_eq!(
            p.map(|p| (p.status, p.kind.ends_with("/order-state"))),
            Some((409, true))
        );
    }
}
