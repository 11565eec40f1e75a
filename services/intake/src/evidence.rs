//! The buyer attaches more evidence references (photos, documents) to an open case, for the
//! merchant's review or customer service: `POST /buyer/cases/{id}/evidence`. The merchant reads
//! them on `GET /merchant/cases/{id}`; the timeline says how many were added.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Buyer};
use returns_domain::CaseStatus;
use returns_domain::guarantee::Evidence;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::cases;
use crate::store::{self, NewTimelineRow};

/// A case holds at most this many evidence references in all.
const MOST: usize = 20;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddEvidence {
    /// 1 to 10 references, each a kind (1-60 characters) and a ref (1-300 characters).
    #[schema(min_items = 1, max_items = 10)]
    evidence: Vec<Evidence>,
}

/// All the case's evidence, the new references last.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct CaseEvidence {
    case_id: uuid::Uuid,
    evidence: Vec<Evidence>,
}

#[utoipa::path(post, path = "/buyer/cases/{id}/evidence", tag = "buyer", request_body = AddEvidence,
    params(("id" = uuid::Uuid, Path, description = "The case's id")),
    responses((status = 200, description = "The case's evidence, with the new references", body = CaseEvidence)))]
pub(crate) async fn add(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: AddEvidence = parse_json(&body)?;
    if req.evidence.is_empty()
        || req.evidence.len() > 10
        || !req.evidence.iter().all(Evidence::is_readable)
    {
        return Err(Problem::invalid(
            "evidence",
            "1 to 10 items, each a kind (1-60 characters) and a ref (1-300 characters)",
        ));
    }
    let now = ctx.clock.now();
    let evidence = ctx
        .write(async move |conn| {
            let owns = |c: &store::CaseRow| c.buyer_id == buyer.id;
            let case = store::own_case_for_update(conn, id, owns)
                .await?
                .ok_or_else(|| Problem::not_found("case"))?;
            returns_runtime::tag_case(&root, &id, &case.city, &case.shard);
            if case.status == CaseStatus::Closed {
                return Err(Problem::conflict(format!(
                    "the case is {}; evidence is added to an open case",
                    case.status
                )));
            }
            let mut all: Vec<Evidence> =
                serde_json::from_value(case.evidence.clone()).unwrap_or_default();
            if all.len() + req.evidence.len() > MOST {
                let left = MOST.saturating_sub(all.len());
                return Err(Problem::invalid(
                    "evidence",
                    format!("a case holds at most {MOST} references; {left} more can be added"),
                ));
            }
            all.extend(req.evidence.iter().cloned());
            let value = serde_json::to_value(&all).unwrap_or_default();
            diesel::update(cases::table.find(id))
                .set((cases::evidence.eq(&value), cases::updated_at.eq(now)))
                .execute(conn)
                .await?;
            store::add_timeline(
                conn,
                &NewTimelineRow {
                    case_id: id,
                    event_id: uuid::Uuid::now_v7(),
                    event_type: "case.evidence_added".to_owned(),
                    status: None,
                    rule_id: None,
                    reason: format!(
                        "You added {} evidence reference(s); the merchant and customer service see them.",
                        req.evidence.len()
                    ),
                    at: now,
                },
            )
            .await?;
            Ok(all)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CaseEvidence {
        case_id: id,
        evidence,
    }))
}
