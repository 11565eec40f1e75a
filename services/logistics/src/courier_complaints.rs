//! PK-6: a buyer's complaint about the rider who handled the case's pickup, counted per rider
//! and per area (city) in the service figures.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Buyer};
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};

use crate::schema::courier_complaints;
use crate::store;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ComplaintRequest {
    #[schema(min_length = 1, max_length = 1000, pattern = "\\S")]
    text: String,
}

/// The complaint, filed against the rider who took the job.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct RiderComplaint {
    case_id: uuid::Uuid,
    courier_company: String,
    rider_id: String,
    rider_name: Option<String>,
}

/// `POST /buyer/cases/{id}/courier-complaint`: once per case, about the rider who took the job.
#[utoipa::path(post, path = "/buyer/cases/{id}/courier-complaint", tag = "buyer", request_body = ComplaintRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 201, description = "The complaint about the rider (PK-6)", body = RiderComplaint)))]
pub(crate) async fn file(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: ComplaintRequest = parse_json(&body)?;
    if returns_domain::text::is_blank(&req.text) || req.text.chars().count() > 1000 {
        return Err(Problem::invalid("text", "must be 1-1000 characters"));
    }
    let now = ctx.clock.now();
    let buyer_id = buyer.id;
    let filed = ctx
        .write(async move |conn| {
            let job = store::by_case(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("pickup"))?;
            // Someone else's case answers exactly like a missing one.
            if job.order()?.buyer_id != buyer_id {
                return Err(Problem::not_found("pickup"));
            }
            let Some(rider) = job.rider_id.clone() else {
                return Err(Problem::conflict(
                    "no rider has taken this pickup yet; there is no one to complain about",
                ));
            };
            let n = diesel::insert_into(courier_complaints::table)
                .values((
                    courier_complaints::case_id.eq(id),
                    courier_complaints::job_id.eq(job.job_id),
                    courier_complaints::courier_company.eq(&job.courier_company),
                    courier_complaints::rider_id.eq(&rider),
                    courier_complaints::city.eq(&job.city),
                    courier_complaints::text.eq(&req.text),
                    courier_complaints::filed_at.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
            if n == 0 {
                return Err(Problem::conflict(
                    "a complaint about this pickup was already filed",
                ));
            }
            Ok(RiderComplaint {
                case_id: id,
                courier_company: job.courier_company,
                rider_id: rider,
                rider_name: job.rider_name,
            })
        })
        .await?;
    tracing::info!(case_id = %id, rider = %filed.rider_id, "complaint about a rider (PK-6)");
    Ok(HttpResponse::Created().json(filed))
}
