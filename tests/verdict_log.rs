//! The verdict log as an auditor relies on it.

mod common;

use std::path::Path;

use common::{stderr, stdout, vetter};
use proptest::prelude::*;
use vetter::audit::verify::verify;

const KEY: &str = "correct horse battery staple 42";

fn screen_into(log: &Path, evidence: &str, key: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vetter"));
    cmd.args([
        "screen",
        evidence,
        "--as-of",
        "2026-11-01",
        "--log",
        log.to_str().unwrap(),
    ])
    .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("VETTER_LOG_KEY");
    if let Some(k) = key {
        cmd.env("VETTER_LOG_KEY", k);
    }
    cmd.output().unwrap()
}

/// A log of the three example screenings, twice over (six records).
fn example_log(dir: &Path, key: Option<&str>) -> std::path::PathBuf {
    let log = dir.join("verdicts.log");
    for _ in 0..2 {
        for e in ["fail", "pass", "review"] {
            let out = screen_into(&log, &format!("examples/{e}-vendor.toml"), key);
            assert!(
                matches!(out.status.code(), Some(0 | 10 | 20)),
                "{}",
                stderr(&out)
            );
        }
    }
    log
}

fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|b| *b == b'\n').collect()
}

#[test]
fn a_log_of_the_examples_verifies_and_replays_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let out = vetter(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("intact: 6 record(s)"));
    let out = vetter(&[
        "log",
        "replay",
        log.to_str().unwrap(),
        "--lists",
        "lists/sample",
        "--lists",
        "lists/watchlists/extremist-sites.csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("6 record(s): 6 reproduced, 0 not"),
        "{}",
        stdout(&out)
    );
    // From the archive alone, by hash.
    let archive = dir.path().join("archive");
    let out = vetter(&[
        "lists",
        "archive",
        "--lists",
        "lists/sample",
        "--lists",
        "lists/watchlists/extremist-sites.csv",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = vetter(&[
        "log",
        "replay",
        log.to_str().unwrap(),
        "--archive",
        archive.to_str().unwrap(),
    ]);
    assert!(stdout(&out).contains("6 reproduced"), "{}", stdout(&out));
    // Without the lists: an error per record, never a silent pass.
    let out = vetter(&[
        "log",
        "replay",
        log.to_str().unwrap(),
        "--archive",
        "no/archive",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("is not available"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rescreening_against_other_lists_reports_changed_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    // Without the watchlist, the REVIEW vendor's watchlist finding disappears.
    let out = vetter(&[
        "log",
        "replay",
        log.to_str().unwrap(),
        "--rescreen",
        "--lists",
        "lists/sample",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("Granite Relay CDN Ltd.: unchanged (REVIEW)"),
        "{text}"
    );
    assert!(text.contains("finding gone REVIEW watchlist-hit"), "{text}");
    assert!(
        text.contains("Nimbus Edge Networks, Inc.: unchanged (FAIL)"),
        "{text}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_single_byte_change_is_detected(pos in any::<prop::sample::Index>(), delta in 1u8..=255, keyed in any::<bool>()) {
        let data = log_bytes(keyed);
        let mut changed = data.clone();
        let i = pos.index(changed.len());
        changed[i] = changed[i].wrapping_add(delta);
        let key = keyed.then_some(KEY.as_bytes());
        prop_assert!(verify(&data, key, None).intact());
        let report = verify(&changed, key, None);
        prop_assert!(!report.intact(), "byte {} changed undetected", i);
        // Located at (or, for a changed newline, next to) the record changed.
        let line = data[..i].iter().filter(|b| **b == b'\n').count() + 1;
        let found = report.problem.unwrap().line;
        prop_assert!(found == line || found == line + 1, "changed line {} reported at {}", line, found);
    }
}

fn log_bytes(keyed: bool) -> Vec<u8> {
    static LOGS: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    let (plain, keyed_log) = LOGS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let a = std::fs::read(example_log(&dir.path().join(""), None)).unwrap();
        let dir2 = tempfile::tempdir().unwrap();
        let b = std::fs::read(example_log(dir2.path(), Some(KEY))).unwrap();
        (a, b)
    });
    if keyed {
        keyed_log.clone()
    } else {
        plain.clone()
    }
}

#[test]
fn deleted_duplicated_and_reordered_records_are_located() {
    let data = log_bytes(false);
    let l = lines(&data);
    let join = |parts: Vec<&[u8]>| parts.concat();
    let check = |bytes: Vec<u8>, line: usize, kind: &str| {
        let p = verify(&bytes, None, None).problem.expect("problem");
        assert_eq!((p.line, p.kind), (line, kind), "{}", p.message);
    };
    // Delete record 3: line 3 now holds seq 4.
    check(join(vec![l[0], l[1], l[3], l[4], l[5]]), 3, "deleted");
    // Duplicate record 2 after itself.
    check(join(vec![l[0], l[1], l[1], l[2]]), 3, "duplicated");
    // Swap records 4 and 5.
    check(join(vec![l[0], l[1], l[2], l[4], l[3], l[5]]), 4, "deleted");
    // Delete the first record.
    check(join(vec![l[1], l[2]]), 1, "deleted");
    // Delete the last record: only a recorded head shows it.
    let cut = join(vec![l[0], l[1], l[2], l[3], l[4]]);
    assert!(verify(&cut, None, None).intact());
    let head = verify(&data, None, None);
    let p = verify(
        &cut,
        None,
        Some(&format!("{}:{}", head.head_seq, head.head_hash)),
    )
    .problem
    .expect("truncation");
    assert_eq!(p.kind, "head-mismatch");
}

#[test]
fn expect_head_from_log_head_detects_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let head = stdout(&vetter(&["log", "head", log.to_str().unwrap()]))
        .trim()
        .to_owned();
    assert!(head.starts_with("6:"), "{head}");
    let data = std::fs::read(&log).unwrap();
    let keep: usize = lines(&data)[..4].iter().map(|l| l.len()).sum();
    std::fs::write(&log, &data[..keep]).unwrap();
    let out = vetter(&[
        "log",
        "verify",
        log.to_str().unwrap(),
        "--expect-head",
        &head,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("truncated or rewritten"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_wrong_key_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), Some(KEY));
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, KEY).unwrap();
    let ok = vetter(&[
        "log",
        "verify",
        log.to_str().unwrap(),
        "--key-file",
        key_file.to_str().unwrap(),
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    std::fs::write(&key_file, "a different key, 32 bytes long!").unwrap();
    let bad = vetter(&[
        "log",
        "verify",
        log.to_str().unwrap(),
        "--key-file",
        key_file.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains(":1: the MAC does not match"),
        "{}",
        stdout(&bad)
    );
    // Without a key the chain is intact but the MACs are said to be unchecked.
    let nokey = vetter(&["log", "verify", log.to_str().unwrap()]);
    assert!(stdout(&nokey).contains("not checked"), "{}", stdout(&nokey));
    // Someone who rewrites a record and rebuilds the chain without the key
    // is caught by the MAC.
    let data = std::fs::read_to_string(&log).unwrap();
    let forged: Vec<String> = data
        .lines()
        .map(|l| l.replace("\"verdict\":\"FAIL\"", "\"verdict\":\"PASS\""))
        .collect();
    assert_ne!(forged.join("\n"), data.trim_end());
    let mut prev = vetter::audit::record::GENESIS.to_owned();
    let mut rebuilt = String::new();
    for line in forged {
        let sealed = vetter::audit::record::unseal(&line).unwrap();
        let mut body: vetter::audit::record::Body = serde_json::from_str(&sealed.hashed).unwrap();
        body.prev = prev.clone();
        let new = vetter::audit::record::seal(&body, Some(b"attacker guesses a key")).unwrap();
        prev = vetter::audit::record::unseal(&new).unwrap().hash.to_owned();
        rebuilt.push_str(&new);
        rebuilt.push('\n');
    }
    std::fs::write(&log, rebuilt).unwrap();
    std::fs::write(&key_file, KEY).unwrap();
    let out = vetter(&[
        "log",
        "verify",
        log.to_str().unwrap(),
        "--key-file",
        key_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("MAC does not match"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn eight_processes_appending_100_screenings_each_give_800_chained_records() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("concurrent.log");
    std::thread::scope(|s| {
        for p in 0..8 {
            let log = log.clone();
            s.spawn(move || {
                let evidence = ["examples/pass-vendor.toml", "examples/review-vendor.toml"][p % 2];
                for _ in 0..100 {
                    let out = screen_into(&log, evidence, None);
                    assert!(
                        matches!(out.status.code(), Some(0 | 10)),
                        "{}",
                        stderr(&out)
                    );
                }
            });
        }
    });
    let report = verify(&std::fs::read(&log).unwrap(), None, None);
    assert!(report.intact(), "{:?}", report.problem);
    assert_eq!(report.records, 800);
}

#[test]
fn a_write_cut_short_by_a_crash_is_repaired_without_losing_records() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let data = std::fs::read(&log).unwrap();
    let l = lines(&data);
    let complete: usize = l[..5].iter().map(|x| x.len()).sum();
    // Cut the last record at several points, as a killed writer would.
    for cut in [1, 17, l[5].len() / 2, l[5].len() - 1] {
        std::fs::write(&log, &data[..complete + cut]).unwrap();
        let out = vetter(&["log", "verify", log.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stdout(&out).contains(":6: the final line is unfinished"),
            "{}",
            stdout(&out)
        );
        // Appending refuses to build on a torn line.
        let refused = screen_into(&log, "examples/pass-vendor.toml", None);
        assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
        assert!(
            stdout(&refused).is_empty(),
            "a verdict that could not be logged was not given"
        );
        let out = vetter(&["log", "repair", log.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let report = verify(&std::fs::read(&log).unwrap(), None, None);
        assert!(report.intact());
        assert_eq!(report.records, 5, "every completed record is kept");
        assert_eq!(std::fs::read(&log).unwrap(), data[..complete].to_vec());
        let backup = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains(".bak"));
        assert!(backup);
    }
    // A repaired log takes new records.
    assert_eq!(
        screen_into(&log, "examples/pass-vendor.toml", None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(verify(&std::fs::read(&log).unwrap(), None, None).records, 6);
}

#[test]
fn killed_writers_leave_a_log_that_verifies_or_is_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("killed.log");
    let mut completed = 0;
    for round in 0..30u64 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vetter"))
            .args([
                "screen",
                "examples/pass-vendor.toml",
                "--as-of",
                "2026-11-01",
                "--log",
                log.to_str().unwrap(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(round % 15));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code() == Some(0) {
            completed += 1;
        }
        let data = std::fs::read(&log).unwrap_or_default();
        if !verify(&data, None, None).intact() {
            let out = vetter(&["log", "repair", log.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        let report = verify(&std::fs::read(&log).unwrap_or_default(), None, None);
        assert!(report.intact(), "{:?}", report.problem);
        assert!(
            report.records >= completed,
            "a completed screening's record was lost"
        );
    }
}

#[test]
fn a_log_that_cannot_be_written_fails_the_screening() {
    let out = screen_into(
        Path::new("/proc/no-such-dir/verdicts.log"),
        "examples/pass-vendor.toml",
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("verdicts.log"), "{}", stderr(&out));
}

#[test]
fn log_show_filters_records() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let out = stdout(&vetter(&[
        "log",
        "show",
        log.to_str().unwrap(),
        "--verdict",
        "FAIL",
    ]));
    assert!(
        out.contains("2 record(s)") && out.contains("Nimbus Edge Networks"),
        "{out}"
    );
    let out = stdout(&vetter(&[
        "log",
        "show",
        log.to_str().unwrap(),
        "--vendor",
        "granite",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let out = stdout(&vetter(&[
        "log",
        "show",
        log.to_str().unwrap(),
        "--since",
        "2999-01-01",
    ]));
    assert!(out.contains("0 record(s)"));
}
