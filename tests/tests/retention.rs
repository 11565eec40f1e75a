//! The inbox retention job: idempotency records older than `inbox.retention_hours` are
//! deleted; recent ones stay (a redelivery now is still recognised).

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, wait_for};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn count(url: &str, sql: &str) -> anyhow::Result<i64> {
    let mut conn = AsyncPgConnection::establish(url).await?;
    Ok(diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .await?
        .n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox_rows_older_than_the_retention_are_pruned_and_recent_ones_kept() -> anyhow::Result<()>
{
    let mut options = StackOptions::for_test("retention");
    options
        .extra_env
        .push(("RETURNS__INBOX__PRUNE_EVERY_SECONDS".into(), "1".into()));
    let stack = Stack::start(options).await?;
    journey::load_ratings(&stack, &[("b-ret".into(), 3)]).await?;
    let case = journey::open_case(&stack, "b-ret", "ol-ret", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &case, "SF1100000001").await?;
    journey::wait_status(&stack, &case, "closed").await?;

    let url = stack.db_urls["intake"].clone();
    let mut conn = AsyncPgConnection::establish(&url).await?;
    diesel::sql_query(
        "INSERT INTO inbox (event_id, topic, partition, record_offset, processed_at) \
         VALUES (gen_random_uuid(), 'returns.decisions.v1', 0, 0, now() - interval '200 hours')",
    )
    .execute(&mut conn)
    .await?;
    wait_for("the old row to be pruned", PATIENCE, || async {
        let old = count(
            &url,
            "SELECT count(*) AS n FROM inbox WHERE processed_at < now() - interval '168 hours'",
        )
        .await?;
        Ok((old == 0).then_some(()))
    })
    .await?;
    let recent = count(&url, "SELECT count(*) AS n FROM inbox").await?;
    assert!(recent > 0, "this journey's records are kept");
    stack.shutdown().await
}
