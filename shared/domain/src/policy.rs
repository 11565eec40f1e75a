//! The numbers of the rulebook. Each is a default that settings may override (RULES.md: "Numbers
//! here are defaults: each lives in configuration, not in code").

use serde::{Deserialize, Serialize};

use crate::{Category, InvalidInput, ReturnReason};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// AUTO-1: minimum stars for 0-second approval.
    pub auto_approve_min_stars: i16,
    /// AUTO-1: days after receipt during which a no-reason return is approved at once.
    pub no_reason_window_days: i64,
    /// AUTO-2: categories that always go to merchant review.
    pub auto_excluded_categories: Vec<Category>,
    /// RV-1: hours the merchant has to decide before the system approves.
    pub merchant_review_hours: i64,
    /// PK-1: the local-time window in which a pickup request dispatches at once.
    pub pickup_window_start_hour: u32,
    pub pickup_window_end_hour: u32,
    /// PK-3: hours from dispatch until the courier must arrive, by size class.
    pub arrival_hours_small: i64,
    pub arrival_hours_large: i64,
    /// PK-2: minutes a partner courier company has to accept a job.
    pub courier_accept_minutes: i64,
    /// PAY-3: days the merchant has to confirm receipt of a returned parcel, counted from its
    /// collection; then the refund is paid as if confirmed. (House default: RULES.md names the
    /// deadline but not its length.)
    pub merchant_receipt_days: i64,
    /// PK-5: what the buyer gets when the courier arrives late, in fen (paid by the platform,
    /// charged to the courier company).
    pub late_pickup_compensation_fen: i64,
    /// RS-1: compensation, as a percentage of the line's paid amount, when an unshipped order
    /// is refunded because the merchant is out of stock or late to ship.
    pub unshipped_compensation_percent: i64,
    /// RS-1, AS-3: the reasons that carry compensation (the merchant's fault), paid at
    /// `unshipped_compensation_percent` from the merchant's deposit.
    pub compensated_reasons: Vec<ReturnReason>,
    /// AS-1: days after the order completes during which after-sales may be asked.
    pub after_sales_days: i64,
    /// AS-2: hours after an after-sales request when either side may ask customer service to
    /// intervene.
    pub intervention_after_hours: i64,
    /// RV-4: days of use within which a quality problem is refunded without the merchant's
    /// review (house default; the shop's promise may only lengthen it).
    pub quality_refund_days: i64,
    /// MP-2: days a merchant that left the seller-paid freight insurance waits to rejoin.
    pub rejoin_wait_days: i64,
    /// MP-1: fast return (AUTO-1, PAY-1) is a benefit of the worry-free programme; a
    /// non-member's requests go to its review.
    pub fast_return_requires_programme: bool,
    /// PK-8: the pickup fee's first-weight part, in fen (house default: 12 CNY).
    pub pickup_first_weight_fee_fen: i64,
    /// PK-8: the continued-weight part for a large item, in fen (house default: 20 CNY).
    pub pickup_large_extra_fee_fen: i64,
    /// AS-4: hours an order may await payment (the window for a broken-promise complaint).
    pub awaiting_payment_hours: i64,
    /// AS-5: violation points a merchant loses for an upheld complaint (house default).
    pub complaint_violation_points: i32,
    /// WF-2, WF-4: the category guarantees (in `config/base.toml`).
    pub guarantees: Vec<crate::guarantee::Guarantee>,
    /// CARE-3: hours the merchant has to review a care order (longer only when stated).
    pub care_review_hours: i64,
    /// CARE-4: hours the merchant's courier has to confirm the pickup time with the buyer.
    pub care_pickup_confirm_hours: i64,
    /// CARE-6, CARE-7: the freight back to the buyer, in fen (house default 20 CNY).
    pub care_return_freight_fen: i64,
    /// CARE-2: the evidence each care service needs.
    pub care_evidence: crate::care::CareEvidence,
    /// RS-3: minutes a refund before shipment waits before it is paid, during which the
    /// order system may still report the order shipped (the case then becomes a return). 0
    /// pays at once, which leaves RS-3 no time to arise; the default gives it 30 minutes.
    pub unshipped_refund_cutoff_minutes: i64,
    /// ORD-1: an order has at most this many lines.
    pub order_max_lines: usize,
    /// ORD-1: a line has at most this many units.
    pub order_line_max_quantity: i32,
    /// ORD-1: the most a line may have cost, in fen; an order event above it is set aside.
    /// ¥10,000,000 by default, far below where any sum of the platform's could overflow.
    pub order_line_max_fen: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            auto_approve_min_stars: 3,
            no_reason_window_days: 7,
            auto_excluded_categories: vec![Category::FreshFood, Category::LargeAppliance],
            merchant_review_hours: 72,
            pickup_window_start_hour: 9,
            pickup_window_end_hour: 20,
            arrival_hours_small: 2,
            arrival_hours_large: 4,
            courier_accept_minutes: 5,
            merchant_receipt_days: 7,
            late_pickup_compensation_fen: 1_000,
            unshipped_compensation_percent: 30,
            compensated_reasons: vec![ReturnReason::OutOfStock, ReturnReason::NotShippedInTime],
            after_sales_days: 15,
            intervention_after_hours: 72,
            quality_refund_days: 7,
            rejoin_wait_days: 45,
            fast_return_requires_programme: true,
            pickup_first_weight_fee_fen: 1_200,
            pickup_large_extra_fee_fen: 2_000,
            awaiting_payment_hours: 72,
            complaint_violation_points: 2,
            guarantees: Vec::new(),
            care_review_hours: 48,
            care_pickup_confirm_hours: 72,
            care_return_freight_fen: 2_000,
            care_evidence: crate::care::CareEvidence::default(),
            unshipped_refund_cutoff_minutes: 30,
            order_max_lines: 100,
            order_line_max_quantity: 10_000,
            order_line_max_fen: 1_000_000_000,
        }
    }
}

