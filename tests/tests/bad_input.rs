//! Issue 2, item 13: bad requests get a 4xx naming the field; a malformed event is set aside on
//! the dead-letter topic with its reason, and its partition goes on.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::kafka::{self, Record};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

async fn post_raw(
    stack: &Stack,
    svc: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<(u16, String, Value)> {
    send_raw(stack, reqwest::Method::POST, svc, path, body).await
}

/// The caller a route's front expects (`/buyer/...` as buyer b-1, and so on).
fn caller<'a>(stack: &'a Stack, path: &str) -> returns_harness::api::Api<'a> {
    match path.split('/').nth(1) {
        Some("merchant") => stack.merchant("m-1"),
        Some("courier") => stack.courier("sf-express"),
        Some("cs") => stack.cs(),
        Some("operator") => stack.operator(),
        _ => stack.buyer("b-1"),
    }
}

async fn send_raw(
    stack: &Stack,
    method: reqwest::Method,
    svc: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<(u16, String, Value)> {
    let r = stack
        .client
        .request(method, format!("{}{path}", stack.url(svc)))
        .bearer_auth(caller(stack, path).token())
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await?;
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, ct, r.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_4xx_naming_the_field_and_bad_events_go_to_dead_letter()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("bad_input")).await?;
    journey::load_ratings(&stack, &[("b-5".into(), 5)]).await?;
    // The caller of /buyer routes here is b-1 (see `caller`).
    let good = journey::order_and_body(&stack, "b-1", "ol-4001", &CaseSpec::fast_return()).await?;
    let with = |key: &str, v: Value| {
        let mut b = good.clone();
        b[key] = v;
        b.to_string()
    };
    let mut unknown = good.clone();
    unknown["status"] = json!("refunded");
    let mut no_reason = good.clone();
    if let Some(o) = no_reason.as_object_mut() {
        o.remove("reason");
    }
    let mut cases: Vec<(String, u16, Option<&str>)> = vec![
        ("{\"buyer_id\": ".to_owned(), 400, None),
        (unknown.to_string(), 400, Some("status")),
        (no_reason.to_string(), 400, Some("reason")),
        (with("kind", json!("teleport")), 400, Some("kind")),
        // No mass assignment: the buyer is the caller, never a field of the body.
        (with("buyer_id", json!("b-other")), 400, Some("buyer_id")),
        (
            with("door_pickup", json!({ "contact_phone": "call me" })),
            422,
            Some("door_pickup.contact_phone"),
        ),
        (
            with("door_pickup", json!({ "address": "1 Huaihai Road" })),
            422,
            Some("door_pickup.city"),
        ),
        (with("kind", json!("care")), 422, Some("kind")),
        (with("remedy", json!("repair")), 422, Some("remedy")),
        (with("remedy", json!("teleport")), 400, Some("remedy")),
        (with("lines", json!([])), 422, Some("lines")),
        (
            with("lines", json!([{ "order_line_id": "ol-4001" }])),
            400,
            Some("lines[0].quantity"),
        ),
        (
            with(
                "lines",
                json!([{ "order_line_id": "ol-4001", "quantity": 0 }]),
            ),
            422,
            Some("lines[0].quantity"),
        ),
        (
            with(
                "lines",
                json!([{ "order_line_id": "ol-9999", "quantity": 1 }]),
            ),
            422,
            Some("lines[0].order_line_id"),
        ),
        // ORD-3, PAY-6: one unit was bought.
        (
            with(
                "lines",
                json!([{ "order_line_id": "ol-4001", "quantity": 2 }]),
            ),
            409,
            Some("lines[0].quantity"),
        ),
        // ORD-2: the order was delivered, not completed.
        (with("kind", json!("after_sales")), 409, Some("kind")),
        (with("order_id", json!("o-nobody-has")), 404, None),
        (with("order_id", json!("o ol")), 422, Some("order_id")),
    ];
    // ORD-1: every fact the order holds is refused in the body, naming it.
    let facts = [
        ("merchant_id", json!("m-1")),
        ("order_line_id", json!("ol-4001")),
        ("category", json!("apparel")),
        ("size_class", json!("small")),
        ("city", json!("shanghai")),
        ("paid_amount_fen", json!(100_000_000_000_000_i64)),
        ("refund_amount_fen", json!(1)),
        ("received_at", json!("2026-11-30T10:00:00Z")),
        ("completed_at", json!("2026-11-30T10:00:00Z")),
        ("merchant_shipped", json!(false)),
        ("paid_online", json!(true)),
        ("freight_insured", json!(true)),
    ];
    for (fact, v) in &facts {
        cases.push((with(fact, v.clone()), 400, Some(fact)));
    }
    for (body, status, field) in &cases {
        let (s, ct, problem) = post_raw(&stack, "intake", "/buyer/cases", body).await?;
        assert_eq!(s, *status, "{body} -> {problem}");
        assert_eq!(ct, "application/problem+json", "{body}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
        if let Some(f) = field {
            assert_eq!(problem["field"].as_str(), Some(*f), "{body} -> {problem}");
        }
    }
    let buyer = stack.buyer("b-5");
    let (s, problem) = buyer.get("intake", "/buyer/cases/not-a-uuid").await?;
    assert_eq!((s, problem["field"].as_str()), (400, Some("id")));
    let (s, _) = buyer
        .get("intake", &format!("/buyer/cases/{}", uuid::Uuid::now_v7()))
        .await?;
    assert_eq!(s, 404);
    let (s, _) = buyer.get("payment", "/no/such/route").await?;
    assert_eq!(s, 404);
    let (s, p) = stack
        .courier("sf-express")
        .get("logistics", "/courier/jobs?status=lost")
        .await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("status")));
    let (s, _, p) = post_raw(&stack, "intake", "/buyer/cases", &"x".repeat(300 * 1024)).await?;
    assert_eq!(s, 413, "{p}");
    let (s, _, p) = send_raw(
        &stack,
        reqwest::Method::PUT,
        "intake",
        "/operator/ratings",
        r#"{"ratings":[{"buyer_id":"b","stars":9}]}"#,
    )
    .await?;
    assert_eq!((s, p["field"].as_str()), (400, Some("ratings[0].stars")));

    // A record that is not an event, and an event whose payload is wrong, on every partition
    // of the cases topic.
    let bootstrap = stack.broker.bootstrap();
    let mut poison = Vec::new();
    for p in 0..stack.partitions {
        poison.push(Record {
            topic: topics::CASES.to_owned(),
            partition: p,
            offset: 0,
            key: Some(b"garbage".to_vec()),
            payload: b"not json at all".to_vec(),
            headers: Default::default(),
        });
        let env = json!({
            "event_id": uuid::Uuid::now_v7(), "event_type": "case.opened", "schema_version": 1,
            "case_id": uuid::Uuid::now_v7(), "city": "shanghai", "shard": "east",
            "occurred_at": "2026-11-20T02:00:00Z", "producer": "intruder", "payload": { "facts": 42 }
        });
        poison.push(Record {
            payload: serde_json::to_vec(&env)?,
            key: Some(b"bad-payload".to_vec()),
            ..poison[poison.len() - 1].clone()
        });
    }
    kafka::produce(&bootstrap, &poison).await?;

    // The partitions go on: a valid case opened after the poison is still decided.
    let case_id = journey::open_case(&stack, "b-5", "ol-4002", &CaseSpec::fast_return()).await?;
    journey::wait_status(&stack, &case_id, "pickup_dispatched").await?;

    let dead = wait_for("16 dead letters", PATIENCE, || {
        let b = bootstrap.clone();
        let partitions = stack.partitions;
        async move {
            let d = kafka::read_all(&b, topics::DEAD_LETTER, partitions)?;
            Ok((d.len() >= 16).then_some(d))
        }
    })
    .await?;
    assert_eq!(dead.len(), 16);
    for d in &dead {
        assert_eq!(
            d.headers.get("source_topic").map(String::as_str),
            Some(topics::CASES)
        );
        assert_eq!(d.headers.get("consumer").map(String::as_str), Some("audit"));
        assert_eq!(
            d.headers.get("source_partition"),
            Some(&d.partition.to_string())
        );
        let reason = d
            .headers
            .get("dead_letter_reason")
            .cloned()
            .unwrap_or_default();
        if d.payload == b"not json at all" {
            assert!(reason.contains("not an event envelope"), "{reason}");
        } else {
            assert!(
                reason.contains("case.opened v1 payload is invalid"),
                "{reason}"
            );
        }
    }
    stack.shutdown().await
}

