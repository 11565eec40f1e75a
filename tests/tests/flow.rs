//! Issue 12 item 4: the flow goes one way. Payment keeps what a parcel is paid for from the
//! approval it reads, so the pickup event carries only what happened at the door; the
//! decisions and the pickups topics are read independently, and a parcel read before its
//! approval waits for it instead of being lost or paid wrongly.

use std::time::Duration;

use returns_domain::RuleId;
use returns_events::payloads::PickupCollected;
use returns_events::{Envelope, topics};
use returns_harness::cases::CaseSpec;
use returns_harness::{Stack, StackOptions, journey, kafka, wait_for};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_3_a_parcel_read_before_its_approval_waits_for_it_and_is_paid_then()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("flow")).await?;
    journey::load_ratings(&stack, &[("b-flow".into(), 2)]).await?;
    let spec = CaseSpec {
        stars: 2,
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-flow", "ol-flow-1", &spec).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;

    // A tracking upload that reaches payment before the merchant's approval does, on the
    // case's own partition, as logistics would publish it.
    let bootstrap = stack.broker.bootstrap();
    let opened = kafka::read_all(&bootstrap, topics::CASES, stack.partitions)?
        .into_iter()
        .find(|r| r.json()["case_id"] == case.as_str())
        .ok_or_else(|| anyhow::anyhow!("no case.opened for {case}"))?;
    let at = opened.json();
    let collected = PickupCollected {
        job_id: uuid::Uuid::now_v7(),
        rule: RuleId::Pk4,
        tracking_number: "SF9900000001".to_owned(),
        collected_at: chrono::Utc::now(),
        refund_v1: None,
        courier_company: "sf-express".to_owned(),
        fee: None,
    };
    let env = Envelope::new(
        uuid::Uuid::now_v7(),
        case.parse()?,
        at["city"].as_str().unwrap_or_default(),
        at["shard"].as_str().unwrap_or_default(),
        chrono::Utc::now(),
        "logistics",
        &collected,
    )?;
    let record = kafka::Record {
        topic: topics::PICKUPS.to_owned(),
        payload: serde_json::to_vec(&env)?,
        headers: Default::default(),
        ..opened
    };
    kafka::produce(&bootstrap, &[record]).await?;
    wait_for(
        "payment holds the parcel",
        Duration::from_secs(30),
        || async {
            let n = stack
                .rows_of_case("payment", "parcels_awaiting_order", &case)
                .await?;
            Ok((n == 1).then_some(()))
        },
    )
    .await?;
    let (s, _) = stack
        .buyer("b-flow")
        .get("payment", &format!("/buyer/cases/{case}/refund"))
        .await?;
    assert_eq!(s, 404, "nothing is paid before the approval says what");

    // RV-1: the merchant approves; no fast return for a 2-star buyer, so the refund waits for
    // the merchant's receipt (PAY-3), with the tracking number that came first.
    let (s, body) =
        journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200, "{body}");
    let refund = wait_for(
        "the waiting parcel is paid for",
        Duration::from_secs(30),
        || async {
            let (s, body) = stack
                .buyer("b-flow")
                .get("payment", &format!("/buyer/cases/{case}/refund"))
                .await?;
            Ok((s == 200).then_some(body))
        },
    )
    .await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt", "{refund}");
    assert_eq!(refund["tracking_number"], "SF9900000001", "{refund}");
    assert_eq!(
        stack
            .rows_of_case("payment", "parcels_awaiting_order", &case)
            .await?,
        0
    );
    stack.shutdown().await
}
