//! `platform demo`: the platform's main job on this machine. Brings up broker, databases and
//! services, drives realistic cases from several cities through them, and summarises.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::driver::{Drive, drive};
use crate::{Stack, StackOptions, Storage, repo_root, report};

pub async fn demo(cases: usize, storage: Storage) -> anyhow::Result<()> {
    println!(
        "Starting the platform: Tansu broker ({storage:?} storage), PostgreSQL databases, intake, audit, logistics, payment…"
    );
    let options = StackOptions {
        storage,
        run_dir: repo_root().join(".run").join("demo"),
        db_prefix: "returns_demo".to_owned(),
        collect_traces: true,
        fixed_ports: None,
        environment: "development".to_owned(),
        extra_env: Vec::new(),
        programme_merchants: crate::stack::default_merchants(),
    };
    let _ = std::fs::remove_dir_all(&options.run_dir);
    let stack = Stack::start(options).await?;
    println!(
        "All four services are ready. Service clocks read {} (10:00 in China, inside the pickup window).",
        stack.now().format("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "Driving {cases} cases at 50 per second; courier companies answer their jobs as they arrive.\n"
    );
    let d = Drive {
        cases,
        rate: 50.0,
        seed: 2026,
        show_progress: true,
        finish: true,
    };
    let prepared = crate::driver::prepare(&stack, &d).await?;
    let out = drive(&stack, &d, prepared).await?;
    summarise(&stack, &out).await?;
    println!("\nOperator figures (OP), from the services' own reports:");
    let token = stack.partner_token(returns_auth::Role::Operator, crate::api::OPERATOR);
    crate::op_report::print(
        &stack.client,
        &token,
        &stack.url("intake"),
        &stack.url("logistics"),
    )
    .await?;
    let result = show_one_trace(&stack, &out.views).await;
    println!("\nLogs of this run: {}", stack.options.run_dir.display());
    stack.shutdown().await?;
    result
}

/// How a case ended: refunded, rejected, or the last step it reached.
fn outcome_of(v: &Value) -> String {
    let steps: Vec<&str> = v["timeline"]
        .as_array()
        .map(|t| t.iter().filter_map(|e| e["status"].as_str()).collect())
        .unwrap_or_default();
    ["refunded", "rejected", "sent_back"]
        .into_iter()
        .find(|s| steps.contains(s))
        .or_else(|| steps.iter().rev().find(|s| **s != "closed").copied())
        .unwrap_or("opened")
        .to_owned()
}

fn count_by<F: Fn(&Value) -> Option<String>>(views: &[Value], f: F) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for v in views {
        if let Some(k) = f(v) {
            *m.entry(k).or_insert(0) += 1;
        }
    }
    m
}

/// What the run did, section by section.
async fn summarise(stack: &Stack, out: &crate::driver::Outcome) -> anyhow::Result<()> {
    println!(
        "\n== {} cases in {:.1} s ({} could not be opened) ==",
        out.case_ids.len(),
        out.wall.as_secs_f64(),
        out.open_failures
    );
    print_outcomes(out);
    print_rules_and_cities(&out.views);
    print_money(stack, out).await?;
    println!("\nPer-stage latency (service clocks, this machine, durable broker storage):");
    println!("{}", report::stages(&out.views).table());
    println!(
        "POST /buyer/cases answered in p50 {:.1} ms, p99 {:.1} ms.",
        out.open_latency.p50, out.open_latency.p99
    );
    Ok(())
}

/// How the cases ended, what the shops decided, and how many returned part of a line.
fn print_outcomes(out: &crate::driver::Outcome) {
    println!("\nCases by final state, and how they ended:");
    for (s, n) in count_by(&out.views, |v| {
        let status = v["case"]["status"].as_str()?;
        Some(format!("{status} ({})", outcome_of(v)))
    }) {
        println!("  {s:<34} {n:>5}");
    }
    if let Some(shops) = &out.shops {
        use std::sync::atomic::Ordering::Relaxed;
        println!(
            "\nShops decided their review queues: {} approved, {} rejected with a reason (RV-2), {} left too late and approved by the platform at the deadline (RV-1); {} returned parcels confirmed received (PAY-3, and PAY-2's recovery of the platform's advance).",
            shops.approved.load(Relaxed),
            shops.rejected.load(Relaxed),
            shops.left_late.load(Relaxed),
            shops.received.load(Relaxed)
        );
    }
    let partial = out
        .views
        .iter()
        .filter(|v| {
            v["lines"].as_array().is_some_and(|ls| {
                ls.iter()
                    .any(|l| l["quantity"].as_i64() < l["bought"].as_i64())
            })
        })
        .count();
    println!("Cases returning only some of a line's units (ORD-3): {partial}.");
}

