//! Event payloads, one struct per event type. Field meanings are listed in `docs/events.md`.

use chrono::{DateTime, Utc};
use returns_domain::care::{CareService, CareStep};
use returns_domain::guarantee::Evidence;
use returns_domain::pickup::PickupFee;
use returns_domain::{CaseKind, Category, Fen, Rating, Remedy, ReturnReason, RuleId, SizeClass};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Event;

macro_rules! event {
    ($ty:ty, $name:literal, $version:literal, $topic:ident) => {
        impl Event for $ty {
            const TYPE: &'static str = $name;
            const VERSION: u16 = $version;
            const TOPIC: &'static str = crate::topics::$topic;
        }
    };
}

/// What a case is about, recorded by intake and carried downstream so that each service
/// reads only the topic before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseFacts {
    pub buyer_id: String,
    pub merchant_id: String,
    /// The first of `lines` (kept for consumers of the single-line contract).
    pub order_line_id: String,
    pub kind: CaseKind,
    /// ORD-1: the marketplace's order the case is about; every fact below comes from
    /// intake's copy of it, never from the buyer's request.
    #[serde(default)]
    pub order_id: Option<String>,
    /// ORD-3: the order's lines the case covers, each with its units and what they are worth.
    #[serde(default)]
    pub lines: Vec<CaseLine>,
    /// What the buyer gets: money, a replacement, a repair (K-3, K-4).
    pub remedy: Remedy,
    pub reason: ReturnReason,
    /// The first line's category (every line's is in `lines`).
    pub category: Category,
    /// PK-7: large when any line is large.
    pub size_class: SizeClass,
    /// What the units of the case cost (the sum of the lines' `amount_fen`).
    pub paid_amount_fen: Fen,
    /// What a refund pays back: the units' value (a remedy that pays no refund pays nothing).
    pub refund_amount_fen: Fen,
    /// When the buyer received the goods; `None` before delivery (K-1).
    pub received_at: Option<DateTime<Utc>>,
    pub requested_at: DateTime<Utc>,
    /// K-1: the merchant had shipped when the refund was asked.
    #[serde(default)]
    pub merchant_shipped: bool,
    /// PK-8: the order was paid online, and the buyer bought freight insurance with it.
    #[serde(default = "yes")]
    pub paid_online: bool,
    #[serde(default)]
    pub freight_insured: bool,
    /// WF-2: the category guarantee claimed, and the evidence given for it (WF-4).
    #[serde(default)]
    pub guarantee: Option<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// K-7: the buyer's preferred delivery day and whether to install; `None` otherwise.
    #[serde(default)]
    pub delivery: Option<DeliveryFacts>,
    /// K-5: the care order's card and service; `None` for other kinds.
    #[serde(default)]
    pub care: Option<CareFacts>,
    /// K-4: when the order completed (AS-1 counts from it); `None` for other kinds.
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// CR-3: the buyer's rating when the case was opened.
    pub buyer_rating: Rating,
}

/// ORD-3: one order line of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseLine {
    pub order_line_id: String,
    pub product_id: String,
    pub category: Category,
    pub size_class: SizeClass,
    /// Units of the line in this case.
    pub quantity: i32,
    /// What those units cost the buyer (ORD-3's share of the line's amount paid).
    pub amount_fen: Fen,
}

/// K-7: what a delivery and installation is about (WF-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeliveryFacts {
    pub preferred_date: chrono::NaiveDate,
    pub installation: bool,
}

/// K-5: what a care order is about (CARE-1..CARE-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CareFacts {
    pub card_id: String,
    pub service: CareService,
    /// CARE-5: what the merchant owes if the goods are lost after pickup.
    pub goods_value_fen: Fen,
    /// CARE-3: the longer review time the service description states, if any.
    pub review_hours: Option<i64>,
    /// CARE-4: the merchant's courier (SF Express or another the merchant names).
    pub merchant_courier: String,
}

fn yes() -> bool {
    true
}

/// Where the courier collects, or delivers (K-7). Personal data: it travels only in
/// [`ContactGiven`] (and, from cases opened before it, [`CourierJobOrdered`]), on the
/// courier-jobs topic that logistics alone reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupAddress {
    pub address: String,
    pub contact_phone: String,
}

/// intake: a buyer opened a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseOpened {
    pub facts: CaseFacts,
    /// PK-1: door pickup asked for (or, for K-5 and K-7, a pickup or delivery address given);
    /// false when the buyer ships it. The address itself stays with intake until approval.
    pub door_pickup: bool,
}
// v2: `door_pickup` is a flag; the address left the event (issue 4, PII).
event!(CaseOpened, "case.opened", 2, CASES);

