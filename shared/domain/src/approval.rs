//! AUTO-1..AUTO-3 and RV-1: is a request approved at once, or does it wait for the merchant?

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{CaseKind, Category, Policy, Rating, Remedy, ReturnReason, RuleId};

/// The facts the decision uses, all already on the platform (AUTO-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalFacts {
    pub kind: CaseKind,
    pub remedy: Remedy,
    pub reason: ReturnReason,
    /// Each line's category, from the order (ORD-1, ORD-5); one entry per line of the case.
    pub categories: Vec<Category>,
    /// CR-3: the rating the case was opened with.
    pub rating: Rating,
    /// `None` before delivery (K-1).
    pub received_at: Option<DateTime<Utc>>,
    pub requested_at: DateTime<Utc>,
    /// CT-1: whether the pickup city is covered.
    pub city_covered: bool,
    /// K-1: the merchant has shipped the order (a refund-only request then needs review).
    #[serde(default)]
    pub merchant_shipped: bool,
    /// MP-1: the merchant is in the worry-free programme.
    pub merchant_in_programme: bool,
    /// WF-2: the category guarantee claimed (intake checked its evidence and window).
    #[serde(default)]
    pub guarantee: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalOutcome {
    /// Approved by the system without the merchant; the buyer is entitled to fast return
    /// (PAY-1) when approved under AUTO-1.
    Approved { fast_return: bool },
    /// RV-1: waits for the merchant, who has `merchant_review_hours` to decide.
    AwaitMerchant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalDecision {
    pub outcome: ApprovalOutcome,
    /// RV-4: how the request was classified at intake.
    pub class: ReasonClass,
    pub rule: RuleId,
    /// A sentence the buyer can read.
    pub reason: String,
}

/// RV-4: every request is classified at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonClass {
    /// "Did not like it / wrong size" (and the no-reason return).
    ChangedMind,
    /// A quality problem, or goods not as described.
    Quality,
    /// The merchant did not deliver as promised (RS-1, AS-3 reasons).
    MerchantFault,
}

pub fn classify(reason: ReturnReason) -> ReasonClass {
    match reason {
        ReturnReason::NoReason | ReturnReason::DidNotLike | ReturnReason::WrongSize => {
            ReasonClass::ChangedMind
        }
        ReturnReason::QualityProblem | ReturnReason::NotAsDescribed => ReasonClass::Quality,
        ReturnReason::InvoiceProblem => ReasonClass::MerchantFault,
        ReturnReason::CareService => ReasonClass::Quality,
        ReturnReason::DeliveryService => ReasonClass::ChangedMind,
        ReturnReason::OutOfStock | ReturnReason::NotShippedInTime => ReasonClass::MerchantFault,
    }
}

/// Decide a new request. Pure: the caller records the returned rule id and reason.
pub fn decide(facts: &ApprovalFacts, policy: &Policy) -> ApprovalDecision {
    let class = classify(facts.reason);
    by_kind(facts, policy, class).unwrap_or_else(|| fast_return(facts, policy, class))
}

