//! The operator's ledger: a case's postings, any account's balance, the trial balance.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Operator};
use returns_runtime::AppContext;
use returns_web::Problem;

use serde::Serialize;
use uuid::Uuid;

use crate::ledger::{self, EntryView, TrialBalance};

/// A case's postings, in the order they were made.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CaseLedger {
    case_id: Uuid,
    entries: Vec<EntryView>,
}

/// An account's balance: the sum of its postings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct AccountBalance {
    account: String,
    balance_fen: i64,
}

#[utoipa::path(get, path = "/operator/cases/{id}/ledger", tag = "operator", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's postings", body = CaseLedger)))]
pub(crate) async fn case_ledger(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let entries = ledger::entries_of_case(&mut conn, id).await?;
    Ok(HttpResponse::Ok().json(CaseLedger {
        case_id: id,
        entries,
    }))
}

#[utoipa::path(get, path = "/operator/accounts/{account}/balance", tag = "operator", params(("account" = String, Path, description = "An account key such as buyer:b-1 or platform:advance", min_length = 1, max_length = 100)), responses((status = 200, description = "The account's balance", body = AccountBalance)))]
pub(crate) async fn account_balance(
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
    let mut conn = ctx.conn().await?;
    let balance = ledger::balance(&mut conn, &account).await?;
    Ok(HttpResponse::Ok().json(AccountBalance {
        account,
        balance_fen: balance,
    }))
}

#[utoipa::path(get, path = "/operator/ledger/trial-balance", tag = "operator", responses((status = 200, description = "Every account's balance; they sum to zero", body = TrialBalance)))]
pub(crate) async fn trial_balance(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let tb: TrialBalance = ledger::trial_balance(&mut conn).await?;
    Ok(HttpResponse::Ok().json(tb))
}
