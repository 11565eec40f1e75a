//! Rule ids from RULES.md. Every decision records one of these.

use serde::{Deserialize, Serialize};

macro_rules! rule_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// A rule id exactly as RULES.md spells it (for example `AUTO-1`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema, utoipa::ToSchema)]
        pub enum RuleId {
            $(
                #[serde(rename = $id)]
                $variant,
            )*
        }

        impl RuleId {
            /// Every rule of the rulebook, in its order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }
        }
    };
}

rule_ids! {
    Cr1 => "CR-1",
    Cr2 => "CR-2",
    Cr3 => "CR-3",
    Ct1 => "CT-1",
    Ct2 => "CT-2",
    Ct3 => "CT-3",
    K1 => "K-1",
    K2 => "K-2",
    K3 => "K-3",
    K4 => "K-4",
    K5 => "K-5",
    K6 => "K-6",
    K7 => "K-7",
    Rs1 => "RS-1",
    Rs2 => "RS-2",
    Rs3 => "RS-3",
    Auto1 => "AUTO-1",
    Auto2 => "AUTO-2",
    Auto3 => "AUTO-3",
    Auto4 => "AUTO-4",
    Rv1 => "RV-1",
    Rv2 => "RV-2",
    Rv3 => "RV-3",
    Rv4 => "RV-4",
    Pk1 => "PK-1",
    Pk2 => "PK-2",
    Pk3 => "PK-3",
    Pk4 => "PK-4",
    Pk5 => "PK-5",
    Pk6 => "PK-6",
    Pk7 => "PK-7",
    Pk8 => "PK-8",
    Pk9 => "PK-9",
    Pay1 => "PAY-1",
    Pay2 => "PAY-2",
    Pay3 => "PAY-3",
    Pay4 => "PAY-4",
    Pay5 => "PAY-5",
    Pay6 => "PAY-6",
    Pay7 => "PAY-7",
    Care1 => "CARE-1",
    Care2 => "CARE-2",
    Care3 => "CARE-3",
    Care4 => "CARE-4",
    Care5 => "CARE-5",
    Care6 => "CARE-6",
    Care7 => "CARE-7",
    Care8 => "CARE-8",
    As1 => "AS-1",
    As2 => "AS-2",
    As3 => "AS-3",
    As4 => "AS-4",
    As5 => "AS-5",
    Wf1 => "WF-1",
    Wf2 => "WF-2",
    Wf3 => "WF-3",
    Wf4 => "WF-4",
    Mp1 => "MP-1",
    Mp2 => "MP-2",
    Mp3 => "MP-3",
    Ord1 => "ORD-1",
    Ord2 => "ORD-2",
    Ord3 => "ORD-3",
    Ord4 => "ORD-4",
    Ord5 => "ORD-5",
    Ord6 => "ORD-6",
}

impl RuleId {
    pub fn parse(raw: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.as_str() == raw)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_round_trip_as_the_rulebook_spells_them() {
        for r in RuleId::ALL {
            assert_eq!(RuleId::parse(r.as_str()), Some(*r));
            let json = serde_json::to_string(r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
    }
}
