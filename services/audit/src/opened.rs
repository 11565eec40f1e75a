//! AUTO-1: audit decides a case as it opens, at once from the buyer's rating and the
//! merchant's programme, or leaves it to the merchant until RV-1's deadline.

use diesel_async::AsyncPgConnection;
use returns_bus::{About, HandleError, Outgoing};
use returns_domain::approval::ApprovalOutcome;
use returns_domain::lifecycle::DecisionState;
use returns_events::Envelope;
use returns_events::payloads::CaseOpened;
use returns_runtime::AppContext;
use tracing::Instrument;

use crate::decide;
use crate::store::{self, DecisionRow};

/// Decides `opened` and records the decision; its event is the answer.
pub(crate) async fn decide_case(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    opened: &CaseOpened,
    ctx: &AppContext,
) -> Result<Vec<Outgoing>, HandleError> {
    let span = tracing::info_span!("audit.decide", case_id = %env.case_id, city = %env.city, shard = %env.shard, rule = tracing::field::Empty);
    async {
        let now = ctx.clock.now();
        let policy = &ctx.settings.policy;
        // MP-1: fast return is for the programme's members.
        let member = crate::programme::membership(conn, &opened.facts.merchant_id)
            .await?
            .is_some_and(|m| m.member);
        let facts = decide::facts_of(opened, ctx.cities.is_covered(&env.city), member);
        let d = decide::decide(&facts, policy);
        tracing::Span::current().record("rule", d.rule.as_str());
        let case = About {
            case_id: env.case_id,
            city: &env.city,
            shard: &env.shard,
        };
        let out = decide::decision_event(conn, &case, opened, &d, now, policy).await?;
        let (status, deadline) = match d.outcome {
            ApprovalOutcome::Approved { .. } => (DecisionState::Approved, None),
            ApprovalOutcome::AwaitMerchant => (
                DecisionState::AwaitingMerchant,
                Some(decide::review_deadline(opened, policy)),
            ),
        };
        store::insert(
            conn,
            &DecisionRow {
                case_id: env.case_id,
                city: env.city.clone(),
                shard: env.shard.clone(),
                merchant_id: opened.facts.merchant_id.clone(),
                status,
                rule_id: d.rule.as_str().to_owned(),
                reason: d.reason.clone(),
                // The facts the rule read, and RV-4's classification of the request.
                inputs: serde_json::json!({ "facts": facts, "class": d.class }),
                opened: env.payload.clone(),
                review_deadline: deadline,
                decided_by: matches!(d.outcome, ApprovalOutcome::Approved { .. })
                    .then(|| "system".to_owned()),
                decided_at: now,
            },
        )
        .await?;
        if let Some(due) = deadline {
            // RV-1: if the merchant stays silent until then, the system approves.
            let timer = returns_bus::deadline(crate::review_timer::KIND, env, due, now);
            returns_store::timers::schedule(conn, &timer).await?;
        }
        tracing::info!(rule = d.rule.as_str(), status = status.as_str(), "decided");
        Ok(vec![out])
    }
    .instrument(span)
    .await
}
