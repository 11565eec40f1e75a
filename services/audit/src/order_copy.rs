//! ORD-1, AS-4: audit's own copy of the order feed, kept to the facts a broken-promise
//! complaint is judged on (whose order, which merchant, which city, whether it still awaits
//! payment). Each event is applied once by the consumer's inbox and in order per order (the
//! feed is keyed by order id); an event this copy cannot place is dead-lettered whole.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::order::{self, OrderLimits};
use returns_domain::{CityCode, Policy};
use returns_events::orders::{OrderEnvelope, OrderEvent, OrderPlaced};
use returns_runtime::AppContext;

use crate::schema::orders;

/// One order as audit knows it.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = orders)]
pub(crate) struct OrderCopy {
    pub order_id: String,
    pub buyer_id: String,
    pub merchant_id: String,
    pub city: String,
    pub placed_at: DateTime<Utc>,
    pub payment_due_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

impl OrderCopy {
    /// AS-4: the order still awaits payment at `now` (neither paid nor cancelled, not past due).
    pub(crate) fn awaits_payment(&self, now: DateTime<Utc>) -> bool {
        self.settled_at.is_none() && now <= self.payment_due_at
    }
}

/// Applies one record of the order feed to audit's copy.
pub(crate) async fn apply(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let now = ctx.clock.now();
    match env.event().map_err(HandleError::reject)? {
        OrderEvent::Placed(p) => placed(conn, env, &p, &ctx.settings.policy, now).await?,
        OrderEvent::Paid(p) => settled(conn, env, p.paid_at, now).await?,
        OrderEvent::Cancelled(c) => settled(conn, env, c.cancelled_at, now).await?,
        // Later steps change nothing AS-4 reads, but come only after payment (ORD-6).
        OrderEvent::Shipped(_) | OrderEvent::Delivered(_) | OrderEvent::Completed(_) => {
            after_payment(conn, env).await?
        }
    }
    Ok(Vec::new())
}

/// The placement's facts audit keeps, checked as intake checks them (ORD-1).
fn checked(order_id: &str, p: &OrderPlaced, policy: &Policy) -> Result<CityCode, String> {
    for (field, v) in [
        ("order_id", order_id),
        ("buyer_id", p.buyer_id.as_str()),
        ("merchant_id", p.merchant_id.as_str()),
    ] {
        returns_web::check_id(field, v).map_err(|e| format!("{field}: {}", e.detail))?;
    }
    if p.payment_due_at < p.placed_at {
        return Err("payment_due_at: cannot be before placed_at".to_owned());
    }
    order::check_lines(&p.lines, OrderLimits::of(policy)).map_err(|c| format!("lines: {c}"))?;
    CityCode::parse(&p.delivery_address.city)
        .map_err(|e| format!("delivery_address.city: {}", e.message))
}

async fn placed(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    p: &OrderPlaced,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    let city = checked(&env.order_id, p, policy)
        .map_err(|m| HandleError::reject(format!("order.placed {}: {m}", env.order_id)))?;
    let inserted = diesel::insert_into(orders::table)
        .values((
            orders::order_id.eq(&env.order_id),
            orders::buyer_id.eq(&p.buyer_id),
            orders::merchant_id.eq(&p.merchant_id),
            orders::city.eq(city.as_str()),
            orders::placed_at.eq(p.placed_at),
            orders::payment_due_at.eq(p.payment_due_at),
            orders::updated_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        // The same placement under a new event id is a repeat; other facts are refused.
        let known = find(conn, &env.order_id).await?;
        let same = known.is_some_and(|k| {
            (
                k.buyer_id.as_str(),
                k.merchant_id.as_str(),
                k.placed_at.timestamp_micros(),
            ) == (
                p.buyer_id.as_str(),
                p.merchant_id.as_str(),
                p.placed_at.timestamp_micros(),
            )
        });
        if !same {
            return Err(HandleError::reject(format!(
                "order {} was already placed with other facts",
                env.order_id
            )));
        }
    }
    Ok(())
}

/// The order stopped awaiting payment at `at` (the first such step counts).
async fn settled(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    let Some(known) = find(conn, &env.order_id).await? else {
        return Err(HandleError::reject(format!(
            "{} for order {}, which was never placed here",
            env.event_type, env.order_id
        )));
    };
    if at < known.placed_at {
        return Err(HandleError::reject(format!(
            "{} for order {} is dated before the order was placed",
            env.event_type, env.order_id
        )));
    }
    diesel::update(orders::table.find(&env.order_id))
        .filter(orders::settled_at.is_null())
        .set((orders::settled_at.eq(at), orders::updated_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(())
}

/// A shipment, delivery or completion: the order must be known and paid.
async fn after_payment(
    conn: &mut AsyncPgConnection,
    env: &OrderEnvelope,
) -> Result<(), HandleError> {
    let known = find(conn, &env.order_id).await?;
    match known {
        Some(o) if o.settled_at.is_some() => Ok(()),
        Some(_) => Err(HandleError::reject(format!(
            "{} for order {}, which still awaits payment",
            env.event_type, env.order_id
        ))),
        None => Err(HandleError::reject(format!(
            "{} for order {}, which was never placed here",
            env.event_type, env.order_id
        ))),
    }
}

/// The order, if the feed placed it.
pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    order_id: &str,
) -> QueryResult<Option<OrderCopy>> {
    orders::table
        .find(order_id)
        .select(OrderCopy::as_select())
        .first(conn)
        .await
        .optional()
}

/// audit's copy of an order, and whether it still awaits payment (AS-4).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct OrderCopyView {
    #[serde(flatten)]
    order: OrderCopy,
    awaits_payment: bool,
}

/// `GET /operator/orders/{id}`: the order as audit holds it, which AS-4 is judged on.
#[utoipa::path(get, path = "/operator/orders/{id}", tag = "operator", params(("id" = String, Path, description = "The marketplace's order id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "audit's copy of the order (AS-4)", body = OrderCopyView)))]
pub(crate) async fn view(
    _: returns_auth::As<returns_auth::Operator>,
    ctx: actix_web::web::Data<AppContext>,
    path: actix_web::web::Path<String>,
) -> Result<actix_web::HttpResponse, returns_web::Problem> {
    let id = path.into_inner();
    returns_web::check_id("order_id", &id)?;
    let mut conn = ctx.conn().await?;
    let o = find(&mut conn, &id)
        .await?
        .ok_or_else(|| returns_web::Problem::not_found("order"))?;
    let awaits_payment = o.awaits_payment(ctx.clock.now());
    Ok(actix_web::HttpResponse::Ok().json(OrderCopyView {
        order: o,
        awaits_payment,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Order `o-1`'s placement, with `extra` over its fields.
    fn placed(extra: serde_json::Value) -> OrderPlaced {
        let mut body = serde_json::json!({
            "buyer_id": "b-1", "merchant_id": "m-1", "placed_at": "2026-11-01T08:00:00Z",
            "payment_due_at": "2026-11-04T08:00:00Z", "paid_online": true,
            "freight_insured": false,
            "delivery_address": {
                "city": "shanghai", "address": "1 Nanjing Road", "contact_phone": "13800000000",
            },
            "lines": [{
                "line_id": "l-1", "product_id": "p-1", "category": "apparel",
                "size_class": "small", "quantity": 1, "amount_paid_fen": 9_900,
            }],
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        serde_json::from_value(body).unwrap_or_else(|e| panic!("an order.placed: {e}"))
    }

    fn refused(order_id: &str, extra: serde_json::Value) -> String {
        match checked(order_id, &placed(extra), &Policy::default()) {
            Ok(city) => panic!("accepted, in {city}"),
            Err(why) => why,
        }
    }

    #[test]
    fn ord_1_a_placement_is_kept_with_its_delivery_city() {
        let city = checked("o-1", &placed(serde_json::json!({})), &Policy::default());
        assert_eq!(city.map(|c| c.to_string()), Ok("shanghai".to_owned()));
    }

    #[test]
    fn ord_1_a_bad_placement_is_refused_naming_the_field() {
        assert!(refused("o 1", serde_json::json!({})).starts_with("order_id:"));
        let buyer = refused("o-1", serde_json::json!({ "buyer_id": "" }));
        assert!(buyer.starts_with("buyer_id:"), "{buyer}");
        let due = serde_json::json!({ "payment_due_at": "2026-10-31T08:00:00Z" });
        assert!(refused("o-1", due).starts_with("payment_due_at:"));
        assert!(refused("o-1", serde_json::json!({ "lines": [] })).starts_with("lines:"));
        let city = serde_json::json!({ "delivery_address": {
            "city": "Shanghai!", "address": "1 Nanjing Road", "contact_phone": "13800000000",
        }});
        assert!(refused("o-1", city).starts_with("delivery_address.city:"));
    }
}
