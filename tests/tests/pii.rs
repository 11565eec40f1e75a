//! Issue 4, point 9: a buyer's phone number and address are kept only by logistics (which
//! sends the courier), travel on Kafka only on the courier-jobs topic, and appear in no log and
//! no span. Issue 12 item 4: they travel with the case's opening (`contact.given`), so that the
//! approval goes from audit straight to logistics, and intake keeps none.

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::journey;
use std::time::Duration;

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
    let types: Vec<String> = jobs
        .iter()
        .filter_map(|r| serde_json::from_slice::<serde_json::Value>(&r.payload).ok())
        .filter_map(|v| v["event_type"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        types,
        ["contact.given"],
        "the contact went once, with the opening; no courier job came back through intake"
    );
    assert!(
        String::from_utf8_lossy(&jobs[0].payload).contains(PHONE),
        "it carries the contact the courier needs"
    );
    assert_eq!(
        stack.rows_of_case("intake", "case_contacts", &case).await?,
        0
    );
    assert_eq!(
        stack.rows_of_case("logistics", "contacts", &case).await?,
        0,
        "kept on the job only"
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

/// Issue 12 item 4, K-2: a contact no courier will need is forgotten. The merchant's rejection
/// of a return is final, and logistics deletes the contact it held (an after-sales rejection is
/// not final, AS-2, and keeps it: `machine::closes`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn k_2_a_contact_whose_case_ends_without_a_job_is_forgotten() -> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("pii_forget")).await?;
    journey::load_ratings(&stack, &[("b-pii-2".into(), 2)]).await?;
    let spec = CaseSpec {
        stars: 2,
        ..CaseSpec::fast_return()
    };
    let case = journey::open_case(&stack, "b-pii-2", "ol-pii-2", &spec).await?;
    journey::wait_status(&stack, &case, "awaiting_merchant").await?;
    let held = |c: String| {
        let stack = &stack;
        async move { stack.rows_of_case("logistics", "contacts", &c).await }
    };
    returns_harness::wait_for(
        "logistics holds the contact",
        Duration::from_secs(20),
        || {
            let h = held(case.clone());
            async move { Ok((h.await? == 1).then_some(())) }
        },
    )
    .await?;
    let (s, body) = journey::merchant_decides(
        &stack,
        &case,
        serde_json::json!({ "decision": "reject", "reason": "Worn." }),
    )
    .await?;
    assert_eq!(s, 200, "{body}");
    journey::wait_status(&stack, &case, "closed").await?;
    returns_harness::wait_for(
        "logistics forgets the contact",
        Duration::from_secs(20),
        || {
            let h = held(case.clone());
            async move { Ok((h.await? == 0).then_some(())) }
        },
    )
    .await?;
    assert_eq!(
        stack.rows_of_case("intake", "case_contacts", &case).await?,
        0
    );
    stack.shutdown().await
}
