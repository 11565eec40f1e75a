//! ORD-1..ORD-6: cases open only on the marketplace's own order data, which intake keeps from
//! the order feed (played here by the harness as an outside producer) and the operator's
//! backfill; a buyer's body never supplies an order's facts.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_domain::{Category, SizeClass};
use returns_events::orders::{OrderEnvelope, OrderPaid};
use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::kafka::{self, Record};
use returns_harness::orders::{self, LineSpec, OrderSpec, Reached};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

/// The order feed's dead letters `consumer` (intake, or audit's own copy) set aside so far.
fn dead_letters_of(stack: &Stack, consumer: &str) -> anyhow::Result<Vec<Record>> {
    Ok(kafka::read_all(
        &stack.broker.bootstrap(),
        topics::DEAD_LETTER,
        stack.partitions,
    )?
    .into_iter()
    .filter(|r| r.headers.get("source_topic").map(String::as_str) == Some(topics::ORDERS))
    .filter(|r| r.headers.get("consumer").map(String::as_str) == Some(consumer))
    .collect())
}

fn order_dead_letters(stack: &Stack) -> anyhow::Result<Vec<Record>> {
    dead_letters_of(stack, "intake")
}

async fn wait_dead_letters_of(
    stack: &Stack,
    consumer: &str,
    n: usize,
) -> anyhow::Result<Vec<Record>> {
    wait_for(&format!("{n} order dead letters"), PATIENCE, || async {
        let d = dead_letters_of(stack, consumer)?;
        Ok((d.len() >= n).then_some(d))
    })
    .await
}

async fn wait_dead_letters(stack: &Stack, n: usize) -> anyhow::Result<Vec<Record>> {
    wait_dead_letters_of(stack, "intake", n).await
}

fn reason(r: &Record) -> String {
    r.headers
        .get("dead_letter_reason")
        .cloned()
        .unwrap_or_default()
}

/// The order as its buyer reads it; `None` when intake does not hold it.
async fn order_view(stack: &Stack, buyer: &str, order_id: &str) -> anyhow::Result<Option<Value>> {
    let (s, v) = stack
        .buyer(buyer)
        .get("intake", &format!("/buyer/orders/{order_id}"))
        .await?;
    Ok((s == 200).then_some(v))
}

