//! RV-3: the merchant checks the returned goods. A failed check is its decision, with a reason
//! and evidence, announced so that payment holds the refund and the buyer may ask customer
//! service to intervene (AS-2), whose ruling is taken at the CS desk.

use actix_web::{HttpResponse, web};
use returns_auth::{As, Merchant};
use returns_bus::stage;
use returns_domain::RuleId;
use returns_domain::lifecycle::DecisionState;
use returns_domain::return_check::{self, ReturnConditions};
use returns_events::payloads::ReturnCheckFailed;
use returns_runtime::{AppContext, RootSpan};
use returns_web::{Problem, parse_json};
use serde::{Deserialize, Serialize};

use returns_bus::About;

use crate::store;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRequest {
    conditions: ReturnConditions,
    // RV-3: what the buyer reads when a condition failed.
    #[serde(default)]
    reason: String,
    // RV-3: 1 to 10 references when a condition failed.
    #[serde(default)]
    evidence: Vec<String>,
}

/// The four conditions RV-3 checks.
const CONDITIONS: [&str; 4] = [
    "not_soiled",
    "no_marks_of_use",
    "tags_attached",
    "accessories_complete",
];

/// Written by hand, as one of two bodies, because RV-3 ties `reason` and `evidence` to the
/// conditions: a passed check may say why; a failed one (any condition false) must, with 1 to
/// 10 evidence references.
impl utoipa::PartialSchema for CheckRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use returns_web::schema::{closed, one_to_ten_references, readable, references};
        use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, OneOfBuilder, Type};
        let passed = closed()
            .property("conditions", conditions(None))
            .required("conditions")
            .property(
                "reason",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(500)),
            )
            .property("evidence", references());
        let any_failed = CONDITIONS
            .iter()
            .fold(AnyOfBuilder::new(), |b, c| b.item(conditions(Some(c))));
        let failed = closed()
            .property("conditions", any_failed)
            .required("conditions")
            .property(
                "reason",
                readable(500).description(Some("RV-3: what the buyer reads")),
            )
            .required("reason")
            .property("evidence", one_to_ten_references())
            .required("evidence");
        OneOfBuilder::new()
            .item(passed)
            .item(failed)
            .description(Some("The merchant's check of the returned goods (RV-3)."))
            .into()
    }
}

impl utoipa::ToSchema for CheckRequest {}

/// The conditions, each required: all true, or `failing` false and the others either way.
fn conditions(failing: Option<&str>) -> utoipa::openapi::schema::ObjectBuilder {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    CONDITIONS
        .iter()
        .fold(returns_web::schema::closed(), |o, c| {
            let value = match failing {
                None => Some(vec![true]),
                Some(f) if f == *c => Some(vec![false]),
                Some(_) => None,
            };
            o.property(
                *c,
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .enum_values(value),
            )
            .required(*c)
        })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
enum CheckOutcome {
    Passed,
    Failed,
}

/// The check as recorded: a failed one names the conditions that failed (RV-3).
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct CheckAnswer {
    case_id: uuid::Uuid,
    check: CheckOutcome,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<String>)]
    failed: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<RuleId>,
}

impl CheckAnswer {
    fn of(case_id: uuid::Uuid, failed: Vec<&'static str>) -> Self {
        let passed = failed.is_empty();
        Self {
            case_id,
            check: if passed {
                CheckOutcome::Passed
            } else {
                CheckOutcome::Failed
            },
            rule: (!passed).then_some(RuleId::Rv3),
            failed,
        }
    }
}

/// `POST /merchant/cases/{id}/return-check`.
#[utoipa::path(post, path = "/merchant/cases/{id}/return-check", tag = "merchant", request_body = CheckRequest, params(("id" = uuid::Uuid, Path, description = "The case's id")), responses((status = 200, description = "The return check (RV-3)", body = CheckAnswer)))]
pub(crate) async fn check(
    merchant: As<Merchant>,
    ctx: web::Data<AppContext>,
    root: RootSpan,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, Problem> {
    let id = returns_web::path_uuid(&path, "case")?;
    let req: CheckRequest = parse_json(&body)?;
    let failed = return_check::failed(&req.conditions);
    if !failed.is_empty() {
        returns_web::readable_text(
            "reason",
            &req.reason,
            "RV-3: a failed check needs a reason the buyer can read",
        )?;
        if req.evidence.is_empty()
            || req.evidence.len() > 10
            || req
                .evidence
                .iter()
                .any(|e| returns_domain::text::is_blank(e) || e.chars().count() > 300)
        {
            return Err(Problem::invalid(
                "evidence",
                "RV-3: a failed check needs 1 to 10 evidence references",
            ));
        }
    }
    let now = ctx.clock.now();
    let cities = ctx.cities.clone();
    let done = ctx
        .write(async move |conn| {
            let row = store::merchants_for_update(conn, id, &merchant.id)
                .await?
                .ok_or_else(|| Problem::not_found("case"))?;
            returns_runtime::tag_case(&root, &id, &row.city, &row.shard);
            if row.status != DecisionState::Approved {
                return Err(Problem::conflict(format!(
                    "the request is {}; only an approved return's goods are checked",
                    row.status
                )));
            }
            if failed.is_empty() {
                return Ok(failed);
            }
            store::record_later_decision(
                conn,
                id,
                DecisionState::ReturnCheckFailed,
                RuleId::Rv3.as_str(),
                &req.reason,
                "merchant",
                now,
            )
            .await?;
            let case = About {
                case_id: id,
                city: &row.city,
                shard: &row.shard,
            };
            let ev = returns_bus::Emitter::new(crate::SERVICE, now).emit(
                case,
                &ReturnCheckFailed {
                    rule: RuleId::Rv3,
                    failed: failed.iter().map(|f| (*f).to_owned()).collect(),
                    reason: req.reason.clone(),
                    evidence: req.evidence.clone(),
                    checked_at: now,
                },
            )?;
            stage(conn, &cities, &[ev]).await?;
            Ok(failed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CheckAnswer::of(id, done)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(failing: Option<&str>) -> serde_json::Value {
        let fields = CONDITIONS.map(|c| (c.to_owned(), serde_json::json!(Some(c) != failing)));
        serde_json::Value::Object(fields.into_iter().collect())
    }

    #[test]
    fn rv_3_the_documented_conditions_are_the_ones_checked() {
        let all: ReturnConditions = serde_json::from_value(with(None))
            .unwrap_or_else(|e| panic!("CONDITIONS names every field: {e}"));
        assert!(return_check::failed(&all).is_empty());
        for c in CONDITIONS {
            let one: ReturnConditions =
                serde_json::from_value(with(Some(c))).unwrap_or_else(|e| panic!("{c}: {e}"));
            assert_eq!(
                return_check::failed(&one).len(),
                1,
                "{c} alone fails the check"
            );
        }
    }
}
