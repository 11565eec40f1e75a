//! payment's HTTP API, one front per role: the buyer's refund; the merchant's receipt (PAY-3),
//! dispute (PAY-7) and statement (deposit, balance, recoveries); customer service's dispute
//! desk; the operator's ledger (a case's postings, any balance, the trial balance).

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Buyer, Cs, Merchant, Operator};
use returns_bus::HandleError;
use returns_runtime::AppContext;
use returns_web::Problem;

use crate::receipt::{self, Paid};

use crate::ledger;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{dispute, statement};
    cfg.route("/buyer/cases/{id}/refund", web::get().to(buyer_refund))
        .route("/cs/cases/{id}/refund", web::get().to(cs_refund))
        .route(
            "/merchant/cases/{id}/receipt",
            web::post().to(confirm_receipt),
        )
        .route(
            "/merchant/cases/{id}/dispute",
            web::post().to(dispute::open),
        )
        .route("/merchant/statement", web::get().to(statement::view))
        .route("/cs/disputes", web::get().to(dispute::queue))
        .route("/cs/disputes/{id}/ruling", web::post().to(dispute::rule))
        .route("/operator/cases/{id}/ledger", web::get().to(case_ledger))
        .route(
            "/operator/accounts/{account}/balance",
            web::get().to(account_balance),
        )
        .route(
            "/operator/ledger/trial-balance",
            web::get().to(trial_balance),
        );
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the ledger")
}

#[utoipa::path(get, path = "/operator/cases/{id}/ledger", tag = "operator", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's postings", body = serde_json::Value)))]
async fn case_ledger(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let entries = ledger::entries_of_case(&mut conn, id)
        .await
        .map_err(db_error)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "case_id": id, "entries": entries })))
}

/// `GET /buyer/cases/{id}/refund`: the refund of one of the buyer's cases.
#[utoipa::path(get, path = "/buyer/cases/{id}/refund", tag = "buyer", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's refund", body = serde_json::Value)))]
async fn buyer_refund(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    case_refund(ctx, path, |r| r.buyer_id == buyer.id).await
}

/// `GET /cs/cases/{id}/refund`: customer service reads any case's refund.
#[utoipa::path(get, path = "/cs/cases/{id}/refund", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case's refund", body = serde_json::Value)))]
async fn cs_refund(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    case_refund(ctx, path, |_| true).await
}

/// A case's refund, if `owns` it; someone else's answers exactly like a missing one.
async fn case_refund(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&ledger::RefundView) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let refund = ledger::refund_of_case(&mut conn, id)
        .await
        .map_err(db_error)?
        .filter(|r| owns(r))
        .ok_or_else(|| Problem::not_found("refund"))?;
    Ok(HttpResponse::Ok().json(refund))
}

#[utoipa::path(get, path = "/operator/accounts/{account}/balance", tag = "operator", params(("account" = String, Path, description = "An account key such as buyer:b-1")), responses((status = 200, description = "The account's balance", body = serde_json::Value)))]
async fn account_balance(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let account = path.into_inner();
    if account.is_empty() || account.len() > 100 {
        return Err(Problem::invalid(
            "account",
            "an account key such as buyer:b-1 or platform:advance",
        ));
    }
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let balance = ledger::balance(&mut conn, &account)
        .await
        .map_err(db_error)?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "account": account, "balance_fen": balance })))
}

#[utoipa::path(get, path = "/operator/ledger/trial-balance", tag = "operator", responses((status = 200, description = "Every account's balance; they sum to zero", body = serde_json::Value)))]
async fn trial_balance(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let tb = ledger::trial_balance(&mut conn).await.map_err(db_error)?;
    Ok(HttpResponse::Ok().json(tb))
}

/// PAY-3: the merchant has the parcel; its funds pay the refund now. No body.
#[utoipa::path(post, path = "/merchant/cases/{id}/receipt", tag = "merchant", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The refund paid (PAY-3) or the advance recovered (PAY-2)", body = serde_json::Value)))]
async fn confirm_receipt(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let paid = (*conn)
        .transaction::<Paid, HandleError, _>(async move |conn| {
            let paid = receipt::pay_from_merchant(
                conn,
                id,
                Some(&merchant.id),
                "merchant confirmed receipt",
                now,
            )
            .await?;
            if let Paid::Now(out) = &paid {
                returns_bus::stage(conn, &cities, out).await?;
            }
            if let Paid::NotWaiting(status) = &paid
                && status == "paid"
            {
                // A fast refund was paid from the platform's advance: the merchant's receipt
                // now repays it (PAY-2).
                let out =
                    crate::recovery::settle(conn, id, "merchant confirmed receipt", now).await?;
                returns_bus::stage(conn, &cities, &out).await?;
                if !out.is_empty() {
                    return Ok(Paid::Recovered);
                }
            }
            Ok(paid)
        })
        .await
        .map_err(db_error)?;
    match paid {
        Paid::Now(_) => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok()
                .json(serde_json::json!({ "case_id": id, "status": "paid", "rule": "PAY-3" })))
        }
        Paid::Recovered => {
            ctx.relay.wake();
            Ok(HttpResponse::Ok()
                .json(serde_json::json!({ "case_id": id, "status": "recovered", "rule": "PAY-2" })))
        }
        Paid::NoRefund | Paid::OtherMerchant => Err(Problem::not_found("refund awaiting receipt")),
        Paid::NotWaiting(s) => Err(Problem::conflict(format!(
            "the refund is {s}; only a refund awaiting the merchant's receipt can be confirmed"
        ))),
    }
}
