//! Would a new schema of an event break the consumers of the published one? A consumer reads
//! records written with either (both stay on the topic for its retention), so these break it:
//! - a field removed, or no longer always present;
//! - a field retyped: the new schema allows a JSON type the old did not (a number becoming a
//!   string, a value becoming nullable);
//! - a new required field (records written before the change lack it).
//!
//! Adding an optional field is compatible; so is a new value of an enumeration (consumers treat
//! values they do not know as "other", docs/events.md). Pure functions on JSON Schema values.

use std::collections::BTreeSet;

use serde_json::Value;

/// The changes from `old` to `new` that break consumers, one line each (empty: compatible).
pub fn breaking_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    compare(
        Side { root: old, at: old },
        Side { root: new, at: new },
        "payload",
        &mut out,
        0,
    );
    out
}

#[derive(Clone, Copy)]
struct Side<'a> {
    root: &'a Value,
    at: &'a Value,
}

impl<'a> Side<'a> {
    /// Follows `$ref`s into `$defs` (or `definitions`).
    fn resolved(self) -> Side<'a> {
        let mut at = self.at;
        for _ in 0..16 {
            let Some(r) = at.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let target = r
                .strip_prefix("#/")
                .map(|p| p.split('/').fold(self.root, |v, key| &v[key]));
            match target {
                Some(t) if !t.is_null() => at = t,
                _ => break,
            }
        }
        Side {
            root: self.root,
            at,
        }
    }

    fn with(self, at: &'a Value) -> Side<'a> {
        Side {
            root: self.root,
            at,
        }
        .resolved()
    }

    /// The branches of an `anyOf`/`oneOf` (or the schema itself).
    fn branches(self) -> Vec<Side<'a>> {
        let s = self.resolved();
        for key in ["anyOf", "oneOf"] {
            if let Some(list) = s.at.get(key).and_then(Value::as_array) {
                return list.iter().flat_map(|b| s.with(b).branches()).collect();
            }
        }
        vec![s]
    }

    /// The JSON types a value may have; `any` when unconstrained.
    fn types(self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for b in self.branches() {
            let s = b.at;
            if let Some(t) = s.get("type") {
                match t {
                    Value::String(t) => {
                        out.insert(t.clone());
                    }
                    Value::Array(ts) => {
                        out.extend(ts.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    _ => {}
                }
            } else if let Some(values) = s.get("enum").and_then(Value::as_array) {
                out.extend(values.iter().map(json_type));
            } else if let Some(c) = s.get("const") {
                out.insert(json_type(c));
            } else if s.get("properties").is_some() {
                out.insert("object".into());
            } else {
                out.insert("any".into());
            }
        }
        // An integer is a number: `integer` → `number` widens, the reverse narrows (fine).
        if out.contains("number") {
            out.insert("integer".into());
        }
        out
    }

    /// The object's properties and required names, across `anyOf` branches.
    fn object(self) -> (Vec<(&'a str, &'a Value)>, BTreeSet<&'a str>) {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        for b in self.branches() {
            if let Some(p) = b.at.get("properties").and_then(Value::as_object) {
                props.extend(p.iter().map(|(k, v)| (k.as_str(), v)));
            }
            if let Some(r) = b.at.get("required").and_then(Value::as_array) {
                required.extend(r.iter().filter_map(Value::as_str));
            }
        }
        (props, required)
    }

    fn items(self) -> Option<Side<'a>> {
        self.branches()
            .into_iter()
            .find_map(|b| b.at.get("items").map(|i| b.with(i)))
    }
}

fn json_type(v: &Value) -> String {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
    .to_owned()
}

