//! Issue 4, point 9: a buyer's phone number and address are kept only by intake (until the
//! case is approved) and logistics (which sends the courier), travel on Kafka only in
//! `courier_job.ordered` on the courier-jobs topic, and appear in no log and no span.

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use returns_harness::{SERVICES, Stack, StackOptions, kafka};

/// The door-pickup contact every generated case carries (`cases::open_case_body`).
const PHONE: &str = "13800138000";
const STREET: &str = "Century Avenue";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_numbers_stay_off_every_topic_but_the_courier_jobs_and_out_of_logs_and_spans()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("pii")).await?;
    journey::load_ratings(&stack, &[("b-pii".into(), 5)]).await?;
    let case = journey::open_case(&stack, "b-pii", "ol-pii-1", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &case, "SF7700000001").await?;
    journey::wait_refund(&stack, &case).await?;
    journey::wait_status(&stack, &case, "closed").await?;

    let bootstrap = stack.broker.bootstrap();
    for topic in [
        topics::CASES,
        topics::DECISIONS,
        topics::PICKUPS,
        topics::PAYMENTS,
    ] {
        for r in kafka::read_all(&bootstrap, topic, stack.partitions)? {
            let text = String::from_utf8_lossy(&r.payload);
            assert!(
                !text.contains(PHONE) && !text.contains(STREET),
                "{topic} carries personal data: {text}"
            );
        }
    }
    let jobs = kafka::read_all(&bootstrap, topics::COURIER_JOBS, stack.partitions)?;
    assert!(
        jobs.iter()
            .any(|r| String::from_utf8_lossy(&r.payload).contains(PHONE)),
        "the courier job carries the contact the courier needs"
    );

    // The rider still gets the phone number (the courier company's job).
    let (_, listed) = stack
        .courier("sf-express")
        .get("logistics", "/courier/jobs?status=collected")
        .await?;
    assert!(listed.to_string().contains(PHONE), "{listed}");

    let mut masked = false;
    for svc in SERVICES {
        let log = std::fs::read_to_string(stack.options.run_dir.join(format!("{svc}.log")))?;
        assert!(
            !log.contains(PHONE),
            "{svc}'s log holds a full phone number"
        );
        assert!(!log.contains(STREET), "{svc}'s log holds an address");
        masked |= log.contains("*********8000");
    }
    assert!(
        masked,
        "logistics logs the courier job with the phone masked"
    );
    let spans = stack.otlp.as_ref().map(|o| o.spans()).unwrap_or_default();
    assert!(!spans.is_empty(), "the journey was traced");
    for s in &spans {
        let text = format!("{} {:?}", s.name, s.attributes);
        assert!(
            !text.contains(PHONE) && !text.contains(STREET),
            "span {text}"
        );
    }
    stack.shutdown().await
}
