//! K-6: complaints against merchants. A buyer complains of a broken promise while the order
//! awaits payment (AS-4), or, in an after-sales case about an invoice problem or goods not as
//! described, once customer service was asked to intervene (AS-5). Customer service upholds or
//! dismisses it once; upholding costs the merchant violation points, shown on its standing.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_auth::{As, Buyer};
use returns_bus::{Outgoing, stage};
use returns_domain::RuleId;
use returns_domain::complaint::{self, ComplaintState, Grounds};
use returns_events::payloads::{CaseOpened, ComplaintFiled};
use returns_runtime::AppContext;
use returns_web::{Problem, check_id, parse_json};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::schema::{complaints, interventions};
use crate::store;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRequest {
    grounds: Grounds,
    text: String,
    #[serde(default)]
    evidence: Vec<String>,
    /// AS-4: the order that awaits payment (its merchant and city come from the order feed).
    #[serde(default)]
    order_id: Option<String>,
    /// AS-5: the after-sales case the complaint follows (its merchant and line come from it).
    #[serde(default)]
    case_id: Option<Uuid>,
}

/// Written by hand, as one of two bodies, because the grounds decide what the complaint is
/// about: a broken promise (AS-4) names the order awaiting payment, an invoice problem or goods
/// not as described (AS-5) the after-sales case.
impl utoipa::PartialSchema for FileRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{closed, id, named, readable, references};
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        let null = || ObjectBuilder::new().schema_type(Type::Null);
        let body = |about: &[Grounds]| {
            closed()
                .property("grounds", named(about.iter().map(returns_domain::to_wire)))
                .required("grounds")
                .property("text", readable(2000))
                .required("text")
                .property("evidence", references())
        };
        let order_id = id().description(Some("AS-4: the order that awaits payment"));
        let case_id = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
            .description(Some("AS-5: the after-sales case the complaint follows"));
        let broken_promise = body(&[Grounds::BrokenPromise])
            .property("order_id", order_id)
            .required("order_id")
            .property("case_id", null());
        let after_sales = body(&[Grounds::InvoiceProblem, Grounds::NotAsDescribed])
            .property("case_id", case_id)
            .required("case_id")
            .property("order_id", null());
        OneOfBuilder::new()
            .item(broken_promise)
            .item(after_sales)
            .description(Some("A buyer's complaint about a merchant (K-6)."))
            .into()
    }
}

impl utoipa::ToSchema for FileRequest {}

/// A buyer's complaint (AS-4, AS-5, K-6) and its ruling once made.
#[derive(Debug, Serialize, Queryable, Selectable, utoipa::ToSchema)]
#[diesel(table_name = complaints)]
pub(crate) struct ComplaintView {
    id: Uuid,
    buyer_id: String,
    merchant_id: String,
    order_id: Option<String>,
    order_line_id: Option<String>,
    case_id: Option<Uuid>,
    grounds: String,
    rule_id: String,
    text: String,
    /// References to the buyer's evidence.
    #[schema(value_type = Vec<String>)]
    evidence: serde_json::Value,
    filed_at: DateTime<Utc>,
    state: ComplaintState,
    ruling_reason: Option<String>,
    violation_points: i32,
}

/// The complaint as filed, and against whom.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Filed {
    complaint_id: Uuid,
    state: ComplaintState,
    rule: RuleId,
    merchant_id: String,
}

/// What a complaint is against, read from the platform's own records, never from the body.
struct Target {
    rule: RuleId,
    merchant_id: String,
    order_id: Option<String>,
    order_line_id: Option<String>,
    case_id: Option<Uuid>,
    city: String,
    shard: String,
}

pub(crate) fn outgoing<E: returns_events::Event>(
    key: Uuid,
    city: &str,
    shard: &str,
    now: DateTime<Utc>,
    e: &E,
) -> Result<Outgoing, returns_bus::BusError> {
    // Keyed by the after-sales case, or by the complaint itself (AS-4 has no case).
    let c = returns_bus::About {
        case_id: key,
        city,
        shard,
    };
    returns_bus::Emitter::new(crate::SERVICE, now).emit(c, e)
}