/// audit: the request is approved, by the system (AUTO-1, RV-1 timeout) or by the merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseApproved {
    pub rule: RuleId,
    pub reason: String,
    /// "system" or "merchant".
    pub approved_by: String,
    /// PAY-1: the buyer is paid on tracking upload, before the merchant sees the parcel.
    pub fast_return: bool,
    pub approved_at: DateTime<Utc>,
    pub facts: CaseFacts,
    /// The buyer gave an address: logistics holds it from [`ContactGiven`].
    pub door_pickup: bool,
    /// ORD-4: where the goods go back, for a case whose goods come back: the merchant's return
    /// address for the case's city, or its warehouse; `None` when nothing travels or the
    /// merchant named none.
    #[serde(default)]
    pub return_address: Option<ReturnAddress>,
}
// v2: `door_pickup` is a flag; the address left the event (issue 4, PII).
event!(CaseApproved, "case.approved", 2, DECISIONS);

/// ORD-4: a merchant's return address (a business address, not personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnAddress {
    pub recipient: String,
    pub address: String,
    pub city: String,
    pub contact_phone: String,
}

/// intake: an approved case needs the buyer's address at the door: a pickup (PK-1), the
/// merchant's courier for a care order (CARE-4), or a delivery (K-7). The only event that
/// carries an address and a phone number; only logistics reads its topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CourierJobOrdered {
    pub approved: CaseApproved,
    pub contact: PickupAddress,
}
event!(CourierJobOrdered, "courier_job.ordered", 1, COURIER_JOBS);

/// intake: the address and phone a buyer gave when opening a case with a door pickup, a care
/// pickup (CARE-4) or a delivery (K-7), sent with `case.opened` so that logistics holds it when
/// audit's `case.approved` arrives (one hop, not a round trip through intake). Personal data:
/// only logistics reads its topic, and it forgets the contact when the case ends without a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ContactGiven {
    pub contact: PickupAddress,
    /// The case's kind, so that logistics knows which rejection is final (K-4, AS-2).
    pub kind: CaseKind,
}
event!(ContactGiven, "contact.given", 1, COURIER_JOBS);

/// audit: the request waits for the merchant (RV-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseAwaitingMerchant {
    pub rule: RuleId,
    pub reason: String,
    pub review_deadline: DateTime<Utc>,
}
event!(CaseAwaitingMerchant, "case.awaiting_merchant", 1, DECISIONS);

/// audit: the merchant rejected the request with a reason the buyer can read (RV-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseRejected {
    pub rule: RuleId,
    pub reason: String,
    pub rejected_at: DateTime<Utc>,
}
event!(CaseRejected, "case.rejected", 1, DECISIONS);

/// logistics: no door pickup here (CT-2); the buyer ships and enters the tracking number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupNotOffered {
    pub rule: RuleId,
    pub reason: String,
}
event!(PickupNotOffered, "pickup.not_offered", 1, PICKUPS);

/// logistics: asked outside the window; the courier is sent at `dispatch_at` (PK-1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupScheduled {
    pub job_id: Uuid,
    pub rule: RuleId,
    pub dispatch_at: DateTime<Utc>,
}
event!(PickupScheduled, "pickup.scheduled", 1, PICKUPS);

/// logistics: a courier company was sent the job (PK-1) and must arrive by `arrive_by` (PK-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupDispatched {
    pub job_id: Uuid,
    pub courier_company: String,
    pub rule: RuleId,
    pub dispatched_at: DateTime<Utc>,
    pub arrive_by: DateTime<Utc>,
}
event!(PickupDispatched, "pickup.dispatched", 1, PICKUPS);

/// logistics: the courier company accepted the job (PK-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupAccepted {
    pub job_id: Uuid,
    pub courier_company: String,
    pub accepted_at: DateTime<Utc>,
    /// PK-6: the rider, by real name, who will call the buyer (PK-3).
    #[serde(default)]
    pub rider_name: String,
}
event!(PickupAccepted, "pickup.accepted", 1, PICKUPS);

/// logistics: no partner accepted in time; customer service arranges the pickup (PK-9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupEscalated {
    pub job_id: Uuid,
    pub rule: RuleId,
    pub reason: String,
    pub escalated_at: DateTime<Utc>,
}
event!(PickupEscalated, "pickup.escalated", 1, PICKUPS);

