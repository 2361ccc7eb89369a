//! The verdict log as an auditor relies on it.

mod common;

use std::path::Path;

use common::{stderr, stdout, vetter};
use proptest::prelude::*;
use vetter::audit::verify::verify;

const KEY: &str = "correct horse battery staple 42";

fn screen_into(log: &Path, evidence: &str, key: Option<&str>) -> std::process::Output {
    let mut cmd = common::isolated(std::process::Command::new(env!("CARGO_BIN_EXE_vetter")));
    cmd.args([
        "screen",
        evidence,
        "--as-of",
        "2026-11-01",
        "--lists",
        "lists/sample",
        "--lists",
        "lists/watchlists/extremist-sites.csv",
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
        stderr(&out).contains("truncated or rewritten"),
        "{}",
        stderr(&out)
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
        stderr(&bad).contains(":1: the MAC does not match"),
        "{}",
        stderr(&bad)
    );
    // Without a key a keyed log is not "intact": its MACs were not checked.
    let nokey = vetter(&["log", "verify", log.to_str().unwrap()]);
    assert_eq!(nokey.status.code(), Some(1), "{}", stdout(&nokey));
    assert!(!stdout(&nokey).contains("intact"), "{}", stdout(&nokey));
    assert!(stderr(&nokey).contains("NOT checked"), "{}", stderr(&nokey));
    // --no-key accepts a check of the chain alone, and says so.
    let hash_only = vetter(&["log", "verify", log.to_str().unwrap(), "--no-key"]);
    assert_eq!(hash_only.status.code(), Some(0), "{}", stderr(&hash_only));
    assert!(
        stdout(&hash_only).contains("MACs NOT checked (--no-key)"),
        "{}",
        stdout(&hash_only)
    );
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
        stderr(&out).contains("MAC does not match"),
        "{}",
        stderr(&out)
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
    for cut in [1, 17, l[5].len() / 2, l[5].len() - 2] {
        std::fs::write(&log, &data[..complete + cut]).unwrap();
        let out = vetter(&["log", "verify", log.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(":6: the final line is unfinished"),
            "{}",
            stderr(&out)
        );
        // Appending refuses to build on a torn line.
        let refused = screen_into(&log, "examples/pass-vendor.toml", None);
        assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
        assert!(
            stdout(&refused).is_empty(),
            "a verdict that could not be logged was not given"
        );
        // The error gives the exact step that unblocks the log.
        let step = format!("run `vetter log repair {}`", log.display());
        assert!(stderr(&refused).contains(&step), "{}", stderr(&refused));
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
        Some(10)
    );
    assert_eq!(verify(&std::fs::read(&log).unwrap(), None, None).records, 6);
}

#[test]
fn killed_writers_leave_a_log_that_verifies_or_is_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("killed.log");
    let mut completed = 0;
    for round in 0..30u64 {
        let mut child = common::isolated(std::process::Command::new(env!("CARGO_BIN_EXE_vetter")))
            .args([
                "screen",
                "examples/pass-vendor.toml",
                "--as-of",
                "2026-11-01",
                "--lists",
                "lists/sample",
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
        if status.code() == Some(10) {
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

// ---- Keyed stays keyed; readers verify before they show ----

fn key_file(dir: &Path, key: &str) -> std::path::PathBuf {
    let p = dir.join(format!("key-{}", key.len()));
    std::fs::write(&p, key).unwrap();
    p
}

#[test]
fn appending_to_a_keyed_log_without_its_key_or_with_a_wrong_one_fails_before_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), Some(KEY));
    let before = std::fs::read(&log).unwrap();
    for key in [None, Some("a different key of enough length")] {
        let out = screen_into(&log, "examples/fail-vendor.toml", key);
        assert_eq!(out.status.code(), Some(1), "{key:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "no verdict may be printed");
        assert!(
            stderr(&out).contains("nothing was written"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&log).unwrap(), before);
    }
    // The right key appends.
    let out = screen_into(&log, "examples/fail-vendor.toml", Some(KEY));
    assert_eq!(out.status.code(), Some(20), "{}", stderr(&out));
}

#[test]
fn appending_with_a_key_to_an_unkeyed_log_fails() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let before = std::fs::read(&log).unwrap();
    let out = screen_into(&log, "examples/fail-vendor.toml", Some(KEY));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the log is not keyed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&log).unwrap(), before);
}

#[test]
fn a_keyed_log_with_an_unkeyed_record_does_not_verify_even_without_the_key() {
    let keyed = log_bytes(true);
    let plain = log_bytes(false);
    // Keyed records 1-2, then an unkeyed record rebuilt to chain on.
    let k = lines(&keyed);
    let p = lines(&plain);
    let sealed =
        vetter::audit::record::unseal(std::str::from_utf8(p[2]).unwrap().trim_end()).unwrap();
    let mut body: vetter::audit::record::Body = serde_json::from_str(&sealed.hashed).unwrap();
    body.prev = vetter::audit::record::unseal(std::str::from_utf8(k[1]).unwrap().trim_end())
        .unwrap()
        .hash
        .to_owned();
    let line = vetter::audit::record::seal(&body, None).unwrap();
    let mixed = [k[0], k[1], line.as_bytes(), b"\n"].concat();
    let p = verify(&mixed, None, None).problem.expect("mixed log");
    assert_eq!((p.line, p.kind), (3, "missing-mac"), "{}", p.message);
}

/// An unkeyed log whose third record was rewritten (verdict FAIL → PASS)
/// without rebuilding the chain.
fn edited_log(dir: &Path) -> std::path::PathBuf {
    let log = example_log(dir, None);
    let data = std::fs::read_to_string(&log).unwrap();
    let mut l: Vec<String> = data.lines().map(str::to_owned).collect();
    assert!(l[3].contains("\"verdict\":\"FAIL\""));
    l[3] = l[3].replacen("\"verdict\":\"FAIL\"", "\"verdict\":\"PASS\"", 1);
    std::fs::write(&log, l.join("\n") + "\n").unwrap();
    log
}

#[test]
fn log_show_and_replay_refuse_a_log_that_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let log = edited_log(dir.path());
    for args in [
        vec!["log", "show", log.to_str().unwrap()],
        vec![
            "log",
            "replay",
            log.to_str().unwrap(),
            "--lists",
            "lists/sample",
            "--lists",
            "lists/watchlists/extremist-sites.csv",
        ],
    ] {
        let out = vetter(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
        assert!(!stdout(&out).contains("reproduced"), "{}", stdout(&out));
        assert!(
            stderr(&out).contains(":4: the record does not match its hash"),
            "{}",
            stderr(&out)
        );
    }
    // A keyed log needs its key (or --no-key) to be shown.
    std::fs::create_dir(dir.path().join("k")).unwrap();
    let keyed = example_log(&dir.path().join("k"), Some(KEY));
    let out = vetter(&["log", "show", keyed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the log is keyed"),
        "{}",
        stderr(&out)
    );
    let kf = key_file(dir.path(), KEY);
    let out = vetter(&[
        "log",
        "show",
        keyed.to_str().unwrap(),
        "--key-file",
        kf.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("6 record(s)"));
}

#[test]
fn a_record_without_the_members_of_a_verdict_is_not_intact() {
    let data = log_bytes(false);
    let first = std::str::from_utf8(lines(&data)[0]).unwrap().trim_end();
    let sealed = vetter::audit::record::unseal(first).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&sealed.hashed).unwrap();
    v.as_object_mut().unwrap().remove("verdict");
    let body = serde_json::to_string(&v).unwrap();
    let hash = vetter::lists::identity::sha256_hex(body.as_bytes());
    let forged = format!("{},\"hash\":\"{hash}\"}}\n", &body[..body.len() - 1]);
    let p = verify(forged.as_bytes(), None, None)
        .problem
        .expect("not a verdict");
    assert_eq!((p.line, p.kind), (1, "malformed"), "{}", p.message);
}

/// The recipe of docs/verdict-log.md, as written there.
fn python_recipe(dir: &Path) -> std::path::PathBuf {
    let doc = std::fs::read_to_string(common::repo("docs/verdict-log.md")).unwrap();
    let start = doc.find("```python\n").expect("recipe") + "```python\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let path = dir.join("verify_log.py");
    std::fs::write(&path, &doc[start..end]).unwrap();
    path
}

#[test]
fn log_verify_and_the_documented_python_recipe_agree_on_damaged_logs() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = python_recipe(dir.path());
    let plain = log_bytes(false);
    let keyed = log_bytes(true);
    let l = lines(&plain);
    let first = std::str::from_utf8(l[0]).unwrap().trim_end();
    // The first record with `from` replaced by `to` and its hash made
    // again, as a forger without a key could.
    let rehashed = |from: &str, to: &str| -> Vec<u8> {
        let line = first.replacen(from, to, 1);
        let hashed = format!("{}}}", &line[..line.rfind(",\"hash\":\"").unwrap()]);
        let hash = vetter::lists::identity::sha256_hex(hashed.as_bytes());
        format!("{},\"hash\":\"{hash}\"}}\n", &hashed[..hashed.len() - 1]).into_bytes()
    };
    let mut variants: Vec<(&str, Vec<u8>)> = vec![
        ("intact", plain.clone()),
        ("keyed, no key", keyed.clone()),
        (
            "CRLF line ends",
            String::from_utf8(plain.clone())
                .unwrap()
                .replace('\n', "\r\n")
                .into_bytes(),
        ),
        (
            "a CR before one line end",
            [l[0], l[1]]
                .concat()
                .iter()
                .enumerate()
                .flat_map(|(i, b)| {
                    if i == l[0].len() - 1 {
                        vec![b'\r', *b]
                    } else {
                        vec![*b]
                    }
                })
                .collect(),
        ),
        ("torn tail", [l[0], &l[1][..40]].concat()),
        ("blank line", [l[0], b"\n", l[1]].concat()),
        ("spaces, rehashed", rehashed(",\"seq\":1,", ", \"seq\": 1,")),
        (
            "seq as a float, rehashed",
            rehashed("\"seq\":1,", "\"seq\":1.0,"),
        ),
        (
            "unknown verdict, rehashed",
            rehashed("\"verdict\":\"", "\"verdict\":\"MAYBE"),
        ),
        (
            "extra member, rehashed",
            rehashed("\"result\":", "\"note\":1,\"result\":"),
        ),
        ("records swapped", [l[1], l[0]].concat()),
        ("mixed keyed and unkeyed", [lines(&keyed)[0], l[1]].concat()),
        ("empty", Vec::new()),
    ];
    variants.push(("edited byte", {
        let mut d = plain.clone();
        d[100] ^= 1;
        d
    }));
    for (name, bytes) in variants {
        let file = dir.path().join("log");
        std::fs::write(&file, &bytes).unwrap();
        let rust = verify(&bytes, None, None).intact();
        let py = std::process::Command::new("python3")
            .arg(&recipe)
            .arg(&file)
            .output()
            .expect("python3 runs the documented recipe");
        assert_eq!(
            rust,
            py.status.success(),
            "{name}: vetter says {rust}, the recipe says {}",
            String::from_utf8_lossy(&py.stderr)
        );
        if name.starts_with("CR") || name.starts_with("a CR") {
            assert!(!rust, "{name} must be detected");
        }
    }
}

#[test]
fn repair_completes_a_whole_final_record_and_never_removes_one() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let data = std::fs::read(&log).unwrap();
    std::fs::write(&log, &data[..data.len() - 1]).unwrap();
    let out = vetter(&["log", "repair", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("record 6 was whole"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read(&log).unwrap(), data);
    // Garbage after whole records goes; the records stay.
    let mut torn = data.clone();
    torn.extend_from_slice(b"{\"format\":\"vetter-log/1\",\"seq\":7,");
    std::fs::write(&log, &torn).unwrap();
    let out = vetter(&["log", "repair", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&log).unwrap(), data);
}

#[test]
fn repair_refuses_a_log_that_fails_verification_before_its_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = edited_log(dir.path());
    let mut data = std::fs::read(&log).unwrap();
    data.extend_from_slice(b"{\"format\":\"vet");
    std::fs::write(&log, &data).unwrap();
    let out = vetter(&["log", "repair", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&log).unwrap(),
        data,
        "the evidence of tampering is kept"
    );
}

#[cfg(unix)]
#[test]
fn a_failed_append_takes_its_partial_line_back_and_the_log_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let before = std::fs::read(&log).unwrap();
    // A file-size limit a few KiB above the log's size cuts the next record
    // short, as a full disk would (SIGXFSZ ignored, so write() fails).
    let limit_kib = before.len() / 1024 + 4;
    let script = format!(
        "trap '' XFSZ; ulimit -f {limit_kib}; exec \"$0\" screen examples/fail-vendor.toml --as-of 2026-11-01 --lists lists/sample --log {}",
        log.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script, env!("CARGO_BIN_EXE_vetter")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).is_empty(),
        "a verdict that was not logged was not given"
    );
    assert!(
        stderr(&out).contains("the partial record was removed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&log).unwrap(), before);
    let out = screen_into(&log, "examples/fail-vendor.toml", None);
    assert_eq!(out.status.code(), Some(20), "{}", stderr(&out));
    assert!(verify(&std::fs::read(&log).unwrap(), None, None).intact());
}

#[test]
fn log_show_verdict_takes_only_pass_review_or_fail() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), None);
    let out = vetter(&["log", "show", log.to_str().unwrap(), "--verdict", "fail"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("2 record(s)"), "{}", stdout(&out));
    let out = vetter(&["log", "show", log.to_str().unwrap(), "--verdict", "FAILED"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("is not PASS, REVIEW or FAIL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_key_file_and_an_environment_key_that_differ_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let log = example_log(dir.path(), Some(KEY));
    let kf = key_file(dir.path(), "another key that is long enough");
    let out = common::isolated(std::process::Command::new(env!("CARGO_BIN_EXE_vetter")))
        .args([
            "log",
            "verify",
            log.to_str().unwrap(),
            "--key-file",
            kf.to_str().unwrap(),
        ])
        .env("VETTER_LOG_KEY", KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("differs from VETTER_LOG_KEY"),
        "{}",
        stderr(&out)
    );
}
