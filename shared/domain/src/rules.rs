//! Rule ids from RULES.md. Every decision records one of these.

use serde::{Deserialize, Serialize};

/// A rule id exactly as RULES.md spells it (for example `AUTO-1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleId {
    #[serde(rename = "CR-3")]
    Cr3,
    #[serde(rename = "RS-1")]
    Rs1,
    #[serde(rename = "RS-2")]
    Rs2,
    #[serde(rename = "CT-2")]
    Ct2,
    #[serde(rename = "CT-3")]
    Ct3,
    #[serde(rename = "AUTO-1")]
    Auto1,
    #[serde(rename = "AUTO-2")]
    Auto2,
    #[serde(rename = "AUTO-3")]
    Auto3,
    #[serde(rename = "RV-1")]
    Rv1,
    #[serde(rename = "RV-2")]
    Rv2,
    #[serde(rename = "PK-1")]
    Pk1,
    #[serde(rename = "PK-2")]
    Pk2,
    #[serde(rename = "PK-3")]
    Pk3,
    #[serde(rename = "PK-4")]
    Pk4,
    #[serde(rename = "PK-5")]
    Pk5,
    #[serde(rename = "PK-9")]
    Pk9,
    #[serde(rename = "PAY-1")]
    Pay1,
    #[serde(rename = "PAY-2")]
    Pay2,
    #[serde(rename = "PAY-3")]
    Pay3,
    #[serde(rename = "PAY-4")]
    Pay4,
    #[serde(rename = "PAY-5")]
    Pay5,
}

impl RuleId {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::Cr3 => "CR-3",
            RuleId::Rs1 => "RS-1",
            RuleId::Rs2 => "RS-2",
            RuleId::Ct2 => "CT-2",
            RuleId::Ct3 => "CT-3",
            RuleId::Auto1 => "AUTO-1",
            RuleId::Auto2 => "AUTO-2",
            RuleId::Auto3 => "AUTO-3",
            RuleId::Rv1 => "RV-1",
            RuleId::Rv2 => "RV-2",
            RuleId::Pk1 => "PK-1",
            RuleId::Pk2 => "PK-2",
            RuleId::Pk3 => "PK-3",
            RuleId::Pk4 => "PK-4",
            RuleId::Pk5 => "PK-5",
            RuleId::Pk9 => "PK-9",
            RuleId::Pay1 => "PAY-1",
            RuleId::Pay2 => "PAY-2",
            RuleId::Pay3 => "PAY-3",
            RuleId::Pay4 => "PAY-4",
            RuleId::Pay5 => "PAY-5",
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
