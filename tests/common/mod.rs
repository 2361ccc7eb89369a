//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod serve;

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
    isolated(Command::new(env!("CARGO_BIN_EXE_vetter")))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vetter")
}

/// A command that reads no configuration of the machine it runs on: its
/// home (config and list store) is an empty folder, and no vetter
/// variable is inherited.
pub fn isolated(mut cmd: Command) -> Command {
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-vetter-home");
    for var in [
        "VETTER_CONFIG",
        "VETTER_STORE",
        "VETTER_RULES",
        "VETTER_LOG",
        "VETTER_LOG_KEY_FILE",
        "VETTER_LISTS_MIRROR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("VETTER_HOME", home);
    cmd
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Write `text` to `dir/name`; its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A copy of the default policy with one more rule file, `name`.
pub fn policy_with(name: &str, rule: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(repo("rules")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    write(dir.path(), name, rule);
    dir
}

/// Assert a run's exit code, showing what it printed when it differs.
#[allow(dead_code)]
pub fn expect_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
}
