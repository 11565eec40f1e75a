//! audit's HTTP API: a case's decision, and the merchant's approve/reject (RV-1, RV-2).

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_bus::stage;
use returns_domain::RuleId;
use returns_events::payloads::CaseOpened;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::decide::{self, CaseRef};
use crate::store;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/decision", web::get().to(get_decision))
        .route(
            "/merchant/cases/{id}/decision",
            web::post().to(merchant_decides),
        )
        .route(
            "/merchants/{id}/programme",
            web::post().to(crate::programme::change),
        )
        .route(
            "/merchants/{id}/standing",
            web::get().to(crate::standing::view),
        )
        .route(
            "/merchant/cases/{id}/shipped",
            web::post().to(crate::shipment::shipped),
        )
        .route(
            "/merchant/cases/{id}/return-check",
            web::post().to(crate::return_check::check),
        )
        .route("/complaints", web::post().to(crate::complaints::file))
        .route("/complaints/{id}", web::get().to(crate::complaints::view))
        .route("/cs/complaints", web::get().to(crate::complaints::queue))
        .route(
            "/cs/complaints/{id}/ruling",
            web::post().to(crate::complaints::rule),
        )
        .route("/cs/interventions", web::get().to(crate::cs_desk::queue))
        .route(
            "/cs/cases/{id}/ruling",
            web::post().to(crate::cs_desk::rule),
        );
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the decision store")
}

async fn get_decision(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let row = store::find(&mut conn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(|| Problem::not_found("decision"))?;
    Ok(HttpResponse::Ok().json(row))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Verdict {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MerchantDecision {
    merchant_id: String,
    decision: Verdict,
    #[serde(default)]
    reason: Option<String>,
}

enum Outcome {
    Done(&'static str),
    NotFound,
    NotWaiting(String),
}

async fn merchant_decides(
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
            if row.merchant_id != req.merchant_id {
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
                        &case,
                        &opened,
                        RuleId::Rv1,
                        &text,
                        "merchant",
                        false,
                        now,
                    )?;
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
