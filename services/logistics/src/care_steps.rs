//! CARE-4..CARE-8: the merchant's courier and service centre report each step of a care job
//! (`POST /merchant/care-jobs/{id}/{step}`): the pickup time, the collection, arrival,
//! inspection or service, loss or damage, and the parcel back with its freight payer.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Merchant};
use returns_bus::{About, Emitter, Outgoing, stage};
use returns_domain::care::{self, CareStep};
use returns_domain::{Fen, Remedy, RuleId};
use returns_events::payloads::{CareProgress, GoodsSentBack};
use returns_runtime::{AppContext, RootSpan};
use returns_store::timers;
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use uuid::Uuid;

use crate::care_jobs::{HeldJob, KIND, held_job};
use crate::schema::care_jobs;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CareStepRequest {
    /// CARE-4: the pickup time agreed with the buyer (`confirm`, in the future).
    #[serde(default)]
    pickup_at: Option<DateTime<Utc>>,
    /// The parcel (`collect`, `send-back`); checked whenever given.
    #[serde(default)]
    #[schema(pattern = "^\\s*[A-Za-z0-9]{6,40}\\s*$")]
    tracking_number: Option<String>,
    /// The carrier of the way back (`send-back`); checked whenever given.
    #[serde(default)]
    #[schema(pattern = "^\\s*[A-Za-z0-9_-]([A-Za-z0-9 _-]{0,38}[A-Za-z0-9_-])?\\s*$")]
    carrier: Option<String>,
    /// What the buyer reads; needed when something went wrong (CARE-8).
    #[serde(default)]
    #[schema(max_length = 500)]
    note: String,
}

fn step_of(raw: &str) -> Result<CareStep, Problem> {
    Ok(match raw {
        "confirm" => CareStep::Confirmed,
        "collect" => CareStep::Collected,
        "arrive" => CareStep::AtCentre,
        "serviced" => CareStep::Serviced,
        "inspection-failed" => CareStep::InspectionFailed,
        "send-back" => CareStep::SentBack,
        "lost" => CareStep::Lost,
        "damaged" => CareStep::Damaged,
        _ => {
            return Err(Problem::invalid(
                "step",
                "one of confirm, collect, arrive, serviced, inspection-failed, send-back, lost, damaged",
            ));
        }
    })
}

fn stored(step: CareStep) -> String {
    returns_domain::to_wire(&step)
}

/// What each step needs, checked before anything is read: a tracking number when goods
/// travel, a future pickup time (CARE-4), a carrier for the way back, a reason the buyer reads
/// (CARE-8); a field given to any step is checked too. Answers the tracking number and the
/// carrier.
fn what_the_step_needs(
    to: CareStep,
    req: &CareStepRequest,
    now: DateTime<Utc>,
) -> Result<(Option<String>, Option<String>), Problem> {
    if req.note.chars().count() > 500 {
        return Err(Problem::invalid("note", "at most 500 characters"));
    }
    if let Some(t) = &req.tracking_number {
        returns_web::tracking_number(t)?;
    }
    if let Some(c) = &req.carrier {
        returns_web::carrier(c)?;
    }
    let tracking = match to {
        CareStep::Collected | CareStep::SentBack => Some(returns_web::tracking_number(
            req.tracking_number.as_deref().unwrap_or_default(),
        )?),
        _ => None,
    };
    if to == CareStep::Confirmed && req.pickup_at.is_none_or(|t| t <= now) {
        return Err(Problem::invalid(
            "pickup_at",
            "CARE-4: the pickup time agreed with the buyer, in the future",
        ));
    }
    let carrier = match to {
        CareStep::SentBack => Some(returns_web::carrier(
            req.carrier.as_deref().unwrap_or_default(),
        )?),
        _ => None,
    };
    if matches!(
        to,
        CareStep::InspectionFailed | CareStep::Damaged | CareStep::Lost
    ) {
        returns_web::readable_text("note", &req.note, "CARE-8: the buyer must be told why")?;
    }
    Ok((tracking, carrier))
}

