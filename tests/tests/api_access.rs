//! Issue 4, points 1-4: every route belongs to one role's front and refuses anyone else; a
//! caller reaches only its own objects, and another tenant's object answers exactly like one
//! that does not exist.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use reqwest::Method;
use returns_auth::Role;
use returns_harness::api::Api;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::orders::{self, OrderSpec, Reached};
use returns_harness::routes::routes;
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

fn method(m: &str) -> Method {
    Method::from_bytes(m.as_bytes()).unwrap_or(Method::GET)
}

async fn call(
    stack: &Stack,
    token: Option<&str>,
    (m, svc, path): (&str, &str, &str),
    body: Option<&Value>,
) -> anyhow::Result<(u16, Value)> {
    let mut req = stack
        .client
        .request(method(m), format!("{}{path}", stack.url(svc)));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await?;
    let status = r.status().as_u16();
    Ok((status, r.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_missing_forged_expired_and_other_roles_tokens() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_auth")).await?;
    let forged = {
        let other = returns_settings::ApiSettings {
            signing_key: "someone-elses-key-that-is-long-enough-1234".into(),
            ..returns_settings::ApiSettings::default()
        };
        returns_auth::Tokens::new(&other, returns_clock::Clock::system())
    };
    let any_id = uuid::Uuid::now_v7().to_string();
    for route in routes() {
        let (m, svc, template, role) = route.parts();
        let path = template
            .replace("{id}", &any_id)
            .replace("{step}", "confirm")
            .replace("{account}", "buyer:b-1");
        let route = (m, svc, path.as_str());
        let (s, p) = call(&stack, None, route, Some(&json!({}))).await?;
        assert_eq!(
            (s, p["type"].as_str().unwrap_or_default().rsplit('/').next()),
            (401, Some("unauthenticated")),
            "{m} {template}: {p}"
        );
        let fake = forged.mint(role, "someone")?;
        let (s, p) = call(&stack, Some(&fake), route, Some(&json!({}))).await?;
        assert_eq!(s, 401, "forged token on {m} {template}: {p}");
        let expired = stack.tokens().mint_at(
            role,
            "someone",
            stack.now() - chrono::Duration::hours(3),
            chrono::Duration::hours(1),
        )?;
        let (s, p) = call(&stack, Some(&expired), route, Some(&json!({}))).await?;
        assert_eq!(s, 401, "expired token on {m} {template}: {p}");
        for other in Role::ALL.into_iter().filter(|r| *r != role) {
            let t = stack.token(other, "someone");
            let (s, p) = call(&stack, Some(&t), route, Some(&json!({}))).await?;
            assert_eq!(s, 403, "{other} on {m} {template}: {p}");
        }
    }
    stack.shutdown().await
}

/// What tenant A owns once its journeys ran: every kind of object a route can name.
struct Owned {
    case: String,
    job: String,
    company: String,
    merchant: String,
    card: String,
    care_order: String,
    delivery: String,
    complaint: String,
    /// A pickup slot start the services accept (a day ahead on their clock).
    slot: String,
}

async fn tenant_a(stack: &Stack) -> anyhow::Result<Owned> {
    journey::load_ratings(stack, &[("b-a".into(), 5)]).await?;
    // A fast return: approved at once, a pickup job, collected, refunded from the advance.
    let case = journey::open_case(stack, "b-a", "ol-a-0001", &CaseSpec::fast_return()).await?;
    let job = journey::courier_collects(stack, &case, "SF0000000777").await?;
    journey::wait_refund(stack, &case).await?;
    let merchant = journey::merchant_of(stack, &case).await?;
    let company = job["courier_company"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let job = job["job_id"].as_str().unwrap_or_default().to_owned();
    // A service card and a care order on it (K-5).
    let until = (stack.now() + chrono::Duration::days(300)).to_rfc3339();
    let mut bag = OrderSpec::simple("o-card-a", "b-a", &merchant, "ol-card-a", 100_000);
    bag.lines[0].category = returns_domain::Category::Luxury;
    orders::place(stack, &bag).await?;
    let (s, b) = stack
        .operator()
        .put(
            "intake",
            "/operator/service-cards",
            &json!({ "cards": [{
            "card_id": "card-a", "order_id": "o-card-a", "order_line_id": "ol-card-a",
            "services": ["cleaning"], "valid_until": until, "services_total": 2,
            "merchant_courier": "sf-express" }] }),
        )
        .await?;
    anyhow::ensure!(s == 200, "cards: {s} {b}");
    let (s, b) = stack
        .buyer("b-a")
        .post("intake", "/buyer/care-orders", &json!({
            "card_id": "card-a", "service": "cleaning", "city": "shanghai",
            "pickup_address": { "address": "1 Huaihai Road", "contact_phone": "13800138000" },
            "evidence": [{ "kind": "photo_of_item", "ref": "p1" }, { "kind": "photo_of_stain", "ref": "p2" }] }))
        .await?;
    anyhow::ensure!(s == 201, "care order: {s} {b}");
    let care_order = b["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(stack, &care_order, "awaiting_merchant").await?;
    let (s, b) =
        journey::merchant_decides(stack, &care_order, json!({ "decision": "approve" })).await?;
    anyhow::ensure!(s == 200, "care review: {s} {b}");
    journey::wait_status(stack, &care_order, "approved").await?;
    // A delivery with installation (K-7), scheduled at once.
    let appliance = CaseSpec {
        kind: "delivery_installation",
        reason: "delivery_service",
        category: "large_appliance",
        size: "large",
        door_pickup: false,
        ..CaseSpec::fast_return()
    };
    let mut k7 = journey::order_and_body(stack, "b-a", "ol-a-0003", &appliance).await?;
    k7["delivery"] = json!({ "address": "9 Binjiang Road", "contact_phone": "13900139000",
        "preferred_date": (stack.now() + chrono::Duration::days(1)).date_naive(), "installation": true });
    let (s, b) = stack
        .buyer("b-a")
        .post("intake", "/buyer/cases", &k7)
        .await?;
    anyhow::ensure!(s == 201, "delivery: {s} {b}");
    let delivery = b["case_id"].as_str().unwrap_or_default().to_owned();
    journey::wait_status(stack, &delivery, "delivery_scheduled").await?;
    // A complaint (K-6).
    let (s, b) = stack
        .buyer("b-a")
        .post(
            "audit",
            "/buyer/complaints",
            &json!({
            "grounds": "not_as_described",
            "text": "Not as described.", "evidence": ["photo-1"], "case_id": case }),
        )
        .await?;
    // Without an intervention AS-5 refuses it (409); a broken promise needs a fresh order.
    let complaint = if s == 201 {
        b["complaint_id"].as_str().unwrap_or_default().to_owned()
    } else {
        let unpaid = OrderSpec {
            reached: Reached::AwaitingPayment,
            ..OrderSpec::simple("o-a-unpaid", "b-a", &merchant, "l-1", 5_000)
        };
        orders::place(stack, &unpaid).await?;
        let (s, b) = wait_for("audit to hold the unpaid order", PATIENCE, || async {
            let (s, b) = stack
                .buyer("b-a")
                .post(
                    "audit",
                    "/buyer/complaints",
                    &json!({ "order_id": "o-a-unpaid", "grounds": "broken_promise",
                    "text": "The gift was missing." }),
                )
                .await?;
            Ok((s != 404).then_some((s, b)))
        })
        .await?;
        anyhow::ensure!(s == 201, "complaint: {s} {b}");
        b["complaint_id"].as_str().unwrap_or_default().to_owned()
    };
    Ok(Owned {
        case,
        job,
        company,
        merchant,
        card: "card-a".into(),
        care_order,
        delivery,
        complaint,
        slot: (stack.now() + chrono::Duration::days(1)).to_rfc3339(),
    })
}

/// The object a route names, and a body that passes the route's own checks, so that only the
/// owner check can refuse it.
fn target(route: &str, a: &Owned) -> (String, Value) {
    let case = a.case.clone();
    match route {
        "/buyer/service-cards/{id}" | "/merchant/service-cards/{id}" => {
            (a.card.clone(), json!(null))
        }
        "/buyer/orders/{id}" => (returns_harness::cases::order_of("ol-a-0001"), json!(null)),
        "/buyer/care-orders/{id}/rating" => (a.care_order.clone(), json!({ "stars": 5 })),
        "/buyer/complaints/{id}" => (a.complaint.clone(), json!(null)),
        "/courier/jobs/{id}/accept" => (
            a.job.clone(),
            json!({ "rider": { "id": "r-1", "real_name": "Li Lei" } }),
        ),
        "/courier/jobs/{id}/pickup" => {
            (a.job.clone(), json!({ "tracking_number": "SF0000000888" }))
        }
        "/courier/jobs/{id}/call" | "/courier/jobs/{id}/arrive" | "/courier/jobs/{id}/deliver" => {
            (a.job.clone(), json!({}))
        }
        "/buyer/cases/{id}/intervention" | "/merchant/cases/{id}/intervention" => {
            (case, json!({ "note": "help" }))
        }
        "/merchant/cases/{id}/decision" => (case, json!({ "decision": "approve" })),
        "/merchant/cases/{id}/shipped"
        | "/merchant/cases/{id}/send-back"
        | "/buyer/cases/{id}/shipment" => (
            case,
            json!({ "carrier": "sf-express", "tracking_number": "SF0000000999" }),
        ),
        "/merchant/cases/{id}/return-check" => (
            case,
            json!({ "conditions": {
            "not_soiled": true, "no_marks_of_use": true, "tags_attached": true, "accessories_complete": true } }),
        ),
        "/buyer/cases/{id}/courier-complaint" => (case, json!({ "text": "Rude." })),
        "/buyer/cases/{id}/pickup-slot" => (case, json!({ "start": a.slot })),
        "/buyer/cases/{id}/cancel" => (case, json!(null)),
        "/buyer/cases/{id}/evidence" => (
            a.care_order.clone(),
            json!({ "evidence": [{ "kind": "photo", "ref": "img-1" }] }),
        ),
        "/merchant/care-jobs/{id}" => (a.care_order.clone(), json!(null)),
        "/merchant/care-jobs/{id}/{step}" => (
            a.care_order.clone(),
            json!({ "pickup_at": "2030-01-01T10:00:00Z" }),
        ),
        "/merchant/delivery-jobs/{id}/{step}" => (a.delivery.clone(), json!({})),
        "/merchant/cases/{id}/dispute" => {
            (case, json!({ "claim": "empty_parcel", "evidence": ["x"] }))
        }
        _ => (case, json!({})),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_another_tenants_object_as_if_it_did_not_exist() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_tenants")).await?;
    let a = tenant_a(&stack).await?;
    // Tenant B of each role: another buyer, shop and courier company.
    let other_shop = if a.merchant == "m-7" { "m-6" } else { "m-7" };
    let other_company = if a.company == "sf-express" {
        "jd-logistics"
    } else {
        "sf-express"
    };
    let b_of = |role: Role| -> Api<'_> {
        match role {
            Role::Buyer => stack.buyer("b-b"),
            Role::Merchant => stack.merchant(other_shop),
            Role::Courier => stack.courier(other_company),
            Role::Cs => stack.cs(),
            Role::Operator => stack.operator(),
        }
    };
    let mut checked = 0;
    for route in routes() {
        let (m, svc, template, role) = route.parts();
        // CS and operators see every tenant's objects by design; their routes are not tenant's.
        if !template.contains("{id}") || matches!(role, Role::Cs | Role::Operator) {
            continue;
        }
        let (id, body) = target(template, &a);
        let body = (!body.is_null()).then_some(body);
        let caller = b_of(role);
        let step = if template.contains("delivery") {
            "delivered"
        } else {
            "confirm"
        };
        let template_with_step = template.replace("{step}", step);
        let template = template_with_step.as_str();
        let foreign = template.replace("{id}", &id);
        let (s, theirs) = caller.send(method(m), svc, &foreign, body.as_ref()).await?;
        let missing = template.replace(
            "{id}",
            &if id.contains('-') && id.len() == 36 {
                uuid::Uuid::now_v7().to_string()
            } else {
                "card-none".into()
            },
        );
        let (s2, nobodys) = caller.send(method(m), svc, &missing, body.as_ref()).await?;
        assert_eq!(s, 404, "{m} {template} as another {role}: {theirs}");
        assert_eq!(
            (s2, &nobodys["type"], &nobodys["detail"]),
            (404, &theirs["type"], &theirs["detail"]),
            "{m} {template}: a foreign object must answer like a missing one"
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked} object routes checked");

    // Lists show only the caller's own objects.
    let (_, mine) = stack.buyer("b-b").get("intake", "/buyer/cases").await?;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(0), "{mine}");
    let (_, mine) = stack.buyer("b-a").get("intake", "/buyer/cases").await?;
    // The fast return, the care order and the delivery.
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(3), "{mine}");
    let (_, jobs) = stack
        .courier(other_company)
        .get("logistics", "/courier/jobs?status=collected")
        .await?;
    assert!(!jobs.to_string().contains(&a.job), "{jobs}");
    let (_, jobs) = stack
        .courier(&a.company)
        .get("logistics", "/courier/jobs?status=collected")
        .await?;
    assert!(jobs.to_string().contains(&a.job), "{jobs}");
    let (_, statement) = stack
        .merchant(other_shop)
        .get("payment", "/merchant/statement")
        .await?;
    assert!(!statement.to_string().contains(&a.case), "{statement}");
    let (_, statement) = stack
        .merchant(&a.merchant)
        .get("payment", "/merchant/statement")
        .await?;
    assert!(statement.to_string().contains(&a.case), "{statement}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_are_paged_with_a_capped_page_size() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_pages")).await?;
    journey::load_ratings(&stack, &[("b-p".into(), 5)]).await?;
    let buyer = stack.buyer("b-p");
    for i in 0..5 {
        let body = journey::order_and_body(
            &stack,
            "b-p",
            &format!("ol-p-{i}"),
            &CaseSpec::fast_return(),
        )
        .await?;
        let (s, b) = buyer.post("intake", "/buyer/cases", &body).await?;
        assert_eq!(s, 201, "{b}");
    }
    let (s, p) = buyer.get("intake", "/buyer/cases?limit=101").await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("limit")), "{p}");
    let mut seen = Vec::new();
    let mut path = "/buyer/cases?limit=2".to_owned();
    loop {
        let (s, page) = buyer.get("intake", &path).await?;
        assert_eq!(s, 200, "{page}");
        let items = page["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned)),
        );
        match page["next"].as_str() {
            Some(next) => path = format!("/buyer/cases?limit=2&after={next}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        (seen.len(), unique.len()),
        (5, 5),
        "every case once: {seen:?}"
    );
    // The operator's views: coverage (CT-1) and the policies in force.
    let (s, cov) = stack
        .operator()
        .get("logistics", "/operator/coverage")
        .await?;
    assert_eq!(s, 200, "{cov}");
    assert_eq!(cov["cities"]["shanghai"]["covered"], true, "{cov}");
    assert_eq!(cov["cities"]["lhasa"]["covered"], false, "{cov}");
    let (s, pol) = stack.operator().get("intake", "/operator/policies").await?;
    assert_eq!(
        (s, pol["auto_approve_min_stars"].as_i64()),
        (200, Some(3)),
        "{pol}"
    );
    wait_for("the cases to be decided", PATIENCE, || async {
        let (_, q) = stack.cs().get("audit", "/cs/interventions?limit=0").await?;
        Ok((q["field"] == "limit").then_some(()))
    })
    .await?;
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_attach_evidence_that_the_merchant_reads() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_evidence")).await?;
    // A 1-star buyer: the merchant reviews (RV-1), so the case stays open.
    journey::load_ratings(&stack, &[("b-ev".into(), 1)]).await?;
    let case = journey::open_case(&stack, "b-ev", "ol-ev-0001", &CaseSpec::fast_return()).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let url = format!("/buyer/cases/{case}/evidence");
    let photo = json!({ "evidence": [{ "kind": "photo_of_defect", "ref": "img-9" }] });
    let (s, b) = stack.buyer("b-ev").post("intake", &url, &photo).await?;
    assert_eq!(s, 200, "{b}");
    let (s, p) = stack
        .buyer("b-ev")
        .post("intake", &url, &json!({ "evidence": [] }))
        .await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("evidence")), "{p}");
    let (s, _) = stack.buyer("b-other").post("intake", &url, &photo).await?;
    assert_eq!(s, 404, "another buyer's case");
    let merchant = journey::merchant_of(&stack, &case).await?;
    let (s, view) = stack
        .merchant(&merchant)
        .get("intake", &format!("/merchant/cases/{case}"))
        .await?;
    assert_eq!(s, 200, "{view}");
    assert!(
        view["case"]["evidence"].to_string().contains("img-9"),
        "{view}"
    );
    assert!(
        view["timeline"].to_string().contains("evidence reference"),
        "{view}"
    );
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_1_buyers_pick_a_pickup_slot_before_a_rider_takes_the_job() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_slot")).await?;
    journey::load_ratings(&stack, &[("b-slot".into(), 5)]).await?;
    let case = journey::open_case(&stack, "b-slot", "ol-slot-01", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &case).await?;
    assert_eq!(job["status"], "dispatched", "{job}");
    // Shanghai is UTC+8: 15:00 there tomorrow is 07:00 UTC; 03:00 there is 19:00 UTC.
    let tomorrow =
        (stack.now() + chrono::Duration::hours(8)).date_naive() + chrono::Duration::days(1);
    let at = |h: u32| {
        tomorrow
            .and_hms_opt(h, 0, 0)
            .map(|t| t.and_utc().to_rfc3339())
    };
    let url = format!("/buyer/cases/{case}/pickup-slot");
    let buyer = stack.buyer("b-slot");
    let (s, p) = buyer
        .post("logistics", &url, &json!({ "start": at(19) }))
        .await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("start")),
        "03:00 local: {p}"
    );
    let (s, p) = buyer
        .post(
            "logistics",
            &url,
            &json!({ "start": (stack.now() + chrono::Duration::days(9)).to_rfc3339() }),
        )
        .await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("start")),
        "too far ahead: {p}"
    );
    let (s, _) = stack
        .buyer("b-other")
        .post("logistics", &url, &json!({ "start": at(7) }))
        .await?;
    assert_eq!(s, 404, "another buyer's pickup");
    let (s, b) = buyer
        .post("logistics", &url, &json!({ "start": at(7) }))
        .await?;
    assert_eq!((s, b["status"].as_str()), (200, Some("scheduled")), "{b}");
    let (_, pickup) = buyer
        .get("logistics", &format!("/buyer/cases/{case}/pickup"))
        .await?;
    assert_eq!(pickup["status"], "scheduled", "{pickup}");
    // The courier is sent when the slot starts.
    let until = chrono::DateTime::parse_from_rfc3339(&at(7).unwrap_or_default())?
        .with_timezone(&chrono::Utc);
    stack
        .advance_clocks((until - stack.now()).num_seconds() + 60)
        .await?;
    let dispatched = wait_for("the slot's dispatch", PATIENCE, || async {
        let (_, p) = buyer
            .get("logistics", &format!("/buyer/cases/{case}/pickup"))
            .await?;
        Ok((p["status"] == "dispatched").then_some(p))
    })
    .await?;
    assert_eq!(dispatched["courier_company"], job["courier_company"]);
    // Once a rider took it, the slot is fixed.
    journey::courier_collects(&stack, &case, "SF7200000001").await?;
    let (s, _) = buyer
        .post("logistics", &url, &json!({ "start": at(9) }))
        .await?;
    assert_eq!(s, 409);
    stack.shutdown().await
}

