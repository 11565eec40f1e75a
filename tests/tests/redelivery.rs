//! Issue 2, item 4: redelivered events change nothing (no second refund, courier job or ledger
//! entry); PAY-5 holds even for a duplicate that carries a new event id.

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::kafka::{self, Record};
use returns_harness::{Stack, StackOptions, wait_for};
use std::collections::HashMap;

const GROUPS: [(&str, &[&str]); 4] = [
    (
        "returns-intake",
        &[topics::DECISIONS, topics::PICKUPS, topics::PAYMENTS],
    ),
    ("returns-audit", &[topics::CASES]),
    ("returns-logistics", &[topics::DECISIONS]),
    ("returns-payment", &[topics::PICKUPS]),
];
const TOPICS: [&str; 4] = [
    topics::CASES,
    topics::DECISIONS,
    topics::PICKUPS,
    topics::PAYMENTS,
];

async fn wait_caught_up(stack: &Stack) -> anyhow::Result<()> {
    let bootstrap = stack.broker.bootstrap();
    let partitions = stack.partitions;
    wait_for("every consumer group to catch up", PATIENCE, || {
        let bootstrap = bootstrap.clone();
        async move {
            let mut total = 0;
            for (group, topics) in GROUPS {
                total += kafka::group_lag(&bootstrap, group, topics, partitions)?;
            }
            Ok((total == 0).then_some(()))
        }
    })
    .await
}

async fn wait_quiet(stack: &Stack) -> anyhow::Result<()> {
    for _ in 0..2 {
        wait_caught_up(stack).await?;
        wait_for("every outbox to be published", PATIENCE, || async move {
            Ok((stack.outbox_backlog().await? == 0).then_some(()))
        })
        .await?;
    }
    wait_caught_up(stack).await
}

fn counts(stack: &Stack) -> anyhow::Result<HashMap<&'static str, Vec<Record>>> {
    let mut m = HashMap::new();
    for t in TOPICS {
        m.insert(
            t,
            kafka::read_all(&stack.broker.bootstrap(), t, stack.partitions)?,
        );
    }
    Ok(m)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_5_redelivered_events_pay_once_dispatch_once_post_once() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("redelivery")).await?;
    journey::load_ratings(&stack, &[("b-4star".into(), 4)]).await?;
    let case_id =
        journey::open_case(&stack, "b-4star", "ol-3001", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &case_id, "JD0000111122").await?;
    let before_view = journey::wait_status(&stack, &case_id, "closed").await?;
    wait_quiet(&stack).await?;
    let before = counts(&stack)?;
    let (_, ledger_before) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case_id}/ledger"))
        .await?;
    assert_eq!(ledger_before["entries"].as_array().map(Vec::len), Some(4));

    // Redeliver every record of every topic, exactly as it was (same event ids).
    let all: Vec<Record> = TOPICS.iter().flat_map(|t| before[t].clone()).collect();
    kafka::produce(&stack.broker.bootstrap(), &all).await?;
    // And a duplicate of the tracking upload under a new event id, which the inbox cannot
    // recognise: the ledger's one-movement-per-case rule must.
    let collected = before[topics::PICKUPS]
        .iter()
        .find(|r| r.json()["event_type"] == "pickup.collected")
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no pickup.collected"))?;
    let mut env = collected.json();
    env["event_id"] = serde_json::json!(uuid::Uuid::now_v7());
    kafka::produce(
        &stack.broker.bootstrap(),
        &[Record {
            payload: serde_json::to_vec(&env)?,
            ..collected
        }],
    )
    .await?;
    // Quiet means: every group caught up and every outbox published (anything a redelivery
    // wrongly caused would be on the topics by then); then the only new records must be the
    // ones this test produced.
    wait_quiet(&stack).await?;
    let after = counts(&stack)?;
    for t in TOPICS {
        let extra = if t == topics::PICKUPS { 1 } else { 0 };
        assert_eq!(
            after[t].len(),
            2 * before[t].len() + extra,
            "{t}: services emitted nothing new"
        );
    }

    // No second refund, courier job or ledger entry; the buyer's timeline is unchanged.
    let (_, ledger_after) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case_id}/ledger"))
        .await?;
    assert_eq!(ledger_after, ledger_before);
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(
        (tb["transactions"].as_i64(), tb["sum_fen"].as_i64()),
        (Some(2), Some(0))
    );
    let (_, balance) = stack
        .operator()
        .get("payment", "/operator/accounts/buyer:b-4star/balance")
        .await?;
    assert_eq!(
        balance["balance_fen"].as_i64(),
        Some(CaseSpec::fast_return().paid_amount_fen)
    );
    let after_view = journey::case_view(&stack, &case_id).await?;
    assert_eq!(after_view["timeline"], before_view["timeline"]);
    let (s, jobs) = stack
        .courier("sf-express")
        .get("logistics", "/courier/jobs?status=collected")
        .await?;
    assert_eq!(s, 200);
    assert_eq!(
        jobs["jobs"].as_array().map(Vec::len),
        Some(1),
        "one courier job"
    );
    stack.shutdown().await
}
