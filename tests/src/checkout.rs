//! Which checkout the harness works in. Several clones may share one `CARGO_TARGET_DIR` (a
//! working copy and a CI clone), and cargo reuses a binary built in one for the other, so a
//! path compiled into it could be the other clone's config and `.run/`. The checkout is found
//! at run time instead: the one `RETURNS_REPO` names (the justfile sets it), else the nearest
//! folder above the current one that holds the workspace.

use std::path::{Path, PathBuf};

/// The variable that names the checkout (set by the justfile to its own folder).
pub const VAR: &str = "RETURNS_REPO";

/// The repository root (for `config/`, `.run/`, `docs/`).
pub fn repo_root() -> PathBuf {
    let named = std::env::var_os(VAR).map(PathBuf::from);
    find(named, std::env::current_dir().ok()).unwrap_or_else(compiled_in)
}

/// The checkout the binary was built from: the last resort, right only when nothing else is.
fn compiled_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A checkout holds the workspace's justfile and its settings.
fn is_checkout(dir: &Path) -> bool {
    dir.join("justfile").is_file() && dir.join("config").join("base.toml").is_file()
}

/// The named folder if it is a checkout, else the nearest checkout at or above `cwd`.
pub fn find(named: Option<PathBuf>, cwd: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = named.filter(|d| is_checkout(d)) {
        return Some(dir);
    }
    cwd?.ancestors()
        .find(|d| is_checkout(d))
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake checkout under the system's temporary folder, made fresh for each test.
    fn fake_checkout(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("returns-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("config")).expect("temp dir");
        std::fs::create_dir_all(dir.join("tests").join("src")).expect("temp dir");
        std::fs::write(dir.join("justfile"), "").expect("temp file");
        std::fs::write(dir.join("config").join("base.toml"), "").expect("temp file");
        dir
    }

    #[test]
    fn the_checkout_is_found_at_run_time_not_where_the_binary_was_built() {
        let a = fake_checkout("clone-a");
        let b = fake_checkout("clone-b");
        // The named checkout wins over the current folder.
        assert_eq!(find(Some(a.clone()), Some(b.clone())), Some(a.clone()));
        // Without a name (or with one that is no checkout), the nearest one above the current
        // folder: a test runs in `tests/`, a user in the clone or a folder of it.
        let deep = b.join("tests").join("src");
        assert_eq!(find(None, Some(deep.clone())), Some(b.clone()));
        assert_eq!(
            find(Some(deep.join("nowhere")), Some(deep)),
            Some(b.clone())
        );
        // Outside any checkout nothing is found (the caller falls back to the compiled path).
        assert_eq!(find(None, Some(std::env::temp_dir())), None);
        let _ = std::fs::remove_dir_all(a);
        let _ = std::fs::remove_dir_all(b);
    }
}
