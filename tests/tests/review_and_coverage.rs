//! Issue 2, item 6: the cases that do not take the fast path.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{Stack, StackOptions, kafka};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rv_1_rv_2_two_star_buyer_waits_for_merchant_and_ct_2_uncovered_city_gets_no_door_pickup()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("review_coverage")).await?;
    journey::load_ratings(&stack, &[("b-2star".into(), 2), ("b-5star".into(), 5)]).await?;

    // RV-1: a 2-star buyer's no-reason return waits for the merchant; no courier is sent.
    let two_star = journey::open_case(
        &stack,
        "b-2star",
        "ol-2001",
        &CaseSpec {
            stars: 2,
            ..CaseSpec::fast_return()
        },
    )
    .await?;
    let view = journey::wait_status(&stack, &two_star, "awaiting_merchant").await?;
    let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["rule_id"], "RV-1");
    assert!(
        last["reason"].as_str().unwrap().contains("3 stars"),
        "{last}"
    );
    let (_, decision) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{two_star}/decision"))
        .await?;
    assert_eq!(decision["status"], "awaiting_merchant");
    let requested =
        chrono::DateTime::parse_from_rfc3339(view["case"]["requested_at"].as_str().unwrap())?;
    let deadline =
        chrono::DateTime::parse_from_rfc3339(decision["review_deadline"].as_str().unwrap())?;
    assert_eq!(
        deadline - requested,
        chrono::Duration::hours(72),
        "RV-1: 72 hours"
    );
    let (s, _) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{two_star}/pickup"))
        .await?;
    assert_eq!(s, 404, "no courier job while the merchant reviews");

    // CT-2 / AUTO-3: a 5-star buyer in an uncovered city is not approved at once ...
    let uncovered = CaseSpec {
        city: "lhasa",
        stars: 5,
        ..CaseSpec::fast_return()
    };
    let lhasa = journey::open_case(&stack, "b-5star", "ol-2002", &uncovered).await?;
    let view = journey::wait_status(&stack, &lhasa, "awaiting_merchant").await?;
    assert_eq!(view["case"]["shard"], "rest");
    assert_eq!(
        view["timeline"].as_array().unwrap().last().unwrap()["rule_id"],
        "AUTO-3"
    );

    // ... and when the merchant approves, there is still no door pickup: the buyer ships it.
    let (s, body) = stack
        .merchant("m-other")
        .post(
            "audit",
            &format!("/merchant/cases/{lhasa}/decision"),
            &json!({ "decision": "approve" }),
        )
        .await?;
    assert_eq!(s, 404, "another merchant's case is not found: {body}");
    let (s, body) =
        journey::merchant_decides(&stack, &lhasa, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200, "{body}");
    let view = journey::wait_status(&stack, &lhasa, "awaiting_buyer_shipment").await?;
    let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["rule_id"], "CT-2");
    let (s, _) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{lhasa}/pickup"))
        .await?;
    assert_eq!(s, 404, "CT-2: no courier job outside coverage");
    let (s, body) =
        journey::merchant_decides(&stack, &lhasa, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 409, "a decided case cannot be decided again: {body}");

    // RV-2: the merchant rejects the 2-star case with a reason; the buyer reads it; no refund.
    let (s, body) =
        journey::merchant_decides(&stack, &two_star, json!({ "decision": "reject" })).await?;
    assert_eq!(
        (s, body["field"].as_str()),
        (422, Some("reason")),
        "RV-2: a rejection needs a reason"
    );
    let (s, _) = journey::merchant_decides(
        &stack,
        &two_star,
        json!({ "decision": "reject", "reason": "The tag was removed." }),
    )
    .await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &two_star, "closed").await?;
    let reasons: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reason"].as_str())
        .collect();
    assert!(reasons.contains(&"The tag was removed."), "{reasons:?}");

    // Neither case moved money.
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(tb["transactions"], 0);
    assert!(
        kafka::read_all(
            &stack.broker.bootstrap(),
            topics::PAYMENTS,
            stack.partitions
        )?
        .is_empty()
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_3_merchant_confirms_receipt_and_its_funds_pay_the_refund() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("receipt")).await?;
    journey::load_ratings(&stack, &[("b-2r".into(), 2)]).await?;
    let case_id = journey::open_case(
        &stack,
        "b-2r",
        "ol-8001",
        &CaseSpec {
            stars: 2,
            ..CaseSpec::fast_return()
        },
    )
    .await?;
    let view = journey::wait_status(&stack, &case_id, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"].as_str().unwrap().to_owned();
    let (s, _) =
        journey::merchant_decides(&stack, &case_id, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200);
    journey::courier_collects(&stack, &case_id, "ZT7000000001").await?;
    let path = format!("/merchant/cases/{case_id}/receipt");
    let refund = journey::wait_refund(&stack, &case_id).await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt");

    let (s, _) = stack
        .merchant("m-other")
        .post("payment", &path, &json!({}))
        .await?;
    assert_eq!(s, 404, "another merchant cannot confirm");
    let (s, body) = stack
        .merchant(&merchant)
        .post("payment", &path, &json!({}))
        .await?;
    assert_eq!((s, body["rule"].as_str()), (200, Some("PAY-3")));
    let (s, _) = stack
        .merchant(&merchant)
        .post("payment", &path, &json!({}))
        .await?;
    assert_eq!(s, 409, "paid once");

    let view = journey::wait_status(&stack, &case_id, "closed").await?;
    assert!(
        view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["rule_id"] == "PAY-3")
    );
    let (_, balance) = stack
        .operator()
        .get(
            "payment",
            &format!("/operator/accounts/merchant:{merchant}/balance"),
        )
        .await?;
    assert_eq!(
        balance["balance_fen"].as_i64(),
        Some(-CaseSpec::fast_return().paid_amount_fen)
    );
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(
        (tb["transactions"].as_i64(), tb["sum_fen"].as_i64()),
        (Some(1), Some(0))
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_6_refunds_on_one_order_line_never_exceed_what_was_paid() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("refund_cap")).await?;
    journey::load_ratings(&stack, &[("b-cap".into(), 4)]).await?;
    // ORD-3: five units of one line, ¥100 for all of them.
    let spec = CaseSpec {
        paid_amount_fen: 10_000,
        quantity: 5,
        ..CaseSpec::fast_return()
    };
    let body = journey::order_and_body(&stack, "b-cap", "ol-cap-1", &spec).await?;
    let open = |units: i32| {
        let (stack, mut body) = (&stack, body.clone());
        async move {
            body["lines"] = json!([{ "order_line_id": "ol-cap-1", "quantity": units }]);
            stack
                .buyer("b-cap")
                .post("intake", "/buyer/cases", &body)
                .await
        }
    };
    let (s, first) = open(3).await?;
    assert_eq!(s, 201, "{first}");
    let (s, problem) = open(3).await?;
    assert_eq!(
        (s, problem["field"].as_str()),
        (409, Some("lines[0].quantity")),
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("only 2 of the line's 5"),
        "{problem}"
    );
    let (s, last) = open(2).await?;
    assert_eq!(s, 201, "the rest of the line still fits: {last}");
    assert_eq!(open(1).await?.0, 409, "nothing is left");
    // The cases' refunds add up to what was paid: 3/5 of it, then the rest.
    for (answer, refund) in [(first, 6_000), (last, 4_000)] {
        let id = answer["case_id"].as_str().unwrap_or_default().to_owned();
        let view = journey::case_view(&stack, &id).await?;
        assert_eq!(view["case"]["refund_amount_fen"], refund, "{view}");
    }
    stack.shutdown().await
}
