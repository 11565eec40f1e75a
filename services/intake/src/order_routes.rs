//! Orders over HTTP: the buyer reads an order of theirs with what is still returnable per
//! line; operators backfill orders from before the feed (ORD-1) and count them by state.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use returns_auth::{As, Buyer, Operator};
use returns_domain::order::OrderState;
use returns_events::orders::OrderPlaced;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::{Deserialize, Serialize};

use crate::order_store::{self, OrderLineRow, OrderRow};

/// An order with what each line has left to return (ORD-3).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OrderView {
    order: OrderRow,
    lines: Vec<OrderLineView>,
}

/// An order line, the units in open or paid cases, and the units still returnable.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OrderLineView {
    #[serde(flatten)]
    line: OrderLineRow,
    units_in_cases: i64,
    units_returnable: i64,
}

/// How many orders of a backfill were stored, and how many intake already held.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Backfilled {
    stored: usize,
    already_known: usize,
}

/// How many orders stand in each state.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct OrdersByState {
    total: i64,
    by_state: std::collections::BTreeMap<String, i64>,
}

/// `GET /buyer/orders/{id}`: the order as the platform holds it, each line with the units not
/// in an open or paid case. Someone else's order is not found, like a missing one.
#[utoipa::path(get, path = "/buyer/orders/{id}", tag = "buyer", params(("id" = String, Path, description = "The marketplace's order id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "The order and what is left to return", body = OrderView)))]
pub(crate) async fn buyer_order(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    returns_web::check_id("id", &path)?;
    let mut conn = ctx.conn().await?;
    let order = order_store::order_by_id(&mut conn, &path)
        .await?
        .filter(|o| o.buyer_id == buyer.id)
        .ok_or_else(|| Problem::not_found("order"))?;
    let lines = order_store::lines_of(&mut conn, &order.order_id).await?;
    let held = order_store::held_units(&mut conn, &order.order_id).await?;
    let lines = lines
        .into_iter()
        .map(|line| {
            let taken = held
                .iter()
                .find(|h| h.line_id == line.line_id)
                .map_or(0, |h| h.units);
            let returnable = (i64::from(line.quantity) - taken).max(0);
            OrderLineView {
                line,
                units_in_cases: taken,
                units_returnable: returnable,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(OrderView { order, lines }))
}

/// One order of the backfill: as placed, with the state it reached and when.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderSnapshot {
    pub order_id: String,
    /// What `order.placed` said (the same fields).
    #[schema(value_type = Object)]
    pub placed: OrderPlaced,
    pub state: OrderState,
    #[serde(default)]
    pub paid_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub shipped_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub delivered_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// The rows of one backfilled order, its history checked step by step (ORD-6's order).
fn snapshot_rows(
    s: &OrderSnapshot,
    ctx: &AppContext,
) -> Result<(OrderRow, Vec<OrderLineRow>), String> {
    let now = ctx.clock.now();
    let (mut row, lines) =
        crate::order_facts::rows_of(&s.order_id, &s.placed, &ctx.settings.policy, now)?;
    let steps: Vec<(OrderState, Option<DateTime<Utc>>, &str)> = match s.state {
        OrderState::Cancelled => vec![
            (OrderState::Paid, s.paid_at, "paid_at"),
            (OrderState::Cancelled, s.cancelled_at, "cancelled_at"),
        ],
        _ => vec![
            (OrderState::Paid, s.paid_at, "paid_at"),
            (OrderState::Shipped, s.shipped_at, "shipped_at"),
            (OrderState::Delivered, s.delivered_at, "delivered_at"),
            (OrderState::Completed, s.completed_at, "completed_at"),
        ],
    };
    let reached = |target: OrderState| match s.state {
        OrderState::Cancelled => target == OrderState::Cancelled,
        state => state.rank() >= target.rank(),
    };
    let mut since = row.placed_at;
    for (target, at, field) in steps {
        let needed = reached(target);
        match (needed, at) {
            (true, Some(t)) if t < since => {
                return Err(format!("{field}: is before the order's previous step"));
            }
            (true, Some(t)) => since = t,
            (true, None) if target == OrderState::Paid && s.state == OrderState::Cancelled => {}
            (true, None) => {
                return Err(format!(
                    "{field}: an order that is {} has it",
                    s.state.as_str()
                ));
            }
            (false, Some(_)) => {
                return Err(format!(
                    "{field}: an order that is {} has none",
                    s.state.as_str()
                ));
            }
            (false, None) => {}
        }
    }
    if reached(OrderState::Shipped) && s.state != OrderState::Cancelled {
        let t = s.tracking_number.as_deref().unwrap_or_default();
        returns_web::tracking_number(t).map_err(|p| format!("tracking_number: {}", p.detail))?;
    }
    row.state = s.state.as_str().to_owned();
    row.state_since = since;
    row.paid_at = s.paid_at;
    row.shipped_at = s.shipped_at;
    row.carrier = s.carrier.clone();
    row.tracking_number = s.tracking_number.clone();
    row.delivered_at = s.delivered_at;
    row.completed_at = s.completed_at;
    row.cancelled_at = s.cancelled_at;
    Ok((row, lines))
}

/// `PUT /operator/orders`: orders from before the feed, one JSON object a line (JSON Lines).
/// A bad line refuses the whole delivery, naming the line; orders already here are left as
/// they are (the feed is newer than any backfill).
#[utoipa::path(put, path = "/operator/orders", tag = "operator", request_body(content = String, content_type = "text/plain", description = "JSON Lines: one OrderSnapshot object a line (sent as text/plain or application/x-ndjson)"), responses((status = 200, description = "How many orders were stored and how many were known", body = Backfilled)))]
pub(crate) async fn import(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| Problem::malformed(None, "the body is not UTF-8 text"))?;
    let mut orders = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let field = format!("line {}", i + 1);
        let snapshot: OrderSnapshot = returns_web::parse_json(line.as_bytes()).map_err(|p| {
            Problem::invalid(
                &field,
                format!("{}: {}", p.field.unwrap_or_default(), p.detail),
            )
        })?;
        let rows = snapshot_rows(&snapshot, &ctx).map_err(|m| Problem::invalid(&field, m))?;
        orders.push(rows);
    }
    if orders.is_empty() {
        return Err(Problem::invalid(
            "body",
            "one OrderSnapshot a line, at least one line",
        ));
    }
    if orders.len() > 10_000 {
        return Err(Problem::invalid(
            "body",
            "at most 10000 orders per delivery",
        ));
    }
    let stored = ctx
        .write(async move |conn| {
            let mut n = 0;
            for (row, lines) in &orders {
                n += usize::from(order_store::insert_order(conn, row, lines).await?);
            }
            Ok(n)
        })
        .await?;
    let total = text.lines().filter(|l| !l.trim().is_empty()).count();
    Ok(HttpResponse::Ok().json(Backfilled {
        stored,
        already_known: total - stored,
    }))
}

/// `GET /operator/stats/orders`: the orders intake holds, by state.
#[utoipa::path(get, path = "/operator/stats/orders", tag = "operator", responses((status = 200, description = "Orders by state", body = OrdersByState)))]
pub(crate) async fn orders_by_state(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let rows = order_store::count_by_state(&mut conn).await?;
    let total: i64 = rows.iter().map(|(_, n)| n).sum();
    let by_state = rows.into_iter().collect();
    Ok(HttpResponse::Ok().json(OrdersByState { total, by_state }))
}
