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
    stack.shutdown().await
}
