//! Merchants' shops, simulated for the demo: each polls its review queue (RV-1) and decides.
//! Most requests are approved, some rejected with a reason the buyer reads (RV-2), and some
//! left undecided, as a shop that is late would, so that RV-1 approves them when the demo
//! moves the clock past the review deadline. Once the parcel of a request it approved is on its
//! way, the shop confirms receipt (PAY-3), which pays the refund from its own funds.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

/// What a shop does with one request, decided from the case id so runs repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Approve,
    Reject,
    Late,
}

fn verdict_of(case_id: &str) -> Verdict {
    let h = case_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    match h % 20 {
        0..=1 => Verdict::Reject,
        2..=4 => Verdict::Late,
        _ => Verdict::Approve,
    }
}

/// How many requests the shops decided, and how many they let wait.
#[derive(Debug, Default)]
pub struct Decided {
    pub approved: AtomicU64,
    pub rejected: AtomicU64,
    pub left_late: AtomicU64,
    pub received: AtomicU64,
}

/// Runs until `stop` is set. Each shop (name, bearer token) calls audit with its own token.
pub async fn run_merchants(
    client: reqwest::Client,
    audit: String,
    payment: String,
    shops: Vec<(String, String)>,
    stop: Arc<AtomicBool>,
) -> Arc<Decided> {
    let decided = Arc::new(Decided::default());
    let mut tasks = Vec::new();
    for (_shop, token) in shops {
        let (client, base, pay, stop, decided) = (
            client.clone(),
            audit.clone(),
            payment.clone(),
            stop.clone(),
            decided.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut late = HashSet::new();
            // Approved here or by RV-1: the parcel comes back to the shop.
            let mut to_receive: HashSet<String> = HashSet::new();
            while !stop.load(Ordering::Relaxed) {
                let queue = format!("{base}/merchant/cases?limit=100");
                let items: Vec<Value> = match client.get(&queue).bearer_auth(&token).send().await {
                    Ok(r) => r
                        .json::<Value>()
                        .await
                        .ok()
                        .and_then(|v| v["items"].as_array().cloned())
                        .unwrap_or_default(),
                    Err(_) => Vec::new(),
                };
                let mut acted = false;
                for id in items.iter().filter_map(|i| i["case_id"].as_str()) {
                    let body = match verdict_of(id) {
                        Verdict::Late => {
                            if late.insert(id.to_owned()) {
                                decided.left_late.fetch_add(1, Ordering::Relaxed);
                                to_receive.insert(id.to_owned());
                            }
                            continue;
                        }
                        Verdict::Approve => json!({ "decision": "approve" }),
                        Verdict::Reject => json!({
                            "decision": "reject",
                            "reason": "The photos show wear; the item cannot be resold."
                        }),
                    };
                    let url = format!("{base}/merchant/cases/{id}/decision");
                    let ok = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if ok {
                        acted = true;
                        let n = if body["decision"] == "approve" {
                            to_receive.insert(id.to_owned());
                            &decided.approved
                        } else {
                            &decided.rejected
                        };
                        n.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if !acted {
                    let received = receive(&client, &pay, &token, &mut to_receive).await;
                    decided.received.fetch_add(received, Ordering::Relaxed);
                    // A shop's staff look at the queue now and then, not in a tight loop.
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    decided
}

/// PAY-3: confirms receipt of every parcel that has arrived; the others are tried again later.
async fn receive(
    client: &reqwest::Client,
    payment: &str,
    token: &str,
    waiting: &mut HashSet<String>,
) -> u64 {
    let mut done = Vec::new();
    for id in waiting.iter() {
        let url = format!("{payment}/merchant/cases/{id}/receipt");
        let ok = client
            .post(&url)
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            done.push(id.clone());
        }
    }
    for id in &done {
        waiting.remove(id);
    }
    done.len() as u64
}