/// PK-1: a return approved after the pickup window closes waits for the next window; the
/// courier is sent when it opens (a durable timer of logistics, like its other deadlines).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_1_an_approval_after_the_window_is_dispatched_when_the_next_one_opens()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_window")).await?;
    journey::load_ratings(&stack, &[("b-late".into(), 5)]).await?;
    // The stack starts at 10:00 in Shanghai; 11 hours on it is 21:00, after the 9-20 window.
    stack.advance_clocks(11 * 3600).await?;
    let case = journey::open_case(&stack, "b-late", "ol-late-01", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &case).await?;
    assert_eq!(job["status"], "scheduled", "{job}");
    let dispatch_at = job["dispatch_at"].as_str().unwrap_or_default();
    let dispatch_at =
        chrono::DateTime::parse_from_rfc3339(dispatch_at)?.with_timezone(&chrono::Utc);
    let local = dispatch_at + chrono::Duration::hours(8);
    assert_eq!(local.format("%H:%M").to_string(), "09:00", "{job}");
    let waited = (dispatch_at - stack.now()).num_seconds() - 60;
    stack.advance_clocks(waited).await?;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let (_, early) = stack
        .cs()
        .get("logistics", &format!("/cs/cases/{case}/pickup"))
        .await?;
    assert_eq!(
        early["status"], "scheduled",
        "a minute before the window: {early}"
    );
    stack.advance_clocks(120).await?;
    let dispatched = dispatched_pickup(&stack, &case, "the next window's dispatch").await?;
    assert_eq!(dispatched["courier_company"], job["courier_company"]);
    // The buyer moves it to 15:00: the wait that fired is started again, and fires again.
    let slot = dispatch_at + chrono::Duration::hours(6);
    let url = format!("/buyer/cases/{case}/pickup-slot");
    let body = json!({ "start": slot.to_rfc3339() });
    let (s, b) = stack.buyer("b-late").post("logistics", &url, &body).await?;
    assert_eq!((s, b["status"].as_str()), (200, Some("scheduled")), "{b}");
    stack
        .advance_clocks((slot - stack.now()).num_seconds() + 60)
        .await?;
    dispatched_pickup(&stack, &case, "the slot's dispatch").await?;
    stack.shutdown().await
}

