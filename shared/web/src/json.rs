//! Strict JSON: the path of the offending field is reported, never a 500.

use actix_web::web;
use serde::de::DeserializeOwned;

use crate::Problem;

/// Parses `body` as `T`; on failure says which field and why.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    if has_escaped_nul(body) {
        // No text the platform keeps may hold a NUL character (PostgreSQL refuses them).
        let field = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| nul_path(&v, String::new()))
            .unwrap_or_else(|| "body".to_owned());
        return Err(Problem::invalid(
            field,
            "text may not contain the NUL character (\\u0000)",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = (path != "." && !path.is_empty()).then_some(path);
        // serde reports a missing or an unknown field at the object that lacks or holds it;
        // name the field itself.
        let message = inner.to_string();
        let missing = ["missing field `", "unknown field `"]
            .iter()
            .find_map(|p| message.strip_prefix(p))
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        let field = match (at, missing) {
            // An unknown field's path already ends with it.
            (Some(at), Some(name)) if at == name || at.ends_with(&format!(".{name}")) => Some(at),
            (Some(at), Some(name)) => Some(format!("{at}.{name}")),
            (None, Some(name)) => Some(name),
            (at, None) => at,
        };
        let detail = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("body is not valid JSON: {inner}")
            }
            _ => inner.to_string(),
        };
        Problem::malformed(field, detail)
    })
}

/// The path (`lines[0].order_line_id`) of the first string, or key, holding a NUL character.
fn nul_path(v: &serde_json::Value, at: String) -> Option<String> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match v {
        serde_json::Value::String(s) if s.contains('\0') => {
            Some(if at.is_empty() { "body".to_owned() } else { at })
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, item)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "\\u0000")))
            } else {
                nul_path(item, join(k))
            }
        }),
        _ => None,
    }
}

/// Whether a JSON text holds the escape `\u0000` (a raw NUL byte is not JSON at all).
fn has_escaped_nul(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1..i + 6) == Some(b"u0000".as_slice()) {
                return true;
            }
            i += 2; // skip the escaped character, so `\\u0000` (a backslash, then text) passes
        } else {
            i += 1;
        }
    }
    false
}

/// An id in the path (`/cases/{id}`); `what` names it in the error ("case", "job").
pub fn path_uuid(raw: &str, what: &str) -> Result<uuid::Uuid, Problem> {
    uuid::Uuid::parse_str(raw)
        .map_err(|_| Problem::malformed(Some("id".into()), format!("{what} id must be a UUID")))
}

/// For routes that use `web::Json`: size cap and problem responses.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req| Problem::malformed(None, err.to_string()).into())
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default()
        .error_handler(|err, _req| Problem::malformed(Some("path".into()), err.to_string()).into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default()
        .error_handler(|err, _req| Problem::malformed(Some("query".into()), err.to_string()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Req {
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u8,
    }

    #[test]
    fn nul_characters_are_refused_but_an_escaped_backslash_is_not_one() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Note {
            note: String,
        }
        let p = parse_json::<Note>(br#"{"note": "a\u0000b"}"#).unwrap_err();
        assert_eq!((p.status, p.field.as_deref()), (422, Some("note")));
        assert!(parse_json::<Note>(br#"{"note": "a\\u0000b"}"#).is_ok());
        let p =
            parse_json::<Req>(br#"{"inner": {"count": 1, "tags": ["x", "y\u0000"]}}"#).unwrap_err();
        assert_eq!(p.field.as_deref(), Some("inner.tags[1]"));
    }

    #[test]
    fn a_missing_field_is_named_in_field() {
        let p = parse_json::<Req>(br#"{}"#).unwrap_err();
        assert_eq!((p.status, p.field.as_deref()), (400, Some("inner")));
        let p = parse_json::<Req>(br#"{"inner": {}}"#).unwrap_err();
        assert_eq!(p.field.as_deref(), Some("inner.count"));
    }

    #[test]
    fn names_the_offending_field() {
        let p = parse_json::<Req>(br#"{"inner": {"count": 900}}"#).unwrap_err();
        assert_eq!(p.field.as_deref(), Some("inner.count"));
        assert_eq!(p.status, 400);
        let p = parse_json::<Req>(b"{not json").unwrap_err();
        assert!(p.detail.contains("not valid JSON"));
        let p = parse_json::<Req>(br#"{"inner": {"count": 1}, "extra": 1}"#).unwrap_err();
        assert!(p.detail.contains("unknown field"), "{}", p.detail);
        assert_eq!(p.field.as_deref(), Some("extra"));
    }
}
