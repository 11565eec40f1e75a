//! Reading cases: the buyer's own (a page at a time, one with its timeline), the merchant's
//! shop's, customer service's view, and the operator's count by status.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Buyer, Cs, Merchant, Operator};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Page, Problem};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::order_store::CaseLineView;
use crate::store::{self, CaseRow, TimelineRow};

/// A case with the order lines it holds and its timeline, oldest line first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CaseView {
    case: CaseRow,
    lines: Vec<CaseLineView>,
    timeline: Vec<TimelineRow>,
}

/// How many cases stand in each status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct CasesByStatus {
    total: i64,
    by_status: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct CasesPage {
    /// Cases after this one (the `next` of the previous page).
    #[serde(default)]
    after: Option<Uuid>,
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /buyer/cases`: the buyer's own cases, newest first, a page at a time.
#[utoipa::path(get, path = "/buyer/cases", tag = "buyer", params(CasesPage), responses((status = 200, description = "A page of the buyer's cases, newest first", body = Page<CaseRow>)))]
pub(crate) async fn buyer_cases(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    q: web::Query<CasesPage>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows = store::cases_of_buyer(&mut conn, &buyer.id, q.after, limit).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, limit, |c| c.id)))
}

#[utoipa::path(get, path = "/buyer/cases/{id}", tag = "buyer", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case and its timeline", body = CaseView)))]
pub(crate) async fn buyer_case(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.buyer_id == buyer.id).await
}

#[utoipa::path(get, path = "/merchant/cases/{id}", tag = "merchant", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case and its timeline", body = CaseView)))]
pub(crate) async fn merchant_case(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.merchant_id == merchant.id).await
}

/// Customer service reads any case to rule on it (AS-2, K-6).
#[utoipa::path(get, path = "/cs/cases/{id}", tag = "cs", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case and its timeline", body = CaseView)))]
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
    Ok(HttpResponse::Ok().json(CaseView {
        case,
        lines,
        timeline,
    }))
}

#[utoipa::path(get, path = "/operator/stats/cases-by-status", tag = "operator", responses((status = 200, description = "Cases by status", body = CasesByStatus)))]
pub(crate) async fn cases_by_status(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.conn().await?;
    let rows = store::count_by_status(&mut conn).await?;
    let total: i64 = rows.iter().map(|(_, n)| n).sum();
    let by_status = rows.into_iter().collect();
    Ok(HttpResponse::Ok().json(CasesByStatus { total, by_status }))
}