/// logistics: customer service switched an escalated pickup to the buyer shipping the parcel
/// (PK-9, then CT-2: the buyer enters the tracking number as for any own shipment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PickupSwitchedToBuyer {
    pub job_id: Uuid,
    pub rule: RuleId,
    /// What customer service tells the buyer.
    pub reason: String,
    pub agent_id: String,
    pub switched_at: DateTime<Utc>,
}
event!(
    PickupSwitchedToBuyer,
    "pickup.switched_to_buyer",
    1,
    PICKUPS
);

/// logistics: customer service cancelled an escalated pickup, and with it the case (PK-9);
/// the buyer reads `reason`, and the case's units go back to the order (ORD-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PickupCancelled {
    pub job_id: Uuid,
    pub rule: RuleId,
    pub reason: String,
    pub agent_id: String,
    pub cancelled_at: DateTime<Utc>,
}
event!(PickupCancelled, "pickup.cancelled", 1, PICKUPS);

/// logistics: the courier did not arrive by `arrive_by` (PK-3); the buyer is owed
/// compensation, paid by the platform and charged to the courier company (PK-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupLate {
    pub job_id: Uuid,
    pub rule: RuleId,
    pub courier_company: String,
    pub buyer_id: String,
    pub arrive_by: DateTime<Utc>,
    pub compensation_fen: Fen,
}
event!(PickupLate, "pickup.late", 1, PICKUPS);

/// What payment needs to pay the refund, carried with the tracking number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RefundOrder {
    pub buyer_id: String,
    pub merchant_id: String,
    pub order_line_id: String,
    pub amount_fen: Fen,
    /// PAY-1 entitlement, decided by audit.
    pub fast_return: bool,
    /// Only a return and refund is paid when the parcel travels; an exchange or a repair is
    /// answered by the merchant sending goods back (K-3, K-4).
    pub remedy: Remedy,
}

impl RefundOrder {
    /// What a case whose goods come back asks for once its parcel travels: the case's own
    /// facts and audit's PAY-1 entitlement.
    pub fn of(facts: &CaseFacts, fast_return: bool) -> Self {
        RefundOrder {
            buyer_id: facts.buyer_id.clone(),
            merchant_id: facts.merchant_id.clone(),
            order_line_id: facts.order_line_id.clone(),
            amount_fen: facts.refund_amount_fen,
            fast_return,
            remedy: facts.remedy,
        }
    }
}

/// logistics: the parcel was collected and its tracking number uploaded (PK-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupCollected {
    pub job_id: Uuid,
    pub rule: RuleId,
    pub tracking_number: String,
    pub collected_at: DateTime<Utc>,
    /// Version 1 carried the case's refund order; payment now keeps it from the approval.
    /// Read from a version 1 record only, never written.
    #[serde(rename = "refund", default, skip_serializing)]
    #[schemars(skip)]
    pub refund_v1: Option<RefundOrder>,
    /// The courier company that collected.
    #[serde(default)]
    pub courier_company: String,
    /// PK-8: the pickup fee and who pays it; the insurance's part is settled by payment.
    #[serde(default)]
    pub fee: Option<PickupFee>,
}
// v2: only what happened at the door; the refund order left the event (issue 12 item 4).
event!(PickupCollected, "pickup.collected", 2, PICKUPS);

/// logistics: the buyer shipped the parcel themselves and entered its tracking number (CT-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParcelShipped {
    pub rule: RuleId,
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: DateTime<Utc>,
    /// Version 1 carried the case's refund order; payment now keeps it from the approval.
    /// Read from a version 1 record only, never written.
    #[serde(rename = "refund", default, skip_serializing)]
    #[schemars(skip)]
    pub refund_v1: Option<RefundOrder>,
}
// v2: the refund order left the event (issue 12 item 4).
event!(ParcelShipped, "parcel.shipped", 2, PICKUPS);

/// logistics: the merchant sent the replacement (K-3) or the repaired goods (K-4) to the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GoodsSentBack {
    pub rule: RuleId,
    pub remedy: Remedy,
    pub carrier: String,
    pub tracking_number: String,
    pub sent_at: DateTime<Utc>,
    /// K-5: who pays the freight back (`buyer` under CARE-6, `merchant` under CARE-7), how
    /// much, and the parties; absent for exchanges and repairs, whose freight is the merchant's
    /// own business.
    #[serde(default)]
    pub freight_payer: Option<String>,
    #[serde(default)]
    pub freight_fen: Option<Fen>,
    #[serde(default)]
    pub buyer_id: String,
    #[serde(default)]
    pub merchant_id: String,
}
event!(GoodsSentBack, "goods.sent_back", 1, PICKUPS);

