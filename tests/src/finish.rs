//! The demo's last act, after the measured run: what waits on people outside the platform is
//! played out until every case is closed. The shops that were late let RV-1's review deadline
//! pass (the clocks move past it, which also passes RS-3's cut-off), and buyers who ship their
//! own parcels (CT-2) enter their tracking numbers.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};

use crate::{Stack, wait_for};

/// Moves the clocks past the review deadline once, then ships for the buyers until every case
/// in `cases` (case id, its buyer) is closed; answers the cases by status at the end.
pub async fn finish(
    stack: &Stack,
    cases: &[(String, String)],
    cutoff_passed: bool,
) -> anyhow::Result<Value> {
    let buyer_of: std::collections::HashMap<&str, &str> = cases
        .iter()
        .map(|(c, b)| (c.as_str(), b.as_str()))
        .collect();
    let buyer_of = &buyer_of;
    // Only the cases still open are read again (customer service's reads are rate-limited).
    let open_ids =
        tokio::sync::Mutex::new(cases.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>());
    let open_ids = &open_ids;
    let (_, policy) = stack.operator().get("intake", "/operator/policies").await?;
    let review_hours = policy["merchant_review_hours"].as_i64().unwrap_or(72);
    let (_, by) = stack
        .operator()
        .get("intake", "/operator/stats/cases-by-status")
        .await?;
    let waiting = |s: &str| by["by_status"][s].as_i64().unwrap_or(0);
    if waiting("awaiting_merchant") > 0 || (!cutoff_passed && waiting("approved") > 0) {
        stack.advance_clocks((review_hours + 1) * 3600).await?;
    }
    let shipped = tokio::sync::Mutex::new(HashSet::new());
    let shipped = &shipped;
    let patience = Duration::from_secs(180 + cases.len() as u64 / 10);
    let still_open = std::sync::Mutex::new(std::collections::BTreeMap::<String, usize>::new());
    let still_open = &still_open;
    let closed = wait_for("every case to close", patience, || async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let ids = open_ids.lock().await.clone();
        let (open, unread) = open_cases(stack, &ids).await;
        if unread.is_empty() {
            *open_ids.lock().await = open
                .iter()
                .filter_map(|v| v["case"]["id"].as_str().map(str::to_owned))
                .collect();
        }
        if let Ok(mut by) = still_open.lock() {
            by.clear();
            for v in &open {
                let s = v["case"]["status"].as_str().unwrap_or("?").to_owned();
                *by.entry(s).or_default() += 1;
            }
            for e in unread.iter().take(1) {
                by.insert(format!("unread: {e}"), unread.len());
            }
        }
        for v in &open {
            let id = v["case"]["id"].as_str().unwrap_or_default();
            if let (true, Some(buyer)) = (
                v["case"]["status"] == "awaiting_buyer_shipment",
                buyer_of.get(id),
            ) {
                ship(stack, id, buyer, shipped).await?;
            }
        }
        if !open.is_empty() || !unread.is_empty() {
            return Ok(None);
        }
        let (_, by) = stack
            .operator()
            .get("intake", "/operator/stats/cases-by-status")
            .await?;
        Ok(Some(by["by_status"].clone()))
    })
    .await;
    closed.map_err(|e| {
        let open = still_open
            .lock()
            .map(|b| format!("{b:?}"))
            .unwrap_or_default();
        e.context(format!("cases still open, by status: {open}"))
    })
}

/// The cases not closed yet, as customer service reads them, and why some could not be read.
async fn open_cases(stack: &Stack, case_ids: &[String]) -> (Vec<Value>, Vec<String>) {
    let views: Vec<anyhow::Result<Value>> = futures::stream::iter(case_ids.to_vec())
        .map(|id| async move { crate::journey::case_view(stack, &id).await })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut open = Vec::new();
    let mut unread = Vec::new();
    for v in views {
        match v {
            Ok(v) if v["case"]["status"] == "closed" => {}
            Ok(v) => open.push(v),
            Err(e) => unread.push(e.to_string()),
        }
    }
    (open, unread)
}

/// CT-2: the buyer hands the parcel to a carrier and enters its tracking number, once.
async fn ship(
    stack: &Stack,
    id: &str,
    buyer: &str,
    shipped: &tokio::sync::Mutex<HashSet<String>>,
) -> anyhow::Result<()> {
    let mut done = shipped.lock().await;
    if done.contains(id) {
        return Ok(());
    }
    let tracking = format!("EMS{:010}", done.len() + 1);
    let (s, _) = stack
        .buyer(buyer)
        .post(
            "logistics",
            &format!("/buyer/cases/{id}/shipment"),
            &json!({ "carrier": "ems", "tracking_number": tracking }),
        )
        .await?;
    if s == 200 {
        done.insert(id.to_owned());
    }
    Ok(())
}
