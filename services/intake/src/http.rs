//! intake's HTTP API, one front per role: buyers open, list and read their cases (with the
//! timeline) and care orders; merchants read their shop's cases; operators load ratings and
//! service cards and read the figures and the policies in force.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncConnection;
use returns_auth::{As, Buyer, Cs, Merchant, Operator};
use returns_bus::{Outgoing, stage};
use returns_domain::ledger::refund_fits;
use returns_domain::{CaseStatus, Fen, Rating};
use returns_events::payloads::{CaseFacts, CaseOpened};
use returns_events::{Envelope, topics};
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::Deserialize;
use tracing::Instrument;
use uuid::Uuid;

use crate::request::{Checked, OpenCaseRequest, check_id};
use crate::store::{self, CaseRow, NewTimelineRow};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::{care, intervention, products, report};
    cfg.route("/buyer/cases", web::post().to(open_case))
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
        .route("/buyer/service-cards/{id}", web::get().to(care::buyer_card))
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
            web::get().to(care::merchant_card),
        )
        .route("/operator/ratings", web::put().to(put_ratings))
        .route("/operator/service-cards", web::put().to(care::import_cards))
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

#[utoipa::path(post, path = "/buyer/cases", tag = "buyer", request_body = OpenCaseRequest, responses((status = 201, description = "The case, opened", body = serde_json::Value)))]
async fn open_case(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let r: OpenCaseRequest = parse_json(&body)?;
    let now = ctx.clock.now();
    let Checked {
        delivery,
        city,
        remedy,
        refund,
        received_at,
        door_pickup,
    } = crate::request::check(&r, now, &ctx.settings.policy)?;
    let case_id = Uuid::now_v7();
    let shard = ctx.cities.shard_of(city.as_str()).to_owned();
    returns_runtime::tag_case(&root, &case_id, city.as_str(), &shard);
    let span =
        tracing::info_span!("intake.open_case", case_id = %case_id, city = %city, shard = %shard);
    async move {
        let mut conn = ctx.pool.get().await.map_err(db_error)?;
        // CR-1 / CR-3: the rating on file now is the one the case keeps; a buyer the rating
        // job has not rated yet has no privileges (1 star).
        let stars = store::rating_of(&mut conn, &buyer.id)
            .await
            .map_err(db_error)?
            .unwrap_or(1);
        let rating = Rating::new(stars).map_err(|e| Problem::invalid(e.field, e.message))?;
        let facts = CaseFacts {
            buyer_id: buyer.id,
            merchant_id: r.merchant_id,
            order_line_id: r.order_line_id,
            kind: r.kind,
            remedy,
            reason: r.reason,
            category: r.category,
            size_class: r.size_class,
            paid_amount_fen: Fen(r.paid_amount_fen),
            refund_amount_fen: refund,
            received_at,
            requested_at: now,
            merchant_shipped: r.merchant_shipped,
            paid_online: r.paid_online,
            freight_insured: r.freight_insured,
            guarantee: r.guarantee.clone(),
            evidence: r.evidence.clone(),
            care: None,
            delivery,
            completed_at: r.completed_at,
            buyer_rating: rating,
        };
        let row = CaseRow {
            id: case_id,
            buyer_id: facts.buyer_id.clone(),
            merchant_id: facts.merchant_id.clone(),
            order_line_id: facts.order_line_id.clone(),
            kind: enum_str(&facts.kind),
            reason: enum_str(&facts.reason),
            category: enum_str(&facts.category),
            size_class: enum_str(&facts.size_class),
            city: city.to_string(),
            shard: shard.clone(),
            paid_amount_fen: facts.paid_amount_fen.0,
            refund_amount_fen: facts.refund_amount_fen.0,
            buyer_rating: rating.stars(),
            door_pickup: door_pickup.is_some(),
            received_at: facts.received_at,
            merchant_shipped: facts.merchant_shipped,
            requested_at: now,
            status: CaseStatus::Requested.as_str().to_owned(),
            status_rank: 0,
            updated_at: now,
            remedy: enum_str(&remedy),
            completed_at: r.completed_at,
            intervention_requested_by: None,
            intervention_requested_at: None,
            guarantee: facts.guarantee.clone(),
            evidence: serde_json::to_value(&facts.evidence).unwrap_or_default(),
            card_id: None,
            care_outcome: None,
            rating_stars: None,
            rating_comment: None,
        };
        let opened = Envelope::new(
            Uuid::now_v7(),
            case_id,
            city.as_str(),
            &shard,
            now,
            ctx.service,
            &CaseOpened {
                facts,
                door_pickup: door_pickup.is_some(),
            },
        )
        .map_err(|e| Problem::unavailable(e.to_string()))?;
        let timeline = NewTimelineRow {
            case_id,
            event_id: opened.event_id,
            event_type: opened.event_type.clone(),
            status: Some(CaseStatus::Requested.as_str().to_owned()),
            rule_id: Some("CR-3".to_owned()),
            reason: format!("Request received; your {rating} rating is kept for this case."),
            at: now,
        };
        let cities = ctx.cities.clone();
        let app = ctx.get_ref().clone();
        let result = (*conn)
            .transaction::<Option<Fen>, returns_bus::BusError, _>(async move |conn| {
                // PAY-6: never more than the line's paid amount across all its cases.
                let (already, min_paid) = store::order_line_refunds(conn, &row.order_line_id)
                    .await
                    .map_err(returns_store::StoreError::from)?;
                let paid = Fen(min_paid.map_or(row.paid_amount_fen, |m| m.min(row.paid_amount_fen)));
                if let Err(remaining) = refund_fits(paid, Fen(already), Fen(row.refund_amount_fen)) {
                    return Ok(Some(remaining));
                }
                store::insert_case(conn, &row)
                    .await
                    .map_err(returns_store::StoreError::from)?;
                store::add_timeline(conn, &timeline)
                    .await
                    .map_err(returns_store::StoreError::from)?;
                if let Some(contact) = &door_pickup {
                    crate::contacts::keep(conn, row.id, contact)
                        .await
                        .map_err(returns_store::StoreError::from)?;
                }
                if row.kind == "after_sales" {
                    // AS-2: customer service may be asked 72 hours from now.
                    crate::intervention::start_wait(conn, &row, &app).await?;
                }
                stage(conn, &cities, &[Outgoing::new(topics::CASES, opened)]).await?;
                Ok(None)
            })
            .await;
        match result {
            Ok(None) => {}
            Ok(Some(remaining)) => {
                return Err(Problem::invalid(
                    "refund_amount_fen",
                    format!(
                        "PAY-6: the order line's other cases already take most of what was paid; at most {} fen ({remaining}) can still be refunded",
                        remaining.0
                    ),
                ));
            }
            Err(e) => return Err(db_error(e)),
        }
        ctx.relay.wake();
        tracing::info!("case opened");
        Ok(HttpResponse::Created()
            .insert_header(("Location", format!("/buyer/cases/{case_id}")))
            .json(
                serde_json::json!({ "case_id": case_id, "status": CaseStatus::Requested.as_str() }),
            ))
    }
    .instrument(span)
    .await
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
    Ok(HttpResponse::Ok().json(serde_json::json!({ "case": case, "timeline": timeline })))
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