/// logistics: a step of a care job, reported by the merchant's courier or service centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CareProgress {
    pub step: CareStep,
    pub rule: RuleId,
    pub note: String,
    pub at: DateTime<Utc>,
    pub tracking_number: Option<String>,
    /// CARE-5: the value the merchant compensates when the goods are lost.
    pub goods_value_fen: Option<Fen>,
    pub buyer_id: String,
    pub merchant_id: String,
}
event!(CareProgress, "care.progress", 1, PICKUPS);

/// logistics: a delivery (and installation) slot was booked on the buyer's preferred day (WF-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeliveryScheduled {
    pub rule: RuleId,
    pub slot_start: DateTime<Utc>,
    pub slot_end: DateTime<Utc>,
    pub installation: bool,
}
event!(DeliveryScheduled, "delivery.scheduled", 1, PICKUPS);

/// logistics: delivered into the home (rule K-7 when nothing is to be installed, WF-3 when
/// installation follows), or installed (WF-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeliveryProgress {
    /// `delivered` or `installed`.
    pub step: String,
    pub rule: RuleId,
    pub at: DateTime<Utc>,
    pub note: String,
}
event!(DeliveryProgress, "delivery.progress", 1, PICKUPS);

/// logistics: the merchant's courier did not confirm a pickup time within CARE-4's 72 hours;
/// customer service follows it up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CarePickupOverdue {
    pub rule: RuleId,
    pub merchant_courier: String,
    pub confirm_by: DateTime<Utc>,
}
event!(CarePickupOverdue, "care.pickup_overdue", 1, PICKUPS);

/// intake: the buyer or the merchant asked customer service to intervene (AS-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InterventionRequested {
    pub rule: RuleId,
    /// "buyer" or "merchant".
    pub requested_by: String,
    pub note: String,
    pub requested_at: DateTime<Utc>,
}
event!(
    InterventionRequested,
    "case.intervention_requested",
    1,
    CASES
);

/// audit: the merchant shipped before a refund before shipment completed; the case becomes a
/// return and refund (K-2) and RS-1 no longer applies (RS-3). `facts` are the case's facts as
/// a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseConverted {
    pub rule: RuleId,
    pub carrier: String,
    pub tracking_number: String,
    pub converted_at: DateTime<Utc>,
    pub facts: CaseFacts,
}
event!(CaseConverted, "case.converted", 1, DECISIONS);

/// intake: the order system reported the order of an open refund before shipment as shipped
/// (ORD-1); audit decides whether the case becomes a return (RS-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrderShippedDuringRefund {
    pub order_id: String,
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_at: DateTime<Utc>,
}
event!(OrderShippedDuringRefund, "case.order_shipped", 1, CASES);

/// audit: the merchant's check of the returned goods failed (RV-3): which conditions, why, and
/// the evidence. The buyer may escalate it to customer service (AS-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReturnCheckFailed {
    pub rule: RuleId,
    pub failed: Vec<String>,
    pub reason: String,
    pub evidence: Vec<String>,
    pub checked_at: DateTime<Utc>,
}
event!(ReturnCheckFailed, "return_check.failed", 1, DECISIONS);

/// audit: customer service overruled a failed return check (AS-2); the refund goes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReturnCheckOverruled {
    pub rule: RuleId,
    pub reason: String,
    pub ruled_at: DateTime<Utc>,
}
event!(ReturnCheckOverruled, "return_check.overruled", 1, DECISIONS);

/// audit: a buyer filed a complaint against a merchant (K-6: AS-4 or AS-5). The envelope's
/// `case_id` is the after-sales case it follows, or the complaint's own id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplaintFiled {
    pub complaint_id: Uuid,
    pub rule: RuleId,
    pub merchant_id: String,
    /// `broken_promise`, `invoice_problem` or `not_as_described`.
    pub grounds: String,
    pub filed_at: DateTime<Utc>,
}
event!(ComplaintFiled, "complaint.filed", 1, DECISIONS);

/// audit: customer service upheld or dismissed a complaint; an upheld one cost the merchant
/// violation points (AS-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplaintRuled {
    pub complaint_id: Uuid,
    pub rule: RuleId,
    pub merchant_id: String,
    pub upheld: bool,
    pub violation_points: i32,
    pub reason: String,
    pub ruled_at: DateTime<Utc>,
}
event!(ComplaintRuled, "complaint.ruled", 1, DECISIONS);

