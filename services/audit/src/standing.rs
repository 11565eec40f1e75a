//! MP-3: a merchant's standing (violation points, deposit drawn, outstanding and disputed
//! recoveries, average time from request to refund), visible to the merchant and to customer
//! service. Built only from events: payment's refunds, recoveries, disputes and compensation,
//! joined to the merchant of each case by audit's own decisions. Each event is applied once
//! (the consumer's inbox).

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Cs, Merchant, Operator};
use returns_bus::{HandleError, Incoming, Outgoing};
use returns_domain::RuleId;
use returns_events::payloads::{
    CaseOpened, CompensationPaid, DisputeOpened, DisputeRuled, RecoveryOpened, RecoverySettled,
};
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::Serialize;

use crate::schema::merchant_standing as ms;
use crate::store;

/// A change to one merchant's figures.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Delta {
    pub violation_points: i32,
    pub deposit_drawn_fen: i64,
    pub outstanding_recovery_fen: i64,
    pub disputed_recovery_fen: i64,
    pub refunds: i64,
    pub refund_seconds: i64,
}

/// How a payment event changes its merchant's figures.
pub(crate) enum Change {
    /// A refund paid at this time (the time from request to refund needs the case's request).
    RefundPaid(chrono::DateTime<chrono::Utc>),
    By(Delta),
}

impl Delta {
    pub(crate) fn recovery_opened(p: &RecoveryOpened) -> Self {
        Delta {
            outstanding_recovery_fen: p.amount_fen.0,
            ..Delta::default()
        }
    }

    pub(crate) fn recovery_settled(p: &RecoverySettled) -> Self {
        Delta {
            outstanding_recovery_fen: -p.amount_fen.0,
            ..Delta::default()
        }
    }

    pub(crate) fn dispute_opened(p: &DisputeOpened) -> Self {
        Delta {
            disputed_recovery_fen: p.amount_fen.0,
            ..Delta::default()
        }
    }

    /// A merchant that loses also sends `recovery.settled`, which clears what it owed.
    pub(crate) fn dispute_ruled(p: &DisputeRuled) -> Self {
        let cleared = if p.ruling == "merchant_pays" {
            0
        } else {
            p.amount_fen.0
        };
        Delta {
            disputed_recovery_fen: -p.amount_fen.0,
            outstanding_recovery_fen: -cleared,
            ..Delta::default()
        }
    }

    /// RS-1 and AS-3 draw on the deposit; PK-5's is charged to the courier company.
    pub(crate) fn compensation_paid(p: &CompensationPaid) -> Self {
        let drawn = matches!(p.owed_under, RuleId::Rs1 | RuleId::As3);
        Delta {
            deposit_drawn_fen: if drawn { p.amount_fen.0 } else { 0 },
            ..Delta::default()
        }
    }

    fn refund(
        paid_at: chrono::DateTime<chrono::Utc>,
        requested_at: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        Delta {
            refunds: 1,
            refund_seconds: (paid_at - requested_at).num_seconds().max(0),
            ..Delta::default()
        }
    }
}

/// Applies a payment event's change to the standing of the case's merchant.
pub(crate) async fn apply(
    conn: &mut AsyncPgConnection,
    at: &Incoming<'_>,
    change: Change,
) -> Result<Vec<Outgoing>, HandleError> {
    let env = at.envelope;
    let Some(decision) = store::find(conn, env.case_id).await? else {
        return Err(HandleError::reject(format!(
            "{} for case {} that audit never decided",
            env.event_type, env.case_id
        )));
    };
    let delta = match change {
        Change::RefundPaid(paid_at) => {
            let opened: CaseOpened =
                serde_json::from_value(decision.opened.clone()).map_err(HandleError::reject)?;
            Delta::refund(paid_at, opened.facts.requested_at)
        }
        Change::By(d) => d,
    };
    if delta != Delta::default() {
        add(conn, &decision.merchant_id, at.partition, &delta).await?;
    }
    Ok(Vec::new())
}

/// The slot of customer service's rulings (HTTP), beside one per Kafka partition.
pub(crate) const RULINGS_SLOT: i32 = -1;

