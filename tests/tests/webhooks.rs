//! Issue 4, point 10: merchants and courier companies subscribe to events; deliveries are signed
//! the Standard Webhooks way (checked here by an independent Python verifier), retried with
//! backoff until answered, given up after `webhooks.max_attempts`, and logged for the
//! subscriber and the operator.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use std::process::Command;

use returns_harness::cases::CaseSpec;
use returns_harness::hook_receiver::{Received, Receiver};
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, repo_root, wait_for};
use serde_json::{Value, json};

/// Checks `r`'s signature with `tests/webhook_verify.py`, not with the platform's code.
fn verified_independently(secret: &str, r: &Received) -> anyhow::Result<bool> {
    let body = std::env::temp_dir().join(format!("hook-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&body, &r.body)?;
    let h = |k: &str| r.headers.get(k).cloned().unwrap_or_default();
    let status = Command::new("python3")
        .arg(repo_root().join("tests/webhook_verify.py"))
        .args([
            secret,
            &h("webhook-id"),
            &h("webhook-timestamp"),
            &h("webhook-signature"),
        ])
        .arg(&body)
        .status()?;
    let _ = std::fs::remove_file(&body);
    Ok(status.success())
}

fn event_type(r: &Received) -> String {
    serde_json::from_slice::<Value>(&r.body)
        .ok()
        .and_then(|v| v["event_type"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// 500 to the first delivery of `case.approved`, 200 to everything else.
fn refuse_the_first_approval(seen: &[Received]) -> u16 {
    let approvals = seen.iter().filter(|r| event_type(r) == "case.approved");
    let this_is_approval = seen
        .last()
        .is_some_and(|r| event_type(r) == "case.approved");
    if this_is_approval && approvals.count() == 1 {
        500
    } else {
        200
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_get_signed_deliveries_retried_with_backoff_and_logged() -> anyhow::Result<()> {
    let mut options = StackOptions::for_test("webhooks");
    options.extra_env.extend([
        (
            "RETURNS__WEBHOOKS__FIRST_RETRY_SECONDS".to_owned(),
            "1".to_owned(),
        ),
        ("RETURNS__WEBHOOKS__MAX_ATTEMPTS".to_owned(), "3".to_owned()),
    ]);
    let stack = Stack::start(options).await?;
    // The merchant's endpoint fails the first attempt of case.approved (deliveries of two events
    // may arrive in either order); the courier company's always fails.
    let shop = Receiver::start(refuse_the_first_approval).await?;
    let courier = Receiver::start(|_| 503).await?;

    // Order lines of 9 characters belong to m-3 (`cases::open_case_body`).
    let merchant = stack.merchant("m-3");
    let (s, p) = merchant
        .put(
            "audit",
            "/merchant/webhook",
            &json!({ "url": shop.url, "events": ["pickup.dispatched"] }),
        )
        .await?;
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("events[0]")),
        "not a merchant's event: {p}"
    );
    let (s, p) = merchant
        .put(
            "audit",
            "/merchant/webhook",
            &json!({ "url": "ftp://x", "events": ["case.approved"] }),
        )
        .await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("url")), "{p}");
    let (s, sub) = merchant
        .put(
            "audit",
            "/merchant/webhook",
            &json!({ "url": shop.url, "events": ["case.approved", "refund.paid"] }),
        )
        .await?;
    assert_eq!(s, 200, "{sub}");
    let secret = sub["secret"].as_str().unwrap_or_default().to_owned();
    assert!(secret.starts_with("whsec_"), "{sub}");
    let (_, again) = merchant.get("audit", "/merchant/webhook").await?;
    assert!(
        again.get("secret").is_none(),
        "the secret is shown once: {again}"
    );
    let (s, csub) = stack
        .courier("sf-express")
        .put(
            "logistics",
            "/courier/webhook",
            &json!({ "url": courier.url, "events": ["pickup.dispatched"] }),
        )
        .await?;
    assert_eq!(s, 200, "{csub}");

    journey::load_ratings(&stack, &[("b-hook".into(), 5)]).await?;
    let case = journey::open_case(&stack, "b-hook", "ol-hook-1", &CaseSpec::fast_return()).await?;
    assert_eq!(journey::merchant_of(&stack, &case).await?, "m-3");
    journey::courier_collects(&stack, &case, "SF7100000001").await?;
    journey::wait_refund(&stack, &case).await?;

    // case.approved: refused once, delivered on the retry; refund.paid: delivered.
    let got = wait_for("the merchant's deliveries", PATIENCE, || async {
        let r = shop.received();
        let types: Vec<String> = r.iter().map(event_type).collect();
        let approved = types.iter().filter(|t| *t == "case.approved").count();
        Ok((approved >= 2 && types.iter().any(|t| t == "refund.paid")).then_some(r))
    })
    .await?;
    for r in &got {
        assert!(
            verified_independently(&secret, r)?,
            "signature of {}",
            event_type(r)
        );
        assert!(!verified_independently(
            csub["secret"].as_str().unwrap_or_default(),
            r
        )?);
        let v: Value = serde_json::from_slice(&r.body)?;
        assert_eq!(v["case_id"], case.as_str());
    }
    let ids: Vec<_> = got
        .iter()
        .filter(|r| event_type(r) == "case.approved")
        .map(|r| r.headers.get("webhook-id").cloned())
        .collect();
    assert_eq!(
        ids[0], ids[1],
        "a retry keeps its webhook-id, so receivers can deduplicate"
    );
    let mut tampered = got[0].clone();
    tampered.body.extend_from_slice(b" ");
    assert!(
        !verified_independently(&secret, &tampered)?,
        "a changed body fails"
    );

    // The merchant's log, and the operator's.
    let log = wait_for("the log to show the retry delivered", PATIENCE, || async {
        let (_, log) = merchant
            .get("audit", "/merchant/webhook/deliveries")
            .await?;
        let line = log["deliveries"].as_array().and_then(|d| {
            d.iter()
                .find(|l| l["event_type"] == "case.approved")
                .cloned()
        });
        Ok(line.filter(|l| l["status"] == "delivered"))
    })
    .await?;
    assert_eq!(
        (log["attempts"].as_i64(), log["last_status"].as_i64()),
        (Some(2), Some(200)),
        "{log}"
    );
    let (_, other) = stack
        .merchant("m-4")
        .get("audit", "/merchant/webhook/deliveries")
        .await?;
    assert_eq!(
        other["deliveries"].as_array().map(Vec::len),
        Some(0),
        "{other}"
    );
    let (_, all) = stack
        .operator()
        .get("audit", "/operator/webhooks/deliveries?owner=merchant:m-3")
        .await?;
    assert!(
        all["deliveries"].as_array().is_some_and(|d| d.len() >= 2),
        "{all}"
    );

    // The courier company never answers 2xx: three attempts, then failed, for the operator.
    let failed = wait_for("the courier delivery to be given up", PATIENCE, || async {
        let (_, log) = stack
            .operator()
            .get(
                "logistics",
                "/operator/webhooks/deliveries?owner=courier:sf-express",
            )
            .await?;
        Ok(log["deliveries"]
            .as_array()
            .and_then(|d| d.iter().find(|l| l["status"] == "failed").cloned()))
    })
    .await?;
    assert_eq!(
        (failed["attempts"].as_i64(), failed["last_status"].as_i64()),
        (Some(3), Some(503)),
        "{failed}"
    );
    assert_eq!(courier.received().len(), 3, "no attempt after the last");
    stack.shutdown().await
}
