//! The published JSON Schemas of the event contract (issue 5), generated from the Rust types:
//! the envelope, and each event type's payload per schema version. They are checked in under
//! `docs/events/` (`just event-schemas`); a test fails when a type changed and its file was not
//! regenerated, and regeneration refuses a change that would break consumers of a published
//! version (see [`crate::compat`]) until the event's `VERSION` is bumped.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema};

use crate::compat::breaking_changes;
use crate::orders::*;
use crate::payloads::*;
use crate::{Envelope, Event};

/// One event type's payload schema at its current version.
pub struct EventSchema {
    pub event_type: &'static str,
    pub version: u16,
    /// The one topic it travels on.
    pub topic: &'static str,
    pub schema: Schema,
}

impl EventSchema {
    fn of<E: Event + JsonSchema>() -> Self {
        let mut schema = schemars::schema_for!(E);
        schema.insert("x-event-type".into(), E::TYPE.into());
        schema.insert("x-schema-version".into(), E::VERSION.into());
        EventSchema {
            event_type: E::TYPE,
            version: E::VERSION,
            topic: E::TOPIC,
            schema,
        }
    }

    /// `docs/events/<type>.v<version>.json`.
    pub fn file_name(&self) -> String {
        file_name(self.event_type, self.version)
    }
}

pub fn file_name(event_type: &str, version: u16) -> String {
    format!("{event_type}.v{version}.json")
}

/// The envelope's schema file.
pub const ENVELOPE_FILE: &str = "envelope.json";
/// The order feed's envelope (inbound, ORD-1).
pub const ORDER_ENVELOPE_FILE: &str = "order-envelope.json";

/// Every event type the platform publishes, at its current version.
pub fn catalog() -> Vec<EventSchema> {
    vec![
        EventSchema::of::<CaseOpened>(),
        EventSchema::of::<CaseApproved>(),
        EventSchema::of::<CourierJobOrdered>(),
        EventSchema::of::<ContactGiven>(),
        EventSchema::of::<CaseAwaitingMerchant>(),
        EventSchema::of::<CaseRejected>(),
        EventSchema::of::<CaseCancelled>(),
        EventSchema::of::<CancelRefused>(),
        EventSchema::of::<CancelRequested>(),
        EventSchema::of::<PickupNotOffered>(),
        EventSchema::of::<PickupScheduled>(),
        EventSchema::of::<PickupDispatched>(),
        EventSchema::of::<PickupAccepted>(),
        EventSchema::of::<PickupEscalated>(),
        EventSchema::of::<PickupSwitchedToBuyer>(),
        EventSchema::of::<PickupCancelled>(),
        EventSchema::of::<PickupLate>(),
        EventSchema::of::<PickupCollected>(),
        EventSchema::of::<PickupDelivered>(),
        EventSchema::of::<ParcelShipped>(),
        EventSchema::of::<GoodsSentBack>(),
        EventSchema::of::<CareProgress>(),
        EventSchema::of::<CarePickupOverdue>(),
        EventSchema::of::<DeliveryScheduled>(),
        EventSchema::of::<DeliveryProgress>(),
        EventSchema::of::<InterventionRequested>(),
        EventSchema::of::<CaseConverted>(),
        EventSchema::of::<OrderShippedDuringRefund>(),
        EventSchema::of::<ReturnCheckFailed>(),
        EventSchema::of::<ReturnCheckOverruled>(),
        EventSchema::of::<ComplaintFiled>(),
        EventSchema::of::<ComplaintRuled>(),
        EventSchema::of::<RefundPaid>(),
        EventSchema::of::<RecoveryOpened>(),
        EventSchema::of::<RecoverySettled>(),
        EventSchema::of::<DisputeOpened>(),
        EventSchema::of::<DisputeRuled>(),
        EventSchema::of::<CompensationPaid>(),
        EventSchema::of::<CaseClosed>(),
        // Inbound: the marketplace's order feed (ORD-1), which intake reads.
        EventSchema::of::<OrderPlaced>(),
        EventSchema::of::<OrderPaid>(),
        EventSchema::of::<OrderShipped>(),
        EventSchema::of::<OrderDelivered>(),
        EventSchema::of::<OrderCompleted>(),
        EventSchema::of::<OrderCancelled>(),
    ]
}

fn pretty(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The files `docs/events/` must hold for the current code: file name → contents.
pub fn generate() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert(
        ENVELOPE_FILE.to_owned(),
        pretty(&schemars::schema_for!(Envelope)),
    );
    files.insert(
        ORDER_ENVELOPE_FILE.to_owned(),
        pretty(&schemars::schema_for!(OrderEnvelope)),
    );
    for e in catalog() {
        files.insert(e.file_name(), pretty(&e.schema));
    }
    files
}

/// What regenerating `docs/events/` would do, given the files it holds now.
#[derive(Debug, Default)]
pub struct Regeneration {
    /// Files to write (new, or changed without breaking consumers).
    pub writes: BTreeMap<String, String>,
    /// Changes refused: they break consumers of a published version.
    pub refused: Vec<String>,
    /// Files no event type produces (neither its current nor an earlier version).
    pub stale: Vec<String>,
}

impl Regeneration {
    pub fn is_current(&self) -> bool {
        self.writes.is_empty() && self.refused.is_empty() && self.stale.is_empty()
    }
}

