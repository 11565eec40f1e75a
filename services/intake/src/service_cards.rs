//! CARE-1: the service cards the order system issues with luxury items sold with care
//! service. A card names the order and line it was sold with; its buyer, merchant, category
//! and goods value are read from intake's copy of that order (ORD-1), never from the import.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Buyer, Merchant, Operator};
use returns_domain::Category;
use returns_domain::care::CareService;
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};

use crate::order_store::{self, OrderLineRow, OrderRow};
use crate::request::check_id;
use crate::schema::service_cards;
use crate::stored::Stored;
use returns_domain::to_wire;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CardLine {
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    card_id: String,
    /// The order and line the care service was sold with (its buyer, merchant and value).
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    order_id: String,
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    order_line_id: String,
    #[schema(min_items = 1)]
    services: Vec<CareService>,
    valid_until: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 100)]
    #[serde(deserialize_with = "returns_domain::whole::de")]
    services_total: i32,
    /// CARE-3: a review longer than the house's, when the card states one.
    #[serde(default, deserialize_with = "returns_domain::whole::de_opt")]
    #[schema(minimum = 1, maximum = 720)]
    review_hours: Option<i64>,
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    merchant_courier: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CardsImport {
    #[schema(max_items = 1000)]
    cards: Vec<CardLine>,
}

fn check_card(i: usize, c: &CardLine) -> Result<(), Problem> {
    for (f, v) in [
        ("card_id", &c.card_id),
        ("order_id", &c.order_id),
        ("order_line_id", &c.order_line_id),
        ("merchant_courier", &c.merchant_courier),
    ] {
        check_id(&format!("cards[{i}].{f}"), v)?;
    }
    if c.services.is_empty() {
        return Err(Problem::invalid(
            format!("cards[{i}].services"),
            "at least one of cleaning, maintenance, repair",
        ));
    }
    if !(0..=100).contains(&c.services_total) {
        return Err(Problem::invalid(
            format!("cards[{i}].services_total"),
            "0 to 100 services",
        ));
    }
    if c.review_hours.is_some_and(|h| !(1..=720).contains(&h)) {
        return Err(Problem::invalid(
            format!("cards[{i}].review_hours"),
            "1 to 720 hours",
        ));
    }
    Ok(())
}

/// CARE-1: the order line a card was sold with, which must be a luxury item.
fn sold_with(
    i: usize,
    c: &CardLine,
    order: Option<OrderRow>,
    lines: &[OrderLineRow],
) -> Result<(OrderRow, i64), Problem> {
    let order = order.ok_or_else(|| {
        Problem::invalid(
            format!("cards[{i}].order_id"),
            format!("order {} is not on the platform's order feed", c.order_id),
        )
    })?;
    let line = lines
        .iter()
        .find(|l| l.line_id == c.order_line_id)
        .ok_or_else(|| {
            Problem::invalid(
                format!("cards[{i}].order_line_id"),
                format!("order {} has no line {}", c.order_id, c.order_line_id),
            )
        })?;
    if line.category != to_wire(&Category::Luxury) {
        return Err(Problem::invalid(
            format!("cards[{i}].order_line_id"),
            format!(
                "CARE-1: care service is sold with luxury items; line {} is {}",
                line.line_id, line.category
            ),
        ));
    }
    // The goods' value is what one unit of the line cost.
    Ok((
        order,
        line.amount_paid_fen / i64::from(line.quantity.max(1)),
    ))
}

/// A card delivered again stays with the order line it was first sold with.
async fn same_line_as_before(
    conn: &mut AsyncPgConnection,
    i: usize,
    c: &CardLine,
) -> QueryResult<Result<(), Problem>> {
    let before: Option<(Option<String>, String)> = service_cards::table
        .find(&c.card_id)
        .select((service_cards::order_id, service_cards::order_line_id))
        .first(conn)
        .await
        .optional()?;
    Ok(match before {
        Some((order, line)) if order.as_deref() != Some(&c.order_id) || line != c.order_line_id => {
            Err(Problem::invalid(
                format!("cards[{i}].card_id"),
                format!("card {} was sold with another order line", c.card_id),
            ))
        }
        _ => Ok(()),
    })
}

