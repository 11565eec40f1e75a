//! PAY-2 and PAY-7: the platform's advance for a fast refund is recovered from the merchant,
//! on its receipt of the parcel or when its window passes; a merchant's dispute holds it until
//! customer service rules, and the ledger records who bears the money.
#![allow(
    clippy::too_many_lines,
    reason = "an end-to-end scenario reads as one story, step by step"
)]

use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::{Value, json};

/// A fast return paid from the platform's advance; answers (case id, merchant id).
async fn fast_refund(stack: &Stack, line: &str) -> anyhow::Result<(String, String)> {
    let case = journey::open_case(stack, "b-pay2", line, &CaseSpec::fast_return()).await?;
    journey::courier_collects(stack, &case, &format!("SF{:0>10}", line.len() * 7919)).await?;
    let refund = journey::wait_refund(stack, &case).await?;
    anyhow::ensure!(refund["status"] == "paid", "{refund}");
    let view = journey::wait_status(stack, &case, "closed").await?;
    let merchant = view["case"]["merchant_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    Ok((case, merchant))
}

async fn entries(stack: &Stack, case: &str) -> anyhow::Result<Vec<Value>> {
    let (_, l) = stack
        .operator()
        .get("payment", &format!("/operator/cases/{case}/ledger"))
        .await?;
    Ok(l["entries"].as_array().cloned().unwrap_or_default())
}

/// The case's net on `account` in the ledger.
fn net(entries: &[Value], account: &str) -> i64 {
    entries
        .iter()
        .filter(|e| e["account"] == account)
        .filter_map(|e| e["amount_fen"].as_i64())
        .sum()
}

async fn wait_entries(stack: &Stack, case: &str, n: usize) -> anyhow::Result<Vec<Value>> {
    wait_for(
        &format!("{n} ledger entries for {case}"),
        PATIENCE,
        || async {
            let e = entries(stack, case).await?;
            Ok((e.len() >= n).then_some(e))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pay_2_pay_7_advance_is_recovered_on_receipt_or_window_and_disputes_record_who_bears_it()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("recovery")).await?;
    journey::load_ratings(&stack, &[("b-pay2".into(), 3)]).await?;
    let (received, m1) = fast_refund(&stack, "ol-p2-1").await?;
    let (silent, _) = fast_refund(&stack, "ol-p2-22").await?;
    let (absorbed, m3) = fast_refund(&stack, "ol-p2-333").await?;
    let (repaid, m4) = fast_refund(&stack, "ol-p2-4444").await?;

    // PAY-2: the merchant confirms receipt: its funds repay the advance.
    let (s, b) = stack
        .merchant(&m1)
        .post(
            "payment",
            &format!("/merchant/cases/{received}/receipt"),
            &json!({}),
        )
        .await?;
    assert_eq!((s, b["rule"].as_str()), (200, Some("PAY-2")), "{b}");
    let e = wait_entries(&stack, &received, 6).await?;
    assert_eq!(
        net(&e, "platform:advance"),
        0,
        "the advance is closed: {e:?}"
    );
    assert_eq!(net(&e, &format!("platform_receivable:{m1}")), 0);
    assert_eq!(net(&e, &format!("merchant:{m1}")), -19_900);

    // PAY-7: bad disputes are refused naming the field; another merchant's is not found.
    let url = |c: &str| format!("/merchant/cases/{c}/dispute");
    let (s, b) = stack
        .merchant(&m3)
        .post(
            "payment",
            &url(&absorbed),
            &json!({ "claim": "empty_parcel", "evidence": [] }),
        )
        .await?;
    assert_eq!((s, b["field"].as_str()), (422, Some("evidence")), "{b}");
    let (s, b) = stack
        .merchant(&m3)
        .post(
            "payment",
            &url(&absorbed),
            &json!({ "claim": "too_heavy", "evidence": ["p"] }),
        )
        .await?;
    assert_eq!((s, b["field"].as_str()), (400, Some("claim")), "{b}");
    let (s, _) = stack
        .merchant("m-other")
        .post(
            "payment",
            &url(&absorbed),
            &json!({ "claim": "empty_parcel", "evidence": ["photo-1"] }),
        )
        .await?;
    assert_eq!(s, 404);
    for (case, m) in [(&absorbed, &m3), (&repaid, &m4)] {
        let (s, b) = stack
            .merchant(m)
            .post(
                "payment",
                &url(case),
                &json!({ "claim": "empty_parcel", "evidence": ["photo-1", "scale-ticket-2"] }),
            )
            .await?;
        assert_eq!(s, 200, "{b}");
    }
    let (s, _) = stack
        .merchant(&m1)
        .post(
            "payment",
            &url(&received),
            &json!({ "claim": "wrong_item", "evidence": ["photo"] }),
        )
        .await?;
    assert_eq!(s, 409, "a repaid advance cannot be disputed");

    // Eight days on, the silent merchant's window has passed and it repays; the disputed
    // advances wait for customer service.
    stack.advance_clocks(8 * 86_400).await?;
    let e = wait_entries(&stack, &silent, 6).await?;
    assert_eq!(net(&e, "platform:advance"), 0, "PAY-2 by the window: {e:?}");
    assert_eq!(
        entries(&stack, &absorbed).await?.len(),
        4,
        "held by the dispute"
    );
    let (_, q) = stack.cs().get("payment", "/cs/disputes").await?;
    assert_eq!(q["disputes"].as_array().map(Vec::len), Some(2), "{q}");

    let rule = |c: &str| format!("/cs/disputes/{c}/ruling");
    let (s, b) = stack
        .cs().post("payment", &rule(&absorbed), &json!({ "ruling": "platform_absorbs", "reason": "The scale ticket shows an empty box; the courier cannot say." }))
        .await?;
    assert_eq!(s, 200, "{b}");
    let (s, _) = stack
        .cs()
        .post(
            "payment",
            &rule(&absorbed),
            &json!({ "ruling": "merchant_pays", "reason": "again" }),
        )
        .await?;
    assert_eq!(s, 409, "a ruling is given once");
    let e = wait_entries(&stack, &absorbed, 8).await?;
    assert_eq!(net(&e, "platform:advance"), 0);
    assert_eq!(
        net(&e, "platform:dispute_loss"),
        -19_900,
        "the loss is recorded: {e:?}"
    );
    assert_eq!(
        net(&e, &format!("merchant:{m3}")),
        0,
        "the merchant pays nothing"
    );

    let (s, b) = stack
        .cs().post("payment", &rule(&repaid), &json!({ "ruling": "buyer_repays", "reason": "The buyer's own photo shows the box empty." }))
        .await?;
    assert_eq!(s, 200, "{b}");
    let e = wait_entries(&stack, &repaid, 8).await?;
    assert_eq!(
        net(&e, "buyer:b-pay2"),
        0,
        "the buyer returned the refund: {e:?}"
    );
    assert_eq!(net(&e, "platform:advance"), 0);

    // The buyer reads both the dispute and the ruling on the case's timeline.
    let view = wait_for("the ruling on the timeline", PATIENCE, || async {
        let v = journey::case_view(&stack, &repaid).await?;
        Ok(v["timeline"]
            .to_string()
            .contains("ruled on the dispute")
            .then_some(v))
    })
    .await?;
    assert!(view["timeline"].to_string().contains("empty parcel"));
    let (_, tb) = stack
        .operator()
        .get("payment", "/operator/ledger/trial-balance")
        .await?;
    assert_eq!(tb["sum_fen"], 0, "{tb}");
    stack.shutdown().await
}
