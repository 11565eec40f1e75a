//! audit's HTTP API, one front per role: the merchant's review queue and approve/reject
//! (RV-1, RV-2), return check (RV-3), programme (MP-1/2) and standing (MP-3);
//! the buyer's complaints (K-6); customer service's interventions, rulings and complaints;
//! the operator's view of any merchant's standing.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Cs, Merchant};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_events::payloads::CaseOpened;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::decide::{self, CaseRef};
use crate::store;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{complaints, cs_desk, programme, return_check, standing};
    cfg.route("/buyer/complaints", web::post().to(complaints::file))
        .route("/buyer/complaints/{id}", web::get().to(complaints::view))
        .route("/merchant/cases", web::get().to(review_queue))
        .route(
            "/merchant/cases/{id}/decision",
            web::get().to(merchant_decision),
        )
        .route(
            "/merchant/cases/{id}/decision",
            web::post().to(merchant_decides),
        )
        .route(
            "/merchant/cases/{id}/return-check",
            web::post().to(return_check::check),
        )
        .route(
            "/merchant/return-addresses",
            web::put().to(crate::return_address::put),
        )
        .route(
            "/merchant/return-addresses",
            web::get().to(crate::return_address::get),
        )
        .route("/merchant/programme", web::post().to(programme::change))
        .route("/merchant/standing", web::get().to(standing::own))
        .route(
            "/cs/merchants/{id}/standing",
            web::get().to(standing::for_cs),
        )
        .route("/cs/cases/{id}/decision", web::get().to(cs_decision))
        .route("/cs/cases/{id}/ruling", web::post().to(cs_desk::rule))
        .route("/cs/interventions", web::get().to(cs_desk::queue))
        .route("/cs/complaints", web::get().to(complaints::queue))
        .route(
            "/cs/complaints/{id}/ruling",
            web::post().to(complaints::rule),
        )
        .route(
            "/operator/merchants/{id}/standing",
            web::get().to(standing::any),
        )
        .route(
            "/operator/orders/{id}",
            web::get().to(crate::order_copy::view),
        );
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the decision store")
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct QueuePage {
    /// Cases after this one (the `next` of the previous page).
    #[serde(default)]
    after: Option<uuid::Uuid>,
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /merchant/cases`: the shop's review queue (RV-1), oldest first.
#[utoipa::path(get, path = "/merchant/cases", tag = "merchant", params(QueuePage), responses((status = 200, description = "The shop's review queue (RV-1), oldest first", body = serde_json::Value)))]
async fn review_queue(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    q: web::Query<QueuePage>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let rows = store::awaiting_merchant(&mut conn, &merchant.id, q.after, limit)
        .await
        .map_err(db_error)?;
    let next = returns_web::next_cursor(&rows, limit, |r| r.case_id);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": rows, "next": next })))
}

#[utoipa::path(get, path = "/merchant/cases/{id}/decision", tag = "merchant", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's decision", body = serde_json::Value)))]
async fn merchant_decision(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_decision(ctx, path, |merchant_id| merchant_id == merchant.id).await
}

#[utoipa::path(get, path = "/cs/cases/{id}/decision", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's decision", body = serde_json::Value)))]
async fn cs_decision(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_decision(ctx, path, |_| true).await
}

/// A case's decision, if its merchant passes `owns`; another shop's answers like a missing one.
async fn read_decision(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&str) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(db_error)?
        .filter(|r| owns(&r.merchant_id))
        .ok_or_else(|| Problem::not_found("case"))?;
    Ok(HttpResponse::Ok().json(row))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Verdict {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MerchantDecision {
    decision: Verdict,
    #[serde(default)]
    reason: Option<String>,
}

enum Outcome {
    Done(&'static str),
    NotFound,
    NotWaiting(String),
}

#[utoipa::path(post, path = "/merchant/cases/{id}/decision", tag = "merchant", request_body = MerchantDecision, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The decision (RV-1, RV-2)", body = serde_json::Value)))]
async fn merchant_decides(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: MerchantDecision = parse_json(&body)?;
    let reason = req.reason.unwrap_or_default();
    if matches!(req.decision, Verdict::Reject) && reason.trim().is_empty() {
        return Err(Problem::invalid(
            "reason",
            "RV-2: a rejection needs a reason the buyer can read",
        ));
    }
    if reason.len() > 500 {
        return Err(Problem::invalid("reason", "at most 500 characters"));
    }
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let outcome = (*conn)
        .transaction::<Outcome, returns_bus::BusError, _>(async move |conn| {
            let Some(row) = store::find_for_update(conn, id)
                .await
                .map_err(returns_store::StoreError::from)?
            else {
                return Ok(Outcome::NotFound);
            };
            // Another merchant's case answers exactly like a missing one.
            if row.merchant_id != merchant.id {
                return Ok(Outcome::NotFound);
            }
            returns_runtime::tag_case(&root, &id, &row.city, &row.shard);
            if row.status != "awaiting_merchant" {
                return Ok(Outcome::NotWaiting(row.status));
            }
            let opened: CaseOpened = serde_json::from_value(row.opened.clone())?;
            let case = CaseRef {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let (status, rule, text, out) = match req.decision {
                Verdict::Approve => {
                    let text = "The merchant approved the request.".to_owned();
                    let out = decide::approved_event(
                        conn,
                        &case,
                        &opened,
                        RuleId::Rv1,
                        &text,
                        "merchant",
                        false,
                        now,
                    )
                    .await?;
                    ("approved", RuleId::Rv1, text, out)
                }
                Verdict::Reject => {
                    let out = decide::rejected_event(&case, &reason, now)?;
                    ("rejected", RuleId::Rv2, reason.clone(), out)
                }
            };
            store::record_later_decision(conn, id, status, rule.as_str(), &text, "merchant", now)
                .await
                .map_err(returns_store::StoreError::from)?;
            stage(conn, &cities, &[out]).await?;
            Ok(Outcome::Done(status))
        })
        .await
        .map_err(db_error)?;
    match outcome {
        Outcome::Done(status) => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok().json(serde_json::json!({ "case_id": id, "status": status })))
        }
        Outcome::NotFound => Err(Problem::not_found("case")),
        Outcome::NotWaiting(s) => Err(Problem::conflict(format!(
            "the case is {s}, not awaiting_merchant; only a waiting case can be decided by the merchant"
        ))),
    }
}
