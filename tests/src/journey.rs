//! The steps of a case as buyers and couriers take them, over the services' HTTP APIs.

use std::time::Duration;

use serde_json::{Value, json};

use crate::cases::{CaseSpec, open_case_body, order_for};
use crate::{Stack, wait_for};

pub const PATIENCE: Duration = Duration::from_secs(60);

/// Loads ratings (CR-1) the way the rating job would.
pub async fn load_ratings(stack: &Stack, ratings: &[(String, i16)]) -> anyhow::Result<()> {
    for chunk in ratings.chunks(5_000) {
        let lines: Vec<Value> = chunk
            .iter()
            .map(|(b, s)| json!({ "buyer_id": b, "stars": s }))
            .collect();
        let (status, body) = stack
            .operator()
            .put("intake", "/operator/ratings", &json!({ "ratings": lines }))
            .await?;
        anyhow::ensure!(status == 200, "ratings refused: {status} {body}");
    }
    Ok(())
}

/// Places `spec`'s order for `buyer` on the order feed and answers the body of a request on
/// it (for tests that post it themselves, or change it first).
pub async fn order_and_body(
    stack: &Stack,
    buyer: &str,
    order_line: &str,
    spec: &CaseSpec,
) -> anyhow::Result<Value> {
    crate::orders::place(stack, &order_for(buyer, order_line, spec)).await?;
    Ok(open_case_body(order_line, spec))
}

/// Places `spec`'s order for `buyer` on the order feed, then opens the case on it (the buyer's
/// rating must be loaded) and answers its id.
pub async fn open_case(
    stack: &Stack,
    buyer: &str,
    order_line: &str,
    spec: &CaseSpec,
) -> anyhow::Result<String> {
    let body = order_and_body(stack, buyer, order_line, spec).await?;
    let (status, resp) = stack
        .buyer(buyer)
        .post("intake", "/buyer/cases", &body)
        .await?;
    anyhow::ensure!(status == 201, "case not opened: {status} {resp}");
    resp["case_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no case_id in {resp}"))
}

/// The case as customer service reads it: `{case, timeline}`.
pub async fn case_view(stack: &Stack, case_id: &str) -> anyhow::Result<Value> {
    let (status, body) = stack
        .cs()
        .get("intake", &format!("/cs/cases/{case_id}"))
        .await?;
    anyhow::ensure!(status == 200, "GET case: {status} {body}");
    Ok(body)
}

/// Waits until the case's timeline holds a line moving it to `status`. Intake reads the
/// decision and the pickup from two topics, so a courier's dispatch may show before the
/// approval's line does (the line is added when its event is read, at its own time).
pub async fn wait_line(stack: &Stack, case_id: &str, status: &str) -> anyhow::Result<Value> {
    wait_for(
        &format!("case {case_id}'s {status} line"),
        PATIENCE,
        || async move {
            let v = case_view(stack, case_id).await?;
            let has = v["timeline"]
                .as_array()
                .is_some_and(|ls| ls.iter().any(|l| l["status"] == status));
            Ok(has.then_some(v))
        },
    )
    .await
}

/// Waits until the buyer sees `status`.
pub async fn wait_status(stack: &Stack, case_id: &str, status: &str) -> anyhow::Result<Value> {
    wait_for(
        &format!("case {case_id} to be {status}"),
        PATIENCE,
        || async move {
            let v = case_view(stack, case_id).await?;
            Ok((v["case"]["status"] == status).then_some(v))
        },
    )
    .await
}

/// Waits for logistics to have a pickup job for the case and answers it.
pub async fn wait_job(stack: &Stack, case_id: &str) -> anyhow::Result<Value> {
    wait_for(
        &format!("a pickup job for {case_id}"),
        PATIENCE,
        || async move {
            let (status, body) = stack
                .cs()
                .get("logistics", &format!("/cs/cases/{case_id}/pickup"))
                .await?;
            Ok((status == 200).then_some(body))
        },
    )
    .await
}

/// The courier company accepts the job, collects the parcel and uploads `tracking`.
pub async fn courier_collects(
    stack: &Stack,
    case_id: &str,
    tracking: &str,
) -> anyhow::Result<Value> {
    let job = wait_job(stack, case_id).await?;
    let job_id = job["job_id"].as_str().unwrap_or_default().to_owned();
    let company = job["courier_company"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let courier = stack.courier(&company);
    let (s, b) = courier
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/accept"),
            &json!({ "rider": { "id": "r-001", "real_name": "Wang Fang" } }),
        )
        .await?;
    anyhow::ensure!(s == 200, "accept: {s} {b}");
    let (s, b) = courier
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/pickup"),
            &json!({ "tracking_number": tracking }),
        )
        .await?;
    anyhow::ensure!(s == 200, "pickup: {s} {b}");
    Ok(job)
}

/// Waits for payment to hold a refund for the case and answers it.
pub async fn wait_refund(stack: &Stack, case_id: &str) -> anyhow::Result<Value> {
    wait_for(
        &format!("payment to record the refund of {case_id}"),
        PATIENCE,
        || async move {
            let (status, body) = stack
                .cs()
                .get("payment", &format!("/cs/cases/{case_id}/refund"))
                .await?;
            Ok((status == 200).then_some(body))
        },
    )
    .await
}

/// The case's merchant decides it while it waits (`approve`, or `reject` with a reason).
pub async fn merchant_decides(
    stack: &Stack,
    case_id: &str,
    body: Value,
) -> anyhow::Result<(u16, Value)> {
    let merchant = merchant_of(stack, case_id).await?;
    stack
        .merchant(&merchant)
        .post(
            "audit",
            &format!("/merchant/cases/{case_id}/decision"),
            &body,
        )
        .await
}

/// The shop a case belongs to, as customer service reads it.
pub async fn merchant_of(stack: &Stack, case_id: &str) -> anyhow::Result<String> {
    let v = case_view(stack, case_id).await?;
    v["case"]["merchant_id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no merchant_id in {v}"))
}
