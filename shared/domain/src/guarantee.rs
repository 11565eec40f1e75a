//! WF-2, WF-4: category guarantees as data. Each guarantee is a policy on top of the case
//! kinds: which categories it covers, which case kind it opens and with which remedies, what
//! evidence the buyer must give, whether the goods come back, and its window in days (counted
//! from receipt). They live in settings (`[[policy.guarantees]]`), validated at start-up.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{CaseKind, Category, InvalidInput, Remedy, machine};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Guarantee {
    /// Stable id the buyer's request names, e.g. `fresh_food_spoiled`.
    pub id: String,
    /// What the product page shows (WF-1).
    pub name: String,
    pub categories: Vec<Category>,
    /// WF-4: the case kind it opens.
    pub opens: CaseKind,
    /// WF-4: the remedies it grants (the first is taken when the buyer names none).
    pub remedies: Vec<Remedy>,
    /// WF-4: the evidence the buyer must give, by kind (e.g. `photo_of_spoilage`).
    pub evidence: Vec<String>,
    /// WF-4: whether the goods must come back.
    pub goods_back: bool,
    /// WF-4: days after receipt during which it can be claimed.
    pub window_days: i64,
}

/// One piece of evidence the buyer gives: its kind and a reference to the stored file.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    // What it shows, e.g. `photo_of_spoilage` (1-60 characters, not only spaces). Not a doc
    // comment: the published event schemas carry this type and stay as they were.
    #[schema(min_length = 1, max_length = 60, pattern = "\\S")]
    pub kind: String,
    // Where the stored file is (1-300 characters, not only spaces).
    #[serde(rename = "ref")]
    #[schema(min_length = 1, max_length = 300, pattern = "\\S")]
    pub reference: String,
}

impl Evidence {
    /// A kind of 1-60 and a reference of 1-300 characters, neither only spaces.
    pub fn is_readable(&self) -> bool {
        let fits = |s: &str, most: usize| !crate::text::is_blank(s) && s.chars().count() <= most;
        fits(&self.kind, 60) && fits(&self.reference, 300)
    }
}

