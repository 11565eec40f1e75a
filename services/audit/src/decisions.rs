//! The merchant's review queue and decision (RV-1, RV-2), and the decision as each party reads it.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Cs, Merchant};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::lifecycle::DecisionState;
use returns_events::payloads::CaseOpened;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Moved, Page, Problem, parse_json};
use serde::Deserialize;

use returns_bus::About;

use crate::decide;
use crate::store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueuePage {
    /// Cases after this one (the `next` of the previous page).
    #[serde(default)]
    after: Option<uuid::Uuid>,
    /// Items a page holds: 1 to `api.max_page` (100 unless configured), that many when absent.
    #[param(minimum = 1, maximum = 100)]
    #[serde(default)]
    limit: Option<i64>,
}

/// `GET /merchant/cases`: the shop's review queue (RV-1), oldest first.
#[utoipa::path(get, path = "/merchant/cases", tag = "merchant", params(QueuePage), responses((status = 200, description = "The shop's review queue (RV-1), oldest first", body = Page<store::DecisionRow>)))]
pub(crate) async fn review_queue(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    q: web::Query<QueuePage>,
) -> Result<HttpResponse, Problem> {
    let limit = returns_web::page_size(q.limit, ctx.settings.api.max_page)?;
    let mut conn = ctx.conn().await?;
    let rows = store::awaiting_merchant(&mut conn, &merchant.id, q.after, limit).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, limit, |r| r.case_id)))
}

#[utoipa::path(get, path = "/merchant/cases/{id}/decision", tag = "merchant", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's decision", body = store::DecisionRow)))]
pub(crate) async fn merchant_decision(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_decision(ctx, path, |merchant_id| merchant_id == merchant.id).await
}

#[utoipa::path(get, path = "/cs/cases/{id}/decision", tag = "cs", params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The case's decision", body = store::DecisionRow)))]
pub(crate) async fn cs_decision(
    _: As<Cs>,
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    read_decision(ctx, path, |_| true).await
}

/// A case's decision, if its merchant passes `owns`; another shop's answers like a missing one.
pub(crate) async fn read_decision(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
    owns: impl Fn(&str) -> bool,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let mut conn = ctx.conn().await?;
    let row = store::find(&mut conn, id)
        .await?
        .filter(|r| owns(&r.merchant_id))
        .ok_or_else(|| Problem::not_found("case"))?;
    Ok(HttpResponse::Ok().json(row))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Verdict {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MerchantDecision {
    decision: Verdict,
    #[serde(default)]
    reason: Option<String>,
}

/// Written by hand, as one of two bodies, because RV-2 ties `reason` to `decision`: an
/// approval may say why (at most 500 characters), a rejection must (1-500, not only spaces).
impl utoipa::PartialSchema for MerchantDecision {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{closed, named, readable};
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaType, Type};
        let approve = closed()
            .property("decision", named(["approve"]))
            .required("decision")
            .property(
                "reason",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .max_length(Some(500)),
            );
        let reject = closed()
            .property("decision", named(["reject"]))
            .required("decision")
            .property(
                "reason",
                readable(500).description(Some("RV-2: why, for the buyer to read")),
            )
            .required("reason");
        OneOfBuilder::new()
            .item(approve)
            .item(reject)
            .description(Some(
                "The merchant's decision on a case awaiting it (RV-1, RV-2).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for MerchantDecision {}

#[utoipa::path(post, path = "/merchant/cases/{id}/decision", tag = "merchant", request_body = MerchantDecision, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The decision (RV-1, RV-2)", body = Moved<DecisionState>)))]
pub(crate) async fn merchant_decides(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: MerchantDecision = parse_json(&body)?;
    let reason = req.reason.unwrap_or_default();
    if matches!(req.decision, Verdict::Reject) && returns_domain::text::is_blank(&reason) {
        return Err(Problem::invalid(
            "reason",
            "RV-2: a rejection needs a reason the buyer can read",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(Problem::invalid("reason", "at most 500 characters"));
    }
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let status = ctx
        .write(async move |conn| {
            let row = store::merchants_for_update(conn, id, &merchant.id)
                .await?
                .ok_or_else(|| Problem::not_found("case"))?;
            returns_runtime::tag_case(&root, &id, &row.city, &row.shard);
            if row.status != DecisionState::AwaitingMerchant {
                return Err(Problem::conflict(format!(
                    "the case is {}, not awaiting_merchant; only a waiting case can be decided by the merchant",
                    row.status
                )));
            }
            let opened: CaseOpened = serde_json::from_value(row.opened.clone())?;
            let case = About {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let (status, rule, text, out) = match req.decision {
                Verdict::Approve => {
                    let text = "The merchant approved the request.".to_owned();
                    let out = decide::approved_event(
                        conn,
                        &case,
                        &opened,
                        RuleId::Rv1,
                        &text,
                        "merchant",
                        false,
                        now,
                    )
                    .await?;
                    (DecisionState::Approved, RuleId::Rv1, text, out)
                }
                Verdict::Reject => {
                    let out = decide::rejected_event(&case, &reason, now)?;
                    (DecisionState::Rejected, RuleId::Rv2, reason.clone(), out)
                }
            };
            store::record_later_decision(conn, id, status, rule.as_str(), &text, "merchant", now)
                .await?;
            stage(conn, &cities, &[out]).await?;
            Ok(status)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Moved::to(id, status)))
}
