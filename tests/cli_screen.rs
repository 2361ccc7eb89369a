//! `vetter screen`, `rules check` and `rules test` as a user runs them:
//! exit codes, error messages that name the cause, snapshots of the text
//! and JSON output, and determinism.

mod common;

use common::{policy_with, stderr, stdout, vetter, write};

const AS_OF: &str = "2026-11-01";

/// The lists shipped in the repository (samples: a screening against them
/// never passes).
const SAMPLE_LISTS: [&str; 4] = [
    "--lists",
    "lists/sample",
    "--lists",
    "lists/watchlists/extremist-sites.csv",
];

/// `vetter screen EVIDENCE` as of AS_OF, against the sample lists unless
/// `extra` names lists.
fn screen(evidence: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["screen", evidence, "--as-of", AS_OF];
    if !extra.contains(&"--lists") {
        args.extend_from_slice(&SAMPLE_LISTS);
    }
    args.extend_from_slice(extra);
    vetter(&args)
}

/// Replace the one field that differs between runs.
fn redact(s: &str) -> String {
    s.lines()
        .map(|l| {
            match l
                .find("\"timestamp\": \"")
                .or_else(|| l.find("timestamp 20"))
            {
                Some(i) => format!("{}<timestamp>", &l[..i]),
                None => l.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compare with tests/snapshots/NAME; `UPDATE_SNAPSHOTS=1` rewrites it.
fn snapshot(name: &str, actual: &str) {
    let path = common::repo("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

#[test]
fn each_verdict_has_its_exit_code() {
    // Against the sample lists nothing passes; against whole lists it does.
    assert_eq!(
        screen("examples/pass-vendor.toml", &[]).status.code(),
        Some(10)
    );
    let whole = [
        "--lists",
        "../shared/lists/ofac/2021-06-29",
        "--lists",
        "../shared/lists/ofac/2025-12-19",
        "--list-date",
        "2026-10-30",
    ];
    let pass = screen("examples/pass-vendor.toml", &whole);
    assert_eq!(pass.status.code(), Some(0), "{}", stdout(&pass));
    assert_eq!(
        screen("examples/review-vendor.toml", &[]).status.code(),
        Some(10)
    );
    assert_eq!(
        screen("examples/fail-vendor.toml", &[]).status.code(),
        Some(20)
    );
    let usage = vetter(&["screen"]);
    assert_eq!(usage.status.code(), Some(2), "{}", stderr(&usage));
    let missing = screen("examples/no-such-file.toml", &[]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("examples/no-such-file.toml"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn text_and_json_verdicts_match_their_snapshots() {
    for name in ["fail", "pass", "review"] {
        let text = screen(&format!("examples/{name}-vendor.toml"), &[]);
        snapshot(&format!("screen-{name}.txt"), &redact(&stdout(&text)));
        let json = screen(
            &format!("examples/{name}-vendor.toml"),
            &["--format", "json"],
        );
        snapshot(&format!("screen-{name}.json"), &redact(&stdout(&json)));
    }
}

#[test]
fn same_inputs_give_byte_identical_json_apart_from_the_timestamp() {
    let a = screen("examples/fail-vendor.toml", &["--format", "json"]);
    let b = screen("examples/fail-vendor.toml", &["--format", "json"]);
    assert_eq!(redact(&stdout(&a)), redact(&stdout(&b)));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(v["verdict"], "FAIL");
    assert!(v["identity"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .all(
            |l| l["files"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["sha256"].as_str().unwrap().len() == 64)
        ));
    assert_eq!(v["identity"]["rules"].as_array().unwrap().len(), 9);
}

#[test]
fn bad_evidence_never_yields_a_verdict_and_reports_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.toml",
        r#"[vendor]
name = "X"
colour = "blue"

[[customers]]
id = "c1"
name = "Someone"
first_seen = 2024-13-01
websites = "not a site"
sources = ["nope"]

[[customers]]
id = "c2"
name = 42

[[notifications]]
date = "yesterday"
from = "A"
customers = ["c9"]
"#,
    );
    let out = screen(bad.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).is_empty(),
        "no verdict may be printed: {}",
        stdout(&out)
    );
    let err = stderr(&out);
    // 2024-13-01 is not a valid TOML date: the file is not TOML at all.
    assert!(
        err.contains("bad.toml:8:") && err.contains("error[toml-syntax]"),
        "{err}"
    );
    // A file whose only problems are semantic lists them all at once.
    let bad = write(
        dir.path(),
        "bad2.toml",
        r#"[vendor]
name = "X"
colour = "blue"

[[customers]]
id = "c1"
name = "Someone"
first_seen = "2024-02-30"
websites = "not a site"
sources = ["nope"]

[[customers]]
id = "c2"
name = 42

[[notifications]]
date = "yesterday"
from = "A"
customers = ["c9"]
"#,
    );
    let out = screen(bad.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for expected in [
        "bad2.toml:3:1: error[unknown-key]: unknown key `colour` in [vendor]",
        "bad2.toml:8:14: error[bad-date]: `first_seen` in customer `c1` must be a date",
        "bad2.toml:9:12: error[bad-value]: customer `c1`: `not a site` is not a website or domain",
        "error[unknown-source]: customer `c1` cites source `nope`",
        "bad2.toml:14:8: error[wrong-type]: `name` in customer `c2` must be a string",
        "bad2.toml:17:8: error[bad-date]: `date` in notification #1 must be a date",
        "error[unknown-customer]: notification #1 names customer `c9`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
}

#[test]
fn broken_lists_end_the_screening_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(common::repo("lists/sample").join(f), dir.path().join(f)).unwrap();
    }
    // Corrupt: truncated mid-record.
    let sdn = dir.path().join("sdn.csv");
    let data = std::fs::read(&sdn).unwrap();
    std::fs::write(&sdn, &data[..data.len() / 2]).unwrap();
    let out = screen(
        "examples/pass-vendor.toml",
        &["--lists", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("sdn.csv") && stderr(&out).contains("truncated"),
        "{}",
        stderr(&out)
    );
    // Missing companion file.
    std::fs::write(&sdn, &data).unwrap();
    std::fs::remove_file(dir.path().join("alt.csv")).unwrap();
    let out = screen(
        "examples/pass-vendor.toml",
        &["--lists", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lacks alt.csv"), "{}", stderr(&out));
    // A manifest hash that does not match: corrupt or replaced file.
    std::fs::copy(
        common::repo("lists/sample/alt.csv"),
        dir.path().join("alt.csv"),
    )
    .unwrap();
    write(dir.path(), "manifest.toml", "published = 2024-01-01\n[files.\"sdn.csv\"]\nsha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n");
    let out = screen(
        "examples/pass-vendor.toml",
        &["--lists", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("corrupt or was replaced"),
        "{}",
        stderr(&out)
    );
    // A missing list path.
    let out = screen("examples/pass-vendor.toml", &["--lists", "no/such/lists"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no/such/lists"), "{}", stderr(&out));
}

#[test]
fn broken_rules_end_the_screening_with_exit_1_naming_the_rule() {
    let cases = [
        ("fn check(ctx) { let x = ; }", "99-broken.rhai:1:"),
        (
            "fn check(ctx) { ctx.no_such_field.len() }",
            "rule 99-broken.rhai:",
        ),
        ("fn check(ctx) { loop { } }", "too many operations"),
        (
            "fn check(ctx) { let s = \"x\"; loop { s += s; } }",
            "exceeds its limit",
        ),
        ("fn check(ctx) { check(ctx) }", "nested too deep"),
        (
            "fn check(ctx) { [#{verdict: \"MAYBE\", code: \"x\", message: \"m\"}] }",
            "PASS",
        ),
        (
            "fn check(ctx) { [#{verdict: \"FAIL\", code: \"Not Kebab\", message: \"m\"}] }",
            "kebab-case",
        ),
        ("fn other(ctx) { [] }", "rule-missing-function"),
    ];
    for (rule, expected) in cases {
        let dir = policy_with("99-broken.rhai", rule);
        let out = screen(
            "examples/pass-vendor.toml",
            &["--rules", dir.path().to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1), "{rule}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{rule}: no verdict may be printed");
        assert!(
            stderr(&out).contains(expected),
            "{rule}: expected `{expected}` in {}",
            stderr(&out)
        );
    }
}

#[test]
fn scripts_have_no_clock_file_or_eval() {
    for rule in [
        "fn check(ctx) { timestamp(); [] }",
        "fn check(ctx) { eval(\"1\"); [] }",
        "import \"x\" as y; fn check(ctx) { [] }",
    ] {
        let dir = policy_with("99-broken.rhai", rule);
        let out = screen(
            "examples/pass-vendor.toml",
            &["--rules", dir.path().to_str().unwrap()],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{rule} must be refused: {}",
            stdout(&out)
        );
    }
}

#[test]
fn rules_check_reports_every_problem_with_location_and_code() {
    let dir = policy_with("99-broken.rhai", "fn check(ctx) {\n  let x = ;\n}\n");
    std::fs::write(
        dir.path().join("policy.toml"),
        "[policy]\nname = \"p\"\nversion = \"1\"\n[matching]\nthreshold = 2.0\ncolour = 1\n",
    )
    .unwrap();
    let out = vetter(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    // Problems go to stderr, as every other command's do.
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let text = stderr(&out);
    assert!(
        text.contains("policy.toml:5:13: error[bad-value]: `threshold` in [matching] is 2"),
        "{text}"
    );
    assert!(
        text.contains("policy.toml:6:1: error[unknown-key]: unknown key `colour` in [matching]"),
        "{text}"
    );
    assert!(
        text.contains("99-broken.rhai:2:11: error[rule-syntax]"),
        "{text}"
    );
    let ok = vetter(&["rules", "check"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
}

#[test]
fn rules_test_runs_the_shipped_cases_and_reports_failures() {
    let ok = vetter(&["rules", "test", "rules"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(
        stdout(&ok).contains("7 passed, 0 failed"),
        "{}",
        stdout(&ok)
    );
    // A policy that never fails makes the FAIL case fail.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::repo("rules/policy.toml"),
        dir.path().join("policy.toml"),
    )
    .unwrap();
    write(dir.path(), "00-nothing.rhai", "fn check(ctx) { [] }");
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let case = format!("name = \"must fail\"\nevidence = {:?}\nlists = [{:?}]\nexpect_verdict = \"FAIL\"\nexpect_codes = [\"customer-designated-terrorist\"]\n", common::repo("examples/fail-vendor.toml"), common::repo("lists/sample"));
    write(&dir.path().join("tests"), "t.toml", &case);
    let out = vetter(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("verdict REVIEW (expected FAIL)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("0 passed, 1 failed"));
}

#[test]
fn a_vendor_without_customers_is_reviewed_not_passed() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write(dir.path(), "e.toml", "[vendor]\nname = \"Quiet Harbor Networks\"\n[policies]\nprohibits_designated_terrorists = true\n");
    let out = screen(ev.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(10));
    assert!(stdout(&out).contains("no-customer-evidence"));
}

#[test]
fn the_vendor_itself_is_screened() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write(dir.path(), "e.toml", "[vendor]\nname = \"Banco Nacional de Cuba\"\n[policies]\nprohibits_designated_terrorists = true\n[[customers]]\nid = \"a\"\nname = \"Harbor Street Bakery\"\n");
    let out = screen(ev.to_str().unwrap(), &[]);
    assert_eq!(out.status.code(), Some(20), "{}", stdout(&out));
    assert!(stdout(&out).contains("vendor-sanctioned"));
}
