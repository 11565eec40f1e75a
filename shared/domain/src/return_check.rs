//! RV-3: returned goods are checked against the return conditions. A failed check is the
//! merchant's decision with a reason and evidence; the buyer may escalate it (AS-2).

use serde::{Deserialize, Serialize};

/// What the merchant found when it opened the parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnConditions {
    pub not_soiled: bool,
    pub no_marks_of_use: bool,
    pub tags_attached: bool,
    pub accessories_complete: bool,
}

/// The conditions the goods fail, by name; empty when the check passes.
pub fn failed(c: &ReturnConditions) -> Vec<&'static str> {
    [
        (c.not_soiled, "soiled"),
        (c.no_marks_of_use, "marks_of_use"),
        (c.tags_attached, "tags_missing"),
        (c.accessories_complete, "accessories_incomplete"),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, name)| name)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rv_3_each_condition_that_fails_is_named() {
        let all = ReturnConditions {
            not_soiled: true,
            no_marks_of_use: true,
            tags_attached: true,
            accessories_complete: true,
        };
        assert!(failed(&all).is_empty());
        let c = ReturnConditions {
            tags_attached: false,
            not_soiled: false,
            ..all
        };
        assert_eq!(failed(&c), ["soiled", "tags_missing"]);
    }
}
