//! Issue 2, item 12: on SIGTERM a service finishes what is in flight, commits, and exits 0;
//! nothing is lost or done twice across the restart.

use std::time::Duration;

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{SERVICES, Stack, StackOptions, kafka};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_commits_and_exits_zero_without_losing_or_repeating_work()
-> anyhow::Result<()> {
    let mut stack = Stack::start(StackOptions::for_test("shutdown")).await?;
    let buyers: Vec<(String, i16)> = (0..30).map(|i| (format!("b-{i}"), 4)).collect();
    journey::load_ratings(&stack, &buyers).await?;
    let mut ids = Vec::new();
    for (i, (b, _)) in buyers.iter().enumerate() {
        ids.push(
            journey::open_case(&stack, b, &format!("ol-{i}"), &CaseSpec::fast_return()).await?,
        );
    }
    // Stop audit while it works through them, then start it again.
    let status = stack.restart("audit").await?;
    assert!(status.success(), "audit exited with {status}");
    for id in &ids {
        journey::wait_status(&stack, id, "pickup_dispatched").await?;
    }
    let decisions = kafka::read_all(
        &stack.broker.bootstrap(),
        topics::DECISIONS,
        stack.partitions,
    )?;
    assert_eq!(
        decisions.len(),
        ids.len(),
        "one decision per case, none repeated after the restart"
    );

    // Every service stops cleanly.
    for svc in SERVICES {
        if let Some((p, _)) = stack.services.get_mut(svc) {
            let status = p.terminate(Duration::from_secs(30))?;
            assert!(status.success(), "{svc} exited with {status}");
        }
    }
    returns_harness::databases::drop_all(&stack.options.db_prefix).await
}
