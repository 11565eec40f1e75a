//! PAY-7: a merchant that finds the returned parcel empty, wrong or not as described disputes
//! the advanced refund instead of repaying it; customer service rules, and the ruling's money
//! movement records who bears the advance: the merchant, the buyer, or the platform's loss.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Cs, Merchant};
use returns_bus::{HandleError, Outgoing, stage};
use returns_domain::ledger::{DisputeRuling, dispute_settlement};
use returns_domain::lifecycle::{DisputeState, RecoveryState};
use returns_domain::to_wire;
use returns_domain::{Fen, RuleId};
use returns_events::payloads::{DisputeOpened, DisputeRuled};
use returns_runtime::AppContext;
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::recovery::{self, Recovery};
use crate::schema::disputes;

#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum Claim {
    EmptyParcel,
    WrongItem,
    NotAsDescribed,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DisputeRequest {
    claim: Claim,
    /// References to photos or documents (1 to 10).
    #[schema(schema_with = returns_web::schema::one_to_ten_references)]
    evidence: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Where a case's advance stands after a dispute is opened or ruled (PAY-7).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DisputeAnswer {
    case_id: Uuid,
    status: RecoveryState,
}

/// The disputes waiting for customer service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DisputeQueue {
    disputes: Vec<DisputeView>,
}

/// A merchant's dispute of an advance (PAY-7).
#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub(crate) struct DisputeView {
    case_id: Uuid,
    merchant_id: String,
    claim: String,
    /// References to the merchant's evidence.
    #[schema(value_type = Vec<String>)]
    evidence: serde_json::Value,
    note: String,
    opened_at: DateTime<Utc>,
    status: DisputeState,
    ruling: Option<String>,
    ruling_reason: Option<String>,
}

fn event<E: returns_events::Event>(
    r: &Recovery,
    now: DateTime<Utc>,
    payload: &E,
) -> Result<Outgoing, returns_bus::BusError> {
    returns_bus::Emitter::new(crate::SERVICE, now).emit(
        returns_bus::About {
            case_id: r.case_id,
            city: r.city.as_deref().unwrap_or_default(),
            shard: r.shard.as_deref().unwrap_or_default(),
        },
        payload,
    )
}

