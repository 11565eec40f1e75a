//! One journey per newer case kind, through the four services over the real broker and
//! databases: K-3 exchange, K-4 after-sales (AS-1..AS-3, RV-4, a repair), and CT-2's buyer's
//! own shipment.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::orders::{self, OrderSpec, Reached};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

fn rules_of(view: &Value) -> Vec<String> {
    view["timeline"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(|e| e["rule_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn open(stack: &Stack, buyer: &str, body: &Value) -> anyhow::Result<String> {
    let (s, v) = stack
        .buyer(buyer)
        .post("intake", "/buyer/cases", body)
        .await?;
    anyhow::ensure!(s == 201, "case not opened: {s} {v}");
    Ok(v["case_id"].as_str().unwrap_or_default().to_owned())
}

async fn ledger_len(stack: &Stack, case: &str) -> anyhow::Result<usize> {
    let (_, l) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case}/ledger"))
        .await?;
    Ok(l["entries"].as_array().map(Vec::len).unwrap_or(0))
}

/// An after-sales request (K-4) on an order that completed `days_ago`.
fn after_sales(reason: &'static str, remedy: &str, days_ago: i64) -> CaseSpec {
    CaseSpec {
        kind: "after_sales",
        reason,
        paid_amount_fen: 10_000,
        completed_days_ago: Some(days_ago),
        door_pickup: remedy != "refund",
        ..CaseSpec::fast_return()
    }
}

/// The order placed for `buyer` and the body of an after-sales request on it.
async fn after_sales_body(
    stack: &Stack,
    buyer: &str,
    line: &str,
    reason: &'static str,
    remedy: &str,
    days_ago: i64,
) -> anyhow::Result<Value> {
    let spec = after_sales(reason, remedy, days_ago);
    let mut body = journey::order_and_body(stack, buyer, line, &spec).await?;
    body["remedy"] = json!(remedy);
    Ok(body)
}

/// A guarantee claim (WF-2) on a `category` line of an order completed yesterday.
async fn claim(
    stack: &Stack,
    line: &str,
    guarantee: &str,
    category: &'static str,
    evidence: Value,
) -> anyhow::Result<Value> {
    // Completed today, delivered yesterday: inside the guarantees' windows from receipt.
    let spec = CaseSpec {
        category,
        ..after_sales("quality_problem", "refund", 0)
    };
    let mut b = journey::order_and_body(stack, "b-wf", line, &spec).await?;
    b["guarantee"] = json!(guarantee);
    b["evidence"] = evidence;
    Ok(b)
}

/// A delivery and installation (K-7) of a paid, undelivered `category` line, `days` ahead.
async fn k7_body(
    stack: &Stack,
    line: &str,
    category: &'static str,
    install: bool,
    days: i64,
) -> anyhow::Result<Value> {
    let spec = CaseSpec {
        kind: "delivery_installation",
        reason: "delivery_service",
        category,
        size: "large",
        door_pickup: false,
        ..CaseSpec::fast_return()
    };
    let mut b = journey::order_and_body(stack, "b-k7", line, &spec).await?;
    b["delivery"] = json!({
        "address": "9 Binjiang Road", "contact_phone": "13900139000",
        "preferred_date": (stack.now() + chrono::Duration::days(days)).date_naive(),
        "installation": install
    });
    Ok(b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_3_exchange_goes_back_by_courier_and_the_replacement_comes_back_without_a_refund()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("exchange")).await?;
    journey::load_ratings(&stack, &[("b-k3".into(), 5)]).await?;
    let exchange = CaseSpec {
        kind: "exchange",
        reason: "wrong_size",
        ..CaseSpec::fast_return()
    };
    let body = journey::order_and_body(&stack, "b-k3", "ol-k3", &exchange).await?;
    let (s, v) = stack
        .buyer("b-k3")
        .post("intake", "/buyer/cases", &{
            let mut b = body.clone();
            b["remedy"] = json!("refund");
            b
        })
        .await?;
    assert_eq!(
        (s, v["field"].as_str()),
        (422, Some("remedy")),
        "K-3 is an exchange only: {v}"
    );
    let case = open(&stack, "b-k3", &body).await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(view["case"]["remedy"], "exchange");
    let (s, b) = journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200, "{b}");
    // Nothing to send back before the buyer's parcel has left.
    journey::wait_job(&stack, &case).await?;
    let send_back = json!({ "carrier": "sf-express", "tracking_number": "SFX0001234" });
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &format!("/merchant/cases/{case}/send-back"),
            &send_back,
        )
        .await?;
    assert_eq!(s, 409, "{b}");
    journey::courier_collects(&stack, &case, "SF3000000001").await?;
    journey::wait_status(&stack, &case, "in_transit").await?;
    let (s, _) = stack
        .merchant("m-other")
        .post(
            "logistics",
            &format!("/merchant/cases/{case}/send-back"),
            &json!({ "carrier": "sf-express", "tracking_number": "SFX0001234" }),
        )
        .await?;
    assert_eq!(s, 404, "another merchant's case is not found");
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &format!("/merchant/cases/{case}/send-back"),
            &send_back,
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let (s, _) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &format!("/merchant/cases/{case}/send-back"),
            &send_back,
        )
        .await?;
    assert_eq!(s, 200, "repeating the same send-back answers the same");
    let view = journey::wait_status(&stack, &case, "closed").await?;
    let rules = rules_of(&view);
    assert!(rules.contains(&"K-3".to_owned()), "{rules:?}");
    let (s, _) = stack
        .cs()
        .get("payment", &format!("/cs/cases/{case}/refund"))
        .await?;
    assert_eq!(s, 404, "an exchange pays no refund");
    assert_eq!(ledger_len(&stack, &case).await?, 0);
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ct_2_buyer_ships_enters_tracking_and_pay_3_merchant_receipt_pays() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("self_ship")).await?;
    journey::load_ratings(&stack, &[("b-ct2".into(), 5)]).await?;
    let spec = CaseSpec {
        city: "lhasa",
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-ct2", "ol-ct2", &spec).await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    journey::wait_status(&stack, &case, "awaiting_buyer_shipment").await?;
    let url = format!("/buyer/cases/{case}/shipment");
    let (s, b) = stack
        .buyer("b-ct2")
        .post(
            "logistics",
            &url,
            &json!({ "carrier": "ems", "tracking_number": "12-34" }),
        )
        .await?;
    assert_eq!(
        (s, b["field"].as_str()),
        (422, Some("tracking_number")),
        "{b}"
    );
    let (s, _) = stack
        .buyer("b-other")
        .post(
            "logistics",
            &url,
            &json!({ "carrier": "ems", "tracking_number": "EMS0000000001" }),
        )
        .await?;
    assert_eq!(s, 404, "another buyer's case is not found");
    let ship = json!({ "carrier": "ems", "tracking_number": "EMS0000000001" });
    let (s, b) = stack.buyer("b-ct2").post("logistics", &url, &ship).await?;
    assert_eq!(s, 200, "{b}");
    let (s, _) = stack.buyer("b-ct2").post("logistics", &url, &ship).await?;
    assert_eq!(s, 200, "the same tracking number again answers the same");
    let (s, _) = stack
        .buyer("b-ct2")
        .post(
            "logistics",
            &url,
            &json!({ "carrier": "ems", "tracking_number": "EMS0000000002" }),
        )
        .await?;
    assert_eq!(s, 409, "a different tracking number once shipped");
    let view = journey::wait_status(&stack, &case, "in_transit").await?;
    assert!(rules_of(&view).contains(&"CT-2".to_owned()));
    // Outside coverage there is no fast return: the merchant's receipt pays (PAY-3).
    let refund = journey::wait_refund(&stack, &case).await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt", "{refund}");
    assert_eq!(refund["tracking_number"], "EMS0000000001");
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "payment",
            &format!("/merchant/cases/{case}/receipt"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    journey::wait_status(&stack, &case, "closed").await?;
    assert_eq!(ledger_len(&stack, &case).await?, 2);
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_4_as_1_as_2_as_3_rejected_after_sales_goes_to_customer_service_after_72_hours()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("after_sales")).await?;
    journey::load_ratings(&stack, &[("b-k4".into(), 4)]).await?;
    // AS-1: day 16 after completion is too late, and the field says so.
    let (s, v) = stack
        .buyer("b-k4")
        .post(
            "intake",
            "/buyer/cases",
            &after_sales_body(
                &stack,
                "b-k4",
                "ol-k4-late",
                "not_shipped_in_time",
                "refund",
                16,
            )
            .await?,
        )
        .await?;
    assert_eq!((s, v["field"].as_str()), (409, Some("kind")), "{v}");
    assert!(
        v["detail"].as_str().unwrap_or_default().contains("AS-1"),
        "{v}"
    );
    let (s, v) = stack
        .buyer("b-k4")
        .post("intake", "/buyer/cases", &{
            let mut b = after_sales_body(
                &stack,
                "b-k4",
                "ol-k4-x",
                "not_shipped_in_time",
                "refund",
                2,
            )
            .await?;
            b["door_pickup"] = json!({ "address": "1 Road", "city": "shanghai" });
            b
        })
        .await?;
    assert_eq!((s, v["field"].as_str()), (422, Some("door_pickup")), "{v}");

    // Day 10: a refund for late shipping (AS-3 carries compensation); the merchant says no.
    let case = open(
        &stack,
        "b-k4",
        &after_sales_body(&stack, "b-k4", "ol-k4", "not_shipped_in_time", "refund", 10).await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    journey::merchant_decides(
        &stack,
        &case,
        json!({ "decision": "reject", "reason": "It shipped on time." }),
    )
    .await?;
    // AS-2: the merchant's no is not the end of an after-sales case.
    journey::wait_status(&stack, &case, "rejected").await?;
    let ask = json!({ "note": "It came 9 days late." });
    let url = format!("/buyer/cases/{case}/intervention");
    let (s, b) = stack.buyer("b-k4").post("intake", &url, &ask).await?;
    assert_eq!(s, 409, "too early: {b}");
    assert!(
        b["detail"].as_str().unwrap_or_default().contains("AS-2"),
        "{b}"
    );

    // 73 hours later the buyer is told they may ask, and asks.
    stack.advance_clocks(73 * 3600).await?;
    wait_for("AS-2's opening on the timeline", PATIENCE, || async {
        let v = journey::case_view(&stack, &case).await?;
        Ok(v["timeline"]
            .as_array()
            .is_some_and(|t| t.iter().any(|e| e["event_type"] == "intervention.open"))
            .then_some(()))
    })
    .await?;
    let (s, _) = stack
        .merchant("m-nobody")
        .post(
            "intake",
            &format!("/merchant/cases/{case}/intervention"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 404, "only the case's own parties may ask");
    let (s, b) = stack.buyer("b-k4").post("intake", &url, &ask).await?;
    assert_eq!(s, 202, "{b}");
    let (s, _) = stack.buyer("b-k4").post("intake", &url, &ask).await?;
    assert_eq!(s, 200, "asking again answers the first request");
    journey::wait_status(&stack, &case, "intervening").await?;
    let queue = wait_for("the CS desk to list the case", PATIENCE, || async {
        let (_, q) = stack.cs().get("audit", "/cs/interventions").await?;
        Ok(q["interventions"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["case_id"] == case.as_str()))
            .then_some(q))
    })
    .await?;
    assert!(queue.to_string().contains("9 days late"));
    let ruling = format!("/cs/cases/{case}/ruling");
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &ruling,
            &json!({ "ruling": "approve", "reason": "" }),
        )
        .await?;
    assert_eq!((s, b["field"].as_str()), (422, Some("reason")), "{b}");
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &ruling,
            &json!({ "ruling": "approve", "reason": "The courier scan shows 9 days." }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let (s, _) = stack
        .cs()
        .post(
            "audit",
            &ruling,
            &json!({ "ruling": "reject", "reason": "Changed my mind." }),
        )
        .await?;
    assert_eq!(s, 409, "a ruling is given once");

    // The refund from the merchant's funds, and AS-3's 30% from its deposit, with it (PAY-4).
    let view = journey::wait_status(&stack, &case, "closed").await?;
    let rules = rules_of(&view);
    for r in ["AS-2", "PAY-4"] {
        assert!(rules.contains(&r.to_owned()), "{r} in {rules:?}");
    }
    let (_, l) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case}/ledger"))
        .await?;
    let entries = l["entries"].as_array().cloned().unwrap_or_default();
    let has = |account: String, amount: i64| {
        entries
            .iter()
            .any(|e| e["account"] == account && e["amount_fen"] == amount)
    };
    assert!(has(format!("merchant:{merchant}"), -10_000), "{entries:?}");
    assert!(
        has(format!("merchant_deposit:{merchant}"), -3_000),
        "AS-3: {entries:?}"
    );
    assert!(has("buyer:b-k4".into(), 3_000));
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_4_rv_4_quality_problem_is_approved_at_once_and_a_repair_comes_back() -> anyhow::Result<()>
{
    let stack = Stack::start(StackOptions::for_test("after_sales_repair")).await?;
    journey::load_ratings(&stack, &[("b-rv4".into(), 2)]).await?;
    // RV-4: a quality problem 3 days into use is refunded without the merchant's review.
    let quality = open(
        &stack,
        "b-rv4",
        &after_sales_body(
            &stack,
            "b-rv4",
            "ol-rv4-q",
            "quality_problem",
            "return_refund",
            3,
        )
        .await?,
    )
    .await?;
    journey::wait_job(&stack, &quality).await?;
    let (_, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{quality}/decision"))
        .await?;
    assert_eq!(
        (d["rule_id"].as_str(), d["status"].as_str()),
        (Some("RV-4"), Some("approved")),
        "{d}"
    );
    assert_eq!(d["inputs"]["class"], "quality");

    // A repair: the merchant reviews, the courier collects, the repaired goods come back.
    let repair = open(
        &stack,
        "b-rv4",
        &after_sales_body(&stack, "b-rv4", "ol-rv4-r", "quality_problem", "repair", 3).await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &repair, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    journey::merchant_decides(&stack, &repair, json!({ "decision": "approve" })).await?;
    journey::courier_collects(&stack, &repair, "SF4000000001").await?;
    journey::wait_status(&stack, &repair, "in_transit").await?;
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &format!("/merchant/cases/{repair}/send-back"),
            &json!({ "carrier": "sf-express", "tracking_number": "SFR0000001" }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let view = journey::wait_status(&stack, &repair, "closed").await?;
    assert!(rules_of(&view).contains(&"K-4".to_owned()));
    assert!(
        view["timeline"].to_string().contains("repaired goods"),
        "{}",
        view["timeline"]
    );
    assert_eq!(
        ledger_len(&stack, &repair).await?,
        0,
        "a repair pays nothing"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_8_freight_insurance_pays_the_first_weight_and_the_buyer_the_rest() -> anyhow::Result<()>
{
    let stack = Stack::start(StackOptions::for_test("pickup_fee")).await?;
    journey::load_ratings(&stack, &[("b-pk8".into(), 3)]).await?;
    let spec = CaseSpec {
        size: "large",
        freight_insured: true,
        ..CaseSpec::fast_return()
    };
    let insured = journey::open_case(&stack, "b-pk8", "ol-pk8", &spec).await?;
    let job = journey::wait_job(&stack, &insured).await?;
    assert_eq!(job["fee"]["insurance_pays_fen"], 1_200, "{job}");
    assert_eq!(
        job["fee"]["buyer_pays_fen"], 2_000,
        "the continued weight: {job}"
    );
    journey::courier_collects(&stack, &insured, "SF8000000001").await?;
    journey::wait_status(&stack, &insured, "closed").await?;
    let e = wait_for("the insurance's posting", PATIENCE, || async {
        let (_, l) = stack
            .operator()
            .get("payment", &format!("/operator/cases/{insured}/ledger"))
            .await?;
        let e = l["entries"].as_array().cloned().unwrap_or_default();
        Ok(e.iter().any(|x| x["account"] == "insurance").then_some(e))
    })
    .await?;
    let has = |account: &str, amount: i64| {
        e.iter()
            .any(|x| x["account"] == account && x["amount_fen"] == amount)
    };
    assert!(
        has("insurance", -1_200) && has("courier:sf-express", 1_200),
        "{e:?}"
    );

    // Not insured: the buyer pays the whole fee at the door; the ledger has no insurance part.
    let plain = journey::open_case(&stack, "b-pk8", "ol-pk8-2", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &plain).await?;
    assert_eq!(job["fee"]["insurance_pays_fen"], 0, "{job}");
    assert_eq!(job["fee"]["buyer_pays_fen"], 1_200, "{job}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_6_as_4_as_5_complaints_are_ruled_once_and_upheld_ones_cost_violation_points()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("complaints")).await?;
    journey::load_ratings(&stack, &[("b-k6".into(), 4)]).await?;
    // AS-4: the order comes from the feed, as audit's own copy holds it (ORD-1): merchant and
    // city are the order's, and only an order still awaiting payment can be complained of.
    let unpaid = OrderSpec {
        reached: Reached::AwaitingPayment,
        ..OrderSpec::simple("o-k6-unpaid", "b-k6", "m-6", "ol-k6-a", 5_000)
    };
    let paid = OrderSpec {
        reached: Reached::Paid,
        ..OrderSpec::simple("o-k6-paid", "b-k6", "m-6", "ol-k6-p", 5_000)
    };
    orders::place(&stack, &unpaid).await?;
    orders::place(&stack, &paid).await?;
    let as4 = |order: &str| {
        json!({ "order_id": order, "grounds": "broken_promise",
                "text": "Promised a gift with the order; the page changed." })
    };
    // audit's copy of both orders, as the feed left it.
    for (order, awaits) in [("o-k6-unpaid", true), ("o-k6-paid", false)] {
        wait_for("audit to hold the order", PATIENCE, || async {
            let (s, v) = stack
                .operator()
                .get("audit", &format!("/operator/orders/{order}"))
                .await?;
            Ok((s == 200 && v["awaits_payment"] == awaits).then_some(v))
        })
        .await?;
    }
    let complain = |buyer: &'static str, order: &'static str| {
        let stack = &stack;
        async move {
            stack
                .buyer(buyer)
                .post("audit", "/buyer/complaints", &as4(order))
                .await
        }
    };
    let (s, b) = complain("b-k6", "o-k6-paid").await?;
    assert_eq!(s, 409, "as_4_only_while_the_order_awaits_payment: {b}");
    assert!(
        b["detail"].as_str().unwrap_or_default().contains("AS-4"),
        "{b}"
    );
    let (s, b) = complain("b-other", "o-k6-unpaid").await?;
    assert_eq!(
        s, 404,
        "someone else's order answers like a missing one: {b}"
    );
    let (s, b) = complain("b-k6", "o-k6-unpaid").await?;
    assert_eq!(
        (s, b["rule"].as_str(), b["merchant_id"].as_str()),
        (201, Some("AS-4"), Some("m-6")),
        "{b}"
    );
    let first = b["complaint_id"].as_str().unwrap_or_default().to_owned();
    let (s, b) = complain("b-k6", "o-k6-unpaid").await?;
    assert_eq!(s, 409, "one broken-promise complaint per order: {b}");
    let ruling = |c: &str| format!("/cs/complaints/{c}/ruling");
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &ruling(&first),
            &json!({ "uphold": false, "reason": "The promise was not on the page when ordered." }),
        )
        .await?;
    assert_eq!((s, b["state"].as_str()), (200, Some("dismissed")), "{b}");
    let (s, _) = stack
        .cs()
        .post(
            "audit",
            &ruling(&first),
            &json!({ "uphold": true, "reason": "again" }),
        )
        .await?;
    assert_eq!(s, 409, "K-6: a complaint is ruled once");

    // AS-5: a not-as-described after-sales case; the complaint needs CS's intervention first.
    let case = open(
        &stack,
        "b-k6",
        &after_sales_body(
            &stack,
            "b-k6",
            "ol-k6-b",
            "not_as_described",
            "return_refund",
            10,
        )
        .await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let as5 = json!({
        "grounds": "not_as_described", "text": "Listed as leather; it is plastic.",
        "evidence": ["photo-7"], "case_id": case
    });
    let (s, b) = stack
        .buyer("b-k6")
        .post("audit", "/buyer/complaints", &as5)
        .await?;
    assert_eq!(s, 409, "no intervention yet: {b}");
    assert!(
        b["detail"].as_str().unwrap_or_default().contains("AS-5"),
        "{b}"
    );
    stack.advance_clocks(73 * 3600).await?;
    let (s, b) = stack
        .buyer("b-k6")
        .post(
            "intake",
            &format!("/buyer/cases/{case}/intervention"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 202, "{b}");
    let (s, b) = wait_for("the CS desk to know the intervention", PATIENCE, || async {
        let (s, b) = stack
            .buyer("b-k6")
            .post("audit", "/buyer/complaints", &as5)
            .await?;
        Ok((s != 409).then_some((s, b)))
    })
    .await?;
    assert_eq!((s, b["rule"].as_str()), (201, Some("AS-5")), "{b}");
    let complaint = b["complaint_id"].as_str().unwrap_or_default().to_owned();
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &ruling(&complaint),
            &json!({ "uphold": true, "reason": "The material test shows plastic." }),
        )
        .await?;
    assert_eq!((s, b["violation_points"].as_i64()), (200, Some(2)), "{b}");
    let (_, standing) = stack
        .operator()
        .get("audit", &format!("/operator/merchants/{merchant}/standing"))
        .await?;
    assert_eq!(
        standing["violation_points"], 2,
        "MP-3 shows them: {standing}"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wf_1_wf_2_wf_4_guarantee_claims_need_their_evidence_and_are_granted_at_once()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("guarantees")).await?;
    journey::load_ratings(&stack, &[("b-wf".into(), 2)]).await?;
    // WF-1: the product page's services come from the same settings.
    let (s, page) = stack
        .buyer("b-wf")
        .get(
            "intake",
            "/buyer/products/services?category=fresh_food&city=shanghai",
        )
        .await?;
    assert_eq!(s, 200, "{page}");
    assert_eq!(
        page["modules"]["return_exchange"]["fast_return"], false,
        "AUTO-2"
    );
    assert!(
        page["guarantees"]
            .to_string()
            .contains("fresh_food_spoiled"),
        "{page}"
    );
    let (s, _) = stack
        .buyer("b-wf")
        .get("intake", "/buyer/products/services?category=spaceship")
        .await?;
    assert_eq!(s, 422);

    let photo = json!([{ "kind": "photo_of_spoilage", "ref": "img-501" }]);
    for (line, guarantee, category, evidence, field) in [
        ("ol-wf-2", "nope", "fresh_food", photo.clone(), "guarantee"),
        (
            "ol-wf-3",
            "fresh_food_spoiled",
            "fresh_food",
            json!([]),
            "evidence",
        ),
        // The guarantee covers fresh food; this line of the order is clothing.
        (
            "ol-wf-4",
            "fresh_food_spoiled",
            "apparel",
            photo.clone(),
            "lines[0].order_line_id",
        ),
    ] {
        let body = claim(&stack, line, guarantee, category, evidence).await?;
        let (s, b) = stack
            .buyer("b-wf")
            .post("intake", "/buyer/cases", &body)
            .await?;
        assert_eq!((s, b["field"].as_str()), (422, Some(field)), "{b}");
    }

    // Spoiled fresh food: refunded at once, nothing comes back (WF-2), from the merchant's funds.
    let spoiled = open(
        &stack,
        "b-wf",
        &claim(&stack, "ol-wf-1", "fresh_food_spoiled", "fresh_food", photo).await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &spoiled, "closed").await?;
    assert!(
        rules_of(&view).contains(&"WF-2".to_owned()),
        "{:?}",
        rules_of(&view)
    );
    assert_eq!(view["case"]["guarantee"], "fresh_food_spoiled");
    let (s, _) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{spoiled}/pickup"))
        .await?;
    assert_eq!(s, 404, "no return needed");
    assert_eq!(ledger_len(&stack, &spoiled).await?, 2);

    // Clothing's 30-day warranty reaches past AS-1's 15 days; the goods come back by courier.
    let mut body = after_sales_body(
        &stack,
        "b-wf",
        "ol-wf-22",
        "quality_problem",
        "return_refund",
        20,
    )
    .await?;
    body["guarantee"] = json!("apparel_quality_30_days");
    body["evidence"] = json!([{ "kind": "photo_of_defect", "ref": "img-777" }]);
    let apparel = open(&stack, "b-wf", &body).await?;
    journey::wait_job(&stack, &apparel).await?;
    let (_, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{apparel}/decision"))
        .await?;
    assert_eq!(d["rule_id"], "WF-2", "{d}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_7_wf_3_delivered_into_the_home_then_installed_on_a_booked_slot() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("delivery")).await?;
    journey::load_ratings(&stack, &[("b-k7".into(), 3)]).await?;
    for (b, field) in [
        (
            k7_body(&stack, "ol-k7-a", "apparel", true, 1).await?,
            "lines[0].order_line_id",
        ),
        (
            k7_body(&stack, "ol-k7-x", "large_appliance", true, 40).await?,
            "delivery.preferred_date",
        ),
        (
            {
                let mut b = k7_body(&stack, "ol-k7-y", "large_appliance", true, 1).await?;
                b.as_object_mut().map(|o| o.remove("delivery"));
                b
            },
            "delivery",
        ),
    ] {
        let (s, v) = stack
            .buyer("b-k7")
            .post("intake", "/buyer/cases", &b)
            .await?;
        assert_eq!((s, v["field"].as_str()), (422, Some(field)), "{v}");
    }
    let case = open(
        &stack,
        "b-k7",
        &k7_body(&stack, "ol-k7-1", "large_appliance", true, 1).await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &case, "delivery_scheduled").await?;
    assert!(
        rules_of(&view).contains(&"WF-3".to_owned()),
        "{:?}",
        rules_of(&view)
    );
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let url = |step: &str| format!("/merchant/delivery-jobs/{case}/{step}");
    let (s, _) = stack
        .merchant(&merchant)
        .post("logistics", &url("installed"), &json!({}))
        .await?;
    assert_eq!(s, 409, "installed before delivered");
    let (s, _) = stack
        .merchant(&merchant)
        .post("logistics", &url("delivered"), &json!({}))
        .await?;
    assert_eq!(s, 200);
    journey::wait_status(&stack, &case, "delivered").await?;
    let (s, _) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &url("installed"),
            &json!({ "note": "Wall-mounted and tested." }),
        )
        .await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert!(view["timeline"].to_string().contains("Wall-mounted"));

    // Nothing to install: delivery into the home ends it (K-7).
    let sofa = open(
        &stack,
        "b-k7",
        &k7_body(&stack, "ol-k7-22", "home_furnishing", false, 2).await?,
    )
    .await?;
    let view = journey::wait_status(&stack, &sofa, "delivery_scheduled").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, _) = stack
        .merchant(&merchant)
        .post(
            "logistics",
            &format!("/merchant/delivery-jobs/{sofa}/delivered"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &sofa, "closed").await?;
    assert!(rules_of(&view).contains(&"K-7".to_owned()));
    assert_eq!(ledger_len(&stack, &sofa).await?, 0, "no money moves");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rv_3_failed_return_check_holds_the_refund_until_customer_service_decides()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("return_check")).await?;
    journey::load_ratings(&stack, &[("b-rv3".into(), 2), ("b-rv3-fast".into(), 3)]).await?;
    // A reviewed return (no fast-return entitlement): the refund waits for the merchant.
    let case = journey::open_case(&stack, "b-rv3", "ol-rv3-a", &CaseSpec::fast_return()).await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    journey::courier_collects(&stack, &case, "SF9000000001").await?;
    let refund = journey::wait_refund(&stack, &case).await?;
    assert_eq!(refund["status"], "awaiting_merchant_receipt");

    let url = format!("/merchant/cases/{case}/return-check");
    let ok = json!({ "not_soiled": true, "no_marks_of_use": true, "tags_attached": true, "accessories_complete": true });
    let bad = json!({ "not_soiled": true, "no_marks_of_use": true, "tags_attached": false, "accessories_complete": true });
    let (s, b) = stack
        .merchant(&merchant)
        .post("audit", &url, &json!({ "conditions": ok }))
        .await?;
    assert_eq!((s, b["check"].as_str()), (200, Some("passed")), "{b}");
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "audit",
            &url,
            &json!({ "conditions": bad, "reason": "The tag was cut off." }),
        )
        .await?;
    assert_eq!((s, b["field"].as_str()), (422, Some("evidence")), "{b}");
    let (s, b) = stack
        .merchant(&merchant).post("audit", &url, &json!({ "conditions": bad, "reason": "The tag was cut off.", "evidence": ["photo-tag"] }))
        .await?;
    assert_eq!((s, b["rule"].as_str()), (200, Some("RV-3")), "{b}");
    let held = wait_for("the refund to be held", PATIENCE, || async {
        let r = journey::wait_refund(&stack, &case).await?;
        Ok((r["status"] == "held_by_return_check").then_some(r))
    })
    .await?;
    assert_eq!(held["status"], "held_by_return_check");
    // The merchant's receipt window passing does not pay a held refund.
    stack.advance_clocks(8 * 86_400).await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        journey::wait_refund(&stack, &case).await?["status"],
        "held_by_return_check"
    );

    // The buyer escalates at once (AS-2); customer service overrules the check; the refund pays.
    let (s, b) = stack
        .buyer("b-rv3")
        .post(
            "intake",
            &format!("/buyer/cases/{case}/intervention"),
            &json!({ "note": "The tag was never attached." }),
        )
        .await?;
    assert_eq!(s, 202, "{b}");
    let ruling = format!("/cs/cases/{case}/ruling");
    wait_for("the CS desk to know the intervention", PATIENCE, || async {
        let (_, q) = stack.cs().get("audit", "/cs/interventions").await?;
        Ok(q.to_string().contains(&case).then_some(()))
    })
    .await?;
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &ruling,
            &json!({ "ruling": "approve", "reason": "The listing photos show no tag." }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert!(
        view["timeline"].to_string().contains("overruled"),
        "{}",
        view["timeline"]
    );
    assert_eq!(
        ledger_len(&stack, &case).await?,
        2,
        "paid from the merchant's funds"
    );

    // An advanced refund (PAY-1): the failed check disputes the advance instead (PAY-7).
    let fast =
        journey::open_case(&stack, "b-rv3-fast", "ol-rv3-bb", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &fast, "SF9000000002").await?;
    let view = journey::wait_status(&stack, &fast, "closed").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "audit",
            &format!("/merchant/cases/{fast}/return-check"),
            &json!({ "conditions": bad, "reason": "Worn.", "evidence": ["photo-9"] }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    wait_for("the dispute of the advance", PATIENCE, || async {
        let (_, q) = stack.cs().get("payment", "/cs/disputes").await?;
        Ok(q.to_string().contains(&fast).then_some(()))
    })
    .await?;
    stack.shutdown().await
}

/// RV-3, AS-2: a failed return check that customer service upholds is a final rejection: the
/// case closes although its goods were already in transit, and its units go back to the order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_4_rv_3_an_upheld_return_check_closes_the_case() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("return_check_upheld")).await?;
    journey::load_ratings(&stack, &[("b-up".into(), 2)]).await?;
    let case = journey::open_case(&stack, "b-up", "ol-up-1", &CaseSpec::fast_return()).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = journey::merchant_of(&stack, &case).await?;
    journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    journey::courier_collects(&stack, &case, "SF9100000001").await?;
    journey::wait_status(&stack, &case, "in_transit").await?;
    let bad = json!({ "not_soiled": false, "no_marks_of_use": true, "tags_attached": true, "accessories_complete": true });
    let (s, b) = stack
        .merchant(&merchant)
        .post(
            "audit",
            &format!("/merchant/cases/{case}/return-check"),
            &json!({ "conditions": bad, "reason": "Stained with paint.", "evidence": ["photo-paint"] }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    wait_for(
        "the failed check on the buyer's timeline",
        PATIENCE,
        || async {
            let v = journey::case_view(&stack, &case).await?;
            Ok(rules_of(&v).contains(&"RV-3".to_owned()).then_some(()))
        },
    )
    .await?;
    let (s, b) = stack
        .buyer("b-up")
        .post(
            "intake",
            &format!("/buyer/cases/{case}/intervention"),
            &json!({ "note": "It was clean when it left." }),
        )
        .await?;
    assert_eq!(s, 202, "{b}");
    wait_for("the CS desk to know the intervention", PATIENCE, || async {
        let (_, q) = stack.cs().get("audit", "/cs/interventions").await?;
        Ok(q.to_string().contains(&case).then_some(()))
    })
    .await?;
    let (s, b) = stack
        .cs()
        .post(
            "audit",
            &format!("/cs/cases/{case}/ruling"),
            &json!({ "ruling": "reject", "reason": "The courier's photo shows the stain." }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert!(
        rules_of(&view).contains(&"AS-2".to_owned()),
        "{:?}",
        rules_of(&view)
    );
    assert_eq!(ledger_len(&stack, &case).await?, 0, "nothing is refunded");
    let order = wait_for("the unit to go back to the order", PATIENCE, || async {
        let (_, o) = stack
            .buyer("b-up")
            .get(
                "intake",
                &format!(
                    "/buyer/orders/{}",
                    returns_harness::cases::order_of("ol-up-1")
                ),
            )
            .await?;
        Ok((o["lines"][0]["units_returnable"] == 1).then_some(o))
    })
    .await?;
    assert_eq!(order["lines"][0]["units_in_cases"], 0, "{order}");
    stack.shutdown().await
}
