//! Issue 12 item 3: every lifecycle with states, next to the case machine. Each is an enum
//! whose text (the column a service stores it in, the wire value an API answers) is written
//! once, in its `lifecycle!` declaration, with the moves its rules allow. Services compare
//! and store these enums, never their strings; with the `diesel` feature a state is a TEXT
//! column's value directly.

mod buyer_shipment;
mod care_job;
mod compensation;
mod decision;
mod delivery_job;
mod dispute;
mod intervention;
mod pickup_job;
mod recovery;
mod refund;

pub use buyer_shipment::BuyerShipmentState;
pub use care_job::CareJobState;
pub use compensation::CompensationState;
pub use decision::{CsRuling, DecisionState, cs_ruling};
pub use delivery_job::{DeliveryJobState, DeliveryRefused};
pub use dispute::DisputeState;
pub use intervention::InterventionState;
pub use pickup_job::PickupJobState;
pub use recovery::RecoveryState;
pub use refund::RefundState;

/// A move its lifecycle does not allow: which lifecycle, from where, to where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {lifecycle} cannot go from {from} to {to}")]
pub struct IllegalMove {
    pub lifecycle: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

/// Declares a lifecycle: its states with their stored text, and the moves allowed from each
/// (a state with no line is final). Generates `ALL`, `as_str`, `parse`, `may_become`, `step`,
/// `is_final`, `Display`, serde, utoipa and (feature `diesel`) the TEXT column mapping.
macro_rules! lifecycle {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $label:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
        moves { $( $from:ident => $($to:ident)|+ ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema, schemars::JsonSchema,
        )]
        #[cfg_attr(feature = "diesel", derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every state, in the order of the declaration.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The state's text, as stored and as answered.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The state a stored or requested text names.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $($text => Some(Self::$variant),)+ _ => None }
            }

            /// Whether the lifecycle allows moving from `self` to `to`.
            pub fn may_become(self, to: Self) -> bool {
                #[allow(unreachable_patterns)]
                match self {
                    $(Self::$from => matches!(to, $(Self::$to)|+),)*
                    _ => false,
                }
            }

            /// The move to `to`, or why it is not allowed.
            pub fn step(self, to: Self) -> Result<Self, $crate::lifecycle::IllegalMove> {
                if self.may_become(to) {
                    Ok(to)
                } else {
                    Err($crate::lifecycle::IllegalMove {
                        lifecycle: $label,
                        from: self.as_str(),
                        to: to.as_str(),
                    })
                }
            }

            /// Every allowed move, in the order of the declaration.
            pub fn moves() -> Vec<(Self, Self)> {
                let mut all = Vec::new();
                for from in Self::ALL {
                    for to in Self::ALL {
                        if from.may_become(*to) {
                            all.push((*from, *to));
                        }
                    }
                }
                all
            }

            /// No move leaves this state.
            pub fn is_final(self) -> bool {
                !Self::ALL.iter().any(|t| self.may_become(*t))
            }
        }

        $crate::lifecycle::text_column!($name, $label);
    };
}
pub(crate) use lifecycle;

/// `Display` as the stored text, and the TEXT column mapping (feature `diesel`), of a type with `as_str` and `parse`: the one
/// place where a stored text becomes the enum and back. The type derives
/// `diesel::AsExpression` and `diesel::FromSqlRow` with `sql_type = Text` under the feature.
macro_rules! text_column {
    ($name:ident, $label:literal) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "diesel")]
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        #[cfg(feature = "diesel")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(raw: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = std::str::from_utf8(raw.as_bytes())?;
                Self::parse(text).ok_or_else(|| format!("{text:?} is not a {}", $label).into())
            }
        }
    };
}
pub(crate) use text_column;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every state of every lifecycle reads back from its own text, and no two share one.
    fn round_trips<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        as_str: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        let mut seen = std::collections::BTreeSet::new();
        for s in all {
            assert_eq!(parse(as_str(*s)), Some(*s));
            assert!(seen.insert(as_str(*s)), "{} twice", as_str(*s));
        }
        assert_eq!(parse("no_such_state"), None);
    }

    #[test]
    fn each_lifecycle_states_text_is_written_once_and_reads_back() {
        round_trips(
            DecisionState::ALL,
            DecisionState::as_str,
            DecisionState::parse,
        );
        round_trips(
            InterventionState::ALL,
            InterventionState::as_str,
            InterventionState::parse,
        );
        round_trips(
            PickupJobState::ALL,
            PickupJobState::as_str,
            PickupJobState::parse,
        );
        round_trips(CareJobState::ALL, CareJobState::as_str, CareJobState::parse);
        round_trips(
            BuyerShipmentState::ALL,
            BuyerShipmentState::as_str,
            BuyerShipmentState::parse,
        );
        round_trips(
            DeliveryJobState::ALL,
            DeliveryJobState::as_str,
            DeliveryJobState::parse,
        );
        round_trips(RefundState::ALL, RefundState::as_str, RefundState::parse);
        round_trips(
            RecoveryState::ALL,
            RecoveryState::as_str,
            RecoveryState::parse,
        );
        round_trips(DisputeState::ALL, DisputeState::as_str, DisputeState::parse);
        round_trips(
            CompensationState::ALL,
            CompensationState::as_str,
            CompensationState::parse,
        );
    }

    #[test]
    fn the_serde_text_is_the_stored_text() {
        for s in RefundState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in PickupJobState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }

    /// The mermaid lines of a lifecycle's moves, as docs/state-machines.md draws them.
    fn diagram<T: Copy + std::fmt::Display>(moves: &[(T, T)]) -> String {
        moves
            .iter()
            .map(|(from, to)| format!("    {from} --> {to}\n"))
            .collect()
    }

    #[test]
    fn docs_state_machines_draws_every_lifecycle_as_declared() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/state-machines.md");
        let doc = std::fs::read_to_string(path).unwrap();
        for (name, lines) in [
            ("decision", diagram(&DecisionState::moves())),
            ("intervention", diagram(&InterventionState::moves())),
            ("pickup job", diagram(&PickupJobState::moves())),
            ("buyer shipment", diagram(&BuyerShipmentState::moves())),
            ("care job", diagram(&CareJobState::moves())),
            ("delivery job", diagram(&DeliveryJobState::moves())),
            ("refund", diagram(&RefundState::moves())),
            ("recovery", diagram(&RecoveryState::moves())),
            ("dispute", diagram(&DisputeState::moves())),
            ("compensation", diagram(&CompensationState::moves())),
        ] {
            assert!(
                doc.contains(&lines),
                "docs/state-machines.md draws the {name} lifecycle as:\n{lines}"
            );
        }
    }

    #[test]
    fn an_illegal_move_names_its_lifecycle_and_both_states() {
        let e = RefundState::Paid
            .step(RefundState::HeldByReturnCheck)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a refund cannot go from paid to held_by_return_check"
        );
    }
}
