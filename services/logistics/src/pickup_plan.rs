//! An approved return whose goods come back: a door pickup job (PK-1..PK-3, its fee PK-8) or
//! the buyer ships the parcel (CT-2, or by the buyer's choice).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{About, Emitter, HandleError, Outgoing};
use returns_domain::RuleId;
use returns_domain::lifecycle::PickupJobState;
use returns_domain::pickup::PickupPlan;
use returns_events::Envelope;
use returns_events::payloads::{
    CaseApproved, PickupAddress, PickupDispatched, PickupNotOffered, PickupScheduled, RefundOrder,
};
use returns_runtime::AppContext;
use tracing::Instrument;
use uuid::Uuid;

use crate::dispatch::{self, PickupDecision};
use crate::store::{self, JobRow};

/// Plans the case's pickup and announces it.
pub(crate) async fn plan(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    address: Option<PickupAddress>,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let span = tracing::info_span!("logistics.plan_pickup", case_id = %env.case_id, city = %env.city, shard = %env.shard);
    async {
        let now = ctx.clock.now();
        let city = ctx.cities.city(&env.city);
        let cx = Emitter::new(crate::SERVICE, now);
        match dispatch::decide(approved, address, city, now, &ctx.settings.policy) {
            PickupDecision::BuyerShips {
                rule,
                reason,
                refund,
            } => {
                tracing::info!(rule = rule.map(RuleId::as_str), "no door pickup");
                let case = About::from(env);
                crate::self_ship::await_buyer(
                    conn,
                    env.case_id,
                    case.city,
                    case.shard,
                    &refund,
                    now,
                )
                .await?;
                let rule = rule.unwrap_or(RuleId::Ct2);
                Ok(vec![cx.emit(env, &PickupNotOffered { rule, reason })?])
            }
            PickupDecision::Job {
                plan,
                courier_company,
                address,
                refund,
            } => {
                let job = Job {
                    plan,
                    courier_company,
                    address,
                    refund,
                };
                Ok(vec![open_job(conn, env, approved, job, ctx, cx).await?])
            }
        }
    }
    .instrument(span)
    .await
}

/// The door pickup dispatch decided.
struct Job {
    plan: PickupPlan,
    courier_company: String,
    address: PickupAddress,
    refund: RefundOrder,
}

/// Stores the job, starts PK-2's wait for the courier's acceptance when it is sent now, and
/// says whether it was dispatched or scheduled for the next window.
async fn open_job(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    job: Job,
    ctx: &AppContext,
    cx: Emitter<'_>,
) -> Result<Outgoing, HandleError> {
    let (now, job_id, plan) = (cx.now(), Uuid::now_v7(), job.plan);
    let row = job_row(env, approved, job_id, &job, ctx, now)?;
    store::insert(conn, &row).await?;
    if !plan.dispatch_now {
        tracing::info!(%job_id, dispatch_at = %plan.dispatch_at, "pickup scheduled for the next window");
        crate::scheduled_dispatch::schedule(conn, About::from(env), plan.dispatch_at, now).await?;
        let scheduled = PickupScheduled {
            job_id,
            rule: RuleId::Pk1,
            dispatch_at: plan.dispatch_at,
        };
        return Ok(cx.emit(env, &scheduled)?);
    }
    let policy = &ctx.settings.policy;
    crate::accept::start_wait(conn, About::from(env), &job.courier_company, now, policy).await?;
    tracing::info!(%job_id, courier = %job.courier_company, "courier dispatched");
    let dispatched = PickupDispatched {
        job_id,
        courier_company: job.courier_company,
        rule: RuleId::Pk1,
        dispatched_at: now,
        arrive_by: plan.arrive_by,
    };
    Ok(cx.emit(env, &dispatched)?)
}

/// The job's row: where and when, and who pays the pickup fee (PK-8).
fn job_row(
    env: &Envelope,
    approved: &CaseApproved,
    job_id: Uuid,
    job: &Job,
    ctx: &AppContext,
    now: DateTime<Utc>,
) -> Result<JobRow, HandleError> {
    let f = &approved.facts;
    let fee = returns_domain::pickup::fee(
        f.size_class,
        f.paid_online,
        f.freight_insured,
        &ctx.settings.policy,
    );
    let plan = &job.plan;
    Ok(JobRow {
        job_id,
        case_id: env.case_id,
        city: env.city.clone(),
        shard: env.shard.clone(),
        status: PickupJobState::planned(plan.dispatch_now),
        courier_company: job.courier_company.clone(),
        size_class: returns_domain::to_wire(&f.size_class),
        address: job.address.address.clone(),
        contact_phone: job.address.contact_phone.clone(),
        dispatch_at: plan.dispatch_at,
        dispatched_at: plan.dispatch_now.then_some(now),
        arrive_by: plan.arrive_by,
        accepted_at: None,
        arrived_at: None,
        late: false,
        collected_at: None,
        tracking_number: None,
        refund: serde_json::to_value(&job.refund).map_err(HandleError::reject)?,
        traceparent: returns_telemetry::current_traceparent(),
        created_at: now,
        first_weight_fee_fen: fee.first_weight_fen.0,
        extra_weight_fee_fen: fee.extra_weight_fen.0,
        insurance_pays_fen: fee.insurance_pays_fen.0,
        buyer_pays_fen: fee.buyer_pays_fen.0,
        rider_id: None,
        rider_name: None,
        called_at: None,
    })
}