/// The case's pickup once customer service sees it dispatched.
async fn dispatched_pickup(stack: &Stack, case: &str, what: &str) -> anyhow::Result<Value> {
    wait_for(what, PATIENCE, || async {
        let (_, p) = stack
            .cs()
            .get("logistics", &format!("/cs/cases/{case}/pickup"))
            .await?;
        Ok((p["status"] == "dispatched").then_some(p))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_withdraw_undecided_requests_and_not_decided_ones() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_cancel")).await?;
    journey::load_ratings(&stack, &[("b-c".into(), 1), ("b-fast".into(), 5)]).await?;
    // A 1-star buyer waits for the merchant (RV-1): the request can still be withdrawn.
    let case = journey::open_case(&stack, "b-c", "ol-cancel1", &CaseSpec::fast_return()).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let merchant = journey::merchant_of(&stack, &case).await?;
    let queue = |m: String| {
        let stack = &stack;
        async move { stack.merchant(&m).get("audit", "/merchant/cases").await }
    };
    let (_, q) = queue(merchant.clone()).await?;
    assert!(
        q["items"].to_string().contains(&case),
        "in the review queue: {q}"
    );
    let url = format!("/buyer/cases/{case}/cancel");
    let (s, _) = stack
        .buyer("b-other")
        .post("intake", &url, &json!({}))
        .await?;
    assert_eq!(s, 404, "another buyer's case");
    let (s, b) = stack.buyer("b-c").post("intake", &url, &json!({})).await?;
    assert_eq!(s, 202, "{b}");
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert!(
        view["timeline"]
            .to_string()
            .contains("withdrew the request"),
        "{view}"
    );
    let (_, q) = queue(merchant.clone()).await?;
    assert!(
        !q["items"].to_string().contains(&case),
        "left the review queue: {q}"
    );
    let (s, p) = journey::merchant_decides(&stack, &case, json!({ "decision": "approve" })).await?;
    assert_eq!(s, 409, "the merchant finds it withdrawn: {p}");
    let (s, d) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{case}/decision"))
        .await?;
    assert_eq!((s, d["status"].as_str()), (200, Some("cancelled")), "{d}");
    // Approved at once (AUTO-1): too late to withdraw.
    let fast = journey::open_case(&stack, "b-fast", "ol-cancel2", &CaseSpec::fast_return()).await?;
    journey::wait_job(&stack, &fast).await?;
    // Logistics reads the approval straight from audit (issue 12 item 4), so its job may exist
    // before intake has read the approval too: wait until the case is no longer `requested`.
    returns_harness::wait_for("intake reads the approval", journey::PATIENCE, || async {
        let v = journey::case_view(&stack, &fast).await?;
        Ok((v["case"]["status"] != "requested").then_some(()))
    })
    .await?;
    let (s, _) = stack
        .buyer("b-fast")
        .post("intake", &format!("/buyer/cases/{fast}/cancel"), &json!({}))
        .await?;
    assert_eq!(s, 409);
    stack.shutdown().await
}
