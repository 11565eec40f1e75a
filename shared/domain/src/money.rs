//! Money in integer minor units (fen, 1/100 CNY). Never floating point.

use serde::{Deserialize, Serialize};

/// An amount in fen. Signed so that ledger postings can carry direction.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Default,
    schemars::JsonSchema,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// `percent` of the amount, rounded toward zero. Computed in i128, so it cannot overflow:
    /// for 0..=100 percent the result lies between 0 and the amount.
    pub fn percent(self, percent: i64) -> Option<Fen> {
        let share = i128::from(self.0) * i128::from(percent) / 100;
        i64::try_from(share).ok().map(Fen)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl std::ops::Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_of_the_largest_amount_does_not_overflow() {
        assert_eq!(Fen(i64::MAX).percent(30).map(|f| f.0 > 0), Some(true));
        assert_eq!(Fen(19_999).percent(30), Some(Fen(5_999)));
        assert_eq!(Fen(i64::MAX).percent(200), None);
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
    }

    #[test]
    fn displays_yuan_and_fen() {
        assert_eq!(Fen(12_345).to_string(), "¥123.45");
        assert_eq!(Fen(-5).to_string(), "-¥0.05");
    }
}
