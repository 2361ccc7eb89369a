//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The real OFAC snapshots beside the repository (CI has them too).
pub fn shared_lists() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/lists/ofac")
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Run the vetter binary from the repository root.
pub fn vetter(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vetter"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vetter")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
