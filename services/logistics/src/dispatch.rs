//! From an approval to a pickup job: CT-2 (no door pickup outside coverage), PK-1 (dispatch now
//! or at the next window), PK-3 (arrival deadline by size).

use chrono::{DateTime, Utc};
use returns_domain::{Policy, RuleId, pickup};
use returns_events::payloads::{CaseApproved, PickupAddress, RefundOrder};
use returns_settings::CityInfo;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PickupDecision {
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

pub(crate) fn decide(
    approved: &CaseApproved,
    address: Option<PickupAddress>,
    city: &CityInfo,
    now: DateTime<Utc>,
    policy: &Policy,
) -> PickupDecision {
    let f = &approved.facts;
    let refund = RefundOrder::of(f, approved.fast_return);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn approved() -> CaseApproved {
        serde_json::from_value(serde_json::json!({
            "rule": "AUTO-1",
            "reason": "approved at once",
            "approved_by": "system",
            "fast_return": true,
            "approved_at": "2026-12-01T02:00:00Z",
            "door_pickup": true,
            "facts": {
                "buyer_id": "b-1", "merchant_id": "m-1", "order_line_id": "l-1",
                "kind": "return_refund", "remedy": "return_refund", "reason": "did_not_like",
                "category": "apparel", "size_class": "small",
                "paid_amount_fen": 10000, "refund_amount_fen": 10000,
                "received_at": "2026-11-30T02:00:00Z", "requested_at": "2026-12-01T02:00:00Z",
                "buyer_rating": 5
            }
        }))
        .expect("a case.approved payload")
    }

    fn city(covered: bool, couriers: &[&str]) -> CityInfo {
        CityInfo {
            covered,
            utc_offset_minutes: 480,
            shard: "east".to_owned(),
            couriers: couriers.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn door() -> Option<PickupAddress> {
        Some(PickupAddress {
            address: "1 Nanjing Road".to_owned(),
            contact_phone: "+8613800000000".to_owned(),
        })
    }

    fn decided(address: Option<PickupAddress>, city: &CityInfo) -> PickupDecision {
        let now = approved().approved_at;
        decide(&approved(), address, city, now, &Policy::default())
    }

    #[test]
    fn pk_1_a_covered_city_sends_its_first_partner_to_the_door() {
        let decision = decided(door(), &city(true, &["sf", "jd"]));
        let PickupDecision::Job {
            courier_company,
            refund,
            ..
        } = decision
        else {
            panic!("expected a job, got {decision:?}");
        };
        assert_eq!(courier_company, "sf");
        assert_eq!(refund.amount_fen.0, 10000);
        assert!(refund.fast_return);
    }

    #[test]
    fn ct_2_an_uncovered_city_has_the_buyer_ship_under_ct_2() {
        let decision = decided(door(), &city(false, &["sf"]));
        assert!(matches!(
            decision,
            PickupDecision::BuyerShips {
                rule: Some(RuleId::Ct2),
                ..
            }
        ));
    }

    #[test]
    fn ct_2_a_covered_city_without_partners_has_the_buyer_ship() {
        let decision = decided(door(), &city(true, &[]));
        assert!(matches!(
            decision,
            PickupDecision::BuyerShips {
                rule: Some(RuleId::Ct2),
                ..
            }
        ));
    }

    #[test]
    fn a_buyer_who_gave_no_address_ships_without_a_rule() {
        let decision = decided(None, &city(true, &["sf"]));
        assert!(matches!(
            decision,
            PickupDecision::BuyerShips { rule: None, .. }
        ));
    }
}