impl Guarantee {
    /// Start-up check of one guarantee; `index` places it in the settings.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let bad = |m: String| {
            Err(InvalidInput::new(
                "policy.guarantees",
                format!("{}: {m}", self.id),
            ))
        };
        if self.id.is_empty()
            || !self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return bad("the id must be lowercase letters, digits and '_'".to_owned());
        }
        if self.categories.is_empty() {
            return bad("covers no category".to_owned());
        }
        if self.window_days <= 0 {
            return bad("window_days must be greater than 0".to_owned());
        }
        let allowed = machine::remedies(self.opens);
        if self.remedies.is_empty() || self.remedies.iter().any(|r| !allowed.contains(r)) {
            return bad(format!(
                "remedies must be some of those its kind ({:?}) allows: {allowed:?}",
                self.opens
            ));
        }
        if self
            .remedies
            .iter()
            .any(|r| r.goods_come_back() != self.goods_back)
        {
            return bad(
                "goods_back must agree with every remedy (a refund keeps the goods)".to_owned(),
            );
        }
        Ok(())
    }

    /// WF-4: a claim for goods received at `received_at`, asked at `now`, with `evidence`.
    /// `Err` names the request's field and what is missing.
    pub fn check_claim(
        &self,
        category: Category,
        kind: CaseKind,
        remedy: Remedy,
        received_at: DateTime<Utc>,
        now: DateTime<Utc>,
        evidence: &[Evidence],
    ) -> Result<(), InvalidInput> {
        if !self.categories.contains(&category) {
            return Err(InvalidInput::new(
                "category",
                format!("the {} guarantee covers {:?}", self.id, self.categories),
            ));
        }
        if kind != self.opens {
            return Err(InvalidInput::new(
                "kind",
                format!("the {} guarantee opens a {:?} case", self.id, self.opens),
            ));
        }
        if !self.remedies.contains(&remedy) {
            return Err(InvalidInput::new(
                "remedy",
                format!("the {} guarantee grants {:?}", self.id, self.remedies),
            ));
        }
        let age = now - received_at;
        if age < Duration::zero() || age > Duration::days(self.window_days) {
            return Err(InvalidInput::new(
                "received_at",
                format!(
                    "the {} guarantee is claimed within {} days of receipt",
                    self.id, self.window_days
                ),
            ));
        }
        let missing: Vec<&str> = self
            .evidence
            .iter()
            .filter(|k| !evidence.iter().any(|e| &e.kind == *k))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(InvalidInput::new(
                "evidence",
                format!(
                    "the {} guarantee needs evidence of kind: {}",
                    self.id,
                    missing.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

/// WF-1: the guarantees a product of `category` carries.
pub fn for_category(all: &[Guarantee], category: Category) -> Vec<&Guarantee> {
    all.iter()
        .filter(|g| g.categories.contains(&category))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn wf_4_evidence_is_a_readable_kind_and_reference() {
        let e = |kind: &str, r: &str| Evidence {
            kind: kind.into(),
            reference: r.into(),
        };
        assert!(e("photo", "s3://a").is_readable());
        // Characters, not bytes: 60 CJK characters are 180 bytes.
        assert!(e(&"照".repeat(60), "r").is_readable());
        assert!(!e(&"照".repeat(61), "r").is_readable());
        assert!(!e("  ", "r").is_readable());
        assert!(!e("photo", "").is_readable());
        assert!(!e("photo", &"x".repeat(301)).is_readable());
    }

    fn spoiled() -> Guarantee {
        Guarantee {
            id: "fresh_food_spoiled".into(),
            name: "Spoiled fresh food refunded".into(),
            categories: vec![Category::FreshFood],
            opens: CaseKind::AfterSales,
            remedies: vec![Remedy::Refund],
            evidence: vec!["photo_of_spoilage".into()],
            goods_back: false,
            window_days: 2,
        }
    }

    #[test]
    fn wf_2_wf_4_a_guarantee_states_kind_evidence_goods_back_and_window() {
        let g = spoiled();
        assert_eq!(g.validate(), Ok(()));
        let received = Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap();
        let photo = vec![Evidence {
            kind: "photo_of_spoilage".into(),
            reference: "img-1".into(),
        }];
        let now = received + Duration::days(1);
        let claim = |cat, kind, remedy, at, ev: &[Evidence]| {
            g.check_claim(cat, kind, remedy, received, at, ev)
        };
        assert!(
            claim(
                Category::FreshFood,
                CaseKind::AfterSales,
                Remedy::Refund,
                now,
                &photo
            )
            .is_ok()
        );
        let field = |r: Result<(), InvalidInput>| r.err().map(|e| e.field);
        assert_eq!(
            field(claim(
                Category::FreshFood,
                CaseKind::AfterSales,
                Remedy::Refund,
                now,
                &[]
            )),
            Some("evidence")
        );
        assert_eq!(
            field(claim(
                Category::Apparel,
                CaseKind::AfterSales,
                Remedy::Refund,
                now,
                &photo
            )),
            Some("category")
        );
        assert_eq!(
            field(claim(
                Category::FreshFood,
                CaseKind::AfterSales,
                Remedy::ReturnRefund,
                now,
                &photo
            )),
            Some("remedy")
        );
        let late = received + Duration::days(3);
        assert_eq!(
            field(claim(
                Category::FreshFood,
                CaseKind::AfterSales,
                Remedy::Refund,
                late,
                &photo
            )),
            Some("received_at")
        );
    }

    #[test]
    fn wf_4_inconsistent_guarantees_are_refused_at_start_up() {
        let g = Guarantee {
            goods_back: true,
            ..spoiled()
        };
        assert!(
            g.validate()
                .is_err_and(|e| e.message.contains("goods_back"))
        );
        let g = Guarantee {
            remedies: vec![Remedy::Repair],
            opens: CaseKind::ReturnRefund,
            ..spoiled()
        };
        assert!(g.validate().is_err());
        let g = Guarantee {
            window_days: 0,
            ..spoiled()
        };
        assert!(g.validate().is_err());
    }
}