impl Policy {
    /// WF-2: the guarantee with `id`.
    pub fn guarantee(&self, id: &str) -> Option<&crate::guarantee::Guarantee> {
        self.guarantees.iter().find(|g| g.id == id)
    }

    /// Start-up check: a policy that cannot be applied is refused with the offending key.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        for (field, v, range, allowed) in self.bounded() {
            if !range.contains(&v) {
                return Err(InvalidInput::new(field, allowed));
            }
        }
        if self.pickup_window_start_hour >= self.pickup_window_end_hour
            || self.pickup_window_end_hour > 24
        {
            return Err(InvalidInput::new(
                "policy.pickup_window_start_hour",
                "the pickup window must start before it ends, within 0..=24 hours",
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for g in &self.guarantees {
            g.validate()?;
            if !ids.insert(g.id.as_str()) {
                return Err(InvalidInput::new(
                    "policy.guarantees",
                    format!("{}: the id is used twice", g.id),
                ));
            }
        }
        for (field, v) in self.positive() {
            if v <= 0 {
                return Err(InvalidInput::new(field, "must be greater than 0"));
            }
        }
        Ok(())
    }

    /// The settings with a range, and what the range allows.
    fn bounded(
        &self,
    ) -> [(
        &'static str,
        i64,
        std::ops::RangeInclusive<i64>,
        &'static str,
    ); 8] {
        let lines = i64::try_from(self.order_max_lines).unwrap_or(i64::MAX);
        [
            (
                "policy.auto_approve_min_stars",
                i64::from(self.auto_approve_min_stars),
                1..=5,
                "must be 1 to 5 stars",
            ),
            (
                "policy.no_reason_window_days",
                self.no_reason_window_days,
                0..=i64::MAX,
                "must be 0 or more days",
            ),
            (
                "policy.unshipped_refund_cutoff_minutes",
                self.unshipped_refund_cutoff_minutes,
                0..=10_080,
                "must be 0 to 10080 minutes (a week)",
            ),
            (
                "policy.order_max_lines",
                lines,
                1..=1_000,
                "must be 1 to 1000 lines",
            ),
            (
                "policy.order_line_max_quantity",
                i64::from(self.order_line_max_quantity),
                1..=1_000_000,
                "must be 1 to 1000000 units",
            ),
            // Every sum the platform makes (a case's lines, a merchant's standing) stays far
            // from i64's range: 1000 lines at 10^12 fen is 10^15.
            (
                "policy.order_line_max_fen",
                self.order_line_max_fen,
                1..=1_000_000_000_000,
                "must be 1 to 1000000000000 fen",
            ),
            (
                "policy.pickup_large_extra_fee_fen",
                self.pickup_large_extra_fee_fen,
                0..=i64::MAX,
                "must be 0 or more fen",
            ),
            (
                "policy.unshipped_compensation_percent",
                self.unshipped_compensation_percent,
                0..=100,
                "must be 0 to 100",
            ),
        ]
    }

    /// The settings that must be greater than 0.
    fn positive(&self) -> [(&'static str, i64); 16] {
        [
            (
                "policy.pickup_first_weight_fee_fen",
                self.pickup_first_weight_fee_fen,
            ),
            ("policy.merchant_review_hours", self.merchant_review_hours),
            ("policy.arrival_hours_small", self.arrival_hours_small),
            ("policy.arrival_hours_large", self.arrival_hours_large),
            ("policy.courier_accept_minutes", self.courier_accept_minutes),
            ("policy.merchant_receipt_days", self.merchant_receipt_days),
            (
                "policy.late_pickup_compensation_fen",
                self.late_pickup_compensation_fen,
            ),
            ("policy.after_sales_days", self.after_sales_days),
            (
                "policy.intervention_after_hours",
                self.intervention_after_hours,
            ),
            ("policy.quality_refund_days", self.quality_refund_days),
            ("policy.rejoin_wait_days", self.rejoin_wait_days),
            ("policy.awaiting_payment_hours", self.awaiting_payment_hours),
            ("policy.care_review_hours", self.care_review_hours),
            (
                "policy.care_pickup_confirm_hours",
                self.care_pickup_confirm_hours,
            ),
            (
                "policy.care_return_freight_fen",
                self.care_return_freight_fen,
            ),
            (
                "policy.complaint_violation_points",
                i64::from(self.complaint_violation_points),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_rulebook_numbers_and_valid() {
        let p = Policy::default();
        assert_eq!(p.auto_approve_min_stars, 3);
        assert_eq!(p.no_reason_window_days, 7);
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn invalid_policy_names_the_key() {
        let p = Policy {
            pickup_window_start_hour: 21,
            ..Policy::default()
        };
        assert_eq!(
            p.validate().err().map(|e| e.field),
            Some("policy.pickup_window_start_hour")
        );
    }
}
