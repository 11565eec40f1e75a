//! AS-2: customer service's desk. Interventions asked by the buyer or the merchant (from
//! intake, over the cases topic) wait here; an agent's ruling approves the request or finally
//! rejects it, with a reason the buyer reads, and is announced like any other decision.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Cs};
use returns_bus::{HandleError, Outgoing, stage};
use returns_domain::RuleId;
use returns_domain::lifecycle::{self, CsRuling, DecisionState, InterventionState};
use returns_events::Envelope;
use returns_events::payloads::{CaseOpened, InterventionRequested, ReturnCheckOverruled};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use returns_bus::About;

use crate::decide;
use crate::schema::interventions;
use crate::store;

/// A request for customer service to step in (AS-2), and its ruling once made.
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = interventions)]
#[diesel(treat_none_as_default_value = false)]
pub struct InterventionRow {
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub requested_by: String,
    pub note: String,
    pub requested_at: DateTime<Utc>,
    pub status: InterventionState,
    pub ruling: Option<String>,
    pub ruling_reason: Option<String>,
    pub ruled_by: Option<String>,
    pub ruled_at: Option<DateTime<Utc>>,
}

/// An intervention request arrives: it joins the desk's queue (once, whatever is redelivered).
pub(crate) async fn enqueue(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    req: &InterventionRequested,
) -> Result<Vec<Outgoing>, HandleError> {
    if store::find(conn, env.case_id).await?.is_none() {
        return Err(HandleError::reject(format!(
            "intervention for case {} that audit never decided",
            env.case_id
        )));
    }
    diesel::insert_into(interventions::table)
        .values(&InterventionRow {
            case_id: env.case_id,
            city: env.city.clone(),
            shard: env.shard.clone(),
            requested_by: req.requested_by.clone(),
            note: req.note.clone(),
            requested_at: req.requested_at,
            status: InterventionState::Open,
            ruling: None,
            ruling_reason: None,
            ruled_by: None,
            ruled_at: None,
        })
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    tracing::info!(case_id = %env.case_id, rule = RuleId::As2.as_str(), "intervention queued for customer service");
    Ok(Vec::new())
}

/// A work queue's page: its oldest `limit` items (they leave the queue once ruled).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueueQuery {
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The desk's open interventions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct InterventionQueue {
    interventions: Vec<InterventionRow>,
}

/// `GET /cs/interventions`: the open ones, oldest first.
#[utoipa::path(get, path = "/cs/interventions", tag = "cs", params(QueueQuery), responses((status = 200, description = "Open interventions, oldest first", body = InterventionQueue)))]
pub(crate) async fn queue(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows: Vec<InterventionRow> = interventions::table
        .filter(interventions::status.eq(InterventionState::Open))
        .order(interventions::requested_at.asc())
        .limit(limit)
        .select(InterventionRow::as_select())
        .load(&mut conn)
        .await?;
    Ok(HttpResponse::Ok().json(InterventionQueue {
        interventions: rows,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Ruling {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RulingRequest {
    ruling: Ruling,
    /// What the buyer reads (AS-2).
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    reason: String,
}

/// The ruling, as made: what the case's decision became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct RulingAnswer {
    case_id: Uuid,
    ruling: DecisionState,
}

/// `POST /cs/cases/{id}/ruling`: the agent's ruling on an open intervention.
#[utoipa::path(post, path = "/cs/cases/{id}/ruling", tag = "cs", request_body = RulingRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The ruling (AS-2, RV-3)", body = RulingAnswer)))]
pub(crate) async fn rule(
    agent: As<Cs>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: RulingRequest = parse_json(&body)?;
    returns_web::readable_text(
        "reason",
        &req.reason,
        "AS-2: a ruling needs a reason the buyer can read",
    )?;
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let done = ctx
        .write(async move |conn| {
            let iv = interventions::table
                .find(id)
                .select(InterventionRow::as_select())
                .for_update()
                .first(conn)
                .await
                .optional()?
                .ok_or_else(|| Problem::not_found("intervention"))?;
            let row = store::find_for_update(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("intervention"))?;
            returns_runtime::tag_case(&root, &id, &row.city, &row.shard);
            if iv.status != InterventionState::Open {
                let ruled = iv.ruling.unwrap_or_default();
                return Err(Problem::conflict(format!(
                    "customer service already ruled ({ruled}) on this case"
                )));
            }
            let case = About {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let approve = matches!(req.ruling, Ruling::Approve);
            let ruled = lifecycle::cs_ruling(row.status, approve).map_err(|e| {
                Problem::conflict(format!(
                    "the request is {}; an approval already under way cannot be rejected",
                    e.from
                ))
            })?;
            let event = ruling_event(conn, &case, &row, ruled, &req.reason, now).await?;
            let ruling = ruled.to();
            if event.is_some() {
                store::record_later_decision(
                    conn,
                    id,
                    ruling,
                    RuleId::As2.as_str(),
                    &req.reason,
                    "customer_service",
                    now,
                )
                .await?;
            }
            close(conn, id, ruling, &req.reason, &agent.id, now).await?;
            if let Some(ev) = event {
                stage(conn, &cities, &[ev]).await?;
            }
            Ok(ruling)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RulingAnswer {
        case_id: id,
        ruling: done,
    }))
}

/// AS-2: the event a ruling publishes; none when an approval already under way stands.
async fn ruling_event(
    conn: &mut AsyncPgConnection,
    case: &About<'_>,
    row: &store::DecisionRow,
    ruled: CsRuling,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Outgoing>, Problem> {
    Ok(match ruled {
        // RV-3 escalated: the check is overruled and the refund goes on ...
        CsRuling::OverruleCheck => Some(returns_bus::Emitter::new(crate::SERVICE, now).emit(
            *case,
            &ReturnCheckOverruled {
                rule: RuleId::As2,
                reason: reason.to_owned(),
                ruled_at: now,
            },
        )?),
        // ... or upheld, which finally rejects the request, as a rejection does.
        CsRuling::UpholdCheck | CsRuling::Reject => Some(decide::rejected_event_under(
            case,
            RuleId::As2,
            reason,
            now,
        )?),
        CsRuling::Approve => {
            let opened: CaseOpened = serde_json::from_value(row.opened.clone())?;
            let by = "customer_service";
            Some(
                decide::approved_event(conn, case, &opened, RuleId::As2, reason, by, false, now)
                    .await?,
            )
        }
        // The approval stands; the ruling is recorded for the buyer and the merchant.
        CsRuling::ApprovalStands => None,
    })
}

/// AS-2: the intervention is ruled, once.
async fn close(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    ruling: DecisionState,
    reason: &str,
    agent: &str,
    now: DateTime<Utc>,
) -> Result<(), Problem> {
    diesel::update(interventions::table.find(id))
        .set((
            interventions::status.eq(InterventionState::Ruled),
            interventions::ruling.eq(ruling.as_str()),
            interventions::ruling_reason.eq(reason),
            interventions::ruled_by.eq(agent),
            interventions::ruled_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
