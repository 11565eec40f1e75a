//! MP-1..MP-3: the worry-free programme gates fast return; a merchant that left the freight
//! insurance waits 45 days to rejoin; its standing is built from the platform's events.

use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(
    clippy::too_many_lines,
    reason = "one journey, each step asserted where it happens"
)]
async fn mp_1_mp_2_mp_3_programme_gates_fast_return_rejoin_waits_and_standing_is_visible()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("merchants")).await?;
    journey::load_ratings(&stack, &[("b-mp".into(), 5)]).await?;
    // Order lines of 7 characters belong to merchant m-1 (see `cases::open_case_body`).
    let m = "m-1";
    let url = "/merchant/programme";
    let (s, b) = stack
        .merchant(m)
        .post("audit", url, &json!({ "action": "join" }))
        .await?;
    assert_eq!(s, 409, "already a member: {b}");
    let (s, b) = stack
        .merchant(m)
        .post("audit", url, &json!({ "action": "pause" }))
        .await?;
    assert_eq!((s, b["field"].as_str()), (400, Some("action")), "{b}");
    let (s, b) = stack
        .merchant(m)
        .post(
            "audit",
            url,
            &json!({ "action": "leave", "left_freight_insurance": true }),
        )
        .await?;
    assert_eq!(s, 200, "MP-1: a member leaves at any time: {b}");

    // MP-1: without the programme, no fast return: the merchant reviews.
    let case = journey::open_case(&stack, "b-mp", "ol-mp-1", &CaseSpec::fast_return()).await?;
    let view = journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let last = view["timeline"].as_array().and_then(|t| t.last()).cloned();
    assert_eq!(last.map(|l| l["rule_id"].clone()), Some(json!("MP-1")));

    // MP-2: rejoining waits 45 days after leaving the freight insurance.
    let (s, b) = stack
        .merchant(m)
        .post("audit", url, &json!({ "action": "join" }))
        .await?;
    assert_eq!(s, 409, "{b}");
    assert!(
        b["detail"].as_str().unwrap_or_default().contains("MP-2"),
        "{b}"
    );
    stack.advance_clocks(46 * 86_400).await?;
    let (s, b) = stack
        .merchant(m)
        .post("audit", url, &json!({ "action": "join" }))
        .await?;
    assert_eq!(s, 200, "{b}");

    // A member again: 0-second approval, and the fast refund shows on its standing (MP-3).
    let fast = journey::open_case(&stack, "b-mp", "ol-mp-2", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &fast, "SF5000000001").await?;
    journey::wait_status(&stack, &fast, "closed").await?;
    let standing = wait_for("the standing to show the advance", PATIENCE, || async {
        let (_, v) = stack
            .operator()
            .get("audit", &format!("/operator/merchants/{m}/standing"))
            .await?;
        Ok((v["outstanding_recovery_fen"] == 19_900).then_some(v))
    })
    .await?;
    assert_eq!(standing["in_programme"], true, "{standing}");
    assert!(standing["refunds"].as_i64() >= Some(1), "{standing}");
    assert!(standing["average_refund_hours"].is_number(), "{standing}");
    let (s, b) = stack
        .merchant(m)
        .post(
            "payment",
            &format!("/merchant/cases/{fast}/receipt"),
            &json!({}),
        )
        .await?;
    assert_eq!(s, 200, "{b}");
    wait_for(
        "the recovery to clear on the standing",
        PATIENCE,
        || async {
            let (_, v) = stack
                .operator()
                .get("audit", &format!("/operator/merchants/{m}/standing"))
                .await?;
            Ok((v["outstanding_recovery_fen"] == 0).then_some(()))
        },
    )
    .await?;
    let (s, _) = stack
        .operator()
        .get("audit", "/operator/merchants/m-unknown/standing")
        .await?;
    assert_eq!(s, 404);
    stack.shutdown().await
}

/// MP-3 without a hot row: events of one merchant applied by different partition workers (two
/// cities on two shards) add to different slots, and the standing is their sum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mp_3_standing_sums_what_different_partitions_applied() -> anyhow::Result<()> {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let stack = Stack::start(StackOptions::for_test("merchants_slots")).await?;
    journey::load_ratings(&stack, &[("b-slots".into(), 5)]).await?;
    // Order lines of 7 characters belong to m-1; Shanghai is on shard east, Beijing on north.
    let m = "m-1";
    for (line, city, tracking) in [
        ("ol-sh-1", "shanghai", "SF5100000001"),
        ("ol-bj-1", "beijing", "SF5100000002"),
    ] {
        let spec = CaseSpec {
            city,
            ..CaseSpec::fast_return()
        };
        let case = journey::open_case(&stack, "b-slots", line, &spec).await?;
        journey::courier_collects(&stack, &case, tracking).await?;
        journey::wait_status(&stack, &case, "closed").await?;
    }
    let standing = wait_for("both refunds on the standing", PATIENCE, || async {
        let (_, v) = stack
            .operator()
            .get("audit", &format!("/operator/merchants/{m}/standing"))
            .await?;
        Ok((v["refunds"] == 2).then_some(v))
    })
    .await?;
    assert_eq!(
        standing["outstanding_recovery_fen"],
        2 * 19_900,
        "{standing}"
    );

    #[derive(diesel::QueryableByName)]
    struct Slots {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(&stack.db_urls["audit"]).await?;
    let slots: Slots = diesel::sql_query(
        "SELECT count(*) AS n FROM merchant_standing_slots WHERE merchant_id = 'm-1'",
    )
    .get_result(&mut conn)
    .await?;
    assert_eq!(slots.n, 2, "one slot per partition that applied an event");
    stack.shutdown().await
}
