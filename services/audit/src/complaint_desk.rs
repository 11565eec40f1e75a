//! K-6 at customer service's desk: the filed complaints, oldest first, and the one ruling
//! each gets (AS-4, AS-5); upholding costs the merchant violation points (MP-3).

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Cs};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::complaint::{self, ComplaintState};
use returns_events::payloads::ComplaintRuled;
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::complaints::{ComplaintView, outgoing};
use crate::schema::complaints;
use crate::standing::{self, Delta};

/// The complaint as ruled, and the points the merchant lost (AS-5).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Ruled {
    complaint_id: Uuid,
    state: ComplaintState,
    violation_points: i32,
}

/// The desk's filed complaints.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ComplaintQueue {
    complaints: Vec<ComplaintView>,
}

/// `GET /cs/complaints`: the filed ones, oldest first.
#[utoipa::path(get, path = "/cs/complaints", tag = "cs", params(crate::cs_desk::QueueQuery), responses((status = 200, description = "Filed complaints, oldest first", body = ComplaintQueue)))]
pub(crate) async fn queue(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    q: web::Query<crate::cs_desk::QueueQuery>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows: Vec<ComplaintView> = complaints::table
        .filter(complaints::state.eq(ComplaintState::Filed))
        .order(complaints::filed_at.asc())
        .limit(limit)
        .select(ComplaintView::as_select())
        .load(&mut conn)
        .await?;
    Ok(HttpResponse::Ok().json(ComplaintQueue { complaints: rows }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ComplaintRuling {
    uphold: bool,
    /// What the buyer and the merchant read.
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    reason: String,
}

/// `POST /cs/complaints/{id}/ruling`.
#[utoipa::path(post, path = "/cs/complaints/{id}/ruling", tag = "cs", request_body = ComplaintRuling, params(("id" = uuid::Uuid, Path, description = "The complaint's id")), responses((status = 200, description = "The ruling (AS-4, AS-5)", body = Ruled)))]
pub(crate) async fn rule(
    agent: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "complaint")?;
    let req: ComplaintRuling = parse_json(&body)?;
    returns_web::readable_text(
        "reason",
        &req.reason,
        "a ruling needs a reason both sides can read",
    )?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let ruled = ctx
        .write(async move |conn| record(conn, &app, id, &req, &agent.id, now).await)
        .await?;
    Ok(HttpResponse::Ok().json(ruled))
}

/// The ruling, once (AS-4, AS-5): the complaint's new state, the merchant's points and the
/// event that tells both sides.
async fn record(
    conn: &mut diesel_async::AsyncPgConnection,
    app: &AppContext,
    id: Uuid,
    req: &ComplaintRuling,
    agent: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Ruled, Problem> {
    let row: Option<(ComplaintState, String, String, String, Option<Uuid>)> = complaints::table
        .find(id)
        .select((
            complaints::state,
            complaints::merchant_id,
            complaints::city,
            complaints::shard,
            complaints::case_id,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let (from, merchant, city, shard, case_id) =
        row.ok_or_else(|| Problem::not_found("complaint"))?;
    let to = if req.uphold {
        ComplaintState::Upheld
    } else {
        ComplaintState::Dismissed
    };
    complaint::step(from, to).map_err(Problem::conflict)?;
    let points = if req.uphold {
        app.settings.policy.complaint_violation_points
    } else {
        0
    };
    diesel::update(complaints::table.find(id))
        .set((
            complaints::state.eq(to),
            complaints::ruling_reason.eq(&req.reason),
            complaints::ruled_by.eq(agent),
            complaints::ruled_at.eq(now),
            complaints::violation_points.eq(points),
        ))
        .execute(conn)
        .await?;
    if points > 0 {
        // AS-5: the merchant loses violation points (MP-3 shows them).
        standing::add(
            conn,
            &merchant,
            standing::RULINGS_SLOT,
            &Delta {
                violation_points: points,
                ..Delta::default()
            },
        )
        .await?;
    }
    let ev = outgoing(
        case_id.unwrap_or(id),
        &city,
        &shard,
        now,
        &ComplaintRuled {
            complaint_id: id,
            rule: RuleId::As5,
            merchant_id: merchant,
            upheld: req.uphold,
            violation_points: points,
            reason: req.reason.clone(),
            ruled_at: now,
        },
    )?;
    stage(conn, &app.cities, &[ev]).await?;
    Ok(Ruled {
        complaint_id: id,
        state: to,
        violation_points: points,
    })
}
