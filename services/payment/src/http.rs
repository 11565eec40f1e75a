//! payment's read API: a case's ledger postings, an account's balance, the trial balance.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_bus::HandleError;
use returns_runtime::AppContext;
use returns_web::Problem;

use crate::receipt::{self, Paid};

use crate::ledger;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/cases/{id}/ledger", web::get().to(case_ledger))
        .route("/cases/{id}/refund", web::get().to(case_refund))
        .route(
            "/merchant/cases/{id}/receipt",
            web::post().to(confirm_receipt),
        )
        .route(
            "/merchant/cases/{id}/dispute",
            web::post().to(crate::dispute::open),
        )
        .route("/cs/disputes", web::get().to(crate::dispute::queue))
        .route(
            "/cs/disputes/{id}/ruling",
            web::post().to(crate::dispute::rule),
        )
        .route(
            "/accounts/{account}/balance",
            web::get().to(account_balance),
        )
        .route("/ledger/trial-balance", web::get().to(trial_balance));
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the ledger")
}

async fn case_ledger(
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

async fn case_refund(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let refund = ledger::refund_of_case(&mut conn, id)
        .await
        .map_err(db_error)?
        .ok_or_else(|| Problem::not_found("refund"))?;
    Ok(HttpResponse::Ok().json(refund))
}

async fn account_balance(
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

async fn trial_balance(ctx: web::Data<AppContext>) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let tb = ledger::trial_balance(&mut conn).await.map_err(db_error)?;
    Ok(HttpResponse::Ok().json(tb))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReceiptRequest {
    merchant_id: String,
}

/// PAY-3: the merchant has the parcel; its funds pay the refund now.
async fn confirm_receipt(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: ReceiptRequest = returns_web::parse_json(&body)?;
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let paid = (*conn)
        .transaction::<Paid, HandleError, _>(async move |conn| {
            let paid = receipt::pay_from_merchant(
                conn,
                id,
                Some(&req.merchant_id),
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
