//! intake's HTTP API, one front per role: buyers open, list and read their cases (with the
//! timeline) and care orders; merchants read their shop's cases; operators load ratings and
//! service cards and read the figures and the policies in force.

use actix_web::{HttpRequest, HttpResponse, web};
use returns_auth::{As, Buyer, Cs, Merchant, Operator};
use returns_domain::Rating;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use uuid::Uuid;

use crate::request::check_id;
use crate::store::{self, CaseRow};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{care, intervention, products, report, service_cards};
    cfg.route("/buyer/cases", web::post().to(crate::open_case::open_case))
        .route(
            "/buyer/orders/{id}",
            web::get().to(crate::order_routes::buyer_order),
        )
        .route(
            "/operator/orders",
            web::put().to(crate::order_routes::import),
        )
        .route(
            "/operator/stats/orders",
            web::get().to(crate::order_routes::orders_by_state),
        )
        .route("/buyer/cases", web::get().to(buyer_cases))
        .route("/buyer/cases/{id}", web::get().to(buyer_case))
        .route(
            "/buyer/cases/{id}/cancel",
            web::post().to(crate::cancel::cancel),
        )
        .route(
            "/buyer/cases/{id}/evidence",
            web::post().to(crate::evidence::add),
        )
        .route(
            "/buyer/cases/{id}/intervention",
            web::post().to(intervention::by_buyer),
        )
        .route(
            "/buyer/products/services",
            web::get().to(products::services),
        )
        .route(
            "/buyer/service-cards/{id}",
            web::get().to(service_cards::buyer_card),
        )
        .route("/buyer/care-orders", web::post().to(care::open))
        .route("/buyer/care-orders/{id}/rating", web::post().to(care::rate))
        .route("/merchant/cases/{id}", web::get().to(merchant_case))
        .route("/cs/cases/{id}", web::get().to(cs_case))
        .route(
            "/merchant/cases/{id}/intervention",
            web::post().to(intervention::by_merchant),
        )
        .route(
            "/merchant/service-cards/{id}",
            web::get().to(service_cards::merchant_card),
        )
        .route("/operator/ratings", web::put().to(put_ratings))
        .route(
            "/operator/service-cards",
            web::put().to(service_cards::import_cards),
        )
        .route(
            "/operator/stats/cases-by-status",
            web::get().to(cases_by_status),
        )
        .route(
            "/operator/reports/operator",
            web::get().to(report::operator_report),
        )
        .route("/operator/policies", web::get().to(policies));
}

/// A database failure, as every route of this service answers it.
pub(crate) fn db_error(e: impl std::fmt::Display) -> Problem {
    returns_web::store_unavailable(e, "the case store")
}

