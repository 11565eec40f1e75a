//! Reading cases: the buyer's own (a page at a time, one with its timeline), the merchant's
//! shop's, customer service's view, and the operator's count by status.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Buyer, Cs, Merchant, Operator};
use returns_runtime::{AppContext, RootSpan};
use returns_web::Problem;
use serde::Deserialize;
use uuid::Uuid;

use crate::store::{self, CaseRow};
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CasesPage {
    /// Cases after this one (the `next` of the previous page).
    #[serde(default)]
    after: Option<Uuid>,
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /buyer/cases`: the buyer's own cases, newest first, a page at a time.
#[utoipa::path(get, path = "/buyer/cases", tag = "buyer", params(CasesPage), responses((status = 200, description = "A page of the buyer's cases, newest first", body = serde_json::Value)))]
pub(crate) async fn buyer_cases(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    q: web::Query<CasesPage>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows = store::cases_of_buyer(&mut conn, &buyer.id, q.after, limit).await?;
    let next = returns_web::next_cursor(&rows, limit, |c| c.id);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": rows, "next": next })))
}

#[utoipa::path(get, path = "/buyer/cases/{id}", tag = "buyer", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
pub(crate) async fn buyer_case(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.buyer_id == buyer.id).await
}

#[utoipa::path(get, path = "/merchant/cases/{id}", tag = "merchant", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
pub(crate) async fn merchant_case(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.merchant_id == merchant.id).await
}

/// Customer service reads any case to rule on it (AS-2, K-6).
#[utoipa::path(get, path = "/cs/cases/{id}", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
pub(crate) async fn cs_case(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |_| true).await
}

/// A case with its timeline, if `owns` it; someone else's case answers exactly like a missing one.
pub(crate) async fn read_case(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    owns: impl Fn(&CaseRow) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let case = store::case_by_id(&mut conn, id)
        .await?
        .filter(|c| owns(c))
        .ok_or_else(|| Problem::not_found("case"))?;
    returns_runtime::tag_case(&root, &id, &case.city, &case.shard);
    let timeline = store::timeline(&mut conn, id).await?;
    let lines = crate::order_store::lines_of_case(&mut conn, id).await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "case": case, "lines": lines, "timeline": timeline })))
}

#[utoipa::path(get, path = "/operator/stats/cases-by-status", tag = "operator", responses((status = 200, description = "Cases by status", body = serde_json::Value)))]
pub(crate) async fn cases_by_status(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let rows = store::count_by_status(&mut conn).await?;
    let total: i64 = rows.iter().map(|(_, n)| n).sum();
    let by_status: serde_json::Map<String, serde_json::Value> =
        rows.into_iter().map(|(s, n)| (s, n.into())).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "total": total, "by_status": by_status })))
}
