//! Durable deadlines on a movable clock: RV-1's 72 hours pass in a moment, survive a restart,
//! and fire once.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, kafka, wait_for};
use serde_json::json;

fn events_of(stack: &Stack, topic: &str, case_id: &str) -> anyhow::Result<Vec<String>> {
    Ok(
        kafka::read_all(&stack.broker.bootstrap(), topic, stack.partitions)?
            .iter()
            .map(|r| r.json())
            .filter(|e| e["case_id"] == case_id)
            .filter_map(|e| e["event_type"].as_str().map(str::to_owned))
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rv_1_pay_3_merchant_silent_for_72_hours_the_system_approves_once() -> anyhow::Result<()> {
    let mut stack = Stack::start(StackOptions::for_test("deadlines")).await?;
    journey::load_ratings(&stack, &[("b-2".into(), 2), ("b-5".into(), 5)]).await?;
    let case_id = journey::open_case(
        &stack,
        "b-2",
        "ol-5001",
        &CaseSpec {
            stars: 2,
            ..CaseSpec::fast_return()
        },
    )
    .await?;
    journey::wait_status(&stack, &case_id, "awaiting_merchant").await?;

    // The deadline is in audit's database: a restart does not lose it.
    let status = stack.restart("audit").await?;
    assert!(status.success());

    // 73 hours later the system approves (RV-1) and a courier is sent.
    stack.advance_clocks(73 * 3600).await?;
    journey::wait_status(&stack, &case_id, "pickup_dispatched").await?;
    let view = journey::wait_line(&stack, &case_id, "approved").await?;
    let approval = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "approved")
        .cloned()
        .unwrap();
    assert_eq!(approval["rule_id"], "RV-1");
    assert!(
        approval["reason"]
            .as_str()
            .unwrap()
            .contains("within 72 hours"),
        "{approval}"
    );
    let (_, decision) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{case_id}/decision"))
        .await?;
    assert_eq!(
        (decision["status"].as_str(), decision["decided_by"].as_str()),
        (Some("approved"), Some("system"))
    );

    // Too late for the merchant now.
    let merchant = view["case"]["merchant_id"].as_str().unwrap();
    let (s, _) = stack
        .merchant(merchant)
        .post(
            "audit",
            &format!("/merchant/cases/{case_id}/decision"),
            &json!({ "decision": "reject", "reason": "late" }),
        )
        .await?;
    assert_eq!(s, 409);

    // PAY-3: without fast-return entitlement nothing is advanced at tracking upload.
    journey::courier_collects(&stack, &case_id, "SF5550001111").await?;
    journey::wait_status(&stack, &case_id, "in_transit").await?;
    let refund = journey::wait_refund(&stack, &case_id).await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt");
    assert!(refund["paid_at"].is_null());

    // Fired once, also across another restart: a case opened afterwards goes all the way
    // through audit, and the first case still has exactly one approval.
    stack.restart("audit").await?;
    let barrier = journey::open_case(
        &stack,
        "b-5",
        "ol-5002",
        &CaseSpec {
            stars: 5,
            ..CaseSpec::fast_return()
        },
    )
    .await?;
    journey::wait_status(&stack, &barrier, "pickup_dispatched").await?;
    assert_eq!(
        events_of(&stack, topics::DECISIONS, &case_id)?,
        ["case.awaiting_merchant", "case.approved"]
    );
    let (_, ledger) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case_id}/ledger"))
        .await?;
    assert_eq!(
        ledger["entries"].as_array().map(Vec::len),
        Some(0),
        "PAY-3: no advance"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_2_pk_9_unaccepted_job_goes_to_the_next_partner_then_to_customer_service()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("accept_deadline")).await?;
    journey::load_ratings(&stack, &[("b-4".into(), 4)]).await?;
    let case_id = journey::open_case(&stack, "b-4", "ol-7001", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &case_id).await?;
    assert_eq!(
        job["courier_company"], "sf-express",
        "Shanghai's first partner"
    );

    // PK-2: sf-express lets 5 minutes pass; PK-9: jd-logistics, Shanghai's next partner, gets it.
    stack.advance_clocks(6 * 60).await?;
    let job = wait_for("the job to move to the next partner", PATIENCE, || {
        let (stack, case_id) = (&stack, case_id.clone());
        async move {
            let (_, j) = stack
                .cs()
                .get("logistics", &format!("/cs/cases/{case_id}/pickup"))
                .await?;
            Ok((j["courier_company"] == "jd-logistics").then_some(j))
        }
    })
    .await?;
    assert_eq!(job["status"], "dispatched");
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    // The first company can no longer take it.
    let (s, _) = stack
        .courier("sf-express")
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/accept"),
            &json!({ "rider": { "id": "r-7", "real_name": "Chen Jing" } }),
        )
        .await?;
    assert_eq!(s, 404);

    // Nobody else is left: customer service takes over.
    stack.advance_clocks(6 * 60).await?;
    let view = journey::wait_status(&stack, &case_id, "pickup_escalated").await?;
    let rules: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["rule_id"].as_str())
        .collect();
    assert_eq!(
        rules.iter().filter(|r| **r == "PK-9").count(),
        2,
        "re-offered once, then escalated: {rules:?}"
    );
    let dispatched: Vec<String> = events_of(&stack, topics::PICKUPS, &case_id)?;
    assert_eq!(
        dispatched,
        ["pickup.dispatched", "pickup.dispatched", "pickup.escalated"]
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_3_pk_5_pay_4_late_courier_compensation_paid_with_the_refund_and_charged_to_the_courier()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("late_courier")).await?;
    journey::load_ratings(&stack, &[("b-late".into(), 5)]).await?;
    let case_id = journey::open_case(&stack, "b-late", "ol-9001", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &case_id).await?;
    let (job_id, company) = (
        job["job_id"].as_str().unwrap().to_owned(),
        job["courier_company"].as_str().unwrap().to_owned(),
    );
    let (s, _) = stack
        .courier(&company)
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/accept"),
            &json!({ "rider": { "id": "r-8", "real_name": "Liu Yang" } }),
        )
        .await?;
    assert_eq!(s, 200);

    // PK-3: a small item's rider has 2 hours; 3 hours pass without an arrival.
    stack.advance_clocks(3 * 3600).await?;
    let view = wait_for("the late courier to show on the timeline", PATIENCE, || {
        let (stack, case_id) = (&stack, case_id.clone());
        async move {
            let v = journey::case_view(stack, &case_id).await?;
            let late = v["timeline"]
                .as_array()
                .is_some_and(|t| t.iter().any(|e| e["rule_id"] == "PK-5"));
            Ok(late.then_some(v))
        }
    })
    .await?;
    assert_eq!(
        view["case"]["status"], "courier_accepted",
        "a late courier does not move the case"
    );

    // The rider finally arrives and collects; the refund and the compensation are paid together.
    // PK-3: the rider calls the buyer, then arrives.
    for step in ["call", "arrive"] {
        let (s, _) = stack
            .courier(&company)
            .post(
                "logistics",
                &format!("/courier/jobs/{job_id}/{step}"),
                &json!({}),
            )
            .await?;
        assert_eq!(s, 200, "{step}");
    }
    let (s, _) = stack
        .courier(&company)
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/pickup"),
            &json!({ "tracking_number": "SFLATE000001" }),
        )
        .await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &case_id, "closed").await?;
    let view = wait_for("the compensation line", PATIENCE, || {
        let (stack, case_id, v0) = (&stack, case_id.clone(), view.clone());
        async move {
            let v = journey::case_view(stack, &case_id).await.unwrap_or(v0);
            let paid = v["timeline"]
                .as_array()
                .is_some_and(|t| t.iter().any(|e| e["rule_id"] == "PAY-4"));
            Ok(paid.then_some(v))
        }
    })
    .await?;
    assert!(
        view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"].as_str().is_some_and(|r| r.contains("¥10.00")))
    );

    let amount = CaseSpec::fast_return().paid_amount_fen;
    let balance = |account: String| balance(&stack, account);
    assert_eq!(
        balance("buyer:b-late".into()).await?,
        amount + 1_000,
        "refund plus compensation"
    );
    assert_eq!(
        balance(format!("courier:{company}")).await?,
        -1_000,
        "PK-5: charged to the courier company"
    );
    assert_eq!(
        balance("platform:compensation".into()).await?,
        0,
        "the platform advanced it and recovered it"
    );
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(
        (tb["transactions"].as_i64(), tb["sum_fen"].as_i64()),
        (Some(4), Some(0))
    );
    stack.shutdown().await
}

