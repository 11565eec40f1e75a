//! Personal data in logs and spans: never in full (issue 4). A phone number shows its last four
//! digits; an address only its length.

/// `+8613800138000` → `*********8000`.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let keep = digits.len().saturating_sub(4);
    digits
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep { '*' } else { *c })
        .collect()
}

/// An address as a log may show it: how long it is, nothing of what it says.
pub fn mask_address(address: &str) -> String {
    format!("<address, {} characters>", address.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_phone_keeps_only_its_last_four_digits() {
        assert_eq!(mask_phone("+8613800138000"), "*********8000");
        assert_eq!(mask_phone("138"), "138");
        assert!(!mask_address("88 Century Avenue").contains("Century"));
    }
}
