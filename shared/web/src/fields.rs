//! Checks of the fields many routes share, each refusing with the field's name and what is
//! allowed, and the one answer for a database that does not respond.

use crate::Problem;

/// An id as the platform's systems write them: 1-64 letters, digits, '-' or '_'.
pub fn check_id(field: &str, v: &str) -> Result<(), Problem> {
    if v.is_empty()
        || v.len() > 64
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Problem::invalid(
            field,
            format!("{field} must be 1-64 characters of letters, digits, '-' or '_'"),
        ));
    }
    Ok(())
}

/// Words a person will read (a ruling's reason, a note to the buyer): 1-500 characters, not
/// only spaces. `why` says who reads it; the refusal adds the bounds.
pub fn readable_text(field: &str, v: &str, why: &str) -> Result<(), Problem> {
    if returns_domain::text::is_blank(v) || v.chars().count() > 500 {
        return Err(Problem::invalid(field, format!("{why}, 1-500 characters")));
    }
    Ok(())
}

/// A phone number a courier or a buyer can call: 6-20 digits, optionally after a `+`.
pub fn phone_number(field: &str, v: &str) -> Result<(), Problem> {
    let digits = v.strip_prefix('+').unwrap_or(v);
    if !(6..=20).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::invalid(
            field,
            "must be 6-20 digits, optionally starting with +",
        ));
    }
    Ok(())
}

/// A parcel's tracking number: 6-40 letters and digits (surrounding spaces dropped).
pub fn tracking_number(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.len() < 6 || t.len() > 40 || !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Problem::invalid(
            "tracking_number",
            "must be 6-40 letters and digits",
        ));
    }
    Ok(t.to_owned())
}

/// A carrier's name, e.g. `sf-express`.
pub fn carrier(raw: &str) -> Result<String, Problem> {
    let c = raw.trim();
    if c.is_empty()
        || c.len() > 40
        || !c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ' || b == b'_')
    {
        return Err(Problem::invalid(
            "carrier",
            "must be 1-40 letters, digits, spaces, '-' or '_' (e.g. \"sf-express\")",
        ));
    }
    Ok(c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_text_needs_words_and_at_most_500_characters() {
        assert!(readable_text("reason", "Worn.", "a reason").is_ok());
        assert!(readable_text("reason", &"x".repeat(500), "a reason").is_ok());
        for bad in ["", "   ", &"x".repeat(501)] {
            let p = readable_text("reason", bad, "AS-2: a reason").unwrap_err();
            let body = serde_json::to_value(&p).unwrap();
            assert_eq!(body["field"], "reason");
            assert_eq!(body["detail"], "AS-2: a reason, 1-500 characters");
        }
    }

    #[test]
    fn ct_2_tracking_numbers_and_carriers_are_checked() {
        assert_eq!(
            tracking_number(" SF123456 ").ok().as_deref(),
            Some("SF123456")
        );
        assert!(tracking_number("12345").is_err());
        assert!(tracking_number("SF-123456").is_err());
        assert!(carrier("sf-express").is_ok());
        assert!(carrier("").is_err());
        assert!(carrier("a;b").is_err());
        assert!(check_id("buyer_id", "b-1").is_ok());
        assert!(check_id("buyer_id", "b 1").is_err());
    }
}