/// CARE-4..CARE-7: the rule and the buyer's line of a step other than sending back.
fn progress_line(to: CareStep, req: &CareStepRequest, courier: &str) -> (RuleId, String) {
    match to {
        CareStep::Confirmed => (
            RuleId::Care4,
            format!(
                "{courier} will collect on {} at the address you gave.",
                req.pickup_at.map(|t| t.to_rfc3339()).unwrap_or_default()
            ),
        ),
        CareStep::Collected => (
            RuleId::Care4,
            "Collected by the merchant's courier.".to_owned(),
        ),
        CareStep::AtCentre => (
            RuleId::Care6,
            "The service centre received the goods and inspects them.".to_owned(),
        ),
        CareStep::Serviced => (
            RuleId::Care7,
            format!("Inspection passed; the service was performed. {}", req.note)
                .trim()
                .to_owned(),
        ),
        CareStep::InspectionFailed => (
            RuleId::Care6,
            format!(
                "Inspection failed: {} The goods come back at your freight and risk; the service was not used (CARE-8).",
                req.note
            ),
        ),
        CareStep::Lost => (
            RuleId::Care5,
            format!(
                "The goods were lost after pickup: {} The merchant compensates their value.",
                req.note
            ),
        ),
        CareStep::Damaged => (
            RuleId::Care5,
            format!(
                "The goods were damaged after pickup: {} The merchant cleans or repairs them free.",
                req.note
            ),
        ),
        CareStep::SentBack => (RuleId::Care7, String::new()),
    }
}

/// A step as the merchant reported it, with what it needs (checked before anything is read).
struct Reported {
    to: CareStep,
    req: CareStepRequest,
    tracking: Option<String>,
    carrier: Option<String>,
    now: DateTime<Utc>,
}

/// The step on the job: damage is a note beside the step (CARE-5), any other step moves it.
async fn record(conn: &mut AsyncPgConnection, id: Uuid, step: &Reported) -> QueryResult<usize> {
    let job = care_jobs::table.find(id);
    if step.to == CareStep::Damaged {
        return diesel::update(job)
            .set(care_jobs::damage_note.eq(&step.req.note))
            .execute(conn)
            .await;
    }
    diesel::update(job)
        .set((
            care_jobs::step.eq(stored(step.to)),
            care_jobs::pickup_at.eq(step.req.pickup_at),
            care_jobs::tracking_number.eq(step.tracking.clone()),
        ))
        .execute(conn)
        .await
}

/// What the step tells: the goods sent back (CARE-6, CARE-7, with who pays the freight) or the
/// job's progress.
fn step_event(
    job: &HeldJob,
    id: Uuid,
    from: Option<CareStep>,
    step: &Reported,
    freight: Fen,
) -> Result<Outgoing, returns_bus::BusError> {
    let about = About {
        case_id: id,
        city: &job.city,
        shard: &job.shard,
    };
    let cx = Emitter::new(crate::SERVICE, step.now);
    if step.to == CareStep::SentBack {
        // CARE-6: the buyer pays the freight back after a failed inspection; CARE-7: the
        // merchant after the service.
        let (payer, rule) = care::return_freight_payer(from == Some(CareStep::Serviced));
        return cx.emit(
            about,
            &GoodsSentBack {
                rule,
                remedy: Remedy::Repair,
                carrier: step.carrier.clone().unwrap_or_default(),
                tracking_number: step.tracking.clone().unwrap_or_default(),
                sent_at: step.now,
                freight_payer: Some(payer.to_owned()),
                freight_fen: Some(freight),
                buyer_id: job.buyer_id.clone(),
                merchant_id: job.merchant_id.clone(),
            },
        );
    }
    let (rule, note) = progress_line(step.to, &step.req, &job.merchant_courier);
    cx.emit(
        about,
        &CareProgress {
            step: step.to,
            rule,
            note,
            at: step.now,
            tracking_number: step.tracking.clone(),
            goods_value_fen: (step.to == CareStep::Lost).then_some(Fen(job.goods_value_fen)),
            buyer_id: job.buyer_id.clone(),
            merchant_id: job.merchant_id.clone(),
        },
    )
}

