//! RS-3: a merchant that ships after a refund before shipment was asked, but before the refund
//! completes (within `policy.unshipped_refund_cutoff_minutes`), turns the case into a return
//! and refund; RS-1's compensation no longer applies.

use crate::http::db_error;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Merchant};
use returns_bus::stage;
use returns_domain::refund_only::shipment_converts;
use returns_domain::{CaseKind, Remedy, RuleId};
use returns_events::payloads::{CaseConverted, CaseOpened};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::decide::{self, CaseRef};
use crate::store;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ShippedRequest {
    carrier: String,
    tracking_number: String,
}

enum Outcome {
    Converted,
    NotFound,
    Conflict(String),
}

/// `POST /merchant/cases/{id}/shipped`.
#[utoipa::path(post, path = "/merchant/cases/{id}/shipped", tag = "merchant", request_body = ShippedRequest, params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case continues as a return (RS-3)", body = serde_json::Value)))]
pub async fn shipped(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: ShippedRequest = parse_json(&body)?;
    let t = returns_web::tracking_number(&req.tracking_number)?;
    let carrier = returns_web::carrier(&req.carrier)?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
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
            let opened: CaseOpened = serde_json::from_value(row.opened.clone())?;
            if opened.facts.kind != CaseKind::RefundOnly || row.status != "approved" {
                return Ok(Outcome::Conflict(format!(
                    "RS-3 applies to an approved refund before shipment; this case is a {:?} that is {}",
                    opened.facts.kind, row.status
                )));
            }
            let rule = RuleId::parse(&row.rule_id).unwrap_or(RuleId::Rv1);
            if let Err(m) =
                shipment_converts(rule, opened.facts.requested_at, now, &app.settings.policy)
            {
                return Ok(Outcome::Conflict(m));
            }
            let reason = "The merchant shipped before the refund completed; the request continues as a return (RS-3).";
            store::record_later_decision(conn, id, "converted", RuleId::Rs3.as_str(), reason, "merchant", now)
                .await
                .map_err(returns_store::StoreError::from)?;
            let mut facts = opened.facts.clone();
            facts.kind = CaseKind::ReturnRefund;
            facts.remedy = Remedy::ReturnRefund;
            facts.merchant_shipped = true;
            let case = CaseRef {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let ev = decide::envelope(
                &case,
                now,
                &CaseConverted {
                    rule: RuleId::Rs3,
                    carrier: carrier.clone(),
                    tracking_number: t.clone(),
                    converted_at: now,
                    facts,
                },
            )?;
            stage(conn, &app.cities, &[ev]).await?;
            Ok(Outcome::Converted)
        })
        .await
        .map_err(db_error)?;
    match outcome {
        Outcome::Converted => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok().json(
                serde_json::json!({ "case_id": id, "kind": "return_refund", "rule": "RS-3" }),
            ))
        }
        Outcome::NotFound => Err(Problem::not_found("case")),
        Outcome::Conflict(m) => Err(Problem::conflict(m)),
    }
}
