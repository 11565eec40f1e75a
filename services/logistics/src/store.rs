//! logistics' queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_domain::Fen;
use returns_domain::lifecycle::PickupJobState;
use returns_domain::pickup::PickupFee;
use serde::Serialize;
use uuid::Uuid;

use crate::schema::pickup_jobs;

/// A pickup job as logistics keeps it, and as the courier company reads it (PK-1..PK-8).
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = pickup_jobs)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct JobRow {
    pub job_id: Uuid,
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub status: PickupJobState,
    pub courier_company: String,
    pub size_class: String,
    pub address: String,
    pub contact_phone: String,
    pub dispatch_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub arrive_by: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub collected_at: Option<DateTime<Utc>>,
    pub tracking_number: Option<String>,
    #[serde(skip)]
    pub refund: serde_json::Value,
    #[serde(skip)]
    pub traceparent: Option<String>,
    pub created_at: DateTime<Utc>,
    /// PK-8: the fee, what the buyer's freight insurance pays, what the rider collects.
    pub first_weight_fee_fen: i64,
    pub extra_weight_fee_fen: i64,
    pub insurance_pays_fen: i64,
    pub buyer_pays_fen: i64,
    /// PK-6: the rider who took the job, by real name.
    pub rider_id: Option<String>,
    pub rider_name: Option<String>,
    /// PK-3: when the rider called the buyer.
    pub called_at: Option<DateTime<Utc>>,
}

impl JobRow {
    /// The case the job is for, as its events name it.
    pub fn about(&self) -> returns_bus::About<'_> {
        returns_bus::About {
            case_id: self.case_id,
            city: &self.city,
            shard: &self.shard,
        }
    }

    /// What the case asks for (its buyer, merchant and remedy), as the approval said: the one
    /// place the job's stored order is read.
    pub fn order(&self) -> Result<returns_events::payloads::RefundOrder, serde_json::Error> {
        serde_json::from_value(self.refund.clone())
    }

    pub fn fee(&self) -> PickupFee {
        PickupFee {
            first_weight_fen: Fen(self.first_weight_fee_fen),
            extra_weight_fen: Fen(self.extra_weight_fee_fen),
            insurance_pays_fen: Fen(self.insurance_pays_fen),
            buyer_pays_fen: Fen(self.buyer_pays_fen),
        }
    }
}

pub(crate) async fn insert(conn: &mut AsyncPgConnection, row: &JobRow) -> QueryResult<()> {
    diesel::insert_into(pickup_jobs::table)
        .values(row)
        .execute(conn)
        .await?;
    Ok(())
}

async fn by_id_for_update(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<JobRow>> {
    pickup_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The company's own job, locked; another company's reads exactly like a missing one.
pub(crate) async fn companys_job_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    company: &str,
) -> QueryResult<Option<JobRow>> {
    Ok(by_id_for_update(conn, id)
        .await?
        .filter(|job| job.courier_company == company))
}

/// The case's job, locked for a change.
pub(crate) async fn by_case_for_update(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<JobRow>> {
    pickup_jobs::table
        .filter(pickup_jobs::case_id.eq(case_id))
        .select(JobRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The job a timer of case `case_id` waits on, locked; a timer without its job is set aside.
pub(crate) async fn job_of_timer(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> Result<JobRow, returns_bus::HandleError> {
    by_case_for_update(conn, case_id).await?.ok_or_else(|| {
        returns_bus::HandleError::reject(format!("no pickup job for case {case_id}"))
    })
}

pub(crate) async fn by_case(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<JobRow>> {
    pickup_jobs::table
        .filter(pickup_jobs::case_id.eq(case_id))
        .select(JobRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub(crate) async fn mark_dispatched(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
    arrive_by: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set((
            pickup_jobs::status.eq(PickupJobState::Dispatched),
            pickup_jobs::dispatched_at.eq(at),
            pickup_jobs::arrive_by.eq(arrive_by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn mark_accepted(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
    rider: &Rider,
) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set((
            pickup_jobs::status.eq(PickupJobState::Accepted),
            pickup_jobs::accepted_at.eq(at),
            pickup_jobs::rider_id.eq(&rider.id),
            pickup_jobs::rider_name.eq(&rider.real_name),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records the delivery to the merchant once; false when it was already recorded.
pub(crate) async fn mark_delivered(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<bool> {
    let n = diesel::update(
        pickup_jobs::table
            .find(id)
            .filter(pickup_jobs::delivered_at.is_null()),
    )
    .set(pickup_jobs::delivered_at.eq(at))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

pub(crate) async fn mark_collected(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
    tracking: &str,
) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set((
            pickup_jobs::status.eq(PickupJobState::Collected),
            pickup_jobs::collected_at.eq(at),
            pickup_jobs::tracking_number.eq(tracking),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// A courier company's jobs in one status, oldest first.
pub(crate) async fn for_courier(
    conn: &mut AsyncPgConnection,
    company: &str,
    status: PickupJobState,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    pickup_jobs::table
        .filter(pickup_jobs::courier_company.eq(company))
        .filter(pickup_jobs::status.eq(status))
        .order(pickup_jobs::dispatch_at.asc())
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)
        .await
}

/// PK-9: the job goes to the next partner, dispatched now.
pub(crate) async fn reassign(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    company: &str,
    at: DateTime<Utc>,
    arrive_by: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set((
            pickup_jobs::courier_company.eq(company),
            pickup_jobs::dispatched_at.eq(at),
            pickup_jobs::arrive_by.eq(arrive_by),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// PK-9: no partner accepted; customer service takes the job.
pub(crate) async fn mark_escalated(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set(pickup_jobs::status.eq(PickupJobState::Escalated))
        .execute(conn)
        .await?;
    Ok(())
}

/// PK-3: the courier is at the door (kept from the first report).
/// PK-6: the rider a courier company names for a job.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rider {
    #[schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")]
    pub id: String,
    /// PK-6: 2-100 characters.
    #[schema(max_length = 100, pattern = "\\S[\\s\\S]*\\S")]
    pub real_name: String,
}

/// PK-3: the rider called the buyer (the first call counts).
pub(crate) async fn mark_called(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        pickup_jobs::table
            .find(id)
            .filter(pickup_jobs::called_at.is_null()),
    )
    .set(pickup_jobs::called_at.eq(at))
    .execute(conn)
    .await?;
    Ok(())
}

pub(crate) async fn mark_arrived(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        pickup_jobs::table
            .find(id)
            .filter(pickup_jobs::arrived_at.is_null()),
    )
    .set(pickup_jobs::arrived_at.eq(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// PK-5: the courier missed its arrival deadline.
pub(crate) async fn mark_late(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(pickup_jobs::table.find(id))
        .set(pickup_jobs::late.eq(true))
        .execute(conn)
        .await?;
    Ok(())
}
