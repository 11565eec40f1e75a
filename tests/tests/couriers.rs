//! PK-3 and PK-6: riders are identified by real name when they take a job, their call to the
//! buyer is recorded, and buyers' complaints count per rider and per area.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{Stack, StackOptions};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pk_3_pk_6_riders_by_real_name_their_calls_and_complaints_per_rider_and_area()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("couriers")).await?;
    journey::load_ratings(&stack, &[("b-pk6".into(), 3)]).await?;
    let case = journey::open_case(&stack, "b-pk6", "ol-pk6", &CaseSpec::fast_return()).await?;
    let job = journey::wait_job(&stack, &case).await?;
    let job_id = job["job_id"].as_str().unwrap_or_default().to_owned();
    let company = job["courier_company"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let post = |step: &str, body: serde_json::Value| {
        let (stack, url) = (&stack, format!("/courier/jobs/{job_id}/{step}"));
        let company = company.clone();
        async move { stack.courier(&company).post("logistics", &url, &body).await }
    };
    let (s, b) = post(
        "accept",
        json!({ "rider": { "id": "r-77", "real_name": " " } }),
    )
    .await?;
    assert_eq!(
        (s, b["field"].as_str()),
        (422, Some("rider.real_name")),
        "{b}"
    );
    let (s, b) = post("call", json!({})).await?;
    assert_eq!(s, 409, "no call before the job is taken: {b}");
    let (s, b) = post(
        "accept",
        json!({ "rider": { "id": "r-77", "real_name": "Zhao Min" } }),
    )
    .await?;
    assert_eq!(s, 200, "{b}");
    // PK-6: the buyer sees who is coming, by real name and company, and no phone number.
    let (s, pickup) = stack
        .buyer("b-pk6")
        .get("logistics", &format!("/buyer/cases/{case}/pickup"))
        .await?;
    assert_eq!(s, 200, "{pickup}");
    assert_eq!(pickup["rider"]["real_name"], "Zhao Min", "{pickup}");
    assert_eq!(
        pickup["rider"]["courier_company"],
        company.as_str(),
        "{pickup}"
    );
    assert!(!pickup.to_string().contains("phone"), "{pickup}");
    let (s, _) = post("call", json!({})).await?;
    assert_eq!(s, 200);
    let (s, _) = post("pickup", json!({ "tracking_number": "SF6000000001" })).await?;
    assert_eq!(s, 200);
    let view = journey::wait_status(&stack, &case, "closed").await?;
    assert!(
        view["timeline"].to_string().contains("rider Zhao Min"),
        "{}",
        view["timeline"]
    );
    // The company delivers the parcel to the merchant: recorded once, on the buyer's timeline.
    let (s, b) = post("deliver", json!({})).await?;
    assert_eq!((s, b["delivered"].as_bool()), (200, Some(true)), "{b}");
    let (s, _) = post("deliver", json!({})).await?;
    assert_eq!(s, 200, "a repeated report answers the same");
    let other = if company == "sf-express" {
        "jd-logistics"
    } else {
        "sf-express"
    };
    let (s, _) = stack
        .courier(other)
        .post(
            "logistics",
            &format!("/courier/jobs/{job_id}/deliver"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 404, "another company's job");
    let delivered = returns_harness::wait_for(
        "the delivery on the timeline",
        journey::PATIENCE,
        || async {
            let v = journey::case_view(&stack, &case).await?;
            let t = v["timeline"].to_string();
            Ok((t.matches("delivered your parcel").count() == 1).then_some(t))
        },
    )
    .await?;
    assert!(delivered.contains("SF6000000001"), "{delivered}");

    let url = format!("/buyer/cases/{case}/courier-complaint");
    let (s, _) = stack
        .buyer("b-other")
        .post("logistics", &url, &json!({ "text": "Rude." }))
        .await?;
    assert_eq!(s, 404, "only the case's buyer");
    let (s, b) = stack
        .buyer("b-pk6")
        .post(
            "logistics",
            &url,
            &json!({ "text": "Threw the parcel into the van." }),
        )
        .await?;
    assert_eq!(
        (s, b["rider_name"].as_str()),
        (201, Some("Zhao Min")),
        "{b}"
    );
    let (s, _) = stack
        .buyer("b-pk6")
        .post("logistics", &url, &json!({ "text": "Again." }))
        .await?;
    assert_eq!(s, 409, "one complaint per pickup");

    let (_, report) = stack
        .operator()
        .get("logistics", "/operator/reports/operator")
        .await?;
    let rider = report["riders"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["rider_id"] == "r-77"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(rider["rider_name"], "Zhao Min", "{report}");
    assert_eq!(rider["city"], "shanghai");
    assert_eq!(rider["complaints"], 1);
    assert!(rider["call_seconds_p50"].is_number(), "{rider}");
    let area = report["couriers"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|x| x["courier_company"] == company.as_str() && x["city"] == "shanghai")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(area["complaints"], 1, "{report}");
    stack.shutdown().await
}