/// A decision the request's kind, guarantee or reason settles before fast return is weighed
/// (RS-1..RS-3, WF-2, RV-4, WF-3, CARE-3, RV-1); `None` for a return that may be fast.
fn by_kind(facts: &ApprovalFacts, policy: &Policy, class: ReasonClass) -> Option<ApprovalDecision> {
    let wait = |rule: RuleId, reason: String| Some(waiting(class, rule, reason));
    if facts.kind == CaseKind::RefundOnly {
        if facts.merchant_shipped {
            return wait(
                RuleId::Rv1,
                "The goods are on their way; the merchant reviews this refund request.".to_owned(),
            );
        }
        let r = crate::refund_only::unshipped(facts.reason, crate::Fen(0), policy);
        return Some(ApprovalDecision {
            outcome: ApprovalOutcome::Approved { fast_return: false },
            class,
            rule: r.rule,
            reason: r.reason,
        });
    }
    // WF-2: a guarantee claim that intake accepted with its evidence is granted at once.
    if let Some(id) = &facts.guarantee {
        return match policy.guarantee(id) {
            Some(g) => Some(ApprovalDecision {
                outcome: ApprovalOutcome::Approved { fast_return: false },
                class,
                rule: RuleId::Wf2,
                reason: format!("Approved at once under the guarantee \"{}\".", g.name),
            }),
            None => wait(
                RuleId::Wf2,
                format!("The guarantee {id} is not offered; the merchant reviews this request."),
            ),
        };
    }
    // RV-4: a quality problem found within a short time of use is refunded.
    let days_of_use = facts
        .received_at
        .map(|r| (facts.requested_at - r).num_seconds());
    if class == ReasonClass::Quality
        && facts.remedy.pays_refund()
        && matches!(facts.kind, CaseKind::ReturnRefund | CaseKind::AfterSales)
        && days_of_use.is_some_and(|s| (0..=policy.quality_refund_days * 86_400).contains(&s))
    {
        return Some(ApprovalDecision {
            outcome: ApprovalOutcome::Approved { fast_return: false },
            class,
            rule: RuleId::Rv4,
            reason: format!(
                "Approved: a quality problem found within {} days of use is refunded.",
                policy.quality_refund_days
            ),
        });
    }
    if facts.kind == CaseKind::DeliveryInstallation {
        return Some(ApprovalDecision {
            outcome: ApprovalOutcome::Approved { fast_return: false },
            class,
            rule: RuleId::Wf3,
            reason: "Delivery into your home and installation are part of this product's service."
                .to_owned(),
        });
    }
    if facts.kind == CaseKind::Care {
        return wait(
            RuleId::Care3,
            "The merchant reviews your care order and tells you the result.".to_owned(),
        );
    }
    if facts.kind == CaseKind::Exchange {
        return wait(
            RuleId::Rv1,
            "The merchant reviews an exchange request and confirms the replacement.".to_owned(),
        );
    }
    if facts.kind == CaseKind::AfterSales {
        return wait(
            RuleId::Rv1,
            "The merchant reviews this after-sales request (AS-2: the same timeouts apply)."
                .to_owned(),
        );
    }
    None
}

/// A merchant's review under `rule`, saying why.
fn waiting(class: ReasonClass, rule: RuleId, reason: String) -> ApprovalDecision {
    ApprovalDecision {
        outcome: ApprovalOutcome::AwaitMerchant,
        class,
        rule,
        reason,
    }
}

/// AUTO-1..AUTO-3, ORD-5, MP-1: a 7-day no-reason return is approved at once, with fast-return
/// entitlement, when every condition holds; the first that fails names the rule.
fn fast_return(facts: &ApprovalFacts, policy: &Policy, class: ReasonClass) -> ApprovalDecision {
    let wait = |rule: RuleId, reason: String| waiting(class, rule, reason);
    if !matches!(facts.kind, CaseKind::ReturnRefund) || facts.reason != ReturnReason::NoReason {
        return wait(
            RuleId::Rv1,
            "Only a 7-day no-reason return is approved at once; the merchant reviews this request."
                .to_owned(),
        );
    }
    if !facts.city_covered {
        return wait(
            RuleId::Auto3,
            "Fast return is not offered in this city yet; the merchant reviews this request."
                .to_owned(),
        );
    }
    let excluded = facts
        .categories
        .iter()
        .filter(|c| policy.auto_excluded_categories.contains(c))
        .count();
    if excluded > 0 && excluded < facts.categories.len() {
        return wait(
            RuleId::Ord5,
            "One line of this request is fresh food or a large appliance, which the merchant always reviews; so the whole request goes to the merchant.".to_owned(),
        );
    }
    if excluded > 0 || facts.categories.is_empty() {
        return wait(
            RuleId::Auto2,
            "Fresh food and large appliances are always reviewed by the merchant.".to_owned(),
        );
    }
    if policy.fast_return_requires_programme && !facts.merchant_in_programme {
        return wait(
            RuleId::Mp1,
            "This shop is not in the worry-free programme; the merchant reviews this request."
                .to_owned(),
        );
    }
    if facts.rating.stars() < policy.auto_approve_min_stars {
        return wait(
            RuleId::Rv1,
            format!(
                "A rating of {} stars or more is needed for instant approval; the merchant reviews this request.",
                policy.auto_approve_min_stars
            ),
        );
    }
    let window = Duration::days(policy.no_reason_window_days);
    let age = facts.received_at.map(|r| facts.requested_at - r);
    if age.is_none_or(|age| age < Duration::zero() || age > window) {
        return wait(
            RuleId::Rv1,
            format!(
                "The no-reason return window is {} days after receipt; the merchant reviews this request.",
                policy.no_reason_window_days
            ),
        );
    }
    ApprovalDecision {
        outcome: ApprovalOutcome::Approved { fast_return: true },
        class,
        rule: RuleId::Auto1,
        reason: format!(
            "Approved at once: {}-star buyer, no-reason return within {} days of receipt.",
            facts.rating.stars(),
            policy.no_reason_window_days
        ),
    }
}

