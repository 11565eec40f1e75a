//! Checks for what people type about a parcel: the carrier's name and its tracking number.

use returns_web::Problem;

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
    }
}
