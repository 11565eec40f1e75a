//! A case's refund as the buyer and customer service read it.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Buyer, Cs};
use returns_runtime::AppContext;
use returns_web::Problem;

use crate::ledger;

/// `GET /buyer/cases/{id}/refund`: the refund of one of the buyer's cases.
#[utoipa::path(get, path = "/buyer/cases/{id}/refund", tag = "buyer", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's refund", body = ledger::RefundView)))]
pub(crate) async fn buyer_refund(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    case_refund(ctx, path, |r| r.buyer_id == buyer.id).await
}

/// `GET /cs/cases/{id}/refund`: customer service reads any case's refund.
#[utoipa::path(get, path = "/cs/cases/{id}/refund", tag = "cs", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's refund", body = ledger::RefundView)))]
pub(crate) async fn cs_refund(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    case_refund(ctx, path, |_| true).await
}

/// A case's refund, if `owns` it; someone else's answers exactly like a missing one.
pub(crate) async fn case_refund(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&ledger::RefundView) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let refund = ledger::refund_of_case(&mut conn, id)
        .await?
        .filter(|r| owns(r))
        .ok_or_else(|| Problem::not_found("refund"))?;
    Ok(HttpResponse::Ok().json(refund))
}
