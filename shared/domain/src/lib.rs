//! The returns rulebook (`../shared/domain/RULES.md`) as pure functions.
//!
//! Nothing here performs I/O or reads the clock: actors pass in `now`, the policy
//! (loaded from settings) and the facts, and record the [`RuleId`] each decision returns.

pub mod after_sales;
pub mod approval;
pub mod care;
pub mod case;
pub mod complaint;
pub mod delivery;
pub mod guarantee;
pub mod ledger;
pub mod lifecycle;
pub mod machine;
pub mod money;
pub mod order;
pub mod pickup;
pub mod policy;
pub mod programme;
pub mod refund_only;
pub mod return_check;
pub mod rules;
pub mod text;
pub mod whole;

pub use case::{CaseKind, CaseStatus, Category, CityCode, Rating, Remedy, ReturnReason, SizeClass};
pub use money::Fen;
pub use policy::Policy;
pub use rules::RuleId;

/// One of the domain's enums from its wire name (`after_sales`, `large_appliance`), as stored
/// in a text column or given in a query; `None` for anything else.
pub fn from_wire<T: serde::de::DeserializeOwned>(raw: &str) -> Option<T> {
    use serde::de::value::{Error, StrDeserializer};
    T::deserialize(StrDeserializer::<Error>::new(raw)).ok()
}

/// The wire name of one of the domain's enums, as stored in a text column; the inverse of
/// [`from_wire`] (empty for a value that is not a plain name).
pub fn to_wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A fact given to a rule was outside what the rule accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    pub field: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn a_wire_name_reads_back_as_its_value() {
        assert_eq!(to_wire(&CaseKind::AfterSales), "after_sales");
        assert_eq!(
            from_wire::<CaseKind>(&to_wire(&CaseKind::AfterSales)),
            Some(CaseKind::AfterSales)
        );
        assert_eq!(to_wire(&7_u8), "");
    }
}
