//! Partner courier companies' systems, simulated: they poll logistics for dispatched jobs,
//! accept each, collect the parcel and upload a tracking number (PK-2, PK-4).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

/// Runs until `stop` is set; answers how many parcels were collected. Each company calls
/// with its own bearer token.
pub async fn run_couriers(
    client: reqwest::Client,
    logistics: String,
    companies: Vec<(String, String)>,
    stop: Arc<AtomicBool>,
) -> u64 {
    let collected = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for (company, token) in companies {
        let (client, base, stop, collected) = (
            client.clone(),
            logistics.clone(),
            stop.clone(),
            collected.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let url = format!("{base}/courier/jobs?status=dispatched&limit=100");
                let jobs: Vec<Value> = match client.get(&url).bearer_auth(&token).send().await {
                    Ok(r) => r
                        .json::<Value>()
                        .await
                        .ok()
                        .and_then(|v| v["jobs"].as_array().cloned())
                        .unwrap_or_default(),
                    Err(_) => Vec::new(),
                };
                if jobs.is_empty() {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                let steps = jobs
                    .iter()
                    .filter_map(|j| j["job_id"].as_str().map(str::to_owned))
                    .map(|id| {
                        let (client, base, company, collected, token) = (
                            client.clone(),
                            base.clone(),
                            company.clone(),
                            collected.clone(),
                            token.clone(),
                        );
                        async move {
                            let accept = client
                            .post(format!("{base}/courier/jobs/{id}/accept"))
                            .bearer_auth(&token)
                            .json(&json!({ "rider": { "id": "r-sim", "real_name": "Zhang Wei" } }))
                            .send()
                            .await;
                            if accept.map(|r| r.status().is_success()).unwrap_or(false) {
                                let n = collected.fetch_add(1, Ordering::Relaxed);
                                let tracking = format!(
                                    "{}{:010}",
                                    company.chars().take(2).collect::<String>().to_uppercase(),
                                    n
                                );
                                let _ = client
                                    .post(format!("{base}/courier/jobs/{id}/pickup"))
                                    .bearer_auth(&token)
                                    .json(&json!({ "tracking_number": tracking }))
                                    .send()
                                    .await;
                            }
                        }
                    });
                futures::future::join_all(steps).await;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    collected.load(Ordering::Relaxed)
}
