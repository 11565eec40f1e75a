//! K-5 care orders, CARE-1..CARE-8: from the service card through the merchant's review, its
//! courier, the centre's inspection and service, the freight back, loss, and the rating.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_domain::{Category, SizeClass};
use returns_harness::journey::{self, PATIENCE};
use returns_harness::orders::{self, LineSpec, OrderSpec};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

async fn card(stack: &Stack, id: &str) -> anyhow::Result<Value> {
    let (s, v) = stack
        .buyer("b-care")
        .get("intake", &format!("/buyer/service-cards/{id}"))
        .await?;
    anyhow::ensure!(s == 200, "{s} {v}");
    Ok(v)
}

async fn step(stack: &Stack, case: &str, step: &str, body: Value) -> anyhow::Result<(u16, Value)> {
    stack
        .merchant("m-2")
        .post(
            "logistics",
            &format!("/merchant/care-jobs/{case}/{step}"),
            &body,
        )
        .await
}

/// Waits for the care job (created on approval) and walks it to the centre.
async fn to_centre(stack: &Stack, case: &str) -> anyhow::Result<()> {
    let tomorrow = (stack.now() + chrono::Duration::days(1)).to_rfc3339();
    let (s, b) = wait_for("the care job", PATIENCE, || async {
        let r = step(stack, case, "confirm", json!({ "pickup_at": tomorrow })).await?;
        Ok((r.0 != 404).then_some(r))
    })
    .await?;
    anyhow::ensure!(s == 200, "confirm: {s} {b}");
    let (s, b) = step(
        stack,
        case,
        "collect",
        json!({ "tracking_number": "SFC000000001" }),
    )
    .await?;
    anyhow::ensure!(s == 200, "collect: {s} {b}");
    let (s, b) = step(stack, case, "arrive", json!({})).await?;
    anyhow::ensure!(s == 200, "arrive: {s} {b}");
    Ok(())
}

fn net(entries: &[Value], account: &str) -> i64 {
    entries
        .iter()
        .filter(|e| e["account"] == account)
        .filter_map(|e| e["amount_fen"].as_i64())
        .sum()
}