fn compare(old: Side<'_>, new: Side<'_>, path: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    let (old, new) = (old.resolved(), new.resolved());
    let (told, tnew) = (old.types(), new.types());
    if !told.contains("any") && !tnew.is_subset(&told) {
        let added: Vec<&String> = tnew.difference(&told).collect();
        out.push(format!("{path} retyped: it may now be {added:?}"));
        return;
    }
    let (old_props, old_req) = old.object();
    let (new_props, new_req) = new.object();
    for (name, old_schema) in &old_props {
        let field = format!("{path}.{name}");
        match new_props.iter().find(|(n, _)| n == name) {
            None => out.push(format!("{field} removed")),
            Some((_, new_schema)) => {
                if old_req.contains(name) && !new_req.contains(name) {
                    out.push(format!("{field} no longer always present"));
                }
                compare(
                    old.with(old_schema),
                    new.with(new_schema),
                    &field,
                    out,
                    depth + 1,
                );
            }
        }
    }
    for name in new_req.difference(&old_req) {
        out.push(format!("{path}.{name} is a new required field"));
    }
    if let (Some(oi), Some(ni)) = (old.items(), new.items()) {
        compare(oi, ni, &format!("{path}[]"), out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn payload(props: Value, required: &[&str]) -> Value {
        json!({ "type": "object", "properties": props, "required": required })
    }

    #[test]
    fn an_optional_field_added_is_compatible() {
        let old = payload(json!({ "a": { "type": "string" } }), &["a"]);
        let new = payload(
            json!({ "a": { "type": "string" }, "b": { "type": ["integer", "null"] } }),
            &["a"],
        );
        assert!(breaking_changes(&old, &new).is_empty());
    }

    #[test]
    fn a_removed_field_breaks() {
        let old = payload(json!({ "a": { "type": "string" }, "b": {} }), &["a"]);
        let new = payload(json!({ "a": { "type": "string" } }), &["a"]);
        assert_eq!(breaking_changes(&old, &new), vec!["payload.b removed"]);
    }

    #[test]
    fn a_retyped_or_newly_nullable_field_breaks() {
        let old = payload(
            json!({ "n": { "type": "integer" }, "s": { "type": "string" } }),
            &["n", "s"],
        );
        let new = payload(
            json!({ "n": { "type": "string" }, "s": { "type": ["string", "null"] } }),
            &["n", "s"],
        );
        let breaks = breaking_changes(&old, &new);
        assert_eq!(breaks.len(), 2, "{breaks:?}");
        assert!(breaks[0].starts_with("payload.n retyped"));
        assert!(breaks[1].starts_with("payload.s retyped"));
    }

    #[test]
    fn a_new_required_field_or_a_field_made_optional_breaks() {
        let old = payload(json!({ "a": { "type": "string" } }), &["a"]);
        let new = payload(
            json!({ "a": { "type": "string" }, "b": { "type": "string" } }),
            &["b"],
        );
        assert_eq!(
            breaking_changes(&old, &new),
            vec![
                "payload.a no longer always present",
                "payload.b is a new required field"
            ]
        );
    }

    #[test]
    fn nested_fields_behind_references_are_compared() {
        let old = json!({
            "type": "object",
            "properties": { "facts": { "$ref": "#/$defs/Facts" } },
            "required": ["facts"],
            "$defs": { "Facts": payload(json!({ "x": { "type": "integer" } }), &["x"]) }
        });
        let mut new = old.clone();
        new["$defs"]["Facts"]["properties"]["x"] = json!({ "type": "string" });
        let breaks = breaking_changes(&old, &new);
        assert_eq!(breaks.len(), 1, "{breaks:?}");
        assert!(breaks[0].starts_with("payload.facts.x retyped"));
    }

    #[test]
    fn a_new_enum_value_is_compatible_but_a_new_type_is_not() {
        let old = payload(json!({ "k": { "enum": ["a", "b"] } }), &["k"]);
        let more = payload(json!({ "k": { "enum": ["a", "b", "c"] } }), &["k"]);
        assert!(breaking_changes(&old, &more).is_empty());
        let other = payload(json!({ "k": { "enum": ["a", 1] } }), &["k"]);
        assert_eq!(breaking_changes(&old, &other).len(), 1);
    }
}