/// payment: the buyer's refund was paid (PAY-1 from the platform's advance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RefundPaid {
    pub rule: RuleId,
    pub amount_fen: Fen,
    pub buyer_id: String,
    pub ledger_transaction_id: Uuid,
    pub paid_at: DateTime<Utc>,
}
event!(RefundPaid, "refund.paid", 1, PAYMENTS);

/// payment: the merchant owes the platform the advanced refund (PAY-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecoveryOpened {
    pub rule: RuleId,
    pub merchant_id: String,
    pub amount_fen: Fen,
    pub ledger_transaction_id: Uuid,
}
event!(RecoveryOpened, "recovery.opened", 1, PAYMENTS);

/// payment: the merchant repaid the platform's advance (PAY-2), on its receipt of the parcel
/// or when its confirmation window passed, or after a dispute it lost (PAY-7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecoverySettled {
    pub rule: RuleId,
    pub merchant_id: String,
    pub amount_fen: Fen,
    pub ledger_transaction_id: Uuid,
    pub settled_at: DateTime<Utc>,
}
event!(RecoverySettled, "recovery.settled", 1, PAYMENTS);

/// payment: the merchant disputes an advanced refund (the parcel was empty, wrong, or not as
/// described); customer service decides (PAY-7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DisputeOpened {
    pub rule: RuleId,
    pub merchant_id: String,
    /// `empty_parcel`, `wrong_item` or `not_as_described`.
    pub claim: String,
    pub amount_fen: Fen,
    pub opened_at: DateTime<Utc>,
}
event!(DisputeOpened, "dispute.opened", 1, PAYMENTS);

/// payment: customer service ruled on a disputed advance; the money moved accordingly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DisputeRuled {
    pub rule: RuleId,
    /// `merchant_pays`, `platform_absorbs` or `buyer_repays`.
    pub ruling: String,
    pub reason: String,
    pub amount_fen: Fen,
    pub ledger_transaction_id: Uuid,
    pub ruled_at: DateTime<Utc>,
}
event!(DisputeRuled, "dispute.ruled", 1, PAYMENTS);

/// payment: compensation owed to the buyer was paid with the refund (PAY-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompensationPaid {
    pub rule: RuleId,
    /// The rule that made it owed, e.g. PK-5.
    pub owed_under: RuleId,
    pub amount_fen: Fen,
    pub buyer_id: String,
    pub ledger_transaction_id: Uuid,
    pub paid_at: DateTime<Utc>,
}
event!(CompensationPaid, "compensation.paid", 1, PAYMENTS);

/// intake: the case is finished for the buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseClosed {
    pub closed_at: DateTime<Utc>,
    pub outcome: String,
}
event!(CaseClosed, "case.closed", 1, CASES);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Envelope;

    #[test]
    fn envelope_round_trips_and_refuses_future_versions() {
        let ev = PickupAccepted {
            job_id: Uuid::nil(),
            courier_company: "sf".into(),
            accepted_at: Utc::now(),
            rider_name: "Li Lei".into(),
        };
        let env = Envelope::new(
            Uuid::now_v7(),
            Uuid::now_v7(),
            "shanghai",
            "east",
            Utc::now(),
            "logistics",
            &ev,
        )
        .unwrap();
        let bytes = serde_json::to_vec(&env).unwrap();
        let back = Envelope::from_slice(&bytes).unwrap();
        assert!(back.is::<PickupAccepted>());
        assert_eq!(back.decode::<PickupAccepted>().unwrap(), ev);
        let newer = Envelope {
            schema_version: 2,
            ..back
        };
        assert!(newer.decode::<PickupAccepted>().is_err());
    }
}

/// intake: the buyer asks to withdraw a case that is not decided yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CancelRequested {
    pub requested_at: DateTime<Utc>,
}
event!(CancelRequested, "case.cancel_requested", 1, CASES);

/// audit: the request is withdrawn by the buyer before anyone decided it; nothing moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseCancelled {
    pub reason: String,
    pub cancelled_at: DateTime<Utc>,
}
event!(CaseCancelled, "case.cancelled", 1, DECISIONS);

/// audit: the withdrawal came after the decision; the case goes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CancelRefused {
    pub reason: String,
}
event!(CancelRefused, "case.cancel_refused", 1, DECISIONS);

/// logistics: the courier company delivered the collected parcel to the merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PickupDelivered {
    pub job_id: Uuid,
    pub courier_company: String,
    pub tracking_number: String,
    pub delivered_at: DateTime<Utc>,
}
event!(PickupDelivered, "pickup.delivered", 1, PICKUPS);