/// Adds `d` to the merchant's figures in `slot`: the partition whose worker applies the event
/// (one worker a partition, so no two transactions wait on one row), or [`RULINGS_SLOT`].
/// `merchant_standing` (a view) sums the slots.
pub(crate) async fn add(
    conn: &mut AsyncPgConnection,
    merchant: &str,
    slot: i32,
    d: &Delta,
) -> QueryResult<()> {
    use diesel::sql_types::{BigInt, Integer, Text};
    diesel::sql_query(
        "INSERT INTO merchant_standing_slots AS s (merchant_id, slot, violation_points, \
           deposit_drawn_fen, outstanding_recovery_fen, disputed_recovery_fen, refunds, \
           refund_seconds) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (merchant_id, slot) DO UPDATE SET \
           violation_points = s.violation_points + EXCLUDED.violation_points, \
           deposit_drawn_fen = s.deposit_drawn_fen + EXCLUDED.deposit_drawn_fen, \
           outstanding_recovery_fen = s.outstanding_recovery_fen + EXCLUDED.outstanding_recovery_fen, \
           disputed_recovery_fen = s.disputed_recovery_fen + EXCLUDED.disputed_recovery_fen, \
           refunds = s.refunds + EXCLUDED.refunds, \
           refund_seconds = s.refund_seconds + EXCLUDED.refund_seconds",
    )
    .bind::<Text, _>(merchant)
    .bind::<Integer, _>(slot)
    .bind::<Integer, _>(d.violation_points)
    .bind::<BigInt, _>(d.deposit_drawn_fen)
    .bind::<BigInt, _>(d.outstanding_recovery_fen)
    .bind::<BigInt, _>(d.disputed_recovery_fen)
    .bind::<BigInt, _>(d.refunds)
    .bind::<BigInt, _>(d.refund_seconds)
    .execute(conn)
    .await?;
    Ok(())
}

/// A merchant's standing (MP-3): violation points, deposit drawn and money owed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct StandingView {
    merchant_id: String,
    in_programme: bool,
    violation_points: i32,
    deposit_drawn_fen: i64,
    outstanding_recovery_fen: i64,
    disputed_recovery_fen: i64,
    refunds: i64,
    average_refund_hours: Option<f64>,
}

/// `GET /merchant/standing`: the shop's own figures (violations, deposit, recovery).
#[utoipa::path(get, path = "/merchant/standing", tag = "merchant", responses((status = 200, description = "The shop's standing (MP-3)", body = StandingView)))]
pub(crate) async fn own(
    caller: As<Merchant>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    view(ctx, caller.id).await
}

/// `GET /cs/merchants/{id}/standing`: customer service reads a merchant's standing (MP-3).
#[utoipa::path(get, path = "/cs/merchants/{id}/standing", tag = "cs", params(("id" = String, Path, description = "The merchant's id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "A merchant's standing (MP-3)", body = StandingView)))]
pub(crate) async fn for_cs(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    of_path(ctx, path).await
}

/// `GET /operator/merchants/{id}/standing`.
#[utoipa::path(get, path = "/operator/merchants/{id}/standing", tag = "operator", params(("id" = String, Path, description = "The merchant's id", min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]+$")), responses((status = 200, description = "A merchant's standing (MP-3)", body = StandingView)))]
pub(crate) async fn any(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    of_path(ctx, path).await
}

/// The standing of the merchant the path names (customer service and operators see any).
async fn of_path(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let merchant = path.into_inner();
    returns_web::check_id("merchant_id", &merchant)?;
    view(ctx, merchant).await
}

async fn view(ctx: web::Data<AppContext>, merchant: String) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let member = crate::programme::membership(&mut conn, &merchant).await?;
    let row: Option<(i32, i64, i64, i64, i64, i64)> = ms::table
        .find(&merchant)
        .select((
            ms::violation_points,
            ms::deposit_drawn_fen,
            ms::outstanding_recovery_fen,
            ms::disputed_recovery_fen,
            ms::refunds,
            ms::refund_seconds,
        ))
        .first(&mut conn)
        .await
        .optional()?;
    if member.is_none() && row.is_none() {
        return Err(Problem::not_found("merchant"));
    }
    let (points, drawn, outstanding, disputed, refunds, seconds) = row.unwrap_or_default();
    Ok(HttpResponse::Ok().json(StandingView {
        merchant_id: merchant,
        in_programme: member.is_some_and(|m| m.member),
        violation_points: points,
        deposit_drawn_fen: drawn,
        outstanding_recovery_fen: outstanding,
        disputed_recovery_fen: disputed,
        refunds,
        // Display only; the figures themselves stay integers.
        average_refund_hours: (refunds > 0)
            .then(|| (seconds as f64 / refunds as f64 / 3600.0 * 100.0).round() / 100.0),
    }))
}
