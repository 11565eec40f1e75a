//! The merchant's statement: what its deposit and account hold, and its recoveries (PAY-2),
//! newest first, a page at a time.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use returns_auth::{As, Merchant};
use returns_domain::ledger::Account;
use returns_domain::lifecycle::RecoveryState;
use returns_runtime::AppContext;
use returns_web::Problem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ledger;
use crate::schema::recoveries;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatementQuery {
    /// Recoveries before this case (the `next` of the previous page).
    #[serde(default)]
    after: Option<Uuid>,
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

/// One advance the merchant owes or owed (PAY-2, PAY-7).
#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub(crate) struct RecoveryLine {
    case_id: Uuid,
    amount_fen: i64,
    status: RecoveryState,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

/// What the merchant's deposit and account hold, and its recoveries, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Statement {
    merchant_id: String,
    deposit_balance_fen: i64,
    account_balance_fen: i64,
    recoveries: Vec<RecoveryLine>,
    /// The `after` of the next page; absent on the last one.
    next: Option<Uuid>,
}

/// `GET /merchant/statement`.
#[utoipa::path(get, path = "/merchant/statement", tag = "merchant", params(StatementQuery), responses((status = 200, description = "Deposit, account balance and recoveries", body = Statement)))]
pub(crate) async fn view(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    q: web::Query<StatementQuery>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let deposit = Account::MerchantDeposit(merchant.id.clone()).key();
    let account = Account::Merchant(merchant.id.clone()).key();
    let deposit_fen = ledger::balance(&mut conn, &deposit).await?;
    let balance_fen = ledger::balance(&mut conn, &account).await?;
    let lines = recovery_lines(&mut conn, &merchant.id, q.after, limit).await?;
    let next = returns_web::next_cursor(&lines, limit, |l| l.case_id);
    Ok(HttpResponse::Ok().json(Statement {
        merchant_id: merchant.id.clone(),
        deposit_balance_fen: deposit_fen,
        account_balance_fen: balance_fen,
        recoveries: lines,
        next,
    }))
}

/// PAY-2: up to `limit` of the merchant's recoveries before case `after`, newest first.
async fn recovery_lines(
    conn: &mut diesel_async::AsyncPgConnection,
    merchant_id: &str,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<RecoveryLine>, diesel::result::Error> {
    let mut lines = recoveries::table
        .filter(recoveries::merchant_id.eq(merchant_id))
        .select((
            recoveries::case_id,
            recoveries::amount_fen,
            recoveries::status,
            recoveries::opened_at,
            recoveries::closed_at,
        ))
        .order(recoveries::case_id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        lines = lines.filter(recoveries::case_id.lt(after));
    }
    lines.load(conn).await
}
