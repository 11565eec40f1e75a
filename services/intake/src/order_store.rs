//! intake's copy of the marketplace's orders (ORD-1) and the units cases hold of their lines
//! (ORD-3): the queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use crate::schema::{case_lines, order_lines, orders};

/// An order as the marketplace reported it (ORD-1); the buyer's address and phone stay here.
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = orders)]
#[diesel(treat_none_as_default_value = false)]
pub struct OrderRow {
    pub order_id: String,
    #[serde(skip)]
    pub buyer_id: String,
    pub merchant_id: String,
    #[schema(value_type = returns_domain::order::OrderState)]
    pub state: String,
    pub state_since: DateTime<Utc>,
    pub city: String,
    #[serde(skip)]
    pub delivery_address: String,
    #[serde(skip)]
    pub contact_phone: String,
    pub paid_online: bool,
    pub freight_insured: bool,
    pub placed_at: DateTime<Utc>,
    pub payment_due_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub cancel_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One line of an order: what was bought and paid.
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = order_lines)]
pub struct OrderLineRow {
    #[serde(skip)]
    pub order_id: String,
    pub line_id: String,
    pub product_id: String,
    pub category: String,
    pub size_class: String,
    pub quantity: i32,
    pub amount_paid_fen: i64,
    #[serde(skip)]
    pub position: i32,
}

/// What one order event changes: the new state, when, and the facts that came with it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = orders)]
pub struct StepRow {
    pub state: String,
    pub state_since: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub cancel_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_lines)]
pub struct CaseLineRow {
    pub case_id: Uuid,
    pub order_id: String,
    pub line_id: String,
    pub quantity: i32,
    pub amount_fen: i64,
}

/// Stores a new order with its lines; false when the order is already here.
pub(crate) async fn insert_order(
    conn: &mut AsyncPgConnection,
    order: &OrderRow,
    lines: &[OrderLineRow],
) -> QueryResult<bool> {
    let n = diesel::insert_into(orders::table)
        .values(order)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(order_lines::table)
        .values(lines)
        .execute(conn)
        .await?;
    Ok(true)
}

/// The order, locked until the transaction ends: its events and the cases opened on it take
/// turns, so two requests cannot both take a line's last unit (ORD-3).
pub(crate) async fn order_for_update(
    conn: &mut AsyncPgConnection,
    order_id: &str,
) -> QueryResult<Option<OrderRow>> {
    orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub(crate) async fn order_by_id(
    conn: &mut AsyncPgConnection,
    order_id: &str,
) -> QueryResult<Option<OrderRow>> {
    orders::table
        .find(order_id)
        .select(OrderRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The order's lines, in the order system's order.
pub(crate) async fn lines_of(
    conn: &mut AsyncPgConnection,
    order_id: &str,
) -> QueryResult<Vec<OrderLineRow>> {
    order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::position.asc())
        .select(OrderLineRow::as_select())
        .load(conn)
        .await
}

#[derive(diesel::QueryableByName)]
pub(crate) struct Held {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub line_id: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub units: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub value: i64,
}

/// Per line of the order: the units open or paid cases hold, and what they are worth.
pub(crate) async fn held_units(
    conn: &mut AsyncPgConnection,
    order_id: &str,
) -> QueryResult<Vec<Held>> {
    diesel::sql_query(
        "SELECT line_id, SUM(quantity)::BIGINT AS units, SUM(amount_fen)::BIGINT AS value \
         FROM case_lines WHERE order_id = $1 AND released_at IS NULL GROUP BY line_id",
    )
    .bind::<diesel::sql_types::Text, _>(order_id)
    .load(conn)
    .await
}

pub(crate) async fn record_step(
    conn: &mut AsyncPgConnection,
    order_id: &str,
    step: &StepRow,
) -> QueryResult<()> {
    diesel::update(orders::table.find(order_id))
        .set(step)
        .execute(conn)
        .await?;
    Ok(())
}

/// ORD-3: the case holds these units.
pub(crate) async fn hold(conn: &mut AsyncPgConnection, lines: &[CaseLineRow]) -> QueryResult<()> {
    diesel::insert_into(case_lines::table)
        .values(lines)
        .execute(conn)
        .await?;
    Ok(())
}

/// ORD-3: a withdrawn or finally rejected case gives its units back.
pub(crate) async fn release(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(
        case_lines::table
            .filter(case_lines::case_id.eq(case_id))
            .filter(case_lines::released_at.is_null()),
    )
    .set(case_lines::released_at.eq(at))
    .execute(conn)
    .await
}

/// An order line a case holds (or held), and how many units it bought.
#[derive(Debug, Clone, Queryable, Serialize, utoipa::ToSchema)]
pub(crate) struct CaseLineView {
    pub order_line_id: String,
    pub quantity: i32,
    pub amount_fen: i64,
    pub released_at: Option<DateTime<Utc>>,
    /// The units the order line bought (the case may return only some, ORD-3).
    pub bought: i32,
}

/// The lines a case holds (or held), for the case read.
pub(crate) async fn lines_of_case(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Vec<CaseLineView>> {
    case_lines::table
        .inner_join(
            order_lines::table.on(order_lines::order_id
                .eq(case_lines::order_id)
                .and(order_lines::line_id.eq(case_lines::line_id))),
        )
        .filter(case_lines::case_id.eq(case_id))
        .order(case_lines::line_id.asc())
        .select((
            case_lines::line_id,
            case_lines::quantity,
            case_lines::amount_fen,
            case_lines::released_at,
            order_lines::quantity,
        ))
        .load(conn)
        .await
}

/// How many orders stand in each state (operators; the harness waits on it).
pub(crate) async fn count_by_state(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Vec<(String, i64)>> {
    orders::table
        .group_by(orders::state)
        .select((orders::state, diesel::dsl::count_star()))
        .load(conn)
        .await
}

/// Orders and lines as the tests of the modules that hold requests against them need them.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{OrderLineRow, OrderRow};
    use chrono::{DateTime, TimeZone, Utc};

    /// 10:00 UTC on `day` November 2026.
    pub(crate) fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 10, 0, 0)
            .single()
            .unwrap_or_default()
    }

    /// Order `o-1` of buyer `b-1` at shop `m-1` in Shanghai, in `state`, each step at `at`.
    pub(crate) fn order(state: &str, at: DateTime<Utc>) -> OrderRow {
        OrderRow {
            order_id: "o-1".into(),
            buyer_id: "b-1".into(),
            merchant_id: "m-1".into(),
            state: state.into(),
            state_since: at,
            city: "shanghai".into(),
            delivery_address: "1 Nanjing Road".into(),
            contact_phone: "13800000000".into(),
            paid_online: true,
            freight_insured: true,
            placed_at: at,
            payment_due_at: at,
            paid_at: Some(at),
            shipped_at: Some(at),
            delivered_at: Some(at),
            completed_at: None,
            cancelled_at: None,
            carrier: None,
            tracking_number: None,
            cancel_reason: None,
            updated_at: at,
        }
    }

    /// Line `l-1` of order `o-1`: `quantity` units of `category` for `amount_paid_fen` in all.
    pub(crate) fn line(category: &str, quantity: i32, amount_paid_fen: i64) -> OrderLineRow {
        OrderLineRow {
            order_id: "o-1".into(),
            line_id: "l-1".into(),
            product_id: "p-1".into(),
            category: category.into(),
            size_class: "small".into(),
            quantity,
            amount_paid_fen,
            position: 0,
        }
    }
}