/// PK-5: an exchange pays no refund, so a late courier's compensation is paid when the parcel is
/// collected, and charged to the courier company.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_5_late_courier_compensation_is_paid_for_an_exchange_too() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("late_exchange")).await?;
    journey::load_ratings(&stack, &[("b-lx".into(), 5)]).await?;
    let exchange = CaseSpec {
        kind: "exchange",
        reason: "wrong_size",
        ..CaseSpec::fast_return()
    };
    let case_id = journey::open_case(&stack, "b-lx", "ol-lx-1", &exchange).await?;
    journey::wait_status(&stack, &case_id, "awaiting_merchant").await?;
    let (s, _) =
        journey::merchant_decides(&stack, &case_id, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200);
    let job = journey::wait_job(&stack, &case_id).await?;
    let (job_id, company) = (
        job["job_id"].as_str().unwrap_or_default().to_owned(),
        job["courier_company"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    );
    let courier = stack.courier(&company);
    let step = |step: &str, body: serde_json::Value| {
        let (courier, url) = (&courier, format!("/courier/jobs/{job_id}/{step}"));
        async move { courier.post("logistics", &url, &body).await }
    };
    let (s, _) = step(
        "accept",
        json!({ "rider": { "id": "r-9", "real_name": "Sun Li" } }),
    )
    .await?;
    assert_eq!(s, 200);
    stack.advance_clocks(3 * 3600).await?;
    wait_for("the late courier on the timeline", PATIENCE, || async {
        let v = journey::case_view(&stack, &case_id).await?;
        let late = v["timeline"]
            .as_array()
            .is_some_and(|t| t.iter().any(|e| e["rule_id"] == "PK-5"));
        Ok(late.then_some(()))
    })
    .await?;
    for s in ["call", "arrive"] {
        assert_eq!(step(s, json!({})).await?.0, 200, "{s}");
    }
    let (s, _) = step("pickup", json!({ "tracking_number": "SFLATE000002" })).await?;
    assert_eq!(s, 200);
    let balance = |account: String| balance(&stack, account);
    wait_for("the compensation to be paid", PATIENCE, || async {
        Ok((balance("buyer:b-lx".into()).await? == 1_000).then_some(()))
    })
    .await?;
    assert_eq!(
        balance(format!("courier:{company}")).await?,
        -1_000,
        "charged to the courier"
    );
    let (s, _) = stack
        .cs()
        .get("payment", &format!("/cs/cases/{case_id}/refund"))
        .await?;
    assert_eq!(s, 404, "an exchange pays no refund");
    stack.shutdown().await
}

