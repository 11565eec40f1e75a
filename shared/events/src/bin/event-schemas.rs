//! `just event-schemas`: writes the event contract's JSON Schemas to `docs/events/` (or the
//! folder given), refusing changes that would break consumers of a published version.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/events".into()),
    );
    let mut current = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") {
                current.insert(
                    name,
                    std::fs::read_to_string(entry.path()).unwrap_or_default(),
                );
            }
        }
    }
    let plan = returns_events::schema::regenerate(&current);
    for refused in &plan.refused {
        eprintln!("refused (breaks consumers): {refused}");
    }
    for stale in &plan.stale {
        eprintln!(
            "no event type produces {}: remove it",
            dir.join(stale).display()
        );
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, text) in &plan.writes {
        if let Err(e) = std::fs::write(dir.join(name), text) {
            eprintln!("cannot write {name}: {e}");
            return ExitCode::FAILURE;
        }
        println!("wrote {}", dir.join(name).display());
    }
    if plan.refused.is_empty() && plan.stale.is_empty() {
        println!("{} is current", dir.display());
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
