//! PK-9: customer service's desk for pickups no partner accepted. An escalated job is offered
//! to a partner customer service names (PK-2's wait starts again), switched to the buyer
//! shipping the parcel (CT-2's own shipment takes over), or cancelled with a reason the buyer
//! reads (the case closes and its units go back to the order, ORD-3).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Cs};
use returns_bus::Emitter;
use returns_bus::{Outgoing, stage};
use returns_domain::RuleId;
use returns_domain::lifecycle::PickupJobState;
use returns_events::payloads::{PickupCancelled, PickupSwitchedToBuyer};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::pickup_jobs;
use crate::store::{self, JobRow};

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Action {
    /// Offer the job to `courier_company`, one of the city's partners.
    Offer,
    /// The buyer ships the parcel (CT-2); `reason` tells the buyer why.
    BuyerShips,
    /// Cancel the pickup and the case; `reason` tells the buyer why.
    Cancel,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionRequest {
    action: Action,
    #[serde(default)]
    courier_company: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// Written by hand, as one of two bodies, because PK-9 ties the fields to the action: an offer
/// names the partner and no reason; switching to the buyer or cancelling gives the reason the
/// buyer reads and names no partner.
impl utoipa::PartialSchema for ActionRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{closed, id, named, readable};
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        let absent = || ObjectBuilder::new().schema_type(Type::Null);
        let offer = closed()
            .property("action", named(["offer"]))
            .required("action")
            .property(
                "courier_company",
                id().description(Some("One of the city's partner couriers")),
            )
            .required("courier_company")
            .property("reason", absent());
        let with_reason = closed()
            .property("action", named(["buyer_ships", "cancel"]))
            .required("action")
            .property(
                "reason",
                readable(500).description(Some("Why, for the buyer to read")),
            )
            .required("reason")
            .property("courier_company", absent());
        OneOfBuilder::new()
            .item(offer)
            .item(with_reason)
            .description(Some(
                "Customer service's action on an escalated pickup (PK-9).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ActionRequest {}

/// What customer service asked for, checked before anything is read.
enum Checked {
    Offer(String),
    BuyerShips(String),
    Cancel(String),
}

fn check(req: ActionRequest) -> Result<Checked, Problem> {
    let reason = |r: Option<String>| -> Result<String, Problem> {
        let r = r.unwrap_or_default();
        returns_web::readable_text("reason", &r, "PK-9: the buyer reads why")?;
        Ok(r)
    };
    match (req.action, req.courier_company) {
        (Action::Offer, Some(c)) if req.reason.is_none() => {
            returns_web::check_id("courier_company", &c)?;
            Ok(Checked::Offer(c))
        }
        (Action::Offer, None) => Err(Problem::invalid(
            "courier_company",
            "PK-9: name the partner the pickup is offered to",
        )),
        (Action::Offer, Some(_)) => Err(Problem::invalid(
            "reason",
            "an offer to a partner carries no reason",
        )),
        (_, Some(_)) => Err(Problem::invalid(
            "courier_company",
            "only an offer names a courier company",
        )),
        (Action::BuyerShips, None) => Ok(Checked::BuyerShips(reason(req.reason)?)),
        (Action::Cancel, None) => Ok(Checked::Cancel(reason(req.reason)?)),
    }
}

/// `POST /cs/pickups/{id}/action`: customer service acts on an escalated pickup (PK-9).
#[utoipa::path(post, path = "/cs/pickups/{id}/action", tag = "cs", request_body = ActionRequest,
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The pickup, offered, switched to the buyer or cancelled (PK-9)", body = returns_web::Moved<PickupJobState>)))]
pub(crate) async fn act(
    agent: As<Cs>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let checked = check(parse_json(&body)?)?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let status = ctx
        .write(async move |conn| {
            let job = store::by_case_for_update(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("pickup job"))?;
            returns_runtime::tag_case(&root, &id, &job.city, &job.shard);
            if job.status != PickupJobState::Escalated {
                return Err(Problem::conflict(format!(
                    "PK-9: customer service acts on escalated pickups; this one is {}",
                    job.status
                )));
            }
            let (status, ev) = match checked {
                Checked::Offer(company) => (
                    PickupJobState::Dispatched,
                    offer(conn, &app, &job, &company, now).await?,
                ),
                Checked::BuyerShips(reason) => (
                    PickupJobState::BuyerShips,
                    buyer_ships(conn, &job, &agent.id, reason, now).await?,
                ),
                Checked::Cancel(reason) => {
                    let e = PickupCancelled {
                        job_id: job.job_id,
                        rule: RuleId::Pk9,
                        reason,
                        agent_id: agent.id.clone(),
                        cancelled_at: now,
                    };
                    (
                        PickupJobState::Cancelled,
                        Emitter::new(crate::SERVICE, now).emit(job.about(), &e)?,
                    )
                }
            };
            diesel::update(pickup_jobs::table.find(job.job_id))
                .set(pickup_jobs::status.eq(status))
                .execute(conn)
                .await?;
            stage(conn, &app.cities, &[ev]).await?;
            tracing::info!(
                rule = RuleId::Pk9.as_str(),
                status = status.as_str(),
                "customer service acted on an escalated pickup"
            );
            Ok(status)
        })
        .await?;
    Ok(HttpResponse::Ok().json(returns_web::Moved::to(id, status)))
}

/// The job goes to the named partner, which must be one of the city's.
async fn offer(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    job: &JobRow,
    company: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, Problem> {
    let partners = &app.cities.city(&job.city).couriers;
    if !partners.iter().any(|c| c == company) {
        return Err(Problem::conflict(format!(
            "PK-9: {company} is not a partner courier in {}; partners there: {}",
            job.city,
            partners.join(", ")
        )));
    }
    Ok(crate::accept::offer_to(conn, app, job, company, now).await?)
}

/// CT-2 takes over: the case waits for the buyer's tracking number.
async fn buyer_ships(
    conn: &mut AsyncPgConnection,
    job: &JobRow,
    agent: &str,
    reason: String,
    now: DateTime<Utc>,
) -> Result<Outgoing, returns_bus::BusError> {
    let refund = job.order()?;
    crate::self_ship::await_buyer(conn, job.case_id, &job.city, &job.shard, &refund, now).await?;
    let e = PickupSwitchedToBuyer {
        job_id: job.job_id,
        rule: RuleId::Pk9,
        reason,
        agent_id: agent.to_owned(),
        switched_at: now,
    };
    Emitter::new(crate::SERVICE, now).emit(job.about(), &e)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeskQuery {
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

/// A pickup no partner took (PK-9), and the city's partners it may be offered to.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct EscalatedPickup {
    case_id: uuid::Uuid,
    job_id: uuid::Uuid,
    city: String,
    last_offered_to: String,
    created_at: DateTime<Utc>,
    partners: Vec<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct EscalatedDesk {
    pickups: Vec<EscalatedPickup>,
}

/// `GET /cs/pickups`: the escalated pickups, oldest first (PK-9).
#[utoipa::path(get, path = "/cs/pickups", tag = "cs", params(DeskQuery), responses((status = 200, description = "Escalated pickups, oldest first", body = EscalatedDesk)))]
pub(crate) async fn desk(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    q: web::Query<DeskQuery>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let jobs: Vec<JobRow> = pickup_jobs::table
        .filter(pickup_jobs::status.eq(PickupJobState::Escalated))
        .order(pickup_jobs::created_at.asc())
        .limit(limit)
        .select(JobRow::as_select())
        .load(&mut conn)
        .await?;
    let pickups = jobs
        .into_iter()
        .map(|j| EscalatedPickup {
            partners: ctx.cities.city(&j.city).couriers.clone(),
            case_id: j.case_id,
            job_id: j.job_id,
            city: j.city,
            last_offered_to: j.courier_company,
            created_at: j.created_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(EscalatedDesk { pickups }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(action: Action, company: Option<&str>, reason: Option<&str>) -> ActionRequest {
        ActionRequest {
            action,
            courier_company: company.map(str::to_owned),
            reason: reason.map(str::to_owned),
        }
    }

    fn field(r: Result<Checked, Problem>) -> Option<String> {
        r.err().and_then(|p| p.field)
    }

    #[test]
    fn pk_9_each_action_names_what_it_needs() {
        let offer = check(req(Action::Offer, Some("jd-logistics"), None));
        assert!(matches!(offer, Ok(Checked::Offer(c)) if c == "jd-logistics"));
        assert_eq!(
            field(check(req(Action::Offer, None, None))).as_deref(),
            Some("courier_company")
        );
        assert_eq!(
            field(check(req(Action::Offer, Some("sf-express"), Some("why")))).as_deref(),
            Some("reason")
        );
        assert_eq!(
            field(check(req(Action::Cancel, None, None))).as_deref(),
            Some("reason")
        );
        assert_eq!(
            field(check(req(Action::BuyerShips, Some("ems"), Some("why")))).as_deref(),
            Some("courier_company")
        );
        let cancel = check(req(
            Action::Cancel,
            None,
            Some("No partner takes parcels this large."),
        ));
        assert!(matches!(cancel, Ok(Checked::Cancel(_))));
        let ships = check(req(
            Action::BuyerShips,
            None,
            Some("Please ship it yourself."),
        ));
        assert!(matches!(ships, Ok(Checked::BuyerShips(_))));
    }
}
