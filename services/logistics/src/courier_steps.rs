//! What a courier company reports of a job: accept (PK-2), call and arrival (PK-3), pickup with
//! the tracking number (PK-4) and delivery to the merchant. Repeating a step answers as the first
//! time did; anything else out of order is a 409.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncPgConnection;
use returns_auth::{As, Courier};
use returns_bus::Emitter;
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::lifecycle::PickupJobState;
use returns_events::payloads::{PickupAccepted, PickupCollected, PickupDelivered};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use tracing::Instrument;
use uuid::Uuid;

use crate::store;

/// PK-2, PK-6: a company takes a job by naming the rider, by real name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AcceptRequest {
    rider: store::Rider,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PickupRequest {
    #[schema(pattern = "^\\s*[A-Za-z0-9]{6,40}\\s*$")]
    tracking_number: String,
}

#[utoipa::path(post, path = "/courier/jobs/{id}/accept", tag = "courier", request_body = AcceptRequest, params(("id" = uuid::Uuid, Path, description = "The job's id")), responses((status = 200, description = "The job, accepted (PK-2, PK-6)", body = JobStep)))]
pub(crate) async fn accept(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    let req: AcceptRequest = parse_json(&body)?;
    let r = &req.rider;
    returns_web::check_id("rider.id", &r.id)?;
    if returns_domain::text::trimmed(&r.real_name).chars().count() < 2
        || r.real_name.chars().count() > 100
    {
        return Err(Problem::invalid(
            "rider.real_name",
            "PK-6: riders are identified by their real name (2-100 characters)",
        ));
    }
    courier_step(ctx, root, id, company.id, Action::Accept(req.rider)).await
}

/// PK-3: the rider called the buyer. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/call", tag = "courier", params(("id" = uuid::Uuid, Path, description = "The job's id")), responses((status = 200, description = "The call, recorded (PK-3)", body = JobStep)))]
pub(crate) async fn call(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Call).await
}

/// PK-3: the rider is at the door. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/arrive", tag = "courier", params(("id" = uuid::Uuid, Path, description = "The job's id")), responses((status = 200, description = "The arrival, recorded (PK-3)", body = JobStep)))]
pub(crate) async fn arrive(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Arrive).await
}

#[utoipa::path(post, path = "/courier/jobs/{id}/pickup", tag = "courier", request_body = PickupRequest, params(("id" = uuid::Uuid, Path, description = "The job's id")), responses((status = 200, description = "The parcel, collected (PK-4)", body = JobStep)))]
pub(crate) async fn pickup(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    let req: PickupRequest = parse_json(&body)?;
    let t = returns_web::tracking_number(&req.tracking_number)?;
    courier_step(ctx, root, id, company.id, Action::Pickup(t)).await
}

/// The collected parcel reached the merchant. No body.
#[utoipa::path(post, path = "/courier/jobs/{id}/deliver", tag = "courier",
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    responses((status = 200, description = "The delivery to the merchant, recorded", body = JobStep)))]
pub(crate) async fn deliver(
    company: As<Courier>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "job")?;
    courier_step(ctx, root, id, company.id, Action::Deliver).await
}

/// The job after the step: a pickup names its tracking number, a delivery says so.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct JobStep {
    job_id: Uuid,
    status: PickupJobState,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivered: Option<bool>,
}

impl JobStep {
    fn of(job_id: Uuid, status: PickupJobState) -> Self {
        Self {
            job_id,
            status,
            tracking_number: None,
            delivered: None,
        }
    }

    fn collected(job_id: Uuid, tracking_number: &str) -> Self {
        Self {
            tracking_number: Some(tracking_number.to_owned()),
            ..Self::of(job_id, PickupJobState::Collected)
        }
    }

    fn delivered(job_id: Uuid) -> Self {
        Self {
            delivered: Some(true),
            ..Self::of(job_id, PickupJobState::Collected)
        }
    }
}

/// What the courier company reports.
pub(crate) enum Action {
    /// PK-2: it takes the job; PK-6: with its rider, by real name.
    Accept(store::Rider),
    /// PK-3: the rider called the buyer to confirm size and address.
    Call,
    /// PK-3: its rider is at the door.
    Arrive,
    /// PK-4: the parcel is collected, with its tracking number.
    Pickup(String),
    /// The collected parcel reached the merchant.
    Deliver,
}

impl Action {
    fn name(&self) -> &'static str {
        match self {
            Action::Accept(_) => "accept",
            Action::Call => "call",
            Action::Arrive => "arrive",
            Action::Pickup(_) => "pickup",
            Action::Deliver => "deliver",
        }
    }
}