/// The wire name of an enum value (as stored in text columns).
pub(crate) fn enum_str<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CasesPage {
    /// Cases after this one (the `next` of the previous page).
    #[serde(default)]
    after: Option<Uuid>,
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /buyer/cases`: the buyer's own cases, newest first, a page at a time.
#[utoipa::path(get, path = "/buyer/cases", tag = "buyer", params(CasesPage), responses((status = 200, description = "A page of the buyer's cases, newest first", body = serde_json::Value)))]
async fn buyer_cases(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    q: web::Query<CasesPage>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let rows = store::cases_of_buyer(&mut conn, &buyer.id, q.after, limit)
        .await
        .map_err(db_error)?;
    let next = returns_web::next_cursor(&rows, limit, |c| c.id);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": rows, "next": next })))
}

#[utoipa::path(get, path = "/buyer/cases/{id}", tag = "buyer", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
async fn buyer_case(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.buyer_id == buyer.id).await
}

#[utoipa::path(get, path = "/merchant/cases/{id}", tag = "merchant", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
async fn merchant_case(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |c| c.merchant_id == merchant.id).await
}

/// Customer service reads any case to rule on it (AS-2, K-6).
#[utoipa::path(get, path = "/cs/cases/{id}", tag = "cs", params(("id" = String, Path, description = "The object's id")), responses((status = 200, description = "The case and its timeline", body = serde_json::Value)))]
async fn cs_case(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_case(ctx, root, path, |_| true).await
}

/// A case with its timeline, if `owns` it; someone else's case answers exactly like a missing one.
async fn read_case(
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    owns: impl Fn(&CaseRow) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let case = store::case_by_id(&mut conn, id)
        .await
        .map_err(db_error)?
        .filter(|c| owns(c))
        .ok_or_else(|| Problem::not_found("case"))?;
    returns_runtime::tag_case(&root, &id, &case.city, &case.shard);
    let timeline = store::timeline(&mut conn, id).await.map_err(db_error)?;
    let lines = crate::order_store::lines_of_case(&mut conn, id)
        .await
        .map_err(db_error)?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "case": case, "lines": lines, "timeline": timeline })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RatingsImport {
    ratings: Vec<RatingLine>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RatingLine {
    buyer_id: String,
    stars: Rating,
}

/// CR-1: the rating job delivers ratings; they apply to cases opened afterwards (CR-3).
#[utoipa::path(put, path = "/operator/ratings", tag = "operator", request_body = RatingsImport, responses((status = 200, description = "How many ratings were stored", body = serde_json::Value)))]
async fn put_ratings(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let is_csv = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv"));
    let delivered = if is_csv {
        ratings_from_csv(&body)?
    } else {
        ratings_from_json(&body)?
    };
    if delivered.len() > 10_000 {
        return Err(Problem::invalid(
            "ratings",
            "at most 10000 ratings per delivery",
        ));
    }
    // The last line for a buyer wins within one delivery.
    let latest: std::collections::BTreeMap<String, i16> = delivered.into_iter().collect();
    let lines: Vec<(String, i16)> = latest.into_iter().collect();
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let n = if lines.is_empty() {
        0
    } else {
        store::upsert_ratings(&mut conn, &lines, ctx.clock.now())
            .await
            .map_err(db_error)?
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({ "stored": n })))
}

fn ratings_from_json(body: &[u8]) -> Result<Vec<(String, i16)>, Problem> {
    let r: RatingsImport = parse_json(body)?;
    r.ratings
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            check_id(&format!("ratings[{i}].buyer_id"), &l.buyer_id)?;
            Ok((l.buyer_id, l.stars.stars()))
        })
        .collect()
}

/// CR-1: the rating job's file, as it writes it: a `buyer_id,stars` header, then one buyer a
/// line. A bad line is refused with its number; nothing of the file is stored then.
fn ratings_from_csv(body: &[u8]) -> Result<Vec<(String, i16)>, Problem> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Problem::malformed(None, "the file is not UTF-8 text"))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, header)) if header.trim() == "buyer_id,stars" => {}
        _ => {
            return Err(Problem::invalid(
                "line 1",
                "the first line must be the header buyer_id,stars",
            ));
        }
    }
    lines
        .map(|(i, line)| {
            let field = format!("line {}", i + 1);
            let (buyer, stars) = line
                .split_once(',')
                .ok_or_else(|| Problem::invalid(field.clone(), "expected buyer_id,stars"))?;
            let (buyer, stars) = (buyer.trim(), stars.trim());
            check_id(&field, buyer)?;
            let stars = stars
                .parse::<i16>()
                .ok()
                .and_then(|s| Rating::new(s).ok())
                .ok_or_else(|| {
                    Problem::invalid(
                        field.clone(),
                        format!("{stars:?} is not a rating; allowed: 1 to 5"),
                    )
                })?;
            Ok((buyer.to_owned(), stars.stars()))
        })
        .collect()
}

/// `GET /operator/policies`: the rule parameters in force, as this service loaded them.
#[utoipa::path(get, path = "/operator/policies", tag = "operator", responses((status = 200, description = "The policy in force", body = serde_json::Value)))]
async fn policies(_: As<Operator>, ctx: web::Data<AppContext>) -> HttpResponse {
    HttpResponse::Ok().json(&ctx.settings.policy)
}

#[utoipa::path(get, path = "/operator/stats/cases-by-status", tag = "operator", responses((status = 200, description = "Cases by status", body = serde_json::Value)))]
async fn cases_by_status(
    _: As<Operator>,
    ctx: web::Data<AppContext>,
) -> Result<HttpResponse, Problem> {
    let mut conn = ctx.pool.get().await.map_err(db_error)?;
    let rows = store::count_by_status(&mut conn).await.map_err(db_error)?;
    let total: i64 = rows.iter().map(|(_, n)| n).sum();
    let by_status: serde_json::Map<String, serde_json::Value> =
        rows.into_iter().map(|(s, n)| (s, n.into())).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "total": total, "by_status": by_status })))
}
