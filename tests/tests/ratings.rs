//! CR-1 and CR-3: ratings come from the rating job; a case keeps the rating it was opened with.

use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{Stack, StackOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cr_1_cr_3_rating_change_applies_only_to_cases_opened_after_it() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("ratings")).await?;
    // CR-1: the rating job's delivery; a buyer it has not rated has no privileges.
    journey::load_ratings(&stack, &[("b-r".into(), 4)]).await?;
    let before = journey::open_case(&stack, "b-r", "ol-6001", &CaseSpec::fast_return()).await?;
    journey::load_ratings(&stack, &[("b-r".into(), 1)]).await?;
    let after = journey::open_case(&stack, "b-r", "ol-6002", &CaseSpec::fast_return()).await?;
    let unrated =
        journey::open_case(&stack, "b-nobody", "ol-6003", &CaseSpec::fast_return()).await?;

    let v = journey::wait_status(&stack, &before, "pickup_dispatched").await?;
    assert_eq!(
        v["case"]["buyer_rating"], 4,
        "CR-3: the open case keeps the rating it was opened with"
    );
    let v = journey::wait_status(&stack, &after, "awaiting_merchant").await?;
    assert_eq!(
        v["case"]["buyer_rating"], 1,
        "CR-3: the change applies to cases opened after it"
    );
    let v = journey::wait_status(&stack, &unrated, "awaiting_merchant").await?;
    assert_eq!(v["case"]["buyer_rating"], 1);

    // CR-1: the rating job may deliver its file as it is.
    let upload = |csv: &'static str| {
        let stack = &stack;
        async move {
            let r = stack
                .client
                .put(format!("{}/operator/ratings", stack.url("intake")))
                .bearer_auth(stack.operator().token())
                .header("content-type", "text/csv")
                .body(csv)
                .send()
                .await?;
            let status = r.status().as_u16();
            anyhow::Ok((
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            ))
        }
    };
    let (s, v) = upload("buyer_id,stars\nb-file-1,5\nb-file-2,2\n").await?;
    assert_eq!((s, v["stored"].as_i64()), (200, Some(2)));
    let (s, p) = upload("buyer_id,stars\nb-file-3,4\nb-file-4,seven\n").await?;
    assert_eq!((s, p["field"].as_str()), (422, Some("line 3")), "{p}");
    let filed = journey::open_case(&stack, "b-file-1", "ol-6004", &CaseSpec::fast_return()).await?;
    let v = journey::wait_status(&stack, &filed, "pickup_dispatched").await?;
    assert_eq!(v["case"]["buyer_rating"], 5);
    let refused =
        journey::open_case(&stack, "b-file-3", "ol-6005", &CaseSpec::fast_return()).await?;
    let v = journey::wait_status(&stack, &refused, "awaiting_merchant").await?;
    assert_eq!(
        v["case"]["buyer_rating"], 1,
        "a refused file stores nothing"
    );
    stack.shutdown().await
}
