//! Reading pickups: the jobs dispatched to a courier company, the buyer's pickup and customer
//! service's view of it, and the operator's coverage of each city (CT-1).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use returns_auth::{As, Buyer, Courier, Cs, Operator};
use returns_domain::lifecycle::PickupJobState;
use returns_domain::pickup::PickupFee;
use returns_events::payloads::RefundOrder;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::{Deserialize, Serialize};

use crate::store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobsQuery {
    /// The jobs in this state; `dispatched` when absent.
    #[serde(default = "dispatched")]
    #[param(pattern = "^(scheduled|dispatched|accepted|collected)$")]
    status: String,
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

fn dispatched() -> String {
    "dispatched".to_owned()
}

/// CT-1's cities as logistics loaded them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Coverage {
    cities: std::collections::BTreeMap<String, CityCoverage>,
    default_shard: String,
}

/// Whether a city is covered, its shard, its partner couriers in PK-9's order, its clock.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CityCoverage {
    covered: bool,
    shard: String,
    couriers: Vec<String>,
    utc_offset_minutes: i32,
}

/// The jobs of one status dispatched to the calling company.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CourierJobs {
    jobs: Vec<store::JobRow>,
}

/// A case's pickup as the buyer and customer service read it (no address, no phone).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct PickupView {
    job_id: uuid::Uuid,
    status: PickupJobState,
    courier_company: String,
    dispatch_at: DateTime<Utc>,
    arrive_by: DateTime<Utc>,
    tracking_number: Option<String>,
    fee: PickupFee,
    /// PK-6: who is coming, by real name, once a rider took the job (never a phone number).
    rider: Option<RiderView>,
    accepted_at: Option<DateTime<Utc>>,
    called_at: Option<DateTime<Utc>>,
    arrived_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct RiderView {
    real_name: String,
    courier_company: String,
}

impl PickupView {
    fn of(job: store::JobRow) -> Self {
        let rider = job.rider_name.clone().map(|real_name| RiderView {
            real_name,
            courier_company: job.courier_company.clone(),
        });
        Self {
            fee: job.fee(),
            job_id: job.job_id,
            status: job.status,
            courier_company: job.courier_company,
            dispatch_at: job.dispatch_at,
            arrive_by: job.arrive_by,
            tracking_number: job.tracking_number,
            rider,
            accepted_at: job.accepted_at,
            called_at: job.called_at,
            arrived_at: job.arrived_at,
        }
    }
}

/// `GET /operator/coverage`: CT-1's cities, their shard and partner couriers (PK-9's order).
#[utoipa::path(get, path = "/operator/coverage", tag = "operator", responses((status = 200, description = "Cities, their shards and partner couriers (CT-1)", body = Coverage)))]
pub(crate) async fn coverage(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
    let cities = ctx
        .settings
        .cities
        .iter()
        .map(|(name, c)| {
            let city = CityCoverage {
                covered: c.covered,
                shard: c.shard.clone(),
                couriers: c.couriers.clone(),
                utc_offset_minutes: c.utc_offset_minutes,
            };
            (name.clone(), city)
        })
        .collect();
    HttpResponse::Ok().json(Coverage {
        cities,
        default_shard: ctx.settings.default_shard.clone(),
    })
}

/// `GET /courier/jobs`: the jobs dispatched to the calling company, oldest first.
#[utoipa::path(get, path = "/courier/jobs", tag = "courier", params(JobsQuery), responses((status = 200, description = "Jobs dispatched to the company", body = CourierJobs)))]
pub(crate) async fn list_jobs(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    q: web::Query<JobsQuery>,
) -> Result<HttpResponse, Problem> {
    use PickupJobState::{Accepted, Collected, Dispatched, Scheduled};
    const STATUSES: [PickupJobState; 4] = [Scheduled, Dispatched, Accepted, Collected];
    let Some(status) = PickupJobState::parse(&q.status).filter(|s| STATUSES.contains(s)) else {
        let allowed: Vec<&str> = STATUSES.iter().map(|s| s.as_str()).collect();
        return Err(Problem::invalid(
            "status",
            format!("allowed: {}", allowed.join(", ")),
        ));
    };
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let jobs = store::for_courier(&mut conn, &company.id, status, limit).await?;
    Ok(HttpResponse::Ok().json(CourierJobs { jobs }))
}

/// `GET /buyer/cases/{id}/pickup`: the pickup of one of the buyer's cases.
#[utoipa::path(get, path = "/buyer/cases/{id}/pickup", tag = "buyer", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's pickup", body = PickupView)))]
pub(crate) async fn buyer_pickup(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |o| o.buyer_id == buyer.id).await
}

/// `GET /cs/cases/{id}/pickup`: customer service reads any case's pickup (PK-6 complaints).
#[utoipa::path(get, path = "/cs/cases/{id}/pickup", tag = "cs", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's pickup", body = PickupView)))]
pub(crate) async fn cs_pickup(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    job_of_case(ctx, path, |_| true).await
}

/// A case's pickup, if `owns` its order; someone else's answers exactly like a missing one.
pub(crate) async fn job_of_case(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&RefundOrder) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let job = store::by_case(&mut conn, id)
        .await?
        .filter(|j| j.order().is_ok_and(|o| owns(&o)))
        .ok_or_else(|| Problem::not_found("pickup job"))?;
    Ok(HttpResponse::Ok().json(PickupView::of(job)))
}