/// What each rule decided, and where the cases were.
fn print_rules_and_cities(views: &[Value]) {
    println!("\nDecided by rule:");
    let decided = |v: &Value| {
        v["timeline"]
            .as_array()?
            .iter()
            .find(|e| e["status"] == "approved" || e["status"] == "awaiting_merchant")?["rule_id"]
            .as_str()
            .map(str::to_owned)
    };
    for (r, n) in count_by(views, decided) {
        println!("  {r:<8} {n:>5}  {}", rule_meaning(&r));
    }
    println!("\nCases by city:");
    for (c, n) in count_by(views, |v| v["case"]["city"].as_str().map(str::to_owned)) {
        println!("  {c:<12} {n:>5}");
    }
}

/// What a deciding rule means, in the summary's words.
fn rule_meaning(rule: &str) -> &'static str {
    match rule {
        "AUTO-1" => "approved in 0 seconds (rating, 7-day no-reason, covered city)",
        "AUTO-2" => "fresh food / large appliance: merchant reviews",
        "AUTO-3" => "city not covered: merchant reviews",
        "RV-1" => "merchant reviews (rating, window or reason)",
        "RS-1" => {
            "refund before shipment, merchant out of stock or late: refund + 30% from its deposit"
        }
        "RS-2" => "refund before shipment: no merchant approval needed",
        _ => "",
    }
}

/// The refunds paid and the ledger that holds them (PAY-1, RS-1, RS-2).
async fn print_money(stack: &Stack, out: &crate::driver::Outcome) -> anyhow::Result<()> {
    let refunded: Vec<&Value> = out
        .views
        .iter()
        .filter(|v| report::time_of(v, "refunded").is_some())
        .collect();
    let total: i64 = refunded
        .iter()
        .filter_map(|v| v["case"]["refund_amount_fen"].as_i64())
        .sum();
    let fast = refunded
        .iter()
        .filter(|v| v["case"]["kind"] == "return_refund")
        .count();
    let operator = stack.operator();
    let (_, tb) = operator
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    let (_, advance) = operator
        .get("payment", "/operator/accounts/platform:advance/balance")
        .await?;
    println!(
        "\nRefunds paid: {} cases, ¥{}.{:02} in all; {} at tracking upload from the platform's advance (PAY-1; platform:advance balance {} fen), {} before shipment from the merchants (RS-1/RS-2).",
        refunded.len(),
        total / 100,
        total % 100,
        fast,
        advance["balance_fen"],
        refunded.len() - fast
    );
    println!(
        "Ledger: {} transactions, {} postings, sum of all postings {} fen (balanced). Parcels collected by couriers: {}.",
        tb["transactions"], tb["entries"], tb["sum_fen"], out.collected
    );
    Ok(())
}

async fn show_one_trace(stack: &Stack, views: &[Value]) -> anyhow::Result<()> {
    // A fast return approved in 0 seconds (AUTO-1): one trace from the request to the payout
    // (a merchant's decision starts a trace of its own).
    let auto = |v: &&Value| v["timeline"].to_string().contains("\"AUTO-1\"");
    let Some(case) = views
        .iter()
        .filter(auto)
        .find(|v| v["case"]["status"] == "closed" && v["case"]["kind"] == "return_refund")
    else {
        return Ok(());
    };
    let case_id = case["case"]["id"].as_str().unwrap_or_default().to_owned();
    let Some(otlp) = stack.otlp.clone() else {
        return Ok(());
    };
    let id = case_id.clone();
    let root = crate::wait_for("the case's trace", Duration::from_secs(15), || {
        let (otlp, id) = (otlp.clone(), id.clone());
        async move {
            let spans = otlp.spans();
            let root = spans
                .iter()
                .find(|s| s.name == "intake.open_case" && s.attr("case_id") == Some(id.as_str()))
                .cloned();
            let done = root.as_ref().is_some_and(|r| {
                spans
                    .iter()
                    .any(|s| s.trace_id == r.trace_id && s.name == "payment.pay_refund")
            });
            Ok(root.filter(|_| done))
        }
    })
    .await?;
    println!(
        "\nOne case's trace, {} (trace id {}), across the four services:",
        case_id, root.trace_id
    );
    print!(
        "{}",
        crate::otlp::render_tree(&otlp.spans(), &root.trace_id)
    );
    println!(
        "\nTo browse traces yourself: run an OTLP/HTTP collector (e.g. Jaeger on :4318), then\n  RETURNS__TELEMETRY__OTLP_ENDPOINT=http://127.0.0.1:4318 just up\nand search for the attribute case_id={case_id}. On a running platform customer service reads
a case with GET /cs/cases/{{id}} on intake (token: just token cs cs-1)."
    );
    Ok(())
}
