//! RV-3: the merchant checks the returned goods. A failed check is its decision, with a reason
//! and evidence, announced so that payment holds the refund and the buyer may ask customer
//! service to intervene (AS-2), whose ruling is taken at the CS desk.

use crate::http::db_error;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Merchant};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::return_check::{self, ReturnConditions};
use returns_events::payloads::ReturnCheckFailed;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::decide::{self, CaseRef};
use crate::store;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    conditions: ReturnConditions,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    evidence: Vec<String>,
}

enum Outcome {
    Passed,
    Failed(Vec<&'static str>),
    NotFound,
    Conflict(String),
}

/// `POST /merchant/cases/{id}/return-check`.
#[utoipa::path(post, path = "/merchant/cases/{id}/return-check", tag = "merchant", request_body = CheckRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The return check (RV-3)", body = serde_json::Value)))]
pub async fn check(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: CheckRequest = parse_json(&body)?;
    let failed = return_check::failed(&req.conditions);
    if !failed.is_empty() {
        returns_web::readable_text(
            "reason",
            &req.reason,
            "RV-3: a failed check needs a reason the buyer can read",
        )?;
        if req.evidence.is_empty()
            || req.evidence.len() > 10
            || req.evidence.iter().any(|e| e.is_empty() || e.len() > 300)
        {
            return Err(Problem::invalid(
                "evidence",
                "RV-3: a failed check needs 1 to 10 evidence references",
            ));
        }
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
            if row.merchant_id != merchant.id {
                return Ok(Outcome::NotFound);
            }
            returns_runtime::tag_case(&root, &id, &row.city, &row.shard);
            if row.status != "approved" {
                return Ok(Outcome::Conflict(format!(
                    "the request is {}; only an approved return's goods are checked",
                    row.status
                )));
            }
            if failed.is_empty() {
                return Ok(Outcome::Passed);
            }
            store::record_later_decision(
                conn,
                id,
                "return_check_failed",
                RuleId::Rv3.as_str(),
                &req.reason,
                "merchant",
                now,
            )
            .await
            .map_err(returns_store::StoreError::from)?;
            let case = CaseRef {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let ev = decide::envelope(
                &case,
                now,
                &ReturnCheckFailed {
                    rule: RuleId::Rv3,
                    failed: failed.iter().map(|f| (*f).to_owned()).collect(),
                    reason: req.reason.clone(),
                    evidence: req.evidence.clone(),
                    checked_at: now,
                },
            )?;
            stage(conn, &cities, &[ev]).await?;
            Ok(Outcome::Failed(failed))
        })
        .await
        .map_err(db_error)?;
    match outcome {
        Outcome::Passed => {
            Ok(HttpResponse::Ok().json(serde_json::json!({ "case_id": id, "check": "passed" })))
        }
        Outcome::Failed(f) => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok()
                .json(serde_json::json!({ "case_id": id, "check": "failed", "failed": f, "rule": "RV-3" })))
        }
        Outcome::NotFound => Err(Problem::not_found("case")),
        Outcome::Conflict(m) => Err(Problem::conflict(m)),
    }
}
