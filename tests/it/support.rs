//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::process::Command;

/// The project's root directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A Python interpreter with numpy: `ROLLGUARD_PYTHON`, else the project's `.venv`, else
/// `python3`. Panics with the fix when numpy is missing — the differential tests never skip.
pub fn python_with_numpy() -> PathBuf {
    let candidates = std::env::var_os("ROLLGUARD_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([root().join(".venv/bin/python"), PathBuf::from("python3")]);
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", "import numpy"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return python;
        }
    }
    panic!(
        "no Python with numpy found: run scripts/test (it creates .venv with numpy), \
         or set ROLLGUARD_PYTHON"
    );
}