fn raw(e: &OrderEnvelope) -> anyhow::Result<(String, Vec<u8>, String)> {
    Ok((
        e.order_id.clone(),
        serde_json::to_vec(e)?,
        e.event_type.clone(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_1_ord_6_order_events_apply_once_in_order_and_contradictions_are_set_aside()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_feed")).await?;
    let bootstrap = stack.broker.bootstrap();
    let good = OrderSpec::simple("o-feed-1", "b-f", "m-1", "l-1", 19_900);
    let events = good.events(stack.now())?;
    orders::publish(&stack, &events).await?;
    orders::wait_order(&stack, "b-f", "o-feed-1", "delivered").await?;

    // ORD-6: the same records again (a redelivery), and an older one after a newer one, are
    // skipped by the inbox; the same step under a new id with the same time is a repeat.
    let again: Vec<_> = events.iter().map(raw).collect::<anyhow::Result<_>>()?;
    orders::publish_raw(&bootstrap, &again).await?;
    let paid = &events[1];
    let repeat = OrderEnvelope {
        event_id: uuid::Uuid::now_v7(),
        ..paid.clone()
    };
    orders::publish(&stack, &[repeat]).await?;

    // Contradictions, each set aside with its reason and nothing of it applied.
    let now = stack.now();
    let placed_only = OrderSpec {
        reached: Reached::AwaitingPayment,
        ..OrderSpec::simple("o-feed-2", "b-f", "m-1", "l-1", 5_000)
    };
    orders::place(&stack, &placed_only).await?;
    let shipped_unpaid = placed_only.envelope(now, &placed_only.shipped(now))?;
    let bad_line =
        |order: &str, edit: &dyn Fn(&mut Value)| -> anyhow::Result<(String, Vec<u8>, String)> {
            let spec = OrderSpec::simple(order, "b-f", "m-1", "l-1", 5_000);
            let mut v = serde_json::to_value(&spec.events(now)?[0])?;
            edit(&mut v);
            Ok((
                order.to_owned(),
                serde_json::to_vec(&v)?,
                "order.placed".to_owned(),
            ))
        };
    let paid_unknown = OrderSpec::simple("o-feed-never", "b-f", "m-1", "l-1", 1)
        .envelope(now, &OrderPaid { paid_at: now })?;
    let poison = vec![
        raw(&shipped_unpaid)?,
        bad_line("o-feed-3", &|v| {
            v["payload"]["lines"][0]["quantity"] = json!(0)
        })?,
        bad_line("o-feed-4", &|v| {
            v["payload"]["lines"][0]["amount_paid_fen"] = json!(-5)
        })?,
        bad_line("o-feed-5", &|v| {
            v["payload"]["lines"][0]["amount_paid_fen"] = json!(100_000_000_000_000_i64)
        })?,
        bad_line("o-feed-6", &|v| v["payload"]["discount_fen"] = json!(100))?,
        raw(&paid_unknown)?,
    ];
    orders::publish_raw(&bootstrap, &poison).await?;
    let dead = wait_dead_letters(&stack, poison.len()).await?;
    let reasons: Vec<String> = dead.iter().map(reason).collect();
    for expected in [
        "cannot become shipped",
        "quantity must be 1",
        "amount_paid_fen must be 1",
        "unknown field `discount_fen`",
        "never placed",
    ] {
        assert!(
            reasons.iter().any(|r| r.contains(expected)),
            "{expected:?} not among {reasons:#?}"
        );
    }
    // audit keeps its own copy of the feed (AS-4) and sets the same records aside.
    let keys = |d: &[Record]| {
        let mut k: Vec<_> = d.iter().map(|r| r.key.clone()).collect();
        k.sort();
        k
    };
    let audit_dead = wait_dead_letters_of(&stack, "audit", poison.len()).await?;
    assert_eq!(keys(&audit_dead), keys(&dead), "{audit_dead:?}");
    for order in ["o-feed-3", "o-feed-4", "o-feed-5", "o-feed-6"] {
        assert!(
            order_view(&stack, "b-f", order).await?.is_none(),
            "{order} half-applied"
        );
    }
    let o2 = order_view(&stack, "b-f", "o-feed-2")
        .await?
        .unwrap_or_default();
    assert_eq!(o2["order"]["state"], "awaiting_payment", "{o2}");
    let o1 = order_view(&stack, "b-f", "o-feed-1")
        .await?
        .unwrap_or_default();
    assert_eq!(o1["order"]["state"], "delivered", "{o1}");

    // Out of order for its own order: a delivery before its shipment is set aside; once the
    // shipment is in, the dead letter replayed applies.
    let late = OrderSpec {
        reached: Reached::Delivered { days_ago: 1 },
        ..OrderSpec::simple("o-feed-7", "b-f", "m-1", "l-1", 5_000)
    };
    let ev = late.events(stack.now())?;
    orders::publish(&stack, &ev[..2]).await?;
    orders::publish(&stack, &ev[3..4]).await?;
    let dead = wait_dead_letters(&stack, poison.len() + 1).await?;
    assert!(
        dead.iter()
            .any(|d| reason(d).contains("cannot become delivered")),
        "{dead:?}"
    );
    orders::publish(&stack, &ev[2..3]).await?;
    orders::wait_order(&stack, "b-f", "o-feed-7", "shipped").await?;
    let out = stack.task("intake", "--replay-dead-letters").await?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    orders::wait_order(&stack, "b-f", "o-feed-7", "delivered").await?;
    // The replay sends every dead letter back; the contradictions are set aside again, but
    // nothing of o-feed-1, redelivered and repeated, was ever set aside.
    let o1: Vec<_> = order_dead_letters(&stack)?
        .into_iter()
        .filter(|r| r.key.as_deref() == Some(b"o-feed-1".as_slice()))
        .collect();
    assert!(o1.is_empty(), "{o1:?}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_1_operator_backfill_is_refused_whole_naming_the_bad_line() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_backfill")).await?;
    journey::load_ratings(&stack, &[("b-bf".into(), 5)]).await?;
    let now = stack.now();
    let snapshot = |order: &str, quantity: i32| {
        let spec = OrderSpec::simple(order, "b-bf", "m-1", "l-1", 9_900);
        let placed = spec.events(now).ok().and_then(|e| e.first().cloned());
        json!({
            "order_id": order,
            "placed": placed.map(|p| p.payload).unwrap_or_default(),
            "state": "delivered",
            "paid_at": (now - chrono::Duration::days(5)).to_rfc3339(),
            "shipped_at": (now - chrono::Duration::days(4)).to_rfc3339(),
            "carrier": "sf-express",
            "tracking_number": "SF0000000042",
            "delivered_at": (now - chrono::Duration::days(2)).to_rfc3339(),
        })
        .to_string()
        .replace("\"quantity\":1", &format!("\"quantity\":{quantity}"))
    };
    let send = |body: String| {
        let stack = &stack;
        async move {
            let r = stack
                .client
                .put(format!("{}/operator/orders", stack.url("intake")))
                .bearer_auth(stack.operator().token())
                .header("content-type", "application/x-ndjson")
                .body(body)
                .send()
                .await?;
            let s = r.status().as_u16();
            anyhow::Ok((s, r.json::<Value>().await.unwrap_or_default()))
        }
    };
    let bad = [
        snapshot("o-bf-1", 1),
        snapshot("o-bf-2", 1),
        snapshot("o-bf-3", 0),
    ]
    .join("\n");
    let (s, p) = send(bad).await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("line 3")), "{p}");
    assert!(
        order_view(&stack, "b-bf", "o-bf-1").await?.is_none(),
        "refused whole"
    );
    let good = [snapshot("o-bf-1", 1), snapshot("o-bf-2", 1)].join("\n");
    let (s, b) = send(good.clone()).await?;
    assert_eq!((s, b["stored"].as_i64()), (200, Some(2)), "{b}");
    let (s, b) = send(good).await?;
    assert_eq!((s, b["already_known"].as_i64()), (200, Some(2)), "{b}");
    // A backfilled order is the platform's fact like any other: a return on it is approved.
    let body = json!({
        "order_id": "o-bf-1", "lines": [{ "order_line_id": "l-1", "quantity": 1 }],
        "kind": "return_refund", "reason": "no_reason", "door_pickup": {}
    });
    let (s, v) = stack
        .buyer("b-bf")
        .post("intake", "/buyer/cases", &body)
        .await?;
    assert_eq!(s, 201, "{v}");
    let case = v["case_id"].as_str().unwrap_or_default().to_owned();
    let view = journey::wait_status(&stack, &case, "pickup_dispatched").await?;
    assert_eq!(view["case"]["refund_amount_fen"], 9_900, "{view}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_2_ord_3_pay_6_forged_facts_are_refused_and_one_buyer_wins_the_last_unit()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_units")).await?;
    journey::load_ratings(&stack, &[("b-u".into(), 2)]).await?;
    // The attack as a new user tried it: an unrated buyer claims an unshipped ¥1 trillion order
    // line from any merchant. Every fact is refused by name; nothing is opened or paid.
    let forged = json!({
        "merchant_id": "m-1", "order_line_id": "ol-any", "kind": "refund_only",
        "reason": "out_of_stock", "category": "apparel", "size_class": "small", "city": "shanghai",
        "merchant_shipped": false, "paid_amount_fen": 100_000_000_000_000_i64
    });
    let (s, p) = stack
        .buyer("b-nobody")
        .post("intake", "/buyer/cases", &forged)
        .await?;
    assert_eq!(s, 400, "{p}");
    assert!(p["field"].is_string(), "{p}");
    let (_, mine) = stack
        .buyer("b-nobody")
        .get("intake", "/buyer/cases")
        .await?;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(0), "{mine}");

    // ORD-2: someone else's order answers exactly like a missing one.
    let spec = CaseSpec {
        stars: 2,
        ..CaseSpec::fast_return()
    };
    let body = journey::order_and_body(&stack, "b-u", "ol-u-1", &spec).await?;
    let (s_theirs, theirs) = stack
        .buyer("b-thief")
        .post("intake", "/buyer/cases", &body)
        .await?;
    let mut missing = body.clone();
    missing["order_id"] = json!("o-no-such-order");
    let (s_missing, nothing) = stack
        .buyer("b-thief")
        .post("intake", "/buyer/cases", &missing)
        .await?;
    assert_eq!((s_theirs, s_missing), (404, 404));
    assert_eq!(theirs, nothing, "no one learns which orders exist");

    // ORD-3 under concurrency: two requests race for the line's one unit; one wins.
    let buyer = stack.buyer("b-u");
    let (a, b) = tokio::join!(
        buyer.post("intake", "/buyer/cases", &body),
        buyer.post("intake", "/buyer/cases", &body)
    );
    let (a, b) = (a?, b?);
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    let winner = if a.0 == 201 { &a.1 } else { &b.1 };
    let case = winner["case_id"].as_str().unwrap_or_default().to_owned();
    let loser = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(loser["field"], "lines[0].quantity", "{loser}");

    // A withdrawn case gives its unit back (a 2-star buyer's request waits for the merchant).
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let (s, _) = buyer
        .post("intake", &format!("/buyer/cases/{case}/cancel"), &json!({}))
        .await?;
    assert_eq!(s, 202);
    journey::wait_status(&stack, &case, "closed").await?;
    let order = wait_for("the unit to come back", PATIENCE, || async {
        let v = order_view(&stack, "b-u", "o-ol-u-1")
            .await?
            .unwrap_or_default();
        Ok((v["lines"][0]["units_returnable"] == 1).then_some(v))
    })
    .await?;
    assert_eq!(order["lines"][0]["units_in_cases"], 0, "{order}");
    let (s, again) = buyer.post("intake", "/buyer/cases", &body).await?;
    assert_eq!(s, 201, "{again}");

    // A merchant's final rejection of a return gives the unit back too.
    let second = again["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(&stack, &second, "awaiting_merchant").await?;
    let (s, r) = journey::merchant_decides(
        &stack,
        &second,
        json!({ "decision": "reject", "reason": "Worn, with the tags cut off." }),
    )
    .await?;
    assert_eq!(s, 200, "{r}");
    journey::wait_status(&stack, &second, "closed").await?;
    wait_for(
        "the unit to come back after the rejection",
        PATIENCE,
        || async {
            let v = order_view(&stack, "b-u", "o-ol-u-1")
                .await?
                .unwrap_or_default();
            Ok((v["lines"][0]["units_returnable"] == 1).then_some(()))
        },
    )
    .await?;

    // K-4: a merchant's rejection that customer service may still overturn (AS-2) keeps them.
    let after_sales = CaseSpec {
        kind: "after_sales",
        reason: "invoice_problem",
        completed_days_ago: Some(2),
        door_pickup: false,
        ..CaseSpec::fast_return()
    };
    let mut k4_body = journey::order_and_body(&stack, "b-u", "ol-u-4", &after_sales).await?;
    k4_body["remedy"] = json!("refund");
    let (s, v) = buyer.post("intake", "/buyer/cases", &k4_body).await?;
    assert_eq!(s, 201, "{v}");
    let k4 = v["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(&stack, &k4, "awaiting_merchant").await?;
    let (s, r) = journey::merchant_decides(
        &stack,
        &k4,
        json!({ "decision": "reject", "reason": "The invoice was sent by mail." }),
    )
    .await?;
    assert_eq!(s, 200, "{r}");
    journey::wait_status(&stack, &k4, "rejected").await?;
    let (s, p) = buyer.post("intake", "/buyer/cases", &k4_body).await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (409, Some("lines[0].quantity")),
        "{p}"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_3_ord_5_auto_1_decides_from_the_orders_lines_and_delivery() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_lines")).await?;
    journey::load_ratings(&stack, &[("b-l".into(), 5)]).await?;
    let line = |id: &str, category, quantity, fen| LineSpec {
        line_id: id.to_owned(),
        category,
        size_class: SizeClass::Small,
        quantity,
        amount_paid_fen: fen,
    };
    let order = OrderSpec {
        lines: vec![
            line("l-shirt", Category::Apparel, 3, 10_000),
            line("l-shoes", Category::Shoes, 1, 25_000),
            line("l-fish", Category::FreshFood, 2, 8_000),
        ],
        reached: Reached::Delivered { days_ago: 2 },
        ..OrderSpec::simple("o-l-1", "b-l", "m-1", "x", 0)
    };
    orders::place(&stack, &order).await?;
    let ask = |lines: Value| {
        json!({ "order_id": "o-l-1", "lines": lines, "kind": "return_refund",
                "reason": "no_reason", "door_pickup": {} })
    };
    let buyer = stack.buyer("b-l");
    // Two of the three shirts and the shoes: AUTO-1 from the order's delivery two days ago;
    // the refund is what those units cost (ORD-3).
    let (s, v) = buyer
        .post(
            "intake",
            "/buyer/cases",
            &ask(json!([{ "order_line_id": "l-shirt", "quantity": 2 },
                        { "order_line_id": "l-shoes", "quantity": 1 }])),
        )
        .await?;
    assert_eq!(s, 201, "{v}");
    let fast = v["case_id"].as_str().unwrap_or_default().to_owned();
    let view = journey::wait_status(&stack, &fast, "pickup_dispatched").await?;
    assert_eq!(view["case"]["refund_amount_fen"], 6_666 + 25_000, "{view}");
    assert_eq!(view["lines"].as_array().map(Vec::len), Some(2), "{view}");
    let (_, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{fast}/decision"))
        .await?;
    assert_eq!(d["rule_id"], "AUTO-1", "{d}");

    // ORD-5: the last shirt with the fish: one line is never auto-approved (AUTO-2), so the
    // whole case waits for the merchant.
    let (s, v) = buyer
        .post(
            "intake",
            "/buyer/cases",
            &ask(json!([{ "order_line_id": "l-shirt", "quantity": 1 },
                        { "order_line_id": "l-fish", "quantity": 2 }])),
        )
        .await?;
    assert_eq!(s, 201, "{v}");
    let mixed = v["case_id"].as_str().unwrap_or_default().to_owned();
    let view = journey::wait_status(&stack, &mixed, "awaiting_merchant").await?;
    assert_eq!(
        view["case"]["refund_amount_fen"],
        3_334 + 8_000,
        "the last shirt takes the rest"
    );
    let (_, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{mixed}/decision"))
        .await?;
    assert_eq!(d["rule_id"], "ORD-5", "{d}");

    // AUTO-1's 7 days count from the order's delivery, whatever the buyer says.
    let old = CaseSpec {
        days_since_receipt: 9,
        ..CaseSpec::fast_return()
    };
    let late = journey::open_case(&stack, "b-l", "ol-l-old", &old).await?;
    journey::wait_status(&stack, &late, "awaiting_merchant").await?;
    let (_, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{late}/decision"))
        .await?;
    assert_eq!(d["rule_id"], "RV-1", "{d}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_1_mp_3_a_line_at_the_maximum_amount_goes_through_refund_rs_1_and_the_standing()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_max")).await?;
    let (_, policy) = stack.operator().get("intake", "/operator/policies").await?;
    let max = policy["order_line_max_fen"].as_i64().unwrap_or_default();
    assert_eq!(max, 1_000_000_000, "¥10,000,000, as config/base.toml says");
    let spec = CaseSpec {
        kind: "refund_only",
        reason: "out_of_stock",
        paid_amount_fen: max,
        door_pickup: false,
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-max", "ol-max", &spec).await?;
    journey::wait_status(&stack, &case, "approved").await?;
    stack.advance_clocks(31 * 60).await?;
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert_eq!(view["case"]["refund_amount_fen"], max, "{view}");
    let merchant = journey::merchant_of(&stack, &case).await?;
    let ledger = wait_for("the refund and RS-1's compensation", PATIENCE, || async {
        let (_, l) = stack
            .operator()
            .get("payment", &format!("/operator/cases/{case}/ledger"))
            .await?;
        Ok((l["entries"].as_array().map(Vec::len) == Some(4)).then_some(l))
    })
    .await?;
    let entries = ledger["entries"].as_array().cloned().unwrap_or_default();
    let has = |account: &str, amount: i64| {
        entries
            .iter()
            .any(|e| e["account"] == account && e["amount_fen"] == amount)
    };
    assert!(has("buyer:b-max", max), "{entries:?}");
    assert!(
        has("buyer:b-max", max / 100 * 30),
        "RS-1's 30%: {entries:?}"
    );
    // MP-3: customer service reads the merchant's standing.
    let standing = wait_for("the merchant's standing", PATIENCE, || async {
        let (s, v) = stack
            .cs()
            .get("audit", &format!("/cs/merchants/{merchant}/standing"))
            .await?;
        Ok((s == 200 && v["deposit_drawn_fen"] == max / 100 * 30).then_some(v))
    })
    .await?;
    assert_eq!(standing["refunds"], 1, "{standing}");
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(tb["sum_fen"], 0, "{tb}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ord_4_an_approved_return_shows_where_to_send_the_goods() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("order_return_address")).await?;
    journey::load_ratings(&stack, &[("b-ra".into(), 5)]).await?;
    // Merchant m-1 (order lines of 7 characters) sends Beijing's returns to a Beijing address.
    let (s, b) = stack
        .merchant("m-1")
        .put(
            "audit",
            "/merchant/return-addresses",
            &json!({
                "warehouse": returns_harness::stack::warehouse_of("m-1"),
                "cities": [{ "serves": "beijing", "to": {
                    "recipient": "m-1 Beijing returns", "address": "5 Wangfujing Street",
                    "city": "beijing", "contact_phone": "+861000000000" } }]
            }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let (s, p) = stack
        .merchant("m-1")
        .put(
            "audit",
            "/merchant/return-addresses",
            &json!({ "warehouse": { "recipient": "x" } }),
        )
        .await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (400, Some("warehouse.address")),
        "{p}"
    );
    let address_of = |case: String| {
        let stack = &stack;
        async move {
            let view = wait_for("the return address", PATIENCE, || async {
                let v = journey::case_view(stack, &case).await?;
                Ok(v["case"]["return_address"].is_object().then_some(v))
            })
            .await?;
            assert!(
                view["timeline"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| e["rule_id"] == "ORD-4"),
                "{view}"
            );
            anyhow::Ok(view["case"]["return_address"].clone())
        }
    };
    let beijing = CaseSpec {
        city: "beijing",
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-ra", "ol-ra-1", &beijing).await?;
    assert_eq!(address_of(case).await?["address"], "5 Wangfujing Street");
    let case = journey::open_case(&stack, "b-ra", "ol-ra-2", &CaseSpec::fast_return()).await?;
    assert_eq!(
        address_of(case).await?["address"],
        "1 Warehouse Road, Songjiang"
    );
    // CT-2: outside coverage the buyer ships the parcel themselves and needs the address most.
    let uncovered = CaseSpec {
        city: "lhasa",
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-ra", "ol-ra-3", &uncovered).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let (s, _) = journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 200);
    journey::wait_status(&stack, &case, "awaiting_buyer_shipment").await?;
    assert_eq!(address_of(case).await?["city"], "shanghai");
    stack.shutdown().await
}