/// `POST /merchant/cases/{id}/dispute`: only while the advance is still owed (before the
/// merchant's window closes); the recovery then waits for customer service.
#[utoipa::path(post, path = "/merchant/cases/{id}/dispute", tag = "merchant", request_body = DisputeRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The dispute, opened (PAY-7)", body = DisputeAnswer)))]
pub(crate) async fn open(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: DisputeRequest = parse_json(&body)?;
    if req.evidence.is_empty() || req.evidence.len() > 10 {
        return Err(Problem::invalid(
            "evidence",
            "PAY-7: the merchant must show 1 to 10 pieces of evidence (photo or document references)",
        ));
    }
    if let Some(i) = req
        .evidence
        .iter()
        .position(|e| returns_domain::text::is_blank(e) || e.chars().count() > 300)
    {
        return Err(Problem::invalid(
            format!("evidence[{i}]"),
            "each reference must be 1-300 characters",
        ));
    }
    if req.note.chars().count() > 1000 {
        return Err(Problem::invalid("note", "at most 1000 characters"));
    }
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let status = ctx
        .write(async move |conn| {
            let r = recovery::for_update(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("advanced refund"))?;
            if r.merchant_id != merchant.id {
                return Err(Problem::not_found("advanced refund"));
            }
            if !r.status.may_become(RecoveryState::Disputed) {
                return Err(Problem::conflict(format!(
                    "the advance is {}; only an advance still owed can be disputed",
                    r.status
                )));
            }
            let ev = open_in(conn, &r, &to_wire(&req.claim), &req.evidence, &req.note, now).await?;
            stage(conn, &cities, &[ev]).await?;
            tracing::info!(case_id = %id, rule = RuleId::Pay7.as_str(), "advance disputed by the merchant");
            Ok(RecoveryState::Disputed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DisputeAnswer {
        case_id: id,
        status,
    }))
}

/// Opens a dispute of the open advance `r`, in the caller's transaction: by the merchant, or
/// by its failed return check (RV-3) on an advanced refund.
pub(crate) async fn open_in(
    conn: &mut diesel_async::AsyncPgConnection,
    r: &Recovery,
    claim: &str,
    evidence: &[String],
    note: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, HandleError> {
    diesel::insert_into(disputes::table)
        .values((
            disputes::case_id.eq(r.case_id),
            disputes::merchant_id.eq(&r.merchant_id),
            disputes::claim.eq(claim),
            disputes::evidence.eq(serde_json::json!(evidence)),
            disputes::note.eq(note),
            disputes::opened_at.eq(now),
            disputes::status.eq(DisputeState::Open),
        ))
        .execute(conn)
        .await?;
    diesel::update(crate::schema::recoveries::table.find(r.case_id))
        .set(crate::schema::recoveries::status.eq(RecoveryState::Disputed))
        .execute(conn)
        .await?;
    // The window no longer settles it: customer service does.
    returns_store::timers::cancel(conn, recovery::KIND, r.case_id).await?;
    Ok(event(
        r,
        now,
        &DisputeOpened {
            rule: RuleId::Pay7,
            merchant_id: r.merchant_id.clone(),
            claim: claim.to_owned(),
            amount_fen: Fen(r.amount_fen),
            opened_at: now,
        },
    )?)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueueQuery {
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /cs/disputes`: the open ones, oldest first.
#[utoipa::path(get, path = "/cs/disputes", tag = "cs", params(QueueQuery), responses((status = 200, description = "Open disputes, oldest first", body = DisputeQueue)))]
pub(crate) async fn queue(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows: Vec<DisputeView> = disputes::table
        .filter(disputes::status.eq(DisputeState::Open))
        .order(disputes::opened_at.asc())
        .limit(limit)
        .select((
            disputes::case_id,
            disputes::merchant_id,
            disputes::claim,
            disputes::evidence,
            disputes::note,
            disputes::opened_at,
            disputes::status,
            disputes::ruling,
            disputes::ruling_reason,
        ))
        .load(&mut conn)
        .await?;
    Ok(HttpResponse::Ok().json(DisputeQueue { disputes: rows }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RulingRequest {
    ruling: DisputeRuling,
    /// What the buyer and the merchant read.
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    reason: String,
}

/// `POST /cs/disputes/{id}/ruling`: once per dispute.
#[utoipa::path(post, path = "/cs/disputes/{id}/ruling", tag = "cs", request_body = RulingRequest, params(("id" = uuid::Uuid, Path, description = "The disputed case's id")), responses((status = 200, description = "The ruling (PAY-7)", body = DisputeAnswer)))]
pub(crate) async fn rule(
    agent: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: RulingRequest = parse_json(&body)?;
    returns_web::readable_text(
        "reason",
        &req.reason,
        "a ruling needs a reason the buyer and the merchant can read",
    )?;
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let status = ctx
        .write(async move |conn| {
            let r = recovery::for_update(conn, id)
                .await?
                .ok_or_else(|| Problem::not_found("advanced refund"))?;
            if r.status != RecoveryState::Disputed {
                return Err(Problem::conflict(format!(
                    "the advance is {}; only a disputed one can be ruled on",
                    r.status
                )));
            }
            let buyer = r.buyer_id.clone().unwrap_or_default();
            let m = dispute_settlement(req.ruling, &buyer, &r.merchant_id, Fen(r.amount_fen))
                .map_err(|e| Problem::conflict(e.to_string()))?;
            let status = RecoveryState::ruled(req.ruling);
            let txn = recovery::close(conn, &r, &m, status, now)
                .await?
                .ok_or_else(|| Problem::conflict("already ruled"))?;
            diesel::update(disputes::table.find(id))
                .set((
                    disputes::status.eq(DisputeState::Ruled),
                    disputes::ruling.eq(to_wire(&req.ruling)),
                    disputes::ruling_reason.eq(&req.reason),
                    disputes::ruled_by.eq(&agent.id),
                    disputes::ruled_at.eq(now),
                ))
                .execute(conn)
                .await?;
            let mut out = vec![event(
                &r,
                now,
                &DisputeRuled {
                    rule: RuleId::Pay7,
                    ruling: to_wire(&req.ruling),
                    reason: req.reason.clone(),
                    amount_fen: Fen(r.amount_fen),
                    ledger_transaction_id: txn,
                    ruled_at: now,
                },
            )?];
            if req.ruling == DisputeRuling::MerchantPays {
                out.push(recovery::settled_event(&r, txn, now)?);
            }
            stage(conn, &cities, &out).await?;
            tracing::info!(case_id = %id, rule = RuleId::Pay7.as_str(), ruling = status.as_str(), "dispute ruled");
            Ok(status)
        })
        .await?;
    Ok(HttpResponse::Ok().json(DisputeAnswer {
        case_id: id,
        status,
    }))
}
