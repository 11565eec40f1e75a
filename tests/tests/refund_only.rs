//! K-1, RS-1, RS-2: refunds asked before the goods were delivered.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_events::topics;
use returns_harness::cases::{self, CaseSpec};
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, kafka, wait_for};
use serde_json::{Value, json};

/// A refund asked before delivery (K-1) on `buyer`'s paid order, shipped or not yet.
fn refund_only(reason: &'static str, shipped: bool) -> CaseSpec {
    CaseSpec {
        kind: "refund_only",
        reason,
        paid_amount_fen: 10_000,
        door_pickup: false,
        merchant_shipped: shipped,
        ..CaseSpec::fast_return()
    }
}

async fn refund_only_body(
    stack: &Stack,
    buyer: &str,
    line: &str,
    reason: &'static str,
) -> anyhow::Result<Value> {
    journey::order_and_body(stack, buyer, line, &refund_only(reason, false)).await
}

/// RS-3's cut-off in the settings every environment shares (`config/base.toml`).
const CUTOFF_SECONDS: i64 = 30 * 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_1_rs_1_rs_2_refund_before_shipment_is_paid_from_the_merchant_after_the_cut_off()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("refund_only")).await?;
    // Any rating: the goods never left (RS-2 needs no merchant approval).
    journey::load_ratings(&stack, &[("b-k1".into(), 1)]).await?;
    let open = |line: &'static str, reason: &'static str| {
        let stack = &stack;
        async move {
            let (s, v) = stack
                .buyer("b-k1")
                .post(
                    "intake",
                    "/buyer/cases",
                    &refund_only_body(stack, "b-k1", line, reason).await?,
                )
                .await?;
            anyhow::ensure!(s == 201, "{s} {v}");
            anyhow::Ok(v["case_id"].as_str().unwrap_or_default().to_owned())
        }
    };

    // RS-1: out of stock: the refund and 30% compensation from the merchant's deposit, paid
    // once RS-3's cut-off passed without a shipment.
    let rs1 = open("ol-k1-1", "out_of_stock").await?;
    let rs2 = open("ol-k1-2", "did_not_like").await?;
    journey::wait_status(&stack, &rs1, "approved").await?;
    journey::wait_status(&stack, &rs2, "approved").await?;
    stack.advance_clocks(CUTOFF_SECONDS + 60).await?;
    let view = journey::wait_status(&stack, &rs1, "closed").await?;
    let merchant = view["case"]["merchant_id"].as_str().unwrap().to_owned();
    let rules: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["rule_id"].as_str())
        .collect();
    assert!(rules.contains(&"RS-1"), "{rules:?}");
    let (s, _) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{rs1}/pickup"))
        .await?;
    assert_eq!(s, 404, "nothing to collect");
    let ledger = wait_for("the RS-1 compensation", PATIENCE, || {
        let (stack, rs1) = (&stack, rs1.clone());
        async move {
            let (_, l) = stack
                .operator()
                .get("payment", &format!("/operator/cases/{rs1}/ledger"))
                .await?;
            Ok((l["entries"].as_array().map(Vec::len) == Some(4)).then_some(l))
        }
    })
    .await?;
    let entries = ledger["entries"].as_array().unwrap();
    let has = |account: String, amount: i64| {
        entries
            .iter()
            .any(|e| e["account"] == account && e["amount_fen"] == amount)
    };
    assert!(has(format!("merchant:{merchant}"), -10_000), "{entries:?}");
    assert!(
        has(format!("merchant_deposit:{merchant}"), -3_000),
        "RS-1: 30% from the deposit"
    );
    assert!(has("buyer:b-k1".into(), 10_000) && has("buyer:b-k1".into(), 3_000));

    // RS-2: any other reason: refund only.
    let view = journey::wait_status(&stack, &rs2, "closed").await?;
    assert!(
        view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["rule_id"] == "RS-2")
    );
    let (_, ledger) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{rs2}/ledger"))
        .await?;
    assert_eq!(ledger["entries"].as_array().map(Vec::len), Some(2));

    // K-1's machine has no pickup: a forged pickup event for this case is refused, naming both
    // states, and set aside on the dead-letter topic.
    let bootstrap = stack.broker.bootstrap();
    let opened = kafka::read_all(&bootstrap, topics::CASES, stack.partitions)?
        .into_iter()
        .find(|r| r.json()["case_id"] == rs2.as_str())
        .ok_or_else(|| anyhow::anyhow!("case.opened of {rs2}"))?;
    let mut forged = opened.json();
    forged["event_id"] = json!(uuid::Uuid::now_v7());
    forged["event_type"] = json!("pickup.dispatched");
    forged["schema_version"] = json!(1);
    forged["producer"] = json!("logistics");
    forged["payload"] = json!({
        "job_id": uuid::Uuid::now_v7(), "courier_company": "sf-express", "rule": "PK-1",
        "dispatched_at": stack.now(), "arrive_by": stack.now()
    });
    kafka::produce(
        &bootstrap,
        &[kafka::Record {
            topic: topics::PICKUPS.to_owned(),
            payload: serde_json::to_vec(&forged)?,
            ..opened
        }],
    )
    .await?;
    let dead = wait_for("intake to refuse the forged step", PATIENCE, || {
        let (b, n) = (bootstrap.clone(), stack.partitions);
        async move {
            let d = kafka::read_all(&b, topics::DEAD_LETTER, n)?;
            Ok(d.into_iter()
                .find(|r| r.headers.get("consumer").map(String::as_str) == Some("intake")))
        }
    })
    .await?;
    let reason = dead
        .headers
        .get("dead_letter_reason")
        .cloned()
        .unwrap_or_default();
    assert!(
        reason.contains("cannot go from closed to pickup_dispatched"),
        "{reason}"
    );
    assert_eq!(
        journey::case_view(&stack, &rs2).await?["case"]["status"],
        "closed"
    );

    // Shipped already: the merchant reviews.
    let shipped = journey::order_and_body(
        &stack,
        "b-k1",
        "ol-k1-3",
        &refund_only("did_not_like", true),
    )
    .await?;
    let (s, v) = stack
        .buyer("b-k1")
        .post("intake", "/buyer/cases", &shipped)
        .await?;
    assert_eq!(s, 201);
    journey::wait_status(&stack, v["case_id"].as_str().unwrap(), "awaiting_merchant").await?;

    // ORD-2: a delivered order is returned, not refunded before delivery.
    let delivered = CaseSpec {
        kind: "return_refund",
        ..refund_only("out_of_stock", false)
    };
    let mut bad = journey::order_and_body(&stack, "b-k1", "ol-k1-4", &delivered).await?;
    bad["kind"] = json!("refund_only");
    let (s, p) = stack
        .buyer("b-k1")
        .post("intake", "/buyer/cases", &bad)
        .await?;
    assert_eq!((s, p["field"].as_str()), (409, Some("kind")), "{p}");
    assert!(
        p["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("delivered"),
        "{p}"
    );
    // A refund-only request has nothing to collect.
    let mut bad = refund_only_body(&stack, "b-k1", "ol-k1-5", "out_of_stock").await?;
    bad["door_pickup"] = json!({});
    let (s, p) = stack
        .buyer("b-k1")
        .post("intake", "/buyer/cases", &bad)
        .await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("door_pickup")));

    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(tb["sum_fen"], 0);
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs_3_merchant_ships_before_the_refund_completes_and_the_case_becomes_a_return()
-> anyhow::Result<()> {
    // The default cut-off (30 minutes, config/base.toml) leaves RS-3 its moment.
    let stack = Stack::start(StackOptions::for_test("rs3")).await?;
    journey::load_ratings(&stack, &[("b-rs3".into(), 3)]).await?;
    let open = |line: &'static str, reason: &'static str| {
        let stack = &stack;
        async move {
            let (s, v) = stack
                .buyer("b-rs3")
                .post(
                    "intake",
                    "/buyer/cases",
                    &refund_only_body(stack, "b-rs3", line, reason).await?,
                )
                .await?;
            anyhow::ensure!(s == 201, "{s} {v}");
            anyhow::Ok(v["case_id"].as_str().unwrap_or_default().to_owned())
        }
    };
    // Out of stock (RS-1), but the order system reports the order shipped within the cut-off.
    let shipped = open("ol-rs3-1", "out_of_stock").await?;
    let view = journey::wait_status(&stack, &shipped, "approved").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, _) = stack
        .cs()
        .get("payment", &format!("/cs/cases/{shipped}/refund"))
        .await?;
    assert_eq!(s, 404, "not paid before the cut-off");
    // A shipment with an unreadable tracking number is set aside (ORD-6), changing nothing.
    returns_harness::orders::ship(&stack, &cases::order_of("ol-rs3-1"), "12").await?;
    wait_for("the bad shipment to be set aside", PATIENCE, || async {
        let d = kafka::read_all(
            &stack.broker.bootstrap(),
            topics::DEAD_LETTER,
            stack.partitions,
        )?;
        Ok(d.into_iter()
            .find(|r| r.headers.get("source_topic").map(String::as_str) == Some(topics::ORDERS)))
    })
    .await?;
    assert_eq!(
        journey::case_view(&stack, &shipped).await?["case"]["kind"],
        "refund_only"
    );
    returns_harness::orders::ship(&stack, &cases::order_of("ol-rs3-1"), "SF7000000001").await?;
    let view = journey::wait_status(&stack, &shipped, "awaiting_buyer_shipment").await?;
    assert_eq!(view["case"]["kind"], "return_refund");

    // Another one the merchant does not ship: paid when the cut-off passes (RS-2).
    let unshipped = open("ol-rs3-22", "did_not_like").await?;
    let view = journey::wait_status(&stack, &unshipped, "approved").await?;
    let other = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    stack.advance_clocks(CUTOFF_SECONDS + 60).await?;
    journey::wait_status(&stack, &unshipped, "closed").await?;
    // Too late: the refund completed; a shipment now changes nothing.
    returns_harness::orders::ship(&stack, &cases::order_of("ol-rs3-22"), "SF7000000002").await?;
    wait_for("intake to record the late shipment", PATIENCE, || async {
        let (_, o) = stack
            .buyer("b-rs3")
            .get(
                "intake",
                &format!("/buyer/orders/{}", cases::order_of("ol-rs3-22")),
            )
            .await?;
        Ok((o["order"]["state"] == "shipped").then_some(()))
    })
    .await?;
    let view = journey::case_view(&stack, &unshipped).await?;
    assert_eq!(
        (
            view["case"]["kind"].as_str(),
            view["case"]["status"].as_str()
        ),
        (Some("refund_only"), Some("closed"))
    );
    let _ = other;

    // The converted case is never paid as a refund before shipment, nor RS-1's compensation:
    // the buyer sends the goods back and the merchant's receipt pays (PAY-3).
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (s, _) = stack
        .cs()
        .get("payment", &format!("/cs/cases/{shipped}/refund"))
        .await?;
    assert_eq!(s, 404, "the cut-off did not pay the converted case");
    let (s, b) = stack
        .buyer("b-rs3")
        .post(
            "logistics",
            &format!("/buyer/cases/{shipped}/shipment"),
            &json!({ "carrier": "sf-express", "tracking_number": "SF7000000003" }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let refund = journey::wait_refund(&stack, &shipped).await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt");
    stack
        .merchant(&merchant)
        .post(
            "payment",
            &format!("/merchant/cases/{shipped}/receipt"),
            &json!({}),
        )
        .await?;
    journey::wait_status(&stack, &shipped, "closed").await?;
    let (_, l) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{shipped}/ledger"))
        .await?;
    assert_eq!(
        l["entries"].as_array().map(Vec::len),
        Some(2),
        "no RS-1 compensation: {l}"
    );
    stack.shutdown().await
}