/// One courier report. Repeating a step that already happened with the same data answers as
/// the first time did; anything else out of order is a 409.
pub(crate) async fn courier_step(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    id: Uuid,
    company: String,
    action: Action,
) -> Result<HttpResponse, Problem> {
    let app = ctx.get_ref().clone();
    let body = ctx
        .write(async move |conn| {
            let job = store::companys_job_for_update(conn, id, &company)
                .await?
                .ok_or_else(|| Problem::not_found("job"))?;
            returns_runtime::tag_case(&root, &job.case_id, &job.city, &job.shard);
            let span = tracing::info_span!(
                "logistics.courier_report",
                case_id = %job.case_id, city = %job.city, shard = %job.shard, step = action.name(),
            );
            // The courier's call continues the case's trace.
            returns_telemetry::continue_trace(&span, job.traceparent.as_deref());
            let report = Report {
                app: &app,
                job: &job,
                company: &company,
                now: app.clock.now(),
            };
            report.apply(conn, &action).instrument(span).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// A report about one locked job, by its company, at one moment.
struct Report<'a> {
    app: &'a AppContext,
    job: &'a store::JobRow,
    company: &'a str,
    now: chrono::DateTime<chrono::Utc>,
}

impl Report<'_> {
    /// The one `match` of a job's steps: what the action does in the job's state.
    async fn apply(
        &self,
        conn: &mut AsyncPgConnection,
        action: &Action,
    ) -> Result<JobStep, Problem> {
        use PickupJobState::{Accepted, Collected, Dispatched};
        let (id, job, now) = (self.job.job_id, self.job, self.now);
        match (action, job.status) {
            (Action::Accept(rider), Dispatched) => {
                self.accepted(conn, rider).await?;
                Ok(JobStep::of(id, Accepted))
            }
            (Action::Accept(_), Accepted | Collected) => Ok(JobStep::of(id, job.status)),
            (Action::Call, Accepted) => {
                store::mark_called(conn, id, now).await?;
                Ok(JobStep::of(id, Accepted))
            }
            (Action::Call, Collected) => Ok(JobStep::of(id, Collected)),
            (Action::Arrive, Accepted) => {
                store::mark_arrived(conn, id, now).await?;
                crate::arrival::end_wait(conn, job.case_id).await?;
                Ok(JobStep::of(id, Accepted))
            }
            (Action::Pickup(t), Dispatched | Accepted) => {
                self.collected(conn, t).await?;
                Ok(JobStep::collected(id, t))
            }
            (Action::Pickup(t), Collected)
                if job.tracking_number.as_deref() == Some(t.as_str()) =>
            {
                Ok(JobStep::collected(id, t))
            }
            (Action::Deliver, Collected) => {
                self.delivered(conn).await?;
                Ok(JobStep::delivered(id))
            }
            (_, status) => Err(Problem::conflict(format!(
                "the job is {status}; {} is not possible now",
                match action {
                    Action::Pickup(_) => "pickup with this tracking number",
                    other => other.name(),
                }
            ))),
        }
    }

    /// PK-2: the company took the job with its rider; PK-3's wait for the door starts.
    async fn accepted(
        &self,
        conn: &mut AsyncPgConnection,
        rider: &store::Rider,
    ) -> Result<(), Problem> {
        let (job, now) = (self.job, self.now);
        store::mark_accepted(conn, job.job_id, now, rider).await?;
        crate::accept::end_wait(conn, job.case_id, self.company).await?;
        crate::arrival::start_wait(conn, &job.about(), job.arrive_by, now).await?;
        let accepted = PickupAccepted {
            job_id: job.job_id,
            courier_company: self.company.to_owned(),
            accepted_at: now,
            rider_name: rider.real_name.clone(),
        };
        self.emit(conn, &accepted).await
    }

    /// PK-4: the parcel is collected with its tracking number; every wait of the job ends.
    async fn collected(&self, conn: &mut AsyncPgConnection, tracking: &str) -> Result<(), Problem> {
        let (job, now) = (self.job, self.now);
        store::mark_arrived(conn, job.job_id, now).await?;
        store::mark_collected(conn, job.job_id, now, tracking).await?;
        crate::accept::end_wait(conn, job.case_id, self.company).await?;
        crate::arrival::end_wait(conn, job.case_id).await?;
        let collected = PickupCollected {
            job_id: job.job_id,
            rule: RuleId::Pk4,
            tracking_number: tracking.to_owned(),
            collected_at: now,
            refund_v1: None,
            courier_company: self.company.to_owned(),
            fee: Some(job.fee()),
        };
        self.emit(conn, &collected).await?;
        tracing::info!("parcel collected; tracking number uploaded");
        Ok(())
    }

    /// The parcel reached the merchant (told once, however often it is reported).
    async fn delivered(&self, conn: &mut AsyncPgConnection) -> Result<(), Problem> {
        let job = self.job;
        if !store::mark_delivered(conn, job.job_id, self.now).await? {
            return Ok(());
        }
        let delivered = PickupDelivered {
            job_id: job.job_id,
            courier_company: self.company.to_owned(),
            tracking_number: job.tracking_number.clone().unwrap_or_default(),
            delivered_at: self.now,
        };
        self.emit(conn, &delivered).await
    }

    async fn emit<E: returns_events::Event>(
        &self,
        conn: &mut AsyncPgConnection,
        event: &E,
    ) -> Result<(), Problem> {
        let ev = Emitter::new(crate::SERVICE, self.now).emit(self.job.about(), event)?;
        stage(conn, &self.app.cities, &[ev]).await?;
        Ok(())
    }
}