async fn ledger(stack: &Stack, case: &str, n: usize) -> anyhow::Result<Vec<Value>> {
    wait_for(
        &format!("{n} ledger entries for {case}"),
        PATIENCE,
        || async {
            let (_, l) = stack
                .operator()
                .get("payment", &format!("/operator/cases/{case}/ledger"))
                .await?;
            let e = l["entries"].as_array().cloned().unwrap_or_default();
            Ok((e.len() >= n).then_some(e))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_5_care_1_to_care_8_care_orders_from_card_to_rating() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("care")).await?;
    journey::load_ratings(&stack, &[("b-care".into(), 4)]).await?;
    let until = |days: i64| (stack.now() + chrono::Duration::days(days)).to_rfc3339();
    // CARE-1: the cards were sold with lines of the buyer's order; a bag of 5,000 yuan each.
    let luxury = |id: &str| LineSpec {
        line_id: format!("ol-{id}"),
        category: Category::Luxury,
        size_class: SizeClass::Small,
        quantity: 1,
        amount_paid_fen: 500_000,
    };
    let mut bought = OrderSpec::simple("o-care", "b-care", "m-2", "ol-scarf", 9_900);
    bought.lines[0].category = Category::Apparel;
    bought
        .lines
        .extend(["card-a", "card-b", "card-old", "card-y"].map(luxury));
    orders::place(&stack, &bought).await?;
    let line = |id: &str, total: i32, valid: String| {
        json!({ "card_id": id, "order_id": "o-care", "order_line_id": format!("ol-{id}"),
                "services": ["cleaning", "repair"], "valid_until": valid,
                "services_total": total, "merchant_courier": "sf-express" })
    };
    // CARE-1: a card's buyer, merchant and value are the order's, never the import's; a card
    // must name a luxury line of an order on the feed; one bad card refuses the delivery.
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut c = line("card-x", 1, until(300));
        edit(&mut c);
        json!({ "cards": [line("card-y", 1, until(300)), c] })
    };
    for (body, status, field) in [
        (
            with(&|c| c["buyer_id"] = json!("b-care")),
            400,
            "cards[1].buyer_id",
        ),
        (
            with(&|c| c["goods_value_fen"] = json!(1)),
            400,
            "cards[1].goods_value_fen",
        ),
        (
            with(&|c| c["order_id"] = json!("o-nowhere")),
            422,
            "cards[1].order_id",
        ),
        (
            with(&|c| c["order_line_id"] = json!("ol-nowhere")),
            422,
            "cards[1].order_line_id",
        ),
        (
            with(&|c| c["order_line_id"] = json!("ol-scarf")),
            422,
            "cards[1].order_line_id",
        ),
    ] {
        let (s, b) = stack
            .operator()
            .put("intake", "/operator/service-cards", &body)
            .await?;
        assert_eq!((s, b["field"].as_str()), (status, Some(field)), "{b}");
    }
    let (s, _) = stack
        .buyer("b-care")
        .get("intake", "/buyer/service-cards/card-y")
        .await?;
    assert_eq!(s, 404, "care_1_nothing_of_a_refused_delivery_is_kept");
    let (s, b) = stack
        .operator()
        .put("intake", "/operator/service-cards", &json!({ "cards": [
            line("card-a", 3, until(300)), line("card-b", 1, until(300)), line("card-old", 1, until(-1))
        ]}))
        .await?;
    assert_eq!(s, 200, "{b}");
    let (_, c) = stack
        .merchant("m-2")
        .get("intake", "/merchant/service-cards/card-a")
        .await?;
    assert_eq!(c["buyer_id"], "b-care", "CARE-1: the order's buyer: {c}");
    let order = |card: &str, service: &str, evidence: Value| {
        json!({ "card_id": card, "service": service, "city": "shanghai",
                "pickup_address": { "address": "1 Huaihai Road", "contact_phone": "13800138000" },
                "evidence": evidence })
    };
    let photos = json!([{ "kind": "photo_of_item", "ref": "p1" }, { "kind": "photo_of_stain", "ref": "p2" }]);
    // CARE-1, CARE-2: bad requests name the field.
    for (body, status, field) in [
        (
            order(
                "card-a",
                "cleaning",
                json!([{ "kind": "photo_of_item", "ref": "p1" }]),
            ),
            422,
            "evidence",
        ),
        (
            order(
                "card-a",
                "maintenance",
                json!([{ "kind": "photo_of_item", "ref": "p1" }]),
            ),
            422,
            "service",
        ),
        (
            order("card-old", "cleaning", photos.clone()),
            422,
            "card_id",
        ),
    ] {
        let (s, b) = stack
            .buyer("b-care")
            .post("intake", "/buyer/care-orders", &body)
            .await?;
        assert_eq!((s, b["field"].as_str()), (status, Some(field)), "{b}");
    }
    let (s, _) = stack
        .buyer("b-other").post("intake", "/buyer/care-orders", &json!({ "card_id": "card-a", "service": "cleaning", "city": "shanghai",
            "pickup_address": { "address": "x", "contact_phone": "13800138000" }, "evidence": photos }))
        .await?;
    assert_eq!(s, 404, "someone else's card");

    // CARE-3, CARE-4, CARE-7: reviewed, collected by the merchant's courier, serviced, back at
    // the merchant's cost; one service used; the buyer rates it.
    let (s, b) = stack
        .buyer("b-care")
        .post(
            "intake",
            "/buyer/care-orders",
            &order("card-a", "cleaning", photos.clone()),
        )
        .await?;
    assert_eq!(s, 201, "{b}");
    let served = b["case_id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(card(&stack, "card-a").await?["services_reserved"], 1);
    let view = journey::wait_status(&stack, &served, "awaiting_merchant").await?;
    assert!(
        view["timeline"].to_string().contains("CARE-3"),
        "{}",
        view["timeline"]
    );
    journey::merchant_decides(&stack, &served, json!({ "decision": "approve" })).await?;
    to_centre(&stack, &served).await?;
    let (s, b) = step(
        &stack,
        &served,
        "send-back",
        json!({ "carrier": "sf-express", "tracking_number": "SFB000000001" }),
    )
    .await?;
    assert_eq!(s, 409, "not before the service: {b}");
    let (s, _) = step(
        &stack,
        &served,
        "serviced",
        json!({ "note": "Cleaned and conditioned." }),
    )
    .await?;
    assert_eq!(s, 200);
    let (s, _) = step(
        &stack,
        &served,
        "send-back",
        json!({ "carrier": "sf-express", "tracking_number": "SFB000000001" }),
    )
    .await?;
    assert_eq!(s, 200);
    journey::wait_status(&stack, &served, "closed").await?;
    let e = ledger(&stack, &served, 2).await?;
    assert_eq!(
        net(&e, "merchant:m-2"),
        -2_000,
        "CARE-7: the merchant pays the freight back: {e:?}"
    );
    let c = card(&stack, "card-a").await?;
    assert_eq!(
        (c["services_used"].clone(), c["services_reserved"].clone()),
        (json!(1), json!(0)),
        "{c}"
    );
    let rate = format!("/buyer/care-orders/{served}/rating");
    let (s, b) = stack
        .buyer("b-care")
        .post(
            "intake",
            &rate,
            &json!({ "stars": 5, "comment": "Like new." }),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    let (s, _) = stack
        .buyer("b-care")
        .post("intake", &rate, &json!({ "stars": 1 }))
        .await?;
    assert_eq!(s, 409, "rated once");

    // CARE-6, CARE-8: a failed inspection comes back at the buyer's freight and uses nothing.
    let (s, b) = stack
        .buyer("b-care")
        .post(
            "intake",
            "/buyer/care-orders",
            // CARE-1: opened from the purchased order rather than the care-service order.
            &json!({ "order_id": "o-care", "order_line_id": "ol-card-b", "service": "cleaning",
                "city": "shanghai", "evidence": photos,
                "pickup_address": { "address": "1 Huaihai Road", "contact_phone": "13800138000" } }),
        )
        .await?;
    assert_eq!(s, 201, "{b}");
    let failed = b["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(&stack, &failed, "awaiting_merchant").await?;
    journey::merchant_decides(&stack, &failed, json!({ "decision": "approve" })).await?;
    to_centre(&stack, &failed).await?;
    let (s, b) = step(&stack, &failed, "inspection-failed", json!({})).await?;
    assert_eq!(
        (s, b["field"].as_str()),
        (422, Some("note")),
        "CARE-8: the buyer is told why: {b}"
    );
    let (s, _) = step(
        &stack,
        &failed,
        "inspection-failed",
        json!({ "note": "The leather is cracked beyond repair." }),
    )
    .await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &failed, "inspection_failed").await?;
    assert!(
        view["timeline"]
            .to_string()
            .contains("cracked beyond repair")
    );
    let (s, _) = step(
        &stack,
        &failed,
        "send-back",
        json!({ "carrier": "sf-express", "tracking_number": "SFB000000002" }),
    )
    .await?;
    assert_eq!(s, 200);
    journey::wait_status(&stack, &failed, "closed").await?;
    let e = ledger(&stack, &failed, 2).await?;
    assert_eq!(
        net(&e, "buyer:b-care"),
        -2_000,
        "CARE-6: the buyer pays the freight back"
    );
    let c = card(&stack, "card-b").await?;
    assert_eq!(
        (c["services_used"].clone(), c["services_left"].clone()),
        (json!(0), json!(1)),
        "{c}"
    );

    // CARE-3's 48 hours pass: approved by the system; CARE-4's 72 hours pass with no pickup
    // time: customer service is told; then the goods are lost and the merchant pays their value.
    let (s, b) = stack.buyer("b-care").post("intake", "/buyer/care-orders", &order("card-a", "repair", json!([{ "kind": "photo_of_item", "ref": "p1" }, { "kind": "photo_of_damage", "ref": "p3" }]))).await?;
    assert_eq!(s, 201, "{b}");
    let lost = b["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(&stack, &lost, "awaiting_merchant").await?;
    stack.advance_clocks(49 * 3600).await?;
    let (_, d) = wait_for("CARE-3's approval", PATIENCE, || async {
        let (s, d) = stack
            .cs()
            .get("audit", &format!("/cs/cases/{lost}/decision"))
            .await?;
        Ok((d["status"] == "approved").then_some((s, d)))
    })
    .await?;
    assert_eq!(d["rule_id"], "CARE-3", "{d}");
    journey::wait_status(&stack, &lost, "approved").await?;
    // The care job exists (its CARE-4 clock runs) once logistics has the courier job.
    let job = wait_for("the care job", PATIENCE, || async {
        let (s, j) = stack
            .merchant("m-2")
            .get("logistics", &format!("/merchant/care-jobs/{lost}"))
            .await?;
        Ok((s == 200).then_some(j))
    })
    .await?;
    assert_eq!(
        job["contact_phone"], "13800138000",
        "the merchant's courier knows where"
    );
    stack.advance_clocks(73 * 3600).await?;
    wait_for("CARE-4's overdue line", PATIENCE, || async {
        let v = journey::case_view(&stack, &lost).await?;
        Ok(v["timeline"]
            .to_string()
            .contains("did not confirm a pickup time")
            .then_some(()))
    })
    .await?;
    let tomorrow = (stack.now() + chrono::Duration::days(1)).to_rfc3339();
    step(&stack, &lost, "confirm", json!({ "pickup_at": tomorrow })).await?;
    step(
        &stack,
        &lost,
        "collect",
        json!({ "tracking_number": "SFC000000003" }),
    )
    .await?;
    let (s, _) = step(
        &stack,
        &lost,
        "lost",
        json!({ "note": "The parcel never reached the centre." }),
    )
    .await?;
    assert_eq!(s, 200);
    journey::wait_status(&stack, &lost, "closed").await?;
    let e = ledger(&stack, &lost, 2).await?;
    assert_eq!(
        net(&e, "buyer:b-care"),
        500_000,
        "CARE-5: the goods' value: {e:?}"
    );
    assert_eq!(
        card(&stack, "card-a").await?["services_used"],
        1,
        "a lost item uses no service"
    );
    stack.shutdown().await
}
