//! Drives a stream of realistic cases through a running stack: ratings first (the rating job),
//! couriers answering their jobs, cases arriving at a fixed rate (open loop), until every case
//! has settled. Shared by the demo and the benchmark.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::cases::{Mix, open_case_body, order_for};
use crate::courier::run_couriers;
use crate::journey::load_ratings;
use crate::report::Stats;
use crate::{Stack, wait_for};

/// Statuses where a case waits on nobody inside the platform (the demo's end states).
pub const SETTLED: [&str; 4] = [
    "closed",
    "awaiting_merchant",
    "awaiting_buyer_shipment",
    "rejected",
];

pub struct Drive {
    pub cases: usize,
    /// Arrivals per second; cases are sent at their scheduled instant whatever the answers.
    pub rate: f64,
    pub seed: u64,
    pub show_progress: bool,
    /// The demo: shops decide their review queues as cases arrive, and after the measured run
    /// the rest of the people play their part (`crate::finish`) until every case is closed.
    pub finish: bool,
}

pub struct Outcome {
    pub case_ids: Vec<String>,
    pub open_failures: usize,
    /// Time to answer `POST /buyer/cases`, as the buyer's app sees it.
    pub open_latency: Stats,
    /// From the first request sent to the last case settled.
    pub wall: Duration,
    /// Each case's `{case, timeline}` once settled.
    pub views: Vec<Value>,
    pub by_status: Value,
    pub collected: u64,
    /// What the shops did (the demo only).
    pub shops: Option<std::sync::Arc<crate::merchant_desk::Decided>>,
}

async fn settled_count(stack: &Stack) -> anyhow::Result<(i64, Value)> {
    let (_, v) = stack
        .operator()
        .get("intake", "/operator/stats/cases-by-status")
        .await?;
    let n = SETTLED
        .iter()
        .map(|s| v["by_status"][s].as_i64().unwrap_or(0))
        .sum();
    Ok((n, v["by_status"].clone()))
}

/// The cases of a run, with their buyers' ratings loaded and their orders on the feed.
pub struct Prepared {
    specs: Vec<crate::cases::CaseSpec>,
}

/// What comes before the measured run: the rating job's ratings and the order system's
/// orders, held by intake and by audit's copy.
pub async fn prepare(stack: &Stack, d: &Drive) -> anyhow::Result<Prepared> {
    let mut mix = Mix::new(d.seed);
    let specs: Vec<_> = (0..d.cases).map(|_| mix.case()).collect();
    let ratings: Vec<(String, i16)> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("b-{i}"), s.stars))
        .collect();
    load_ratings(stack, &ratings).await?;
    let orders: Vec<_> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| realistic(i, order_for(&format!("b-{i}"), &format!("ol-{i}"), s)))
        .collect();
    crate::orders::place_all(stack, &orders).await?;
    crate::orders::wait_audit_copy(stack, &orders).await?;
    Ok(Prepared { specs })
}

/// One run: couriers and shops at work, every case opened at the offered rate, then waited
/// for until it settles (and, with `finish`, carried to its end).
pub async fn drive(stack: &Stack, d: &Drive, prepared: Prepared) -> anyhow::Result<Outcome> {
    let specs = prepared.specs;
    let stop = Arc::new(AtomicBool::new(false));
    let couriers = spawn_couriers(stack, stop.clone());
    let shops = d.finish.then(|| spawn_shops(stack, stop.clone()));
    let bar = progress_bar(d);
    let start = Instant::now();
    let opened = open_all(stack, d, &specs, start, &bar).await;
    let open_failures = d.cases - opened.case_ids.len();
    let (by_status, moved) = wait_settled(stack, d, &specs, opened.case_ids.len(), &bar).await;
    let wall = start.elapsed();
    let by_status = match (by_status, d.finish) {
        (Ok(_), true) => {
            bar.set_message("finishing");
            crate::finish::finish(stack, &opened.buyers, moved).await
        }
        (by, _) => by,
    };
    stop.store(true, Ordering::Relaxed);
    let collected = couriers.await.unwrap_or(0);
    let shops = match shops {
        Some(t) => t.await.ok(),
        None => None,
    };
    bar.finish_with_message("done");
    let by_status = by_status?;

    // Read every case's timeline once, after the run (not part of the measured window).
    let views: Vec<Value> = futures::stream::iter(opened.case_ids.clone())
        .map(|id| async move { crate::journey::case_view(stack, &id).await.ok() })
        .buffer_unordered(16)
        .filter_map(|v| async move { v })
        .collect()
        .await;
    Ok(Outcome {
        case_ids: opened.case_ids,
        open_failures,
        open_latency: Stats::of(opened.latency_ms),
        wall,
        views,
        by_status,
        collected,
        shops,
    })
}

/// The four partner companies' riders, accepting and collecting every job dispatched to them.
fn spawn_couriers(stack: &Stack, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    let companies = ["sf-express", "jd-logistics", "yto-express", "zto-express"]
        .into_iter()
        .map(|c| {
            let token = stack.partner_token(returns_auth::Role::Courier, c);
            (c.to_owned(), token)
        })
        .collect();
    tokio::spawn(run_couriers(
        stack.client.clone(),
        stack.url("logistics"),
        companies,
        stop,
    ))
}