async fn store_card(
    conn: &mut AsyncPgConnection,
    c: &CardLine,
    order: &OrderRow,
    value: i64,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    let services = serde_json::json!(c.services);
    diesel::insert_into(service_cards::table)
        .values((
            service_cards::card_id.eq(&c.card_id),
            service_cards::order_id.eq(&c.order_id),
            service_cards::buyer_id.eq(&order.buyer_id),
            service_cards::merchant_id.eq(&order.merchant_id),
            service_cards::order_line_id.eq(&c.order_line_id),
            service_cards::category.eq(to_wire(&Category::Luxury)),
            service_cards::services.eq(&services),
            service_cards::valid_until.eq(c.valid_until),
            service_cards::services_total.eq(c.services_total),
            service_cards::goods_value_fen.eq(value),
            service_cards::review_hours.eq(c.review_hours),
            service_cards::merchant_courier.eq(&c.merchant_courier),
            service_cards::updated_at.eq(now),
        ))
        .on_conflict(service_cards::card_id)
        .do_update()
        .set((
            service_cards::services.eq(&services),
            service_cards::valid_until.eq(c.valid_until),
            service_cards::services_total.eq(c.services_total),
            service_cards::review_hours.eq(c.review_hours),
            service_cards::merchant_courier.eq(&c.merchant_courier),
            service_cards::updated_at.eq(now),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// A service card and its counts: used, held by open care orders, and left (CARE-1, CARE-8).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CardView {
    card_id: String,
    buyer_id: String,
    #[schema(value_type = Vec<CareService>)]
    services: serde_json::Value,
    valid_until: DateTime<Utc>,
    services_total: i32,
    services_used: i32,
    services_reserved: i32,
    services_left: i32,
}

/// `PUT /operator/service-cards`: the order system's cards (CARE-1), refused whole naming the
/// first bad card. Counts already used or held stay.
#[utoipa::path(put, path = "/operator/service-cards", tag = "operator", request_body = CardsImport, responses((status = 200, description = "How many cards were stored", body = Stored)))]
pub(crate) async fn import_cards(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let import: CardsImport = parse_json(&body)?;
    if import.cards.len() > 1000 {
        return Err(Problem::invalid("cards", "at most 1000 cards per delivery"));
    }
    for (i, c) in import.cards.iter().enumerate() {
        check_card(i, c)?;
    }
    let now = ctx.clock.now();
    let n = import.cards.len();
    ctx.write(async move |conn| {
        // Every card's order first, so a bad one refuses the delivery before any is kept.
        let mut sold = Vec::with_capacity(import.cards.len());
        for (i, c) in import.cards.iter().enumerate() {
            let order = order_store::order_by_id(conn, &c.order_id).await?;
            let lines = order_store::lines_of(conn, &c.order_id).await?;
            let found = sold_with(i, c, order, &lines)?;
            same_line_as_before(conn, i, c).await??;
            sold.push(found);
        }
        for (c, (order, value)) in import.cards.iter().zip(&sold) {
            store_card(conn, c, order, *value, now).await?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Stored { stored: n }))
}

/// A service card, locked while a care order is opened from it (CARE-1, CARE-8).
#[derive(Debug, Queryable)]
pub(crate) struct HeldCard {
    pub buyer_id: String,
    pub merchant_id: String,
    pub order_id: Option<String>,
    pub order_line_id: String,
    pub services: serde_json::Value,
    pub valid_until: DateTime<Utc>,
    pub services_total: i32,
    pub services_used: i32,
    pub services_reserved: i32,
    pub goods_value_fen: i64,
    pub review_hours: Option<i64>,
    pub merchant_courier: String,
}

pub(crate) async fn card_for_update(
    conn: &mut AsyncPgConnection,
    id: &str,
) -> QueryResult<Option<HeldCard>> {
    service_cards::table
        .find(id)
        .select((
            service_cards::buyer_id,
            service_cards::merchant_id,
            service_cards::order_id,
            service_cards::order_line_id,
            service_cards::services,
            service_cards::valid_until,
            service_cards::services_total,
            service_cards::services_used,
            service_cards::services_reserved,
            service_cards::goods_value_fen,
            service_cards::review_hours,
            service_cards::merchant_courier,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// `GET /buyer/service-cards/{id}`: one of the buyer's cards.
#[utoipa::path(get, path = "/buyer/service-cards/{id}", tag = "buyer", params(("id" = String, Path, description = "The service card's id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "The card", body = CardView)))]
pub(crate) async fn buyer_card(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    view_card(ctx, path, |b, _| b == buyer.id).await
}

/// `GET /merchant/service-cards/{id}`: a card the shop sold.
#[utoipa::path(get, path = "/merchant/service-cards/{id}", tag = "merchant", params(("id" = String, Path, description = "The service card's id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "The card", body = CardView)))]
pub(crate) async fn merchant_card(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    view_card(ctx, path, |_, m| m == merchant.id).await
}

/// A card, if `owns(buyer, merchant)`; someone else's answers exactly like a missing one.
async fn view_card(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&str, &str) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = path.into_inner();
    check_id("card_id", &id)?;
    let mut conn = ctx.conn().await?;
    type Card = (
        String,
        String,
        serde_json::Value,
        DateTime<Utc>,
        i32,
        i32,
        i32,
    );
    let row: Option<Card> = service_cards::table
        .find(&id)
        .select((
            service_cards::buyer_id,
            service_cards::merchant_id,
            service_cards::services,
            service_cards::valid_until,
            service_cards::services_total,
            service_cards::services_used,
            service_cards::services_reserved,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    let (buyer, _, services, valid_until, total, used, reserved) = row
        .filter(|(b, m, ..)| owns(b, m))
        .ok_or_else(|| Problem::not_found("service card"))?;
    Ok(HttpResponse::Ok().json(CardView {
        card_id: id,
        buyer_id: buyer,
        services,
        valid_until,
        services_total: total,
        services_used: used,
        services_reserved: reserved,
        services_left: total - used - reserved,
    }))
}

/// CARE-1: a care order opens from the care-service order (the card) or from the purchased
/// order's line the card was sold with.
pub(crate) enum CardSource {
    Card(String),
    OrderLine(String, String),
}

/// The card the buyer names, if it is the buyer's; someone else's answers like a missing one.
pub(crate) async fn card_id_of(
    conn: &mut AsyncPgConnection,
    buyer_id: &str,
    source: &CardSource,
) -> QueryResult<Option<String>> {
    let mut q = service_cards::table
        .filter(service_cards::buyer_id.eq(buyer_id))
        .select(service_cards::card_id)
        .into_boxed();
    q = match source {
        CardSource::Card(id) => q.filter(service_cards::card_id.eq(id)),
        CardSource::OrderLine(order, line) => q
            .filter(service_cards::order_id.eq(order))
            .filter(service_cards::order_line_id.eq(line)),
    };
    q.order(service_cards::card_id.asc())
        .first(conn)
        .await
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(extra: serde_json::Value) -> CardLine {
        let mut body = serde_json::json!({
            "card_id": "card-1", "order_id": "o-1", "order_line_id": "l-1",
            "services": ["cleaning"], "valid_until": "2027-12-01T00:00:00Z",
            "services_total": 3, "merchant_courier": "sf-express",
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a card: {e}"))
    }

    fn field_of(r: Result<(), Problem>) -> Option<String> {
        r.err().and_then(|p| p.field)
    }

    #[test]
    fn care_1_a_delivered_card_is_checked_naming_the_field() {
        assert!(check_card(0, &card(serde_json::json!({}))).is_ok());
        let bad = |extra| field_of(check_card(2, &card(extra)));
        assert_eq!(
            bad(serde_json::json!({ "card_id": "a b" })),
            Some("cards[2].card_id".into())
        );
        assert_eq!(
            bad(serde_json::json!({ "services": [] })),
            Some("cards[2].services".into())
        );
        assert_eq!(
            bad(serde_json::json!({ "services_total": 101 })),
            Some("cards[2].services_total".into())
        );
        assert_eq!(
            bad(serde_json::json!({ "review_hours": 0 })),
            Some("cards[2].review_hours".into())
        );
    }

    /// Two luxury bags for 20,000.00 in all.
    fn line(category: Category) -> OrderLineRow {
        crate::order_store::fixtures::line(&to_wire(&category), 2, 2_000_000)
    }

    fn order() -> OrderRow {
        crate::order_store::fixtures::order("delivered", chrono::DateTime::<Utc>::UNIX_EPOCH)
    }

    #[test]
    fn care_1_a_card_is_sold_with_a_luxury_line_of_a_known_order() {
        let c = card(serde_json::json!({}));
        let sold = sold_with(0, &c, Some(order()), &[line(Category::Luxury)]);
        // The goods' value is one unit's price.
        assert_eq!(sold.ok().map(|(_, value)| value), Some(1_000_000));
        let field = |r: Result<(OrderRow, i64), Problem>| r.err().and_then(|p| p.field);
        assert_eq!(
            field(sold_with(0, &c, None, &[])),
            Some("cards[0].order_id".into())
        );
        assert_eq!(
            field(sold_with(0, &c, Some(order()), &[line(Category::Apparel)])),
            Some("cards[0].order_line_id".into())
        );
        assert_eq!(
            field(sold_with(0, &c, Some(order()), &[])),
            Some("cards[0].order_line_id".into())
        );
    }
}