/// `POST /merchant/care-jobs/{case_id}/{step}`, by the merchant (its courier and its centre).
#[utoipa::path(post, path = "/merchant/care-jobs/{id}/{step}", tag = "merchant", request_body = CareStepRequest, params(("id" = Uuid, Path, description = "The care order's case id"), ("step" = String, Path, description = "The step reported (CARE-4..CARE-8)", pattern = "^(confirm|collect|arrive|serviced|inspection-failed|send-back|lost|damaged)$")), responses((status = 200, description = "The care step (CARE-4..CARE-6)", body = CareStepAnswer)))]
pub(crate) async fn report(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let (raw_id, raw_step) = path.into_inner();
    let id = returns_web::path_uuid(&raw_id, "case")?;
    let to = step_of(&raw_step)?;
    let req: CareStepRequest = parse_json(&body)?;
    let now = ctx.clock.now();
    let (tracking, carrier) = what_the_step_needs(to, &req, now)?;
    let step = Reported {
        to,
        req,
        tracking,
        carrier,
        now,
    };
    let app = ctx.get_ref().clone();
    ctx.write(async move |conn| {
        let job = held_job(conn, id)
            .await?
            .filter(|j| j.merchant_id == caller.id)
            .ok_or_else(|| Problem::not_found("care job"))?;
        returns_runtime::tag_case(&root, &id, &job.city, &job.shard);
        let from: Option<CareStep> = job.step.as_deref().and_then(returns_domain::from_wire);
        care::next_step_allowed(from, to).map_err(Problem::conflict)?;
        record(conn, id, &step).await?;
        if to == CareStep::Confirmed {
            timers::cancel(conn, KIND, id).await?;
        }
        let freight = Fen(app.settings.policy.care_return_freight_fen);
        let ev = step_event(&job, id, from, &step, freight)?;
        stage(conn, &app.cities, &[ev]).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(CareStepAnswer {
        case_id: id,
        step: to,
    }))
}

/// The step as recorded.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
struct CareStepAnswer {
    case_id: Uuid,
    step: CareStep,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(note: &str) -> CareStepRequest {
        serde_json::from_value(serde_json::json!({ "note": note })).unwrap()
    }

    #[test]
    fn care_8_a_failed_inspection_tells_the_buyer_why_and_that_the_service_was_not_used() {
        let now = chrono::Utc::now();
        assert!(what_the_step_needs(CareStep::InspectionFailed, &req(""), now).is_err());
        let (rule, line) = progress_line(CareStep::InspectionFailed, &req("Water damage."), "SF");
        assert_eq!(rule, RuleId::Care6);
        assert!(
            line.contains("Water damage.") && line.contains("CARE-8"),
            "{line}"
        );
    }

    #[test]
    fn care_4_a_confirmation_needs_a_future_pickup_time_and_names_the_courier() {
        let now = chrono::Utc::now();
        let e = what_the_step_needs(CareStep::Confirmed, &req(""), now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("pickup_at"));
        let (rule, line) = progress_line(CareStep::Confirmed, &req(""), "SF Express");
        assert_eq!(rule, RuleId::Care4);
        assert!(line.starts_with("SF Express will collect"), "{line}");
    }

    #[test]
    fn care_6_goods_that_travel_need_a_tracking_number() {
        let now = chrono::Utc::now();
        let e = what_the_step_needs(CareStep::Collected, &req(""), now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("tracking_number"));
    }

    #[test]
    fn care_4_to_care_8_a_field_given_to_any_step_is_checked_as_documented() {
        let now = chrono::Utc::now();
        let long = req(&"x".repeat(501));
        let e = what_the_step_needs(CareStep::AtCentre, &long, now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("note"));
        assert!(what_the_step_needs(CareStep::AtCentre, &req(&"字".repeat(500)), now).is_ok());
        let body = serde_json::json!({ "tracking_number": "x", "carrier": "sf-express" });
        let odd: CareStepRequest = serde_json::from_value(body).unwrap();
        let e = what_the_step_needs(CareStep::Serviced, &odd, now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("tracking_number"));
        let body = serde_json::json!({ "carrier": "sf/express" });
        let odd: CareStepRequest = serde_json::from_value(body).unwrap();
        let e = what_the_step_needs(CareStep::AtCentre, &odd, now).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("carrier"));
    }
}