fn check_body(req: &FileRequest) -> Result<(), Problem> {
    if returns_domain::text::is_blank(&req.text) || req.text.chars().count() > 2000 {
        return Err(Problem::invalid("text", "must be 1-2000 characters"));
    }
    if req.evidence.len() > 10
        || req
            .evidence
            .iter()
            .any(|e| returns_domain::text::is_blank(e) || e.chars().count() > 300)
    {
        return Err(Problem::invalid(
            "evidence",
            "at most 10 references of 1-300 characters",
        ));
    }
    match (req.grounds, &req.order_id, req.case_id) {
        (Grounds::BrokenPromise, Some(order), None) => check_id("order_id", order),
        (Grounds::BrokenPromise, _, Some(_)) => Err(Problem::invalid(
            "case_id",
            "a broken-promise complaint (AS-4) is about an order awaiting payment, not a case",
        )),
        (Grounds::BrokenPromise, None, None) => Err(Problem::invalid(
            "order_id",
            "AS-4: a broken-promise complaint names the order that awaits payment",
        )),
        (_, Some(_), _) => Err(Problem::invalid(
            "order_id",
            "AS-5: an invoice or not-as-described complaint names its after-sales case, not an order",
        )),
        (_, None, None) => Err(Problem::invalid(
            "case_id",
            "AS-5: an invoice or not-as-described complaint follows an after-sales case",
        )),
        (_, None, Some(_)) => Ok(()),
    }
}

/// AS-4: the buyer's own order, still awaiting payment, from audit's copy of the feed.
async fn order_target(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    buyer_id: &str,
    order_id: &str,
    now: DateTime<Utc>,
) -> Result<Target, Problem> {
    let found = crate::order_copy::find(conn, order_id).await?;
    // Someone else's order answers exactly like a missing one.
    let order = found
        .filter(|o| o.buyer_id == buyer_id)
        .ok_or_else(|| Problem::not_found("order"))?;
    complaint::broken_promise_allowed(
        order.awaits_payment(now),
        order.placed_at,
        now,
        &app.settings.policy,
    )
    .map_err(Problem::conflict)?;
    let shard = app.cities.shard_of(&order.city).to_owned();
    Ok(Target {
        rule: RuleId::As4,
        merchant_id: order.merchant_id,
        order_id: Some(order.order_id),
        order_line_id: None,
        case_id: None,
        city: order.city,
        shard,
    })
}

/// AS-5: the buyer's own after-sales case, in which customer service was asked to intervene.
async fn case_target(
    conn: &mut AsyncPgConnection,
    buyer_id: &str,
    grounds: Grounds,
    case_id: Uuid,
) -> Result<Target, Problem> {
    let d = store::find(conn, case_id)
        .await?
        .ok_or_else(|| Problem::not_found("case"))?;
    let opened: CaseOpened = serde_json::from_value(d.opened.clone())?;
    // Someone else's case answers exactly like a missing one.
    if opened.facts.buyer_id != buyer_id {
        return Err(Problem::not_found("case"));
    }
    if opened.facts.kind != returns_domain::CaseKind::AfterSales {
        return Err(Problem::conflict(
            "AS-5: complaints follow after-sales (K-4) cases",
        ));
    }
    let asked: i64 = interventions::table
        .filter(interventions::case_id.eq(case_id))
        .count()
        .get_result(conn)
        .await?;
    let rule = complaint::after_sales_complaint_allowed(grounds, opened.facts.reason, asked > 0)
        .map_err(Problem::conflict)?;
    Ok(Target {
        rule,
        merchant_id: d.merchant_id,
        order_id: opened.facts.order_id,
        order_line_id: Some(opened.facts.order_line_id),
        case_id: Some(case_id),
        city: d.city,
        shard: d.shard,
    })
}

/// `POST /buyer/complaints`.
#[utoipa::path(post, path = "/buyer/complaints", tag = "buyer", request_body = FileRequest, responses((status = 201, description = "The complaint, filed (K-6)", body = Filed)))]
pub(crate) async fn file(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let buyer_id = buyer.id;
    let req: FileRequest = parse_json(&body)?;
    check_body(&req)?;
    let now = ctx.clock.now();
    let app = ctx.get_ref().clone();
    let filed = ctx
        .write(async move |conn| {
            let t = match (&req.order_id, req.case_id) {
                (Some(order), _) => order_target(conn, &app, &buyer_id, order, now).await?,
                (None, Some(case)) => case_target(conn, &buyer_id, req.grounds, case).await?,
                (None, None) => return Err(Problem::not_found("case")),
            };
            insert(conn, &app, &buyer_id, &req, &t, now).await
        })
        .await?;
    Ok(HttpResponse::Created().json(filed))
}

