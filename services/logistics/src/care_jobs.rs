//! K-5 care jobs: once a care order is approved, the merchant's courier confirms a pickup time
//! with the buyer within 72 hours (CARE-4, a durable timer tells customer service otherwise)
//! and collects at the buyer's address; the shop reads its job here. The steps it reports are
//! `care_steps`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_bus::{About, Emitter};
use returns_bus::{HandleError, Outgoing};
use returns_domain::RuleId;
use returns_domain::care::{self, CareStep};
use returns_events::Envelope;
use returns_events::payloads::{CareFacts, CarePickupOverdue, PickupAddress};
use returns_runtime::AppContext;
use returns_store::timers::{self, Timer};
use returns_web::Problem;
use uuid::Uuid;

use crate::schema::care_jobs;

/// The `timers.kind` of CARE-4's confirmation window.
pub(crate) const KIND: &str = "care4_pickup_confirm";

/// An approved care order becomes a job for the merchant's courier (once).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn create(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    care_facts: &CareFacts,
    buyer_id: &str,
    merchant_id: &str,
    address: &PickupAddress,
    ctx: &AppContext,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let confirm_by = care::confirm_by(now, &ctx.settings.policy);
    let n = diesel::insert_into(care_jobs::table)
        .values((
            care_jobs::case_id.eq(env.case_id),
            care_jobs::city.eq(&env.city),
            care_jobs::shard.eq(&env.shard),
            care_jobs::buyer_id.eq(buyer_id),
            care_jobs::merchant_id.eq(merchant_id),
            care_jobs::merchant_courier.eq(&care_facts.merchant_courier),
            care_jobs::address.eq(&address.address),
            care_jobs::contact_phone.eq(&address.contact_phone),
            care_jobs::goods_value_fen.eq(care_facts.goods_value_fen.0),
            care_jobs::confirm_by.eq(confirm_by),
            care_jobs::traceparent.eq(returns_telemetry::current_traceparent()),
            care_jobs::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if n == 1 {
        timers::schedule(conn, &returns_bus::deadline(KIND, env, confirm_by, now)).await?;
        tracing::info!(case_id = %env.case_id, courier = %care_facts.merchant_courier, "care job for the merchant's courier (CARE-4)");
    }
    Ok(Vec::new())
}

/// CARE-4's window passed: if no pickup time was confirmed, customer service is told.
pub(crate) async fn fire(
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let row: Option<(Option<String>, String, DateTime<Utc>)> = care_jobs::table
        .find(timer.case_id)
        .select((
            care_jobs::step,
            care_jobs::merchant_courier,
            care_jobs::confirm_by,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some((step, courier, confirm_by)) = row else {
        return Err(HandleError::reject(format!(
            "no care job for case {}",
            timer.case_id
        )));
    };
    if step.is_some() {
        return Ok(Vec::new());
    }
    tracing::warn!(case_id = %timer.case_id, rule = RuleId::Care4.as_str(), "pickup time not confirmed in time");
    Ok(vec![Emitter::new(crate::SERVICE, now).emit(
        About {
            case_id: timer.case_id,
            city: &timer.city,
            shard: &timer.shard,
        },
        &CarePickupOverdue {
            rule: RuleId::Care4,
            merchant_courier: courier,
            confirm_by,
        },
    )?])
}

/// A care job, locked while a step is recorded.
#[derive(Queryable)]
pub(crate) struct HeldJob {
    pub(crate) city: String,
    pub(crate) shard: String,
    pub(crate) buyer_id: String,
    pub(crate) merchant_id: String,
    pub(crate) merchant_courier: String,
    pub(crate) goods_value_fen: i64,
    pub(crate) step: Option<String>,
}

pub(crate) async fn held_job(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<HeldJob>> {
    care_jobs::table
        .find(id)
        .select((
            care_jobs::city,
            care_jobs::shard,
            care_jobs::buyer_id,
            care_jobs::merchant_id,
            care_jobs::merchant_courier,
            care_jobs::goods_value_fen,
            care_jobs::step,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// A care job as the shop's courier works it: where to collect, by when, and how far it got.
#[derive(Debug, serde::Serialize, Queryable, utoipa::ToSchema)]
struct CareJobView {
    case_id: Uuid,
    merchant_courier: String,
    address: String,
    contact_phone: String,
    confirm_by: DateTime<Utc>,
    #[schema(value_type = Option<CareStep>)]
    step: Option<String>,
    pickup_at: Option<DateTime<Utc>>,
    tracking_number: Option<String>,
}

/// `GET /merchant/care-jobs/{case_id}`: the shop's care job, with where its courier collects.
#[utoipa::path(get, path = "/merchant/care-jobs/{id}", tag = "merchant",
    params(("id" = Uuid, Path, description = "The care order's case id")),
    responses((status = 200, description = "The care job (CARE-4)", body = CareJobView)))]
pub(crate) async fn view(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let job: CareJobView = care_jobs::table
        .find(id)
        .filter(care_jobs::merchant_id.eq(&caller.id))
        .select((
            care_jobs::case_id,
            care_jobs::merchant_courier,
            care_jobs::address,
            care_jobs::contact_phone,
            care_jobs::confirm_by,
            care_jobs::step,
            care_jobs::pickup_at,
            care_jobs::tracking_number,
        ))
        .first(&mut conn)
        .await
        .optional()?
        .ok_or_else(|| Problem::not_found("care job"))?;
    Ok(HttpResponse::Ok().json(job))
}
