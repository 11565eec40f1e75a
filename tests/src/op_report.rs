//! OP: the operator's figures, gathered from intake's and logistics' own reports (each service
//! reports on its own data) and printed as tables.

use serde_json::Value;

fn num(v: &Value, digits: usize) -> String {
    v.as_f64()
        .map(|f| format!("{f:.digits$}"))
        .unwrap_or_else(|| "-".to_owned())
}

/// Fetches and prints the report of the services at `intake` and `logistics`, as the operator
/// holding `token`.
pub async fn print(
    client: &reqwest::Client,
    token: &str,
    intake: &str,
    logistics: &str,
) -> anyhow::Result<()> {
    let i: Value = client
        .get(format!("{intake}/operator/reports/operator"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    let l: Value = client
        .get(format!("{logistics}/operator/reports/operator"))
        .bearer_auth(token)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "| city | cases | approved at once | approval p50 / p99 ms | tracking→refund p50 / p99 ms | request→refund p50 ms | fastest refund ms |"
    );
    println!("|---|---|---|---|---|---|---|");
    for c in i["cities"].as_array().into_iter().flatten() {
        println!(
            "| {} | {} | {} | {} / {} | {} / {} | {} | {} |",
            c["city"].as_str().unwrap_or(""),
            c["cases"],
            c["approved_at_once"],
            num(&c["approval_ms_p50"], 0),
            num(&c["approval_ms_p99"], 0),
            num(&c["tracking_to_refund_ms_p50"], 0),
            num(&c["tracking_to_refund_ms_p99"], 0),
            num(&c["request_to_refund_ms_p50"], 0),
            num(&c["request_to_refund_ms_min"], 0),
        );
    }
    println!(
        "\n| courier | city | jobs | accepted | response p50 / p99 s | arrived | on time | late |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for c in l["couriers"].as_array().into_iter().flatten() {
        println!(
            "| {} | {} | {} | {} | {} / {} | {} | {} | {} |",
            c["courier_company"].as_str().unwrap_or(""),
            c["city"].as_str().unwrap_or(""),
            c["jobs"],
            c["accepted"],
            num(&c["response_seconds_p50"], 1),
            num(&c["response_seconds_p99"], 1),
            c["arrived"],
            c["on_time_rate"]
                .as_f64()
                .map(|r| format!("{:.0}%", r * 100.0))
                .unwrap_or_else(|| "-".into()),
            c["late"],
        );
    }
    let merchants = i["merchants"].as_array().cloned().unwrap_or_default();
    let refunds: i64 = merchants.iter().filter_map(|m| m["refunds"].as_i64()).sum();
    let hours: f64 = merchants
        .iter()
        .filter_map(|m| {
            Some(m["average_request_to_refund_hours"].as_f64()? * m["refunds"].as_f64()?)
        })
        .sum();
    if refunds > 0 {
        println!(
            "\nMerchants' average time from request to refund: {:.2} hours over {refunds} refunds ({} merchants).",
            hours / refunds as f64,
            merchants.len()
        );
    }
    Ok(())
}
