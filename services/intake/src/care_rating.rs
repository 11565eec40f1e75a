//! CARE-7: the buyer rates a care service once it was performed and the goods came back.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Buyer};
use returns_domain::care::CareOutcome;
use returns_domain::{CaseKind, CaseStatus, Rating};
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::cases;
use crate::store;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RatingRequest {
    stars: Rating,
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: String,
}

/// The buyer's rating of the service, as kept (CARE-7).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct RatingKept {
    case_id: uuid::Uuid,
    stars: Rating,
}

/// `POST /buyer/care-orders/{id}/rating`: CARE-7, once the serviced goods were sent back.
#[utoipa::path(post, path = "/buyer/care-orders/{id}/rating", tag = "buyer", request_body = RatingRequest, params(("id" = uuid::Uuid, Path, description = "The care order's case id")), responses((status = 200, description = "The rating, kept", body = RatingKept)))]
pub(crate) async fn rate(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: RatingRequest = parse_json(&body)?;
    if req.comment.chars().count() > 1000 {
        return Err(Problem::invalid("comment", "at most 1000 characters"));
    }
    let buyer_id = buyer.id;
    let (stars, comment) = (req.stars.stars(), req.comment);
    ctx.write(async move |conn| {
        let case = store::case_by_id(conn, id)
            .await?
            .filter(|c| c.buyer_id == buyer_id && c.kind == CaseKind::Care)
            .ok_or_else(|| Problem::not_found("care order"))?;
        if case.care_outcome != Some(CareOutcome::Serviced) || case.status != CaseStatus::Closed {
            return Err(Problem::conflict(
                "CARE-7: a service is rated once it was performed and the goods were sent back",
            ));
        }
        let n = diesel::update(cases::table.find(id).filter(cases::rating_stars.is_null()))
            .set((
                cases::rating_stars.eq(stars),
                cases::rating_comment.eq(&comment),
            ))
            .execute(conn)
            .await?;
        if n == 0 {
            return Err(Problem::conflict("the service was already rated"));
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(RatingKept {
        case_id: id,
        stars: req.stars,
    }))
}