/// An account's balance in payment's ledger, as an operator reads it.
async fn balance(stack: &Stack, account: String) -> anyhow::Result<i64> {
    let (_, b) = stack
        .operator()
        .get("payment", &format!("/operator/accounts/{account}/balance"))
        .await?;
    Ok(b["balance_fen"].as_i64().unwrap_or(i64::MIN))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_9_customer_service_offers_switches_or_cancels_an_escalated_pickup() -> anyhow::Result<()>
{
    let stack = Stack::start(StackOptions::for_test("escalated_pickups")).await?;
    journey::load_ratings(&stack, &[("b-9".into(), 4)]).await?;
    let mut cases = Vec::new();
    for line in ["ol-9001", "ol-9002", "ol-9003"] {
        let case = journey::open_case(&stack, "b-9", line, &CaseSpec::fast_return()).await?;
        journey::wait_job(&stack, &case).await?;
        cases.push(case);
    }
    let (s, b) = stack
        .cs()
        .post(
            "logistics",
            &format!("/cs/pickups/{}/action", cases[0]),
            &json!({ "action": "cancel", "reason": "too early" }),
        )
        .await?;
    assert_eq!(s, 409, "only an escalated pickup: {b}");
    // Shanghai's two partners let PK-2's wait pass in turn: customer service has all three.
    stack.advance_clocks(6 * 60).await?;
    for c in &cases {
        wait_for("the job to reach the next partner", PATIENCE, || async {
            let (_, j) = stack
                .cs()
                .get("logistics", &format!("/cs/cases/{c}/pickup"))
                .await?;
            Ok((j["courier_company"] == "jd-logistics").then_some(()))
        })
        .await?;
    }
    stack.advance_clocks(6 * 60).await?;
    for c in &cases {
        journey::wait_status(&stack, c, "pickup_escalated").await?;
    }
    let (_, desk) = stack.cs().get("logistics", "/cs/pickups").await?;
    assert_eq!(desk["pickups"].as_array().map(Vec::len), Some(3), "{desk}");
    let act = |case: &str, body: serde_json::Value| {
        let url = format!("/cs/pickups/{case}/action");
        let stack = &stack;
        async move { stack.cs().post("logistics", &url, &body).await }
    };

    // Bad requests name the field.
    for (body, field) in [
        (json!({ "action": "offer" }), "courier_company"),
        (json!({ "action": "cancel" }), "reason"),
        (
            json!({ "action": "buyer_ships", "courier_company": "ems" }),
            "courier_company",
        ),
        (json!({ "action": "wait" }), "action"),
    ] {
        let (s, b) = act(&cases[0], body).await?;
        assert!(matches!(s, 400 | 422), "{s} {b}");
        assert_eq!(b["field"].as_str(), Some(field), "{b}");
    }
    let (s, b) = act(
        &cases[0],
        json!({ "action": "offer", "courier_company": "ems" }),
    )
    .await?;
    assert_eq!(s, 409, "not a partner in Shanghai: {b}");

    // Offered to a named partner, which accepts: the case goes on to the courier.
    let (s, b) = act(
        &cases[0],
        json!({ "action": "offer", "courier_company": "sf-express" }),
    )
    .await?;
    assert_eq!((s, b["status"].as_str()), (200, Some("dispatched")), "{b}");
    let (_, j) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{}/pickup", cases[0]))
        .await?;
    let job_id = j["job_id"].as_str().unwrap_or_default().to_owned();
    let (s, b) = stack
        .courier("sf-express")
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/accept"),
            &json!({ "rider": { "id": "r-9", "real_name": "Zhao Min" } }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    journey::wait_status(&stack, &cases[0], "courier_accepted").await?;

    // Switched to the buyer shipping it: CT-2 takes over, and the refund follows the parcel.
    let (s, b) = act(
        &cases[1],
        json!({ "action": "buyer_ships", "reason": "No courier reaches your district today." }),
    )
    .await?;
    assert_eq!((s, b["status"].as_str()), (200, Some("buyer_ships")), "{b}");
    let view = journey::wait_status(&stack, &cases[1], "awaiting_buyer_shipment").await?;
    assert!(
        view["timeline"].to_string().contains("No courier reaches"),
        "{view}"
    );
    let (s, b) = stack
        .buyer("b-9")
        .post(
            "logistics",
            &format!("/buyer/cases/{}/shipment", cases[1]),
            &json!({ "carrier": "ems", "tracking_number": "EMS0000000009" }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    journey::wait_refund(&stack, &cases[1]).await?;

    // Cancelled with a reason the buyer reads: the case closes and its unit is free again.
    let (s, b) = act(
        &cases[2],
        json!({ "action": "cancel", "reason": "The parcel is too large for any partner." }),
    )
    .await?;
    assert_eq!((s, b["status"].as_str()), (200, Some("cancelled")), "{b}");
    let view = journey::wait_status(&stack, &cases[2], "closed").await?;
    assert!(view["timeline"].to_string().contains("too large"), "{view}");
    let (s, b) = act(&cases[2], json!({ "action": "cancel", "reason": "again" })).await?;
    assert_eq!(s, 409, "once: {b}");
    let body = returns_harness::cases::open_case_body("ol-9003", &CaseSpec::fast_return());
    let (s, b) = stack
        .buyer("b-9")
        .post("intake", "/buyer/cases", &body)
        .await?;
    assert_eq!(s, 201, "ORD-3: the cancelled case gave its unit back: {b}");
    stack.shutdown().await
}
