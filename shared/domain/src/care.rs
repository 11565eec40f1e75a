//! K-5 care orders (CARE-1..CARE-8): the service card, the evidence a service needs, the
//! merchant's review time, the care job's steps, and who pays the freight back.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::guarantee::Evidence;
use crate::{Policy, RuleId};

/// What a care service does (CARE-1).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CareService {
    Cleaning,
    Maintenance,
    Repair,
}

/// CARE-1: a service card as the order system issued it, with its counts now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCard {
    pub services: Vec<CareService>,
    pub valid_until: DateTime<Utc>,
    pub services_total: i32,
    pub services_used: i32,
    /// Held by open care orders; released if review rejects or inspection fails (CARE-8).
    pub services_reserved: i32,
}

impl ServiceCard {
    pub fn services_left(&self) -> i32 {
        self.services_total - self.services_used - self.services_reserved
    }
}

/// CARE-1: a care order may be opened only within validity, while services remain, for a
/// service the card covers. `Err` names the field and why.
pub fn may_open(
    card: &ServiceCard,
    service: CareService,
    now: DateTime<Utc>,
) -> Result<RuleId, (&'static str, String)> {
    if now > card.valid_until {
        return Err((
            "card_id",
            format!(
                "CARE-1: the service card expired on {}",
                card.valid_until.to_rfc3339()
            ),
        ));
    }
    if card.services_left() <= 0 {
        return Err((
            "card_id",
            "CARE-1: no services are left on this card".to_owned(),
        ));
    }
    if !card.services.contains(&service) {
        return Err((
            "service",
            format!("CARE-1: this card covers {:?}", card.services),
        ));
    }
    Ok(RuleId::Care1)
}

/// CARE-2: the evidence each service needs, by kind (settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CareEvidence {
    pub cleaning: Vec<String>,
    pub maintenance: Vec<String>,
    pub repair: Vec<String>,
}

impl Default for CareEvidence {
    fn default() -> Self {
        CareEvidence {
            cleaning: vec!["photo_of_item".into(), "photo_of_stain".into()],
            maintenance: vec!["photo_of_item".into()],
            repair: vec!["photo_of_item".into(), "photo_of_damage".into()],
        }
    }
}

/// CARE-2: the kinds of evidence missing for `service`.
pub fn missing_evidence(service: CareService, given: &[Evidence], policy: &Policy) -> Vec<String> {
    let needed = match service {
        CareService::Cleaning => &policy.care_evidence.cleaning,
        CareService::Maintenance => &policy.care_evidence.maintenance,
        CareService::Repair => &policy.care_evidence.repair,
    };
    needed
        .iter()
        .filter(|k| !given.iter().any(|e| &e.kind == *k))
        .cloned()
        .collect()
}

/// CARE-3: the merchant reviews within 48 hours, or within the time the service description
/// states when review takes longer.
pub fn review_deadline(
    requested_at: DateTime<Utc>,
    stated_hours: Option<i64>,
    policy: &Policy,
) -> DateTime<Utc> {
    let hours = stated_hours
        .filter(|h| *h > policy.care_review_hours)
        .unwrap_or(policy.care_review_hours);
    requested_at + Duration::hours(hours)
}

/// CARE-4: by when the merchant's courier must confirm the pickup time with the buyer.
pub fn confirm_by(approved_at: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    approved_at + Duration::hours(policy.care_pickup_confirm_hours)
}

/// A step of the care job, as the merchant's courier and service centre report it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CareStep {
    /// CARE-4: the pickup time is agreed with the buyer.
    Confirmed,
    /// CARE-4: collected at the buyer's address.
    Collected,
    /// CARE-6: the goods reached the centre.
    AtCentre,
    /// CARE-7: inspection passed; the service was performed.
    Serviced,
    /// CARE-6: inspection failed; the goods go back at the buyer's freight and risk.
    InspectionFailed,
    /// The goods are on their way back.
    SentBack,
    /// CARE-5: lost after pickup; the merchant compensates the goods' value.
    Lost,
    /// CARE-5: damaged or soiled after pickup; the merchant cleans or repairs it free. Recorded
    /// without changing the job's step.
    Damaged,
}

/// The care job's machine (`lifecycle::CareJobState`): which step may follow which. Damage
/// (CARE-5) is recorded beside the step and is not a move.
pub fn next_step_allowed(from: Option<CareStep>, to: CareStep) -> Result<(), String> {
    let at = crate::lifecycle::CareJobState::after(from);
    match crate::lifecycle::CareJobState::reached_by(to) {
        Some(to) => at.step(to).map(|_| ()).map_err(|e| e.to_string()),
        None => Err(format!("a care job at {at} does not move by {to:?}")),
    }
}

