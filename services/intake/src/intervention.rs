//! AS-2: 72 hours after an after-sales request, if buyer and merchant have not settled it,
//! either may ask customer service to intervene. The opening is a durable timer in intake's
//! database (it tells the buyer once); the request goes to audit's CS desk over the cases topic.

use crate::announce::announce;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_auth::{As, Buyer, Merchant};
use returns_bus::{HandleError, Outgoing};
use returns_domain::machine;
use returns_domain::{CaseKind, CaseStatus, RuleId, after_sales};
use returns_events::Event;
use returns_events::payloads::{InterventionRequested, ReturnCheckFailed};
use returns_runtime::{AppContext, RootSpan};
use returns_store::timers::Timer;
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::{self, CaseRow, NewTimelineRow};
use crate::timeline::Entry;
use returns_domain::machine::Reach;

/// The `timers.kind` of AS-2's opening.
pub(crate) const KIND: &str = "as2_intervention_opens";

/// Starts AS-2's wait for a new after-sales case, in the caller's transaction.
pub(crate) async fn start_wait(
    conn: &mut AsyncPgConnection,
    case: &CaseRow,
    ctx: &AppContext,
) -> Result<(), returns_store::StoreError> {
    let timer = returns_bus::deadline(
        KIND,
        returns_bus::About {
            case_id: case.id,
            city: &case.city,
            shard: &case.shard,
        },
        after_sales::intervention_opens_at(case.requested_at, &ctx.settings.policy),
        case.requested_at,
    );
    returns_store::timers::schedule(conn, &timer).await
}

/// AS-2's wait ran out: the buyer and the merchant may now ask customer service.
pub(crate) async fn opens(
    ctx: &AppContext,
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(case) = store::case_for_update(conn, timer.case_id).await? else {
        return Err(HandleError::reject(format!(
            "case {} is unknown to intake",
            timer.case_id
        )));
    };
    if case.status == CaseStatus::Closed || case.intervention_requested_at.is_some() {
        // Settled, or someone already asked.
        return Ok(Vec::new());
    }
    store::add_timeline(
        conn,
        &NewTimelineRow {
            case_id: case.id,
            event_id: Uuid::now_v7(),
            event_type: "intervention.open".to_owned(),
            status: None,
            rule_id: Some(RuleId::As2.as_str().to_owned()),
            reason: format!(
                "{} hours have passed without a settlement: you or the merchant may now ask customer service to intervene.",
                ctx.settings.policy.intervention_after_hours
            ),
            at: timer.due_at,
        },
    )
    .await?;
    tracing::info!(case_id = %case.id, rule = RuleId::As2.as_str(), at = %now, "intervention opened");
    Ok(Vec::new())
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Asked {
    Requested,
}

/// Customer service is asked: 202 when this request asked, 200 naming who asked before.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct InterventionAsked {
    case_id: Uuid,
    intervention: Asked,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested_by: Option<String>,
}

enum Party {
    Buyer,
    Merchant,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct InterventionRequest {
    #[serde(default)]
    note: String,
}

/// `POST /buyer/cases/{id}/intervention`: the buyer asks customer service (AS-2).
#[utoipa::path(post, path = "/buyer/cases/{id}/intervention", tag = "buyer", request_body = InterventionRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "Customer service was already asked (AS-2); `requested_by` says who", body = InterventionAsked), (status = 202, description = "Customer service is asked (AS-2)", body = InterventionAsked)))]
pub(crate) async fn by_buyer(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    request(ctx, root, path, body, Party::Buyer, buyer.id).await
}

/// `POST /merchant/cases/{id}/intervention`: the merchant asks customer service (AS-2).
#[utoipa::path(post, path = "/merchant/cases/{id}/intervention", tag = "merchant", request_body = InterventionRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "Customer service was already asked (AS-2); `requested_by` says who", body = InterventionAsked), (status = 202, description = "Customer service is asked (AS-2)", body = InterventionAsked)))]
pub(crate) async fn by_merchant(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    request(ctx, root, path, body, Party::Merchant, merchant.id).await
}

async fn request(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
    party: Party,
    party_id: String,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: InterventionRequest = parse_json(&body)?;
    if req.note.len() > 1000 {
        return Err(Problem::invalid("note", "at most 1000 characters"));
    }
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let asked_before = ctx
        .write(async move |conn| {
            let by = match party {
                Party::Buyer => "buyer",
                Party::Merchant => "merchant",
            };
            let owns = |c: &CaseRow| match party {
                Party::Buyer => c.buyer_id == party_id,
                Party::Merchant => c.merchant_id == party_id,
            };
            let case = store::own_case_for_update(conn, id, owns)
                .await?
                .ok_or_else(|| Problem::not_found("case"))?;
            returns_runtime::tag_case(&root, &id, &case.city, &case.shard);
            if let Some(who) = case.intervention_requested_by {
                return Ok(Some(who));
            }
            // RV-3: a failed return check may be escalated at once, whatever the kind.
            let check_failed = store::has_event(conn, id, ReturnCheckFailed::TYPE)
                .await?;
            if case.kind != CaseKind::AfterSales && !check_failed {
                return Err(Problem::conflict(
                    "AS-2: customer service intervenes in after-sales (K-4) cases and failed return checks (RV-3)",
                ));
            }
            if case.status == CaseStatus::Closed {
                return Err(Problem::conflict("the case is closed"));
            }
            let opens = after_sales::intervention_opens_at(case.requested_at, &app.settings.policy);
            if now < opens && !check_failed {
                return Err(Problem::conflict(format!(
                    "AS-2: customer service can be asked from {} ({} hours after the request)",
                    opens.to_rfc3339(),
                    app.settings.policy.intervention_after_hours
                )));
            }
            store::record_intervention(conn, id, by, now)
                .await?;
            // K-4: the case moves on its own kind's machine (a return under RV-3 stays put).
            let kind = case.kind;
            let from = case.status;
            let moved = machine::intervention_moves(kind, from);
            if let Some(t) = moved {
                let rank = machine::rank(kind, t).unwrap_or_default();
                store::set_status(conn, id, t, rank, now)
                    .await?;
            }
            let asked = InterventionRequested {
                rule: RuleId::As2,
                requested_by: by.to_owned(),
                note: req.note.clone(),
                requested_at: now,
            };
            let line = Entry {
                status: moved,
                reach: Reach::Step,
                rule: Some(RuleId::As2.as_str().to_owned()),
                reason: format!("The {by} asked customer service to intervene."),
            };
            announce(conn, &app, &case, now, &asked, line).await?;
            Ok(None)
        })
        .await?;
    let answer = InterventionAsked {
        case_id: id,
        intervention: Asked::Requested,
        requested_by: asked_before,
    };
    Ok(match answer.requested_by {
        None => HttpResponse::Accepted().json(answer),
        Some(_) => HttpResponse::Ok().json(answer),
    })
}