/// Records the complaint and stages `complaint.filed`, once per case (AS-5) or order (AS-4).
async fn insert(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    buyer_id: &str,
    req: &FileRequest,
    t: &Target,
    now: DateTime<Utc>,
) -> Result<Filed, Problem> {
    let id = Uuid::now_v7();
    let grounds = serde_json::to_value(req.grounds)?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let n = diesel::insert_into(complaints::table)
        .values((
            complaints::id.eq(id),
            complaints::buyer_id.eq(buyer_id),
            complaints::merchant_id.eq(&t.merchant_id),
            complaints::order_id.eq(&t.order_id),
            complaints::order_line_id.eq(&t.order_line_id),
            complaints::case_id.eq(t.case_id),
            complaints::city.eq(&t.city),
            complaints::shard.eq(&t.shard),
            complaints::grounds.eq(&grounds),
            complaints::rule_id.eq(t.rule.as_str()),
            complaints::text.eq(&req.text),
            complaints::evidence.eq(serde_json::json!(req.evidence)),
            complaints::filed_at.eq(now),
            complaints::state.eq(ComplaintState::Filed),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if n == 0 {
        return Err(Problem::conflict(format!(
            "a complaint was already filed for this {}",
            if t.case_id.is_some() { "case" } else { "order" }
        )));
    }
    let ev = outgoing(
        t.case_id.unwrap_or(id),
        &t.city,
        &t.shard,
        now,
        &ComplaintFiled {
            complaint_id: id,
            rule: t.rule,
            merchant_id: t.merchant_id.clone(),
            grounds: grounds.clone(),
            filed_at: now,
        },
    )?;
    stage(conn, &app.cities, &[ev]).await?;
    tracing::info!(complaint_id = %id, rule = t.rule.as_str(), "complaint filed");
    Ok(Filed {
        complaint_id: id,
        state: ComplaintState::Filed,
        rule: t.rule,
        merchant_id: t.merchant_id.clone(),
    })
}

/// `GET /buyer/complaints/{id}`: one of the buyer's complaints.
#[utoipa::path(get, path = "/buyer/complaints/{id}", tag = "buyer", params(("id" = uuid::Uuid, Path, description = "The complaint's id")), responses((status = 200, description = "The complaint", body = ComplaintView)))]
pub(crate) async fn view(
    buyer: As<Buyer>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "complaint")?;
    let mut conn = ctx.conn().await?;
    let c: ComplaintView = complaints::table
        .find(id)
        .select(ComplaintView::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .filter(|c| c.buyer_id == buyer.id)
        .ok_or_else(|| Problem::not_found("complaint"))?;
    Ok(HttpResponse::Ok().json(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(grounds: Grounds, order: Option<&str>, case: Option<Uuid>) -> FileRequest {
        FileRequest {
            grounds,
            text: "Promised a gift; none came.".to_owned(),
            evidence: Vec::new(),
            order_id: order.map(str::to_owned),
            case_id: case,
        }
    }

    fn field(r: Result<(), Problem>) -> Option<String> {
        r.err().and_then(|p| p.field)
    }

    #[test]
    fn as_4_as_5_a_complaint_names_its_order_or_its_case_and_nothing_else() {
        let case = Some(Uuid::nil());
        assert!(check_body(&body(Grounds::BrokenPromise, Some("o-1"), None)).is_ok());
        assert!(check_body(&body(Grounds::NotAsDescribed, None, case)).is_ok());
        let refused = [
            (body(Grounds::BrokenPromise, None, None), "order_id"),
            (body(Grounds::BrokenPromise, Some("o-1"), case), "case_id"),
            (body(Grounds::InvoiceProblem, Some("o-1"), case), "order_id"),
            (body(Grounds::NotAsDescribed, None, None), "case_id"),
            (body(Grounds::BrokenPromise, Some("o 1"), None), "order_id"),
        ];
        for (b, f) in refused {
            assert_eq!(field(check_body(&b)).as_deref(), Some(f), "{b:?}");
        }
    }
}