/// RV-1: when a waiting request is approved by the system if the merchant stays silent.
pub fn merchant_review_deadline(requested_at: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    requested_at + Duration::hours(policy.merchant_review_hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts() -> ApprovalFacts {
        let received = Utc.with_ymd_and_hms(2026, 11, 17, 2, 0, 0).unwrap();
        ApprovalFacts {
            kind: CaseKind::ReturnRefund,
            remedy: Remedy::ReturnRefund,
            reason: ReturnReason::NoReason,
            categories: vec![Category::Apparel],
            rating: Rating::new(3).unwrap(),
            received_at: Some(received),
            requested_at: received + Duration::days(3),
            city_covered: true,
            merchant_shipped: false,
            merchant_in_programme: true,
            guarantee: None,
        }
    }

    #[test]
    fn auto_1_three_star_no_reason_within_seven_days_is_approved_at_once() {
        let d = decide(&facts(), &Policy::default());
        assert_eq!(d.outcome, ApprovalOutcome::Approved { fast_return: true });
        assert_eq!(d.rule, RuleId::Auto1);
    }

    #[test]
    fn auto_1_two_star_buyer_waits_for_merchant() {
        let f = ApprovalFacts {
            rating: Rating::new(2).unwrap(),
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(d.outcome, ApprovalOutcome::AwaitMerchant);
        assert_eq!(d.rule, RuleId::Rv1);
    }

    #[test]
    fn auto_1_day_eight_is_outside_the_window() {
        let mut f = facts();
        let received = f.received_at.unwrap();
        f.requested_at = received + Duration::days(7) + Duration::seconds(1);
        assert_eq!(
            decide(&f, &Policy::default()).outcome,
            ApprovalOutcome::AwaitMerchant
        );
        f.requested_at = received + Duration::days(7);
        assert_eq!(
            decide(&f, &Policy::default()).outcome,
            ApprovalOutcome::Approved { fast_return: true }
        );
    }

    #[test]
    fn cr_2_auto_1_threshold_comes_from_policy() {
        let strict = Policy {
            auto_approve_min_stars: 4,
            ..Policy::default()
        };
        assert_eq!(
            decide(&facts(), &strict).outcome,
            ApprovalOutcome::AwaitMerchant
        );
    }

    #[test]
    fn auto_2_fresh_food_and_large_appliances_go_to_review() {
        for category in [Category::FreshFood, Category::LargeAppliance] {
            let f = ApprovalFacts {
                categories: vec![category],
                ..facts()
            };
            let d = decide(&f, &Policy::default());
            assert_eq!(d.rule, RuleId::Auto2);
            assert_eq!(d.outcome, ApprovalOutcome::AwaitMerchant);
        }
    }

    #[test]
    fn mp_1_fast_return_is_for_programme_members() {
        let f = ApprovalFacts {
            merchant_in_programme: false,
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(
            (d.outcome, d.rule),
            (ApprovalOutcome::AwaitMerchant, RuleId::Mp1)
        );
        let open = Policy {
            fast_return_requires_programme: false,
            ..Policy::default()
        };
        assert_eq!(decide(&f, &open).rule, RuleId::Auto1);
    }

    #[test]
    fn ord_5_one_ineligible_line_sends_the_whole_case_to_the_merchant() {
        let f = ApprovalFacts {
            categories: vec![Category::Apparel, Category::FreshFood],
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(d.outcome, ApprovalOutcome::AwaitMerchant);
        assert_eq!(d.rule, RuleId::Ord5);
        let all_fine = ApprovalFacts {
            categories: vec![Category::Apparel, Category::Shoes],
            ..facts()
        };
        assert_eq!(decide(&all_fine, &Policy::default()).rule, RuleId::Auto1);
    }

    #[test]
    fn wf_2_guarantee_claims_are_granted_at_once_unless_not_offered() {
        let f = ApprovalFacts {
            kind: CaseKind::AfterSales,
            remedy: Remedy::Refund,
            categories: vec![Category::FreshFood],
            guarantee: Some("fresh_food_spoiled".into()),
            ..facts()
        };
        let policy = Policy {
            guarantees: vec![crate::guarantee::Guarantee {
                id: "fresh_food_spoiled".into(),
                name: "Spoiled fresh food refunded".into(),
                categories: vec![Category::FreshFood],
                opens: CaseKind::AfterSales,
                remedies: vec![Remedy::Refund],
                evidence: vec![],
                goods_back: false,
                window_days: 2,
            }],
            ..Policy::default()
        };
        let d = decide(&f, &policy);
        assert_eq!(
            (d.outcome, d.rule),
            (
                ApprovalOutcome::Approved { fast_return: false },
                RuleId::Wf2
            )
        );
        assert_eq!(
            decide(&f, &Policy::default()).outcome,
            ApprovalOutcome::AwaitMerchant
        );
    }

    #[test]
    fn auto_3_uncovered_city_is_not_auto_approved() {
        let f = ApprovalFacts {
            city_covered: false,
            ..facts()
        };
        assert_eq!(decide(&f, &Policy::default()).rule, RuleId::Auto3);
    }

    #[test]
    fn rs_2_unshipped_refund_only_needs_no_merchant_and_k_1_shipped_goes_to_review() {
        let f = ApprovalFacts {
            kind: CaseKind::RefundOnly,
            remedy: Remedy::Refund,
            reason: ReturnReason::DidNotLike,
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(
            (d.outcome, d.rule),
            (
                ApprovalOutcome::Approved { fast_return: false },
                RuleId::Rs2
            )
        );
        let f = ApprovalFacts {
            reason: ReturnReason::OutOfStock,
            ..f
        };
        assert_eq!(decide(&f, &Policy::default()).rule, RuleId::Rs1);
        let f = ApprovalFacts {
            merchant_shipped: true,
            ..f
        };
        assert_eq!(
            decide(&f, &Policy::default()).outcome,
            ApprovalOutcome::AwaitMerchant
        );
    }

    #[test]
    fn rv_4_quality_problem_within_days_of_use_is_refunded_and_classified() {
        let f = ApprovalFacts {
            kind: CaseKind::AfterSales,
            reason: ReturnReason::QualityProblem,
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(
            (d.outcome, d.rule, d.class),
            (
                ApprovalOutcome::Approved { fast_return: false },
                RuleId::Rv4,
                ReasonClass::Quality
            )
        );
        let mut late = f.clone();
        late.requested_at = late.received_at.unwrap() + Duration::days(8);
        assert_eq!(
            decide(&late, &Policy::default()).outcome,
            ApprovalOutcome::AwaitMerchant
        );
        let repair = ApprovalFacts {
            remedy: Remedy::Repair,
            ..f
        };
        assert_eq!(decide(&repair, &Policy::default()).rule, RuleId::Rv1);
        assert_eq!(
            decide(&facts(), &Policy::default()).class,
            ReasonClass::ChangedMind
        );
        assert_eq!(
            classify(ReturnReason::OutOfStock),
            ReasonClass::MerchantFault
        );
    }

    #[test]
    fn k_3_exchange_goes_to_the_merchant() {
        let f = ApprovalFacts {
            kind: CaseKind::Exchange,
            remedy: Remedy::Exchange,
            ..facts()
        };
        let d = decide(&f, &Policy::default());
        assert_eq!(
            (d.outcome, d.rule),
            (ApprovalOutcome::AwaitMerchant, RuleId::Rv1)
        );
    }

    #[test]
    fn rv_1_review_deadline_is_72_hours() {
        let f = facts();
        let due = merchant_review_deadline(f.requested_at, &Policy::default());
        assert_eq!(due - f.requested_at, Duration::hours(72));
    }
}