/// Every operation the full rulebook added answers a bad body with a 4xx problem naming the
/// field (and, for enums, the allowed values), and writes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rulebook_operations_refuse_bad_input_naming_the_field() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("bad_input_rulebook")).await?;
    let case = uuid::Uuid::now_v7();
    let cases: Vec<(&str, String, reqwest::Method, Value, u16, &str)> = vec![
        // intake
        (
            "intake",
            format!("/buyer/cases/{case}/intervention"),
            reqwest::Method::POST,
            json!({ "note": 5 }),
            400,
            "note",
        ),
        (
            "intake",
            "/operator/service-cards".into(),
            reqwest::Method::PUT,
            json!({ "cards": [{ "card_id": "c-1", "order_id": "o-1", "order_line_id": "ol-1",
                "services": [], "valid_until": "2030-01-01T00:00:00Z", "services_total": 1,
                "merchant_courier": "sf-express" }] }),
            422,
            "cards[0].services",
        ),
        (
            "intake",
            "/buyer/care-orders".into(),
            reqwest::Method::POST,
            json!({ "card_id": "c-1", "service": "polishing", "city": "shanghai",
                "pickup_address": { "address": "x", "contact_phone": "13800138000" } }),
            400,
            "service",
        ),
        (
            "intake",
            "/buyer/care-orders".into(),
            reqwest::Method::POST,
            json!({ "card_id": "c-1", "service": "cleaning", "city": "shanghai",
                "pickup_address": { "address": "x", "contact_phone": "call me" } }),
            422,
            "pickup_address.contact_phone",
        ),
        (
            "intake",
            format!("/buyer/care-orders/{case}/rating"),
            reqwest::Method::POST,
            json!({ "stars": 9 }),
            400,
            "stars",
        ),
        // audit
        (
            "audit",
            "/merchant/programme".into(),
            reqwest::Method::POST,
            json!({ "action": "join", "left_freight_insurance": true }),
            422,
            "left_freight_insurance",
        ),
        (
            "audit",
            "/buyer/complaints".into(),
            reqwest::Method::POST,
            json!({ "order_id": "o-1", "grounds": "rudeness", "text": "x" }),
            400,
            "grounds",
        ),
        (
            "audit",
            "/buyer/complaints".into(),
            reqwest::Method::POST,
            json!({ "grounds": "broken_promise", "text": "x" }),
            422,
            "order_id",
        ),
        (
            // ORD-1: the merchant comes from the order, never from the body.
            "audit",
            "/buyer/complaints".into(),
            reqwest::Method::POST,
            json!({ "order_id": "o-1", "merchant_id": "m-1", "grounds": "broken_promise", "text": "x" }),
            400,
            "merchant_id",
        ),
        (
            "audit",
            format!("/cs/cases/{case}/ruling"),
            reqwest::Method::POST,
            json!({ "ruling": "maybe", "reason": "x" }),
            400,
            "ruling",
        ),
        (
            "audit",
            format!("/cs/complaints/{case}/ruling"),
            reqwest::Method::POST,
            json!({ "uphold": true, "reason": "" }),
            422,
            "reason",
        ),
        (
            "audit",
            format!("/merchant/cases/{case}/return-check"),
            reqwest::Method::POST,
            json!({ "conditions": { "not_soiled": false, "no_marks_of_use": true, "tags_attached": true, "accessories_complete": true } }),
            422,
            "reason",
        ),
        // logistics
        (
            "logistics",
            format!("/buyer/cases/{case}/shipment"),
            reqwest::Method::POST,
            json!({ "carrier": "", "tracking_number": "EMS0000001" }),
            422,
            "carrier",
        ),
        (
            "logistics",
            format!("/merchant/cases/{case}/send-back"),
            reqwest::Method::POST,
            json!({ "carrier": "sf", "tracking_number": "no!" }),
            422,
            "tracking_number",
        ),
        (
            "logistics",
            format!("/buyer/cases/{case}/courier-complaint"),
            reqwest::Method::POST,
            json!({ "text": "" }),
            422,
            "text",
        ),
        (
            "logistics",
            format!("/merchant/care-jobs/{case}/polish"),
            reqwest::Method::POST,
            json!({}),
            422,
            "step",
        ),
        (
            "logistics",
            format!("/merchant/care-jobs/{case}/confirm"),
            reqwest::Method::POST,
            json!({}),
            422,
            "pickup_at",
        ),
        (
            "logistics",
            format!("/merchant/delivery-jobs/{case}/assembled"),
            reqwest::Method::POST,
            json!({}),
            422,
            "step",
        ),
        // payment
        (
            "payment",
            format!("/merchant/cases/{case}/dispute"),
            reqwest::Method::POST,
            json!({ "claim": "empty_parcel", "evidence": ["x"], "note": "n".repeat(1001) }),
            422,
            "note",
        ),
        (
            "payment",
            format!("/cs/disputes/{case}/ruling"),
            reqwest::Method::POST,
            json!({ "ruling": "split", "reason": "x" }),
            400,
            "ruling",
        ),
    ];
    for (svc, path, method, body, status, field) in cases {
        let (s, ct, problem) =
            send_raw(&stack, method.clone(), svc, &path, &body.to_string()).await?;
        assert_eq!(s, status, "{svc} {path} {body} -> {problem}");
        assert_eq!(ct, "application/problem+json", "{svc} {path}");
        assert_eq!(
            problem["field"].as_str(),
            Some(field),
            "{svc} {path} -> {problem}"
        );
        let (s, _, problem) = send_raw(
            &stack,
            reqwest::Method::POST,
            svc,
            &path,
            &json!({ "surprise": 1 }).to_string(),
        )
        .await?;
        assert!(
            (400..500).contains(&s),
            "{svc} {path}: unknown fields are refused: {problem}"
        );
    }
    // Nothing was written by the refused requests.
    let (s, _) = stack
        .buyer("b-1")
        .get("intake", "/buyer/service-cards/c-1")
        .await?;
    assert_eq!(s, 404);
    let (_, q) = stack.cs().get("audit", "/cs/complaints").await?;
    assert_eq!(q["complaints"].as_array().map(Vec::len), Some(0));
    stack.shutdown().await
}
