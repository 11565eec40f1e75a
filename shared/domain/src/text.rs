//! Text as the API documents read it. Their patterns are ECMA-262 regular expressions, so
//! "not only spaces" (`\S`) means a character outside ECMA-262's white space and line
//! terminators; the server's checks use the same set, so a body the documents allow is taken.

/// ECMA-262's `\s`: white space (Zs and the tab family) and line terminators.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// Empty, or spaces only.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_space)
}

/// Without the spaces around it.
pub fn trimmed(s: &str) -> &str {
    s.trim_matches(is_space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_what_a_documents_pattern_calls_space() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\n\u{3000}\u{feff}"));
        assert!(!is_blank("a"));
        // NEL is space to Rust's `trim` but not to ECMA-262's `\s`: it is text here.
        assert!(!is_blank("\u{85}"));
        assert_eq!(trimmed("  Li Lei\u{a0}"), "Li Lei");
    }
}