/// CARE-7, CARE-8: how a care order ended for its card, as intake stores it (once per case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
#[serde(rename_all = "snake_case")]
pub enum CareOutcome {
    /// CARE-8: review rejected it; the service is not used.
    Rejected,
    /// CARE-7: the service was performed and used.
    Serviced,
    /// CARE-6, CARE-8: inspection failed; the service is not used.
    InspectionFailed,
    /// CARE-5: lost after pickup; the service is not used.
    Lost,
}

impl CareOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CareOutcome::Rejected => "rejected",
            CareOutcome::Serviced => "serviced",
            CareOutcome::InspectionFailed => "inspection_failed",
            CareOutcome::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Rejected,
            Self::Serviced,
            Self::InspectionFailed,
            Self::Lost,
        ]
        .into_iter()
        .find(|o| o.as_str() == raw)
    }

    /// The outcome a reported step settles; `None` for a step on the way.
    pub fn of_step(step: CareStep) -> Option<Self> {
        match step {
            CareStep::Serviced => Some(CareOutcome::Serviced),
            CareStep::InspectionFailed => Some(CareOutcome::InspectionFailed),
            CareStep::Lost => Some(CareOutcome::Lost),
            _ => None,
        }
    }

    /// CARE-7, CARE-8: only a performed service uses one of the card's services.
    pub fn uses_service(self) -> bool {
        self == CareOutcome::Serviced
    }
}

crate::lifecycle::text_column!(CareOutcome, "care outcome");

/// Who pays the freight back: the buyer after a failed inspection (CARE-6), the merchant after
/// the service (CARE-7).
pub fn return_freight_payer(inspection_passed: bool) -> (&'static str, RuleId) {
    if inspection_passed {
        ("merchant", RuleId::Care7)
    } else {
        ("buyer", RuleId::Care6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn card() -> ServiceCard {
        ServiceCard {
            services: vec![CareService::Cleaning, CareService::Repair],
            valid_until: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
            services_total: 2,
            services_used: 1,
            services_reserved: 0,
        }
    }

    #[test]
    fn care_1_open_only_within_validity_while_services_remain() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        assert_eq!(
            may_open(&card(), CareService::Cleaning, now),
            Ok(RuleId::Care1)
        );
        assert_eq!(
            may_open(&card(), CareService::Maintenance, now)
                .unwrap_err()
                .0,
            "service"
        );
        let later = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
        assert!(may_open(&card(), CareService::Cleaning, later).is_err());
        let held = ServiceCard {
            services_reserved: 1,
            ..card()
        };
        assert!(may_open(&held, CareService::Cleaning, now).is_err_and(|e| e.1.contains("left")));
    }

    #[test]
    fn care_2_cleaning_needs_photos_of_item_and_stain() {
        let p = Policy::default();
        let one = [Evidence {
            kind: "photo_of_item".into(),
            reference: "a".into(),
        }];
        assert_eq!(
            missing_evidence(CareService::Cleaning, &one, &p),
            ["photo_of_stain"]
        );
        assert!(missing_evidence(CareService::Maintenance, &one, &p).is_empty());
    }

    #[test]
    fn care_3_review_in_48_hours_or_the_stated_longer_time() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let p = Policy::default();
        assert_eq!(review_deadline(t, None, &p) - t, Duration::hours(48));
        assert_eq!(review_deadline(t, Some(96), &p) - t, Duration::hours(96));
        assert_eq!(review_deadline(t, Some(24), &p) - t, Duration::hours(48));
    }

    #[test]
    fn care_4_pickup_time_confirmed_within_72_hours() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        assert_eq!(confirm_by(t, &Policy::default()) - t, Duration::hours(72));
    }

    #[test]
    fn care_7_care_8_only_a_performed_service_uses_the_card() {
        assert_eq!(
            CareOutcome::of_step(CareStep::Serviced),
            Some(CareOutcome::Serviced)
        );
        assert_eq!(CareOutcome::of_step(CareStep::AtCentre), None);
        assert!(CareOutcome::Serviced.uses_service());
        assert!(!CareOutcome::InspectionFailed.uses_service());
        for o in [CareOutcome::Rejected, CareOutcome::Lost] {
            assert_eq!(CareOutcome::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
    }

    #[test]
    fn care_5_care_6_care_7_steps_and_freight() {
        use CareStep::*;
        assert!(next_step_allowed(None, Confirmed).is_ok());
        assert!(next_step_allowed(Some(AtCentre), InspectionFailed).is_ok());
        assert!(next_step_allowed(Some(Collected), Lost).is_ok(), "CARE-5");
        let e = next_step_allowed(Some(Confirmed), Serviced).unwrap_err();
        assert!(e.contains("from confirmed to serviced"), "{e}");
        assert_eq!(return_freight_payer(false), ("buyer", RuleId::Care6));
        assert_eq!(return_freight_payer(true), ("merchant", RuleId::Care7));
    }
}
