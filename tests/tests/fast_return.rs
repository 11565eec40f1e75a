//! Issue 2, item 6: the fast return end to end, on a real broker and real databases.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use std::collections::HashSet;

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, kafka, wait_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_1_auto_4_pk_1_pk_4_pay_1_pay_2_fast_return_from_request_to_payout()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("fast_return")).await?;
    journey::load_ratings(&stack, &[("b-3star".into(), 3)]).await?;
    let spec = CaseSpec::fast_return();
    let case_id = journey::open_case(&stack, "b-3star", "ol-1001", &spec).await?;

    // AUTO-1: approved at once, and a courier dispatched (PK-1) within the window.
    journey::wait_status(&stack, &case_id, "pickup_dispatched").await?;
    let view = journey::wait_line(&stack, &case_id, "approved").await?;
    assert_eq!(
        view["case"]["buyer_rating"], 3,
        "CR-3: the rating is kept on the case"
    );
    assert_eq!(view["case"]["shard"], "east");
    let rules: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["rule_id"].as_str())
        .collect();
    assert!(rules.contains(&"AUTO-1"), "timeline rules: {rules:?}");
    assert!(rules.contains(&"PK-1"), "timeline rules: {rules:?}");
    let (s, decision) = stack
        .cs()
        .get("audit", &format!("/cs/cases/{case_id}/decision"))
        .await?;
    assert_eq!(s, 200);
    assert_eq!(decision["rule_id"], "AUTO-1");
    assert_eq!(decision["inputs"]["facts"]["rating"], 3);
    assert_eq!(decision["inputs"]["facts"]["merchant_in_programme"], true);

    // The courier company's system accepts, collects and uploads the tracking number (PK-4).
    let job = journey::courier_collects(&stack, &case_id, "SF1234567890").await?;
    assert_eq!(job["courier_company"], "sf-express");

    // PAY-1: paid from the platform's advance; the case closes.
    let view = journey::wait_status(&stack, &case_id, "closed").await?;
    let statuses: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        [
            "requested",
            "approved",
            "pickup_dispatched",
            "courier_accepted",
            "in_transit",
            "refunded",
            "closed"
        ]
    );

    // PAY-1, PAY-2, PAY-5: two balanced ledger transactions.
    let (_, ledger) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case_id}/ledger"))
        .await?;
    let entries = ledger["entries"].as_array().unwrap();
    let amount = spec.paid_amount_fen;
    let find = |account: &str| {
        entries
            .iter()
            .find(|e| e["account"] == account)
            .map(|e| e["amount_fen"].as_i64().unwrap())
    };
    assert_eq!(find("buyer:b-3star"), Some(amount));
    assert_eq!(find("platform:advance"), Some(-amount));
    let merchant = format!("merchant:{}", view["case"]["merchant_id"].as_str().unwrap());
    assert_eq!(find(&merchant), Some(-amount));
    let receivable = format!(
        "platform_receivable:{}",
        view["case"]["merchant_id"].as_str().unwrap()
    );
    assert_eq!(find(&receivable), Some(amount));
    let rules: HashSet<&str> = entries
        .iter()
        .filter_map(|e| e["rule_id"].as_str())
        .collect();
    assert_eq!(rules, HashSet::from(["PAY-1", "PAY-2"]));
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(tb["sum_fen"], 0);
    assert_eq!(tb["transactions"], 2);

    // OP: the operator's figures come from the services' own data.
    let (_, op) = stack
        .operator()
        .get("intake", "/operator/reports/operator")
        .await?;
    let shanghai = op["cities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["city"] == "shanghai")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            shanghai["cases"].as_i64(),
            shanghai["approved_at_once"].as_i64()
        ),
        (Some(1), Some(1))
    );
    for k in [
        "approval_ms_p50",
        "tracking_to_refund_ms_p50",
        "request_to_refund_ms_min",
    ] {
        assert!(
            shanghai[k].as_f64().is_some_and(|v| v >= 0.0),
            "{k}: {shanghai}"
        );
    }
    let (_, op) = stack
        .operator()
        .get("logistics", "/operator/reports/operator")
        .await?;
    let sf = &op["couriers"][0];
    assert_eq!(
        (sf["courier_company"].as_str(), sf["city"].as_str()),
        (Some("sf-express"), Some("shanghai"))
    );
    assert_eq!(
        (
            sf["accepted"].as_i64(),
            sf["arrived"].as_i64(),
            sf["on_time_rate"].as_f64()
        ),
        (Some(1), Some(1), Some(1.0))
    );

    // The events on the topics: versioned envelopes, keyed by case, on the shard's partitions.
    let bootstrap = stack.broker.bootstrap();
    let mut seen = Vec::new();
    for topic in [
        topics::CASES,
        topics::DECISIONS,
        topics::PICKUPS,
        topics::PAYMENTS,
    ] {
        for r in kafka::read_all(&bootstrap, topic, stack.partitions)? {
            let env = r.json();
            if env["case_id"] == case_id.as_str() {
                assert_eq!(r.key.as_deref(), Some(case_id.as_bytes()));
                assert!(
                    [0, 1, 2].contains(&r.partition),
                    "shanghai is shard east: partitions 0-2"
                );
                assert_eq!(env["shard"], "east");
                // v2 since the buyer's address left them (issue 4, PII), and since the
                // refund order left the pickup (issue 12 item 4).
                let version = match env["event_type"].as_str() {
                    Some("case.opened" | "case.approved" | "pickup.collected") => 2,
                    _ => 1,
                };
                assert_eq!(env["schema_version"], version, "{}", env["event_type"]);
                assert!(
                    r.headers.contains_key("traceparent"),
                    "traceparent header on {}",
                    env["event_type"]
                );
                seen.push(env["event_type"].as_str().unwrap().to_owned());
            }
        }
    }
    for t in [
        "case.opened",
        "case.approved",
        "pickup.dispatched",
        "pickup.accepted",
        "pickup.collected",
        "refund.paid",
        "recovery.opened",
        "case.closed",
    ] {
        assert_eq!(
            seen.iter().filter(|s| *s == t).count(),
            1,
            "{t} once in {seen:?}"
        );
    }

    // One trace joins the four services in causal order.
    let otlp = stack.otlp.clone().unwrap();
    let names = [
        "intake.open_case",
        "audit.decide",
        "logistics.plan_pickup",
        "logistics.courier_report",
        "payment.pay_refund",
    ];
    let spans = wait_for("the case's spans from all four services", PATIENCE, || {
        let otlp = otlp.clone();
        let case_id = case_id.clone();
        async move {
            let spans: Vec<_> = otlp
                .spans()
                .into_iter()
                .filter(|s| s.attr("case_id") == Some(case_id.as_str()))
                .collect();
            Ok(names
                .iter()
                .all(|n| spans.iter().any(|s| s.name == *n))
                .then_some(spans))
        }
    })
    .await?;
    let by_name = |n: &str| spans.iter().find(|s| s.name == n).unwrap();
    let root_trace = &by_name("intake.open_case").trace_id;
    for n in names {
        let s = by_name(n);
        assert_eq!(&s.trace_id, root_trace, "{n} is in the case's trace");
        assert_eq!(s.attr("city"), Some("shanghai"), "{n} carries the city");
        assert_eq!(s.attr("shard"), Some("east"), "{n} carries the shard");
    }
    // CT-3: the shard is on every span of the case's trace, the HTTP request's included.
    let in_trace: Vec<_> = otlp
        .spans()
        .into_iter()
        .filter(|s| &s.trace_id == root_trace)
        .collect();
    assert!(
        in_trace
            .iter()
            .any(|s| s.name.contains("POST /buyer/cases")),
        "the request's root span is in the trace"
    );
    for s in &in_trace {
        assert_eq!(
            (s.attr("city"), s.attr("shard")),
            (Some("shanghai"), Some("east")),
            "{} {}",
            s.service,
            s.name
        );
    }
    let services: HashSet<&str> = spans
        .iter()
        .filter(|s| &s.trace_id == root_trace)
        .map(|s| s.service.as_str())
        .collect();
    assert_eq!(
        services,
        HashSet::from(["intake", "audit", "logistics", "payment"])
    );
    // Causal order: each step's span descends from the one before it (spans arrive in
    // batches, so wait until the chain is complete).
    let chain = [
        ("audit.decide", "intake.open_case"),
        ("logistics.plan_pickup", "audit.decide"),
        ("logistics.courier_report", "logistics.plan_pickup"),
        ("payment.pay_refund", "logistics.courier_report"),
    ];
    wait_for(
        "every step to descend from the one before it",
        PATIENCE,
        || {
            let otlp = otlp.clone();
            let spans = spans.clone();
            async move {
                let all = otlp.spans();
                // The latest span of that name (the courier reports twice: accept, then pickup).
                let by_name = |n: &str| {
                    spans
                        .iter()
                        .filter(|s| s.name == n)
                        .max_by_key(|s| s.start_ns)
                        .cloned()
                };
                let descends = |child: &str, ancestor: &str| {
                    let (Some(c), Some(a)) = (by_name(child), by_name(ancestor)) else {
                        return false;
                    };
                    let mut cur = c.parent_span_id.clone();
                    for _ in 0..64 {
                        if cur == a.span_id {
                            return true;
                        }
                        match all.iter().find(|s| s.span_id == cur) {
                            Some(p) => cur = p.parent_span_id.clone(),
                            None => return false,
                        }
                    }
                    false
                };
                match chain.iter().find(|(c, a)| !descends(c, a)) {
                    None => Ok(Some(())),
                    Some((c, a)) => {
                        let tree: Vec<String> = all
                            .iter()
                            .filter(|s| {
                                Some(&s.trace_id)
                                    == by_name("intake.open_case").map(|r| r.trace_id).as_ref()
                            })
                            .map(|s| {
                                format!(
                                    "{} {} {} <- {}",
                                    s.service, s.name, s.span_id, s.parent_span_id
                                )
                            })
                            .collect();
                        Err(anyhow::anyhow!(
                            "{c} does not descend from {a}; the trace:\n{}",
                            tree.join("\n")
                        ))
                    }
                }
            }
        },
    )
    .await?;

    stack.shutdown().await?;
    Ok(())
}
