//! The roles of the public API, one front each.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A buyer; the token's subject is the buyer id.
    Buyer,
    /// A shop; the subject is the merchant id.
    Merchant,
    /// A courier company; the subject is the company's code.
    Courier,
    /// A customer-service agent; the subject is the agent id.
    Cs,
    /// The platform's operators.
    Operator,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Buyer,
        Role::Merchant,
        Role::Courier,
        Role::Cs,
        Role::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Merchant => "merchant",
            Role::Courier => "courier",
            Role::Cs => "cs",
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
