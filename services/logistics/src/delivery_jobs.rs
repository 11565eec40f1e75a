//! K-7, WF-3: an approved delivery-and-installation case is booked on the buyer's preferred
//! day in the city's service hours; the merchant's delivery team reports delivery into the home
//! and, when asked for, installation.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_bus::{About, Emitter};
use returns_bus::{HandleError, Outgoing, stage};
use returns_domain::lifecycle::DeliveryJobState;
use returns_domain::{RuleId, delivery};
use returns_events::Envelope;
use returns_events::payloads::{DeliveryFacts, DeliveryProgress, DeliveryScheduled, PickupAddress};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;

use crate::schema::delivery_jobs;

/// Books the slot (once) and announces it.
pub(crate) async fn book(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    facts: &DeliveryFacts,
    merchant_id: &str,
    address: &PickupAddress,
    ctx: &AppContext,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let city = ctx.cities.city(&env.city);
    let (start, end) = delivery::slot(
        facts.preferred_date,
        city.utc_offset_minutes,
        &ctx.settings.policy,
    );
    let n = diesel::insert_into(delivery_jobs::table)
        .values((
            delivery_jobs::case_id.eq(env.case_id),
            delivery_jobs::city.eq(&env.city),
            delivery_jobs::shard.eq(&env.shard),
            delivery_jobs::merchant_id.eq(merchant_id),
            delivery_jobs::address.eq(&address.address),
            delivery_jobs::contact_phone.eq(&address.contact_phone),
            delivery_jobs::installation.eq(facts.installation),
            delivery_jobs::slot_start.eq(start),
            delivery_jobs::slot_end.eq(end),
            delivery_jobs::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if n == 0 {
        return Ok(Vec::new());
    }
    Ok(vec![Emitter::new(crate::SERVICE, now).emit(
        About {
            case_id: env.case_id,
            city: &env.city,
            shard: &env.shard,
        },
        &DeliveryScheduled {
            rule: RuleId::Wf3,
            slot_start: start,
            slot_end: end,
            installation: facts.installation,
        },
    )?])
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DeliveryStepRequest {
    #[serde(default)]
    #[schema(max_length = 500)]
    note: String,
}

/// `POST /merchant/delivery-jobs/{case_id}/{delivered|installed}`, by the merchant's delivery team.
#[utoipa::path(post, path = "/merchant/delivery-jobs/{id}/{step}", tag = "merchant", request_body = DeliveryStepRequest, params(("id" = uuid::Uuid, Path, description = "The delivery case's id"), ("step" = String, Path, description = "The step reported (WF-3)", pattern = "^(delivered|installed)$")), responses((status = 200, description = "The delivery step (WF-3, K-7)", body = returns_web::Moved<DeliveryJobState>)))]
pub(crate) async fn report(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let (raw_id, step) = path.into_inner();
    let id = returns_web::path_uuid(&raw_id, "case")?;
    let to = DeliveryJobState::parse(&step)
        .filter(|s| *s != DeliveryJobState::Booked)
        .ok_or_else(|| Problem::invalid("step", "one of delivered, installed"))?;
    let req: DeliveryStepRequest = parse_json(&body)?;
    if req.note.chars().count() > 500 {
        return Err(Problem::invalid("note", "at most 500 characters"));
    }
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let step = ctx
        .write(async move |conn| {
            let job = held_delivery(conn, id)
                .await?
                .filter(|j| j.merchant_id == caller.id)
                .ok_or_else(|| Problem::not_found("delivery job"))?;
            let (city, shard, installation) = (job.city, job.shard, job.installation);
            returns_runtime::tag_case(&root, &id, &city, &shard);
            let at =
                DeliveryJobState::recorded(job.delivered_at.is_some(), job.installed_at.is_some());
            let rule = at
                .report(to, installation)
                .map_err(|e| Problem::conflict(e.to_string()))?;
            let job = diesel::update(delivery_jobs::table.find(id));
            if to == DeliveryJobState::Installed {
                job.set(delivery_jobs::installed_at.eq(now))
                    .execute(conn)
                    .await?;
            } else {
                job.set(delivery_jobs::delivered_at.eq(now))
                    .execute(conn)
                    .await?;
            }
            let note = buyer_line(to, installation, &req.note);
            let ev = Emitter::new(crate::SERVICE, now).emit(
                About {
                    case_id: id,
                    city: &city,
                    shard: &shard,
                },
                &DeliveryProgress {
                    step: to.as_str().to_owned(),
                    rule,
                    at: now,
                    note,
                },
            )?;
            stage(conn, &app.cities, &[ev]).await?;
            Ok(to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(returns_web::Moved::to(id, step)))
}

/// A delivery job as a step report reads it, locked.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = delivery_jobs)]
struct HeldDelivery {
    city: String,
    shard: String,
    merchant_id: String,
    installation: bool,
    delivered_at: Option<DateTime<Utc>>,
    installed_at: Option<DateTime<Utc>>,
}

async fn held_delivery(
    conn: &mut diesel_async::AsyncPgConnection,
    id: uuid::Uuid,
) -> QueryResult<Option<HeldDelivery>> {
    delivery_jobs::table
        .find(id)
        .select(HeldDelivery::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// What the buyer reads of a step (WF-3), with the team's note.
fn buyer_line(to: DeliveryJobState, installation: bool, note: &str) -> String {
    let said = match (to, installation) {
        (DeliveryJobState::Installed, _) => "Installed.",
        // Nothing to install: the delivery ends the case (K-7).
        (_, false) => "Delivered into your home.",
        (_, true) => "Delivered into your home; installation follows.",
    };
    format!("{said} {note}").trim().to_owned()
}
