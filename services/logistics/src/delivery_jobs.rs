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
            type Row = (
                String,
                String,
                String,
                bool,
                Option<DateTime<Utc>>,
                Option<DateTime<Utc>>,
            );
            let row: Option<Row> = delivery_jobs::table
                .find(id)
                .select((
                    delivery_jobs::city,
                    delivery_jobs::shard,
                    delivery_jobs::merchant_id,
                    delivery_jobs::installation,
                    delivery_jobs::delivered_at,
                    delivery_jobs::installed_at,
                ))
                .for_update()
                .first(conn)
                .await
                .optional()?;
            let Some((city, shard, merchant, installation, delivered, installed)) = row else {
                return Err(Problem::not_found("delivery job"));
            };
            if merchant != caller.id {
                return Err(Problem::not_found("delivery job"));
            }
            returns_runtime::tag_case(&root, &id, &city, &shard);
            let at = DeliveryJobState::recorded(delivered.is_some(), installed.is_some());
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
            let note = match (to, installation) {
                (DeliveryJobState::Installed, _) => "Installed.",
                // Nothing to install: the delivery ends the case (K-7).
                (_, false) => "Delivered into your home.",
                (_, true) => "Delivered into your home; installation follows.",
            };
            let note = format!("{note} {}", req.note).trim().to_owned();
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