/// The programme's shops, deciding their review queues and confirming receipts.
fn spawn_shops(
    stack: &Stack,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<Arc<crate::merchant_desk::Decided>> {
    let shops = stack
        .options
        .programme_merchants
        .iter()
        .map(|m| {
            (
                m.clone(),
                stack.partner_token(returns_auth::Role::Merchant, m),
            )
        })
        .collect();
    tokio::spawn(crate::merchant_desk::run_merchants(
        stack.client.clone(),
        stack.url("audit"),
        stack.url("payment"),
        shops,
        stop,
    ))
}

fn progress_bar(d: &Drive) -> ProgressBar {
    let bar = if d.show_progress {
        ProgressBar::new(d.cases as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg:>9} [{bar:40}] {pos}/{len} settled ({elapsed})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message("running");
    bar
}

/// The cases the buyers opened: their ids, how long each request took, and whose they are.
struct Opened {
    case_ids: Vec<String>,
    latency_ms: Vec<f64>,
    buyers: Vec<(String, String)>,
}

/// Every case opened at its moment of the offered rate, the progress shown meanwhile.
async fn open_all(
    stack: &Stack,
    d: &Drive,
    specs: &[crate::cases::CaseSpec],
    start: Instant,
    bar: &ProgressBar,
) -> Opened {
    let mut sends = Vec::with_capacity(d.cases);
    for (i, spec) in specs.iter().enumerate() {
        let at = start + Duration::from_secs_f64(i as f64 / d.rate);
        let body = open_case_body(&format!("ol-{i}"), spec);
        let token = stack.token(returns_auth::Role::Buyer, &format!("b-{i}"));
        let (client, url) = (
            stack.client.clone(),
            format!("{}/buyer/cases", stack.url("intake")),
        );
        sends.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let t = Instant::now();
            let r = client
                .post(&url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .ok()?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            let v: Value = r.json().await.ok()?;
            Some((v["case_id"].as_str()?.to_owned(), ms, i))
        }));
    }
    let progress = async {
        loop {
            if let Ok((n, _)) = settled_count(stack).await {
                bar.set_position(n as u64);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let results = tokio::select! {
        r = futures::future::join_all(sends) => r,
        _ = progress => unreachable!("the progress loop never ends"),
    };
    let mut opened = Opened {
        case_ids: Vec::new(),
        latency_ms: Vec::new(),
        buyers: Vec::new(),
    };
    for (id, ms, i) in results.into_iter().flatten().flatten() {
        opened.case_ids.push(id.clone());
        opened.latency_ms.push(ms);
        opened.buyers.push((id, format!("b-{i}")));
    }
    opened
}

/// Waits until `expected` cases settled; answers the count by status and whether the clocks
/// were moved past RS-3's cut-off (once nothing else moves, so refunds before shipment pay).
async fn wait_settled(
    stack: &Stack,
    d: &Drive,
    specs: &[crate::cases::CaseSpec],
    expected: usize,
    bar: &ProgressBar,
) -> (anyhow::Result<Value>, bool) {
    let expected = expected as i64;
    let patience = Duration::from_secs(120 + d.cases as u64 / 20);
    let cutoff = match stack.operator().get("intake", "/operator/policies").await {
        Ok((_, policy)) => policy["unshipped_refund_cutoff_minutes"]
            .as_i64()
            .unwrap_or(0),
        Err(e) => return (Err(e), false),
    };
    let moved = AtomicBool::new(cutoff == 0);
    let moved = &moved;
    let refunds_before_shipment = specs.iter().filter(|s| s.kind == "refund_only").count() as i64;
    let by_status = wait_for("every case to settle", patience, || {
        let bar = bar.clone();
        async move {
            let (n, by) = settled_count(stack).await?;
            bar.set_position(n as u64);
            let waiting = by["approved"].as_i64().unwrap_or(0);
            // Only the refunds before shipment wait (approved); everything else has settled.
            let only_cutoff_left = waiting == refunds_before_shipment && n + waiting >= expected;
            if n < expected && only_cutoff_left && !moved.swap(true, Ordering::SeqCst) {
                stack.advance_clocks((cutoff + 1) * 60).await?;
            }
            Ok((n >= expected).then_some(by))
        }
    })
    .await;
    (by_status, moved.load(Ordering::SeqCst))
}

/// The orders of a marketplace: spread over the seven shops of the programme, and every third
/// one with a second line the buyer keeps, so cases return part of an order.
fn realistic(i: usize, mut order: crate::orders::OrderSpec) -> crate::orders::OrderSpec {
    order.merchant_id = format!("m-{}", i % 7 + 1);
    if i.is_multiple_of(3) {
        let mut kept = order.lines[0].clone();
        kept.line_id = format!("{}-kept", kept.line_id);
        kept.quantity = 2;
        kept.amount_paid_fen = 2 * 4_900;
        order.lines.push(kept);
    }
    order
}