/// Compares the generated files with `current` (file name → contents). Earlier versions of an
/// event type stay: consumers may still read records written with them.
pub fn regenerate(current: &BTreeMap<String, String>) -> Regeneration {
    let mut plan = Regeneration::default();
    let generated = generate();
    for (name, text) in &generated {
        match current.get(name) {
            Some(old) if old == text => {}
            Some(old) => {
                let old: serde_json::Value = serde_json::from_str(old).unwrap_or_default();
                let new: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                let breaks = breaking_changes(&old, &new);
                if breaks.is_empty() {
                    plan.writes.insert(name.clone(), text.clone());
                } else {
                    plan.refused.push(format!(
                        "{name}: {} — bump the event's schema version (Event::VERSION) instead",
                        breaks.join("; ")
                    ));
                }
            }
            None => {
                plan.writes.insert(name.clone(), text.clone());
            }
        }
    }
    let versions: BTreeMap<&str, u16> = catalog()
        .iter()
        .map(|e| (e.event_type, e.version))
        .collect();
    for name in current.keys() {
        if generated.contains_key(name) {
            continue;
        }
        let earlier = name
            .strip_suffix(".json")
            .and_then(|n| n.rsplit_once(".v"))
            .and_then(|(t, v)| Some((versions.get(t)?, v.parse::<u16>().ok()?)))
            .is_some_and(|(current, v)| v < *current);
        if !earlier {
            plan.stale.push(name.clone());
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked_in() -> BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/events");
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                files.insert(
                    name,
                    std::fs::read_to_string(entry.path()).unwrap_or_default(),
                );
            }
        }
        files
    }

    #[test]
    fn checked_in_event_schemas_match_the_rust_types() {
        let plan = regenerate(&checked_in());
        assert!(
            plan.refused.is_empty(),
            "breaking changes to published event schemas:\n{}",
            plan.refused.join("\n")
        );
        assert!(
            plan.writes.is_empty(),
            "docs/events/ is out of date; run `just event-schemas` ({:?})",
            plan.writes.keys().collect::<Vec<_>>()
        );
        assert!(
            plan.stale.is_empty(),
            "no event type produces {:?}",
            plan.stale
        );
    }

    #[test]
    fn docs_events_md_describes_every_topic_and_event_type() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/events.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        for topic in crate::topics::ALL.iter().chain(&crate::topics::INBOUND) {
            assert!(
                doc.contains(&format!("| `{topic}` |")),
                "{topic} has no row"
            );
        }
        for e in catalog() {
            let row = format!("| `{}` |", e.event_type);
            assert!(doc.contains(&row), "{} has no row", e.event_type);
        }
    }

    /// Each event type's `TOPIC` is the topic whose row in docs/events.md lists it, so a
    /// consumer reading the table subscribes where the platform emits.
    #[test]
    fn each_event_travels_on_the_topic_the_table_names() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/events.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        for e in catalog() {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", e.topic)))
                .unwrap_or_default();
            let listed = row.rsplit(" | ").next().unwrap_or_default();
            assert!(
                listed.contains(&format!("`{}`", e.event_type)),
                "{} says topic {}, whose row does not list it",
                e.event_type,
                e.topic
            );
        }
    }

    #[test]
    fn every_event_type_is_in_the_catalog_once() {
        let types: Vec<&str> = catalog().iter().map(|e| e.event_type).collect();
        let mut unique = types.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), types.len(), "{types:?}");
        // payloads.rs declares one `event!` per type; the catalog must list each.
        let ours = include_str!("payloads.rs").matches("\nevent!(").count();
        let inbound = include_str!("orders.rs").matches("\norder_event!(").count();
        assert_eq!(ours + inbound, types.len());
    }

    #[test]
    fn a_breaking_change_is_refused_and_a_compatible_one_written() {
        let mut current = generate();
        let name = file_name(PickupAccepted::TYPE, PickupAccepted::VERSION);
        // As if the published schema had a field the code no longer writes.
        let mut old: serde_json::Value = serde_json::from_str(&current[&name]).unwrap();
        old["properties"]["vehicle"] = serde_json::json!({ "type": "string" });
        old["required"]
            .as_array_mut()
            .unwrap()
            .push("vehicle".into());
        current.insert(name.clone(), old.to_string());
        let plan = regenerate(&current);
        assert_eq!(plan.refused.len(), 1, "{plan:?}");
        assert!(plan.refused[0].contains("vehicle"), "{:?}", plan.refused);

        // As if the code had gained a required field since publication: records already on
        // the topic lack it.
        let mut current = generate();
        let mut old: serde_json::Value = serde_json::from_str(&current[&name]).unwrap();
        old["properties"]
            .as_object_mut()
            .unwrap()
            .remove("courier_company");
        old["required"]
            .as_array_mut()
            .unwrap()
            .retain(|f| f != "courier_company");
        current.insert(name.clone(), old.to_string());
        let plan = regenerate(&current);
        assert!(
            plan.refused.iter().any(|r| r.contains("courier_company")),
            "{plan:?}"
        );

        // A change in wording only (a description): written, nothing refused.
        let mut current = generate();
        let mut old: serde_json::Value = serde_json::from_str(&current[&name]).unwrap();
        old["description"] = "older words".into();
        current.insert(name.clone(), old.to_string());
        let plan = regenerate(&current);
        assert!(plan.refused.is_empty(), "{plan:?}");
        assert!(plan.writes.contains_key(&name));
    }

    #[test]
    fn earlier_versions_stay_and_unknown_files_are_stale() {
        let mut current = generate();
        current.insert("case.opened.v1.json".into(), "{}".into());
        current.insert("case.reopened.v1.json".into(), "{}".into());
        let plan = regenerate(&current);
        assert_eq!(plan.stale, vec!["case.reopened.v1.json".to_owned()]);
    }
}
