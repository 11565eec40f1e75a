//! The Python tools of `scripts/requirements.txt`, in the virtualenv `scripts/bootstrap.sh`
//! makes (`RETURNS_VENV`, by default `~/.cache/returns-venv`).

use std::path::PathBuf;

/// A program of the virtualenv (`python`, `openapi-python-client`, ...).
pub fn venv_bin(program: &str) -> PathBuf {
    let venv = std::env::var("RETURNS_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/returns-venv",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    PathBuf::from(venv).join("bin").join(program)
}
