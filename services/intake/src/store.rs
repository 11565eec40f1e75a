//! intake's queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_domain::care::CareOutcome;
use returns_domain::{CaseKind, CaseStatus};
use serde::Serialize;
use uuid::Uuid;

use crate::schema::{buyer_ratings, case_timeline, cases};

/// A case as intake keeps it, and as its parties read it.
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = cases)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct CaseRow {
    pub id: Uuid,
    #[serde(skip)]
    pub buyer_id: String,
    pub merchant_id: String,
    pub order_line_id: String,
    pub kind: CaseKind,
    pub reason: String,
    pub category: String,
    pub size_class: String,
    pub city: String,
    pub shard: String,
    pub paid_amount_fen: i64,
    pub refund_amount_fen: i64,
    pub buyer_rating: i16,
    pub door_pickup: bool,
    pub received_at: Option<DateTime<Utc>>,
    pub merchant_shipped: bool,
    pub requested_at: DateTime<Utc>,
    pub status: CaseStatus,
    #[serde(skip)]
    pub status_rank: i16,
    pub updated_at: DateTime<Utc>,
    pub remedy: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub intervention_requested_by: Option<String>,
    pub intervention_requested_at: Option<DateTime<Utc>>,
    pub guarantee: Option<String>,
    /// The buyer's evidence, by kind.
    #[schema(value_type = Vec<returns_domain::guarantee::Evidence>)]
    pub evidence: serde_json::Value,
    pub card_id: Option<String>,
    pub care_outcome: Option<CareOutcome>,
    pub rating_stars: Option<i16>,
    pub rating_comment: Option<String>,
    /// ORD-1: the order the case is about (none for care orders, which open from a card).
    pub order_id: Option<String>,
    /// ORD-4: the merchant's return address, once an approval named it.
    #[schema(value_type = Option<returns_events::payloads::ReturnAddress>)]
    pub return_address: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_timeline)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct NewTimelineRow {
    pub case_id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub status: Option<CaseStatus>,
    pub rule_id: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// One line of a case's timeline: what happened, by which rule.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = case_timeline)]
pub(crate) struct TimelineRow {
    pub event_type: String,
    pub status: Option<CaseStatus>,
    pub rule_id: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

pub(crate) async fn rating_of(
    conn: &mut AsyncPgConnection,
    buyer: &str,
) -> QueryResult<Option<i16>> {
    buyer_ratings::table
        .find(buyer)
        .select(buyer_ratings::stars)
        .first(conn)
        .await
        .optional()
}

/// CR-1: stores the rating job's delivery; a later delivery replaces an earlier one.
pub(crate) async fn upsert_ratings(
    conn: &mut AsyncPgConnection,
    ratings: &[(String, i16)],
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    let rows: Vec<_> = ratings
        .iter()
        .map(|(b, s)| {
            (
                buyer_ratings::buyer_id.eq(b),
                buyer_ratings::stars.eq(*s),
                buyer_ratings::updated_at.eq(at),
            )
        })
        .collect();
    diesel::insert_into(buyer_ratings::table)
        .values(rows)
        .on_conflict(buyer_ratings::buyer_id)
        .do_update()
        .set((
            buyer_ratings::stars.eq(diesel::upsert::excluded(buyer_ratings::stars)),
            buyer_ratings::updated_at.eq(diesel::upsert::excluded(buyer_ratings::updated_at)),
        ))
        .execute(conn)
        .await
}

pub(crate) async fn insert_case(conn: &mut AsyncPgConnection, row: &CaseRow) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(row)
        .execute(conn)
        .await?;
    Ok(())
}

/// One page of a buyer's cases, newest first, after the cursor `after` (a case id).
pub(crate) async fn cases_of_buyer(
    conn: &mut AsyncPgConnection,
    buyer: &str,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<CaseRow>> {
    let mut q = cases::table
        .filter(cases::buyer_id.eq(buyer))
        .select(CaseRow::as_select())
        .order(cases::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(cases::id.lt(after));
    }
    q.load(conn).await
}

pub(crate) async fn case_by_id(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The case's kind and status, locked until the transaction ends, so that moving it is one
/// decision of its kind's machine.
pub(crate) async fn kind_and_status_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<(CaseKind, CaseStatus)>> {
    cases::table
        .find(id)
        .select((cases::kind, cases::status))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Sets the status the kind's machine chose, with its place on the kind's path.
pub(crate) async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: CaseStatus,
    rank: i16,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::status.eq(status.as_str()),
            cases::status_rank.eq(rank),
            cases::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// AS-2: records who asked customer service to intervene; false when someone already did.
pub(crate) async fn record_intervention(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: &str,
    at: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .find(id)
            .filter(cases::intervention_requested_at.is_null()),
    )
    .set((
        cases::intervention_requested_by.eq(by),
        cases::intervention_requested_at.eq(at),
    ))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// RS-3: the case becomes a return and refund; its goods were shipped.
pub(crate) async fn convert_to_return(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::kind.eq("return_refund"),
            cases::remedy.eq("return_refund"),
            cases::merchant_shipped.eq(true),
            cases::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether the case's timeline holds an event of `event_type`.
pub(crate) async fn has_event(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    event_type: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        case_timeline::table
            .filter(case_timeline::case_id.eq(id))
            .filter(case_timeline::event_type.eq(event_type)),
    ))
    .get_result(conn)
    .await
}

/// The case, locked until the transaction ends.
pub(crate) async fn case_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id)
        .select(CaseRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The case, locked, if `owns` says the caller may act on it; someone else's case answers
/// `None`, exactly like a missing one (no one learns which ids exist).
pub(crate) async fn own_case_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    owns: impl FnOnce(&CaseRow) -> bool,
) -> QueryResult<Option<CaseRow>> {
    Ok(case_for_update(conn, id).await?.filter(|c| owns(c)))
}

pub(crate) async fn add_timeline(
    conn: &mut AsyncPgConnection,
    row: &NewTimelineRow,
) -> QueryResult<()> {
    diesel::insert_into(case_timeline::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn timeline(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Vec<TimelineRow>> {
    case_timeline::table
        .filter(case_timeline::case_id.eq(id))
        .order((case_timeline::at.asc(), case_timeline::id.asc()))
        .select(TimelineRow::as_select())
        .load(conn)
        .await
}

/// How many cases stand in each status (for operators and the demo's progress).
pub(crate) async fn count_by_status(
    conn: &mut AsyncPgConnection,
) -> QueryResult<Vec<(String, i64)>> {
    cases::table
        .group_by(cases::status)
        .select((cases::status, diesel::dsl::count_star()))
        .load(conn)
        .await
}

/// ORD-4: the approval named where the goods go back.
pub(crate) async fn set_return_address(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    address: &serde_json::Value,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::return_address.eq(address))
        .execute(conn)
        .await?;
    Ok(())
}
