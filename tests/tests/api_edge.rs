//! Issue 4, points 5-7: idempotency keys on POST, per-caller rate limits, body caps, and
//! problem+json for every error, including those no route sees.

use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{Stack, StackOptions};
use serde_json::{Value, json};

async fn post_with_key(
    stack: &Stack,
    buyer: &str,
    key: &str,
    body: &Value,
) -> anyhow::Result<(u16, Option<String>, Value)> {
    let r = stack
        .client
        .post(format!("{}/buyer/cases", stack.url("intake")))
        .bearer_auth(stack.buyer(buyer).token())
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await?;
    let status = r.status().as_u16();
    let replayed = r
        .headers()
        .get("Idempotent-Replayed")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok((status, replayed, r.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_replay_the_first_answer_refuse_another_body_and_expire()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("api_idempotency")).await?;
    journey::load_ratings(&stack, &[("b-i".into(), 5), ("b-j".into(), 5)]).await?;
    let fast = CaseSpec::fast_return();
    let body = journey::order_and_body(&stack, "b-i", "ol-idem-1", &fast).await?;
    let (s, replayed, first) = post_with_key(&stack, "b-i", "key-1", &body).await?;
    assert_eq!((s, replayed), (201, None), "{first}");
    let (s, replayed, again) = post_with_key(&stack, "b-i", "key-1", &body).await?;
    assert_eq!((s, replayed.as_deref()), (201, Some("true")));
    assert_eq!(again, first, "the retry answers the first request's answer");
    let (_, list) = stack.buyer("b-i").get("intake", "/buyer/cases").await?;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "one case, not two"
    );

    // The same key with another body is refused and names the header.
    let other = journey::order_and_body(&stack, "b-i", "ol-idem-2", &fast).await?;
    let (s, _, p) = post_with_key(&stack, "b-i", "key-1", &other).await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("Idempotency-Key")),
        "{p}"
    );
    // Keys belong to their caller: another buyer's same key is a new request.
    let theirs = journey::order_and_body(&stack, "b-j", "ol-idem-j", &fast).await?;
    let (s, replayed, theirs) = post_with_key(&stack, "b-j", "key-1", &theirs).await?;
    assert_eq!((s, replayed), (201, None), "{theirs}");
    // A malformed key is refused.
    let (s, _, p) = post_with_key(&stack, "b-i", "with spaces", &other).await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("Idempotency-Key")),
        "{p}"
    );

    // After api.idempotency_hours the key is forgotten: another body is a new request.
    stack.advance_clocks(25 * 3600).await?;
    let other = journey::order_and_body(&stack, "b-i", "ol-idem-3", &fast).await?;
    let (s, replayed, p) = post_with_key(&stack, "b-i", "key-1", &other).await?;
    assert_eq!((s, replayed), (201, None), "{p}");
    stack.shutdown().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(
    clippy::too_many_lines,
    reason = "one journey, each step asserted where it happens"
)]
async fn callers_are_rate_limited_and_errors_are_problems() -> anyhow::Result<()> {
    let mut options = StackOptions::for_test("api_limits");
    options.extra_env.extend([
        ("RETURNS__API__RATE_PER_SECOND".to_owned(), "1".to_owned()),
        ("RETURNS__API__RATE_BURST".to_owned(), "5".to_owned()),
        (
            "RETURNS__API__BODY_LIMIT_BYTES".to_owned(),
            "2048".to_owned(),
        ),
    ]);
    let stack = Stack::start(options).await?;
    // The harness's own setup calls used other callers; this one starts with a full bucket.
    let cs = stack.cs();
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(cs.get("audit", "/cs/interventions").await?.0);
    }
    assert_eq!(&statuses[..5], &[200; 5], "{statuses:?}");
    assert!(statuses[5..].contains(&429), "{statuses:?}");
    let r = stack
        .client
        .get(format!("{}/cs/interventions", stack.url("audit")))
        .bearer_auth(cs.token())
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r
        .headers()
        .get("Retry-After")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry >= 1, "Retry-After in seconds");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    // Another caller has its own bucket.
    let (s, _) = stack
        .merchant("m-1")
        .get("audit", "/merchant/standing")
        .await?;
    assert_eq!(s, 200);

    // Bodies over the cap: 413 as a problem, declared or not.
    let big = json!({ "note": "x".repeat(4096) });
    let buyer = stack.buyer("b-big");
    let (s, p) = buyer
        .post(
            "intake",
            &format!("/buyer/cases/{}/intervention", uuid::Uuid::now_v7()),
            &big,
        )
        .await?;
    assert_eq!(
        (s, p["type"].as_str().map(|t| t.ends_with("body-too-large"))),
        (413, Some(true)),
        "{p}"
    );
    // Wrong methods are problems too: 405 naming the methods the path takes (RFC 9110), on
    // every documented path.
    let mut takes: std::collections::BTreeMap<(&str, String), Vec<String>> = Default::default();
    for r in returns_harness::routes::routes() {
        takes.entry((r.service, r.path)).or_default().push(r.method);
    }
    for (n, ((svc, template), mut methods)) in takes.into_iter().enumerate() {
        // A caller of its own per path, so the rate limit above plays no part.
        let caller = stack.buyer(&format!("b-method-{n}"));
        let path = template
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{step}", "confirm")
            .replace("{account}", "buyer:b-1");
        let r = stack
            .client
            .delete(format!("{}{path}", stack.url(svc)))
            .bearer_auth(caller.token())
            .send()
            .await?;
        methods.sort();
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            (r.status().as_u16(), header("allow"), header("content-type")),
            (
                405,
                Some(methods.join(", ")),
                Some("application/problem+json".to_owned())
            ),
            "DELETE {template} on {svc}"
        );
    }
    stack.shutdown().await
}
