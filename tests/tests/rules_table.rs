//! docs/rules.md stays true: every rule of RULES.md has a row, every test it names exists, and
//! every enforced rule has a test named after its id.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use returns_harness::repo_root;

fn rules_md() -> PathBuf {
    std::env::var("RETURNS_RULES_MD")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("../shared/domain/RULES.md"))
}

/// Rule ids as RULES.md writes them: `**AUTO-1`.
fn rule_ids(text: &str) -> BTreeSet<String> {
    text.split("**")
        .skip(1)
        .step_by(2)
        .filter_map(|chunk| {
            let id: String = chunk
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            let (prefix, n) = id.split_once('-')?;
            (!prefix.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .then_some(id)
        })
        .collect()
}

fn test_functions(dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p.ends_with("target") {
                test_functions(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for line in text.lines() {
                let line = line.trim_start();
                let rest = line
                    .strip_prefix("async fn ")
                    .or_else(|| line.strip_prefix("fn "));
                if let Some(name) = rest.and_then(|r| r.split('(').next()) {
                    out.insert(name.trim().to_owned());
                }
            }
        }
    }
}

#[test]
fn every_rule_in_rules_md_has_a_row_and_its_tests_exist() {
    let rules = std::fs::read_to_string(rules_md())
        .expect("RULES.md is readable (../shared beside the repo)");
    let ids = rule_ids(&rules);
    assert!(ids.len() > 50, "found only {ids:?}");
    let table = std::fs::read_to_string(repo_root().join("docs/rules.md")).expect("docs/rules.md");
    let mut fns = BTreeSet::new();
    for d in ["shared", "services", "tests"] {
        test_functions(&repo_root().join(d), &mut fns);
    }
    let mut rows = BTreeSet::new();
    for line in table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| rule"))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (id, status, tests) = (cells[1], cells[2], cells[4]);
        rows.insert(id.to_owned());
        let named: Vec<&str> = tests
            .split(',')
            .map(|t| t.trim().trim_matches('`'))
            .filter(|t| !t.is_empty())
            .collect();
        for t in &named {
            assert!(fns.contains(*t), "{id}: test `{t}` does not exist");
        }
        if status.starts_with("enforced") {
            let prefix = id.to_lowercase().replace('-', "_");
            assert!(
                named
                    .iter()
                    .any(|t| t.starts_with(&format!("{prefix}_"))
                        || t.contains(&format!("_{prefix}_"))),
                "{id} is enforced but no listed test is named after it"
            );
        }
    }
    let missing: Vec<_> = ids.difference(&rows).collect();
    assert!(
        missing.is_empty(),
        "rules without a row in docs/rules.md: {missing:?}"
    );
}
