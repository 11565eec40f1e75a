//! From an approval to a pickup job: CT-2 (no door pickup outside coverage), PK-1 (dispatch now
//! or at the next window), PK-3 (arrival deadline by size).

use chrono::{DateTime, Utc};
use returns_domain::{Policy, RuleId, pickup};
use returns_events::payloads::{CaseApproved, PickupAddress, RefundOrder};
use returns_settings::CityInfo;

#[derive(Debug, Clone, PartialEq)]
pub enum PickupDecision {
    /// The buyer ships the parcel: `rule` says why.
    BuyerShips {
        rule: Option<RuleId>,
        reason: String,
        refund: RefundOrder,
    },
    /// A door pickup job, to dispatch now or at `plan.dispatch_at`.
    Job {
        plan: pickup::PickupPlan,
        courier_company: String,
        address: PickupAddress,
        refund: RefundOrder,
    },
}

pub fn decide(
    approved: &CaseApproved,
    address: Option<PickupAddress>,
    city: &CityInfo,
    now: DateTime<Utc>,
    policy: &Policy,
) -> PickupDecision {
    let f = &approved.facts;
    let refund = RefundOrder {
        buyer_id: f.buyer_id.clone(),
        merchant_id: f.merchant_id.clone(),
        order_line_id: f.order_line_id.clone(),
        amount_fen: f.refund_amount_fen,
        fast_return: approved.fast_return,
        remedy: f.remedy,
    };
    let Some(address) = address else {
        return PickupDecision::BuyerShips {
            refund,
            rule: None,
            reason: "You chose to ship the parcel yourself; enter its tracking number when sent."
                .to_owned(),
        };
    };
    if let Err(rule) = pickup::door_pickup_offered(city.covered) {
        return PickupDecision::BuyerShips {
            refund,
            rule: Some(rule),
            reason: "Door pickup is not offered in this city; please ship the parcel and enter its tracking number."
                .to_owned(),
        };
    }
    let Some(courier_company) = city.couriers.first().cloned() else {
        return PickupDecision::BuyerShips {
            refund,
            rule: Some(RuleId::Ct2),
            reason: "No partner courier serves this city; please ship the parcel yourself."
                .to_owned(),
        };
    };
    PickupDecision::Job {
        plan: pickup::plan(now, city.utc_offset_minutes, f.size_class, policy),
        courier_company,
        address,
        refund,
    }
}
