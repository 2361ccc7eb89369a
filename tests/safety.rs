//! Regression tests for what must never happen: a PASS on something that
//! was not screened, evidence that forges output or reads files it should
//! not, and limits that a large vendor or a runaway rule break. Each test
//! is named after the problem it pins down.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{policy_with, shared_lists, stderr, stdout, vetter, write};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Evidence for a vendor serving one customer, with prohibiting terms.
fn one_customer(dir: &Path, customer: &str) -> PathBuf {
    write(
        dir,
        "evidence.toml",
        &format!(
            "[vendor]\nname = \"Tidewater Hosting\"\nkind = \"organization\"\n\
             [policies]\nprohibits_sanctioned_parties = true\nprohibits_designated_terrorists = true\n\
             [[customers]]\nid = \"c1\"\nkind = \"organization\"\n{customer}\n"
        ),
    )
}

/// A copy of the real 2021 SDN set (sdn, alt, add, sdn_comments).
fn sdn_copy(dir: &Path) -> PathBuf {
    let out = dir.join("sdn-2021");
    std::fs::create_dir_all(&out).unwrap();
    for f in ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"] {
        std::fs::copy(shared_lists().join("2021-06-29").join(f), out.join(f)).unwrap();
    }
    out
}

fn screen(evidence: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["screen", s(evidence), "--as-of", "2026-11-01"];
    args.extend_from_slice(extra);
    vetter(&args)
}

/// `screen` against the sample lists with the policy in `rules`.
fn screen_with_rules(evidence: &Path, rules: &Path) -> Output {
    screen(evidence, &["--lists", "lists/sample", "--rules", s(rules)])
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

// ---- 1. Incomplete lists never yield PASS ----

#[test]
fn tolerant_load_of_an_sdn_file_cut_short_is_incomplete_and_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    let lists = sdn_copy(dir.path());
    // The first 1,000 rows: AL-SHABAAB (row 1,856) is gone, and the
    // companion rows of every later entity are skipped as orphans.
    let sdn = std::fs::read(lists.join("sdn.csv")).unwrap();
    let cut: usize = sdn
        .split_inclusive(|b| *b == b'\n')
        .take(1000)
        .map(<[u8]>::len)
        .sum();
    std::fs::write(lists.join("sdn.csv"), &sdn[..cut]).unwrap();
    let ev = one_customer(dir.path(), "name = \"Al-Shabaab\"");
    let out = screen(
        &ev,
        &[
            "--lists",
            s(&lists),
            "--tolerant",
            "--list-date",
            "2026-10-30",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let v = json(&out);
    let list = &v["identity"]["lists"][0];
    assert_eq!(list["complete"], false, "{list}");
    assert!(list["skipped_rows"].as_u64().unwrap() > 20_000, "{list}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "list-rows-skipped"),
        "{}",
        v["findings"]
    );
    assert!(v["warnings"].as_array().is_some_and(|w| !w.is_empty()));
    assert!(stderr(&out).contains("skipped"), "{}", stderr(&out));
}

#[test]
fn sdn_companion_files_without_sdn_csv_are_an_error_not_a_silent_skip() {
    let dir = tempfile::tempdir().unwrap();
    let lists = sdn_copy(dir.path());
    std::fs::remove_file(lists.join("sdn.csv")).unwrap();
    for f in [
        "cons_prim.csv",
        "cons_alt.csv",
        "cons_add.csv",
        "cons_comments.csv",
    ] {
        std::fs::copy(shared_lists().join("2025-12-19").join(f), lists.join(f)).unwrap();
    }
    let ev = one_customer(dir.path(), "name = \"Al-Shabaab\"");
    let out = screen(&ev, &["--lists", s(&lists)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("but not sdn.csv: the ofac-sdn list would not be screened"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_manifest_naming_files_that_are_missing_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let lists = sdn_copy(dir.path());
    write(
        &lists,
        "manifest.toml",
        "published = 2026-10-30\n[files.\"cons_prim.csv\"]\n[files.\"SDN.XML\"]\n",
    );
    let ev = one_customer(dir.path(), "name = \"Al-Shabaab\"");
    let out = screen(&ev, &["--lists", s(&lists)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("manifest names"), "{}", stderr(&out));
    // A named companion that is missing is a partial snapshot, refused
    // unless asked for, and then never a PASS.
    write(
        &lists,
        "manifest.toml",
        "published = 2026-10-30\n[files.\"alt.csv\"]\n",
    );
    std::fs::remove_file(lists.join("alt.csv")).unwrap();
    let out = screen(&ev, &["--lists", s(&lists)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("lacks alt.csv"), "{}", stderr(&out));
    let clean = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(&clean, &["--lists", s(&lists), "--allow-partial"]);
    assert_eq!(out.status.code(), Some(10), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("partial-list-snapshot"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn remarks_cut_at_1000_characters_without_a_continuation_make_the_list_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let lists = sdn_copy(dir.path());
    std::fs::write(lists.join("sdn_comments.csv"), "").unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(
        &ev,
        &[
            "--lists",
            s(&lists),
            "--list-date",
            "2026-10-30",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let v = json(&out);
    let list = &v["identity"]["lists"][0];
    assert_eq!(list["complete"], false);
    assert_eq!(list["cut_remarks"].as_array().unwrap().len(), 5, "{list}");
    assert!(stdout(&out).contains("list-remarks-cut"));
    assert!(
        stderr(&out).contains("cut at 1,000 characters"),
        "{}",
        stderr(&out)
    );
    // With its continuations the same set is complete and passes.
    std::fs::copy(
        shared_lists().join("2021-06-29/sdn_comments.csv"),
        lists.join("sdn_comments.csv"),
    )
    .unwrap();
    let cons = shared_lists().join("2025-12-19");
    let out = screen(
        &ev,
        &[
            "--lists",
            s(&lists),
            "--lists",
            s(&cons),
            "--list-date",
            "2026-10-30",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn screen_without_lists_does_not_fall_back_to_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(&ev, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("--lists"), "{}", stderr(&out));
}

#[test]
fn a_screening_against_the_sample_lists_never_passes() {
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(&ev, &["--lists", "lists/sample", "--format", "json"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["identity"]["lists"][0]["sample"], true);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "sample-list"));
    // Even a policy that ignores samples cannot pass it: the engine says so.
    let rules = tempfile::tempdir().unwrap();
    std::fs::copy("rules/policy.toml", rules.path().join("policy.toml")).unwrap();
    write(rules.path(), "10-nothing.rhai", "fn check(ctx) { [] }");
    let out = screen_with_rules(&ev, rules.path());
    assert_eq!(out.status.code(), Some(10), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("incomplete-screening  [(engine)]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_custom_csv_cannot_call_itself_an_official_list() {
    let dir = tempfile::tempdir().unwrap();
    let fake = write(
        dir.path(),
        "ofac-sdn.csv",
        "id,name,programs\nx1,Harbor Street Bakery,FTO\n",
    );
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(&ev, &["--lists", s(&fake)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("cannot be called `ofac-sdn`"),
        "{}",
        stderr(&out)
    );
    let other = write(
        dir.path(),
        "mine.csv",
        "id,name,programs\nx1,Harbor Street Bakery,FTO\n",
    );
    write(
        dir.path(),
        "mine.manifest.toml",
        "name = \"ofac-consolidated\"\n",
    );
    let out = screen(&ev, &["--lists", s(&other)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("official OFAC loader"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_typo_in_official_lists_is_an_error_in_rules_check_and_screen() {
    let rules = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir("rules").unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, rules.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let policy = std::fs::read_to_string("rules/policy.toml")
        .unwrap()
        .replace("\"ofac-consolidated\"]", "\"ofac-consolidate\"]");
    std::fs::write(rules.path().join("policy.toml"), policy).unwrap();
    let out = vetter(&["rules", "check", s(rules.path())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("`ofac-consolidate`, which no official list loader produces"),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen_with_rules(&ev, rules.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
}

#[test]
fn an_official_list_the_policy_names_but_the_screening_did_not_use_is_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(
        &ev,
        &[
            "--lists",
            s(&shared_lists().join("2025-12-19")),
            "--list-date",
            "2026-10-30",
        ],
    );
    assert_eq!(out.status.code(), Some(10), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("official-list-not-screened"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn endless_input_as_a_list_evidence_or_log_stops_with_a_clear_error() {
    let out = vetter(&["screen", "/dev/zero", "--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("limit for an evidence file"),
        "{}",
        stderr(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen(&ev, &["--lists", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("limit for a list file"),
        "{}",
        stderr(&out)
    );
    let out = vetter(&["log", "verify", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

// ---- 2. Evidence is untrusted ----

/// No byte that could move the cursor, colour the text or reorder it.
fn assert_clean_text(text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !vetter::untrusted::is_layout_control(c),
            "control character U+{:04X} in text output:\n{text}",
            c as u32
        );
    }
}

#[test]
fn control_characters_in_evidence_cannot_forge_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write(
        dir.path(),
        "e.toml",
        "[vendor]\nname = \"Evil Hosting\\nPASS  Clean Vendor \\u001b[32mOK\\u001b[0m \\u202egnitsoh\"\n\
         [policies]\nprohibits_designated_terrorists = true\n\
         [[customers]]\nid = \"c\\r\\nPASS\"\nname = \"Al-Shabaab\\u001b[2K\"\n",
    );
    let log = dir.path().join("v.log");
    let out = screen(&ev, &["--lists", "lists/sample", "--log", s(&log)]);
    assert_eq!(out.status.code(), Some(20), "{}", stderr(&out));
    let text = stdout(&out);
    assert_clean_text(&text);
    let verdict_lines = text
        .lines()
        .filter(|l| l.starts_with("PASS") || l.starts_with("REVIEW") || l.starts_with("FAIL"))
        .count();
    assert_eq!(verdict_lines, 1, "{text}");
    assert!(text.starts_with("FAIL  Evil Hosting\\nPASS"), "{text}");
    // JSON keeps the exact text.
    let out = screen(&ev, &["--lists", "lists/sample", "--format", "json"]);
    assert_eq!(
        json(&out)["vendor"],
        "Evil Hosting\nPASS  Clean Vendor \u{1b}[32mOK\u{1b}[0m \u{202e}gnitsoh"
    );
    for args in [
        vec!["log", "show", s(&log)],
        vec!["log", "replay", s(&log), "--lists", "lists/sample"],
    ] {
        let out = vetter(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_clean_text(&stdout(&out));
        assert!(
            !stdout(&out).lines().any(|l| l.starts_with("PASS")),
            "{}",
            stdout(&out)
        );
    }
    let out = vetter(&[
        "match",
        "Al-Shabaab\n0.999  forged",
        "--lists",
        "lists/sample",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean_text(&stdout(&out));
}

#[test]
fn a_name_of_punctuation_alone_is_an_evidence_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["???", "-- ... !!", "\\u200b\\u202e"] {
        let ev = one_customer(dir.path(), &format!("name = \"{name}\""));
        let out = screen(&ev, &["--lists", "lists/sample"]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("error[unscreenable]"),
            "{}",
            stderr(&out)
        );
    }
    // With an identifier the party is screened by it, and reviewed.
    let ev = one_customer(dir.path(), "name = \"???\"\nwebsites = [\"shop.example\"]");
    let out = screen(&ev, &["--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(10), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("name-not-screened"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_name_hidden_behind_invisible_or_override_characters_is_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let reversed: String = "Al-Shabaab".chars().rev().collect();
    let escaped: String = reversed.chars().map(|c| c.to_string()).collect();
    for name in [
        format!("\\u202e{escaped}\\u202c"),
        "Al\\u200b-Sha\\u00adbaab".to_owned(),
        "\\u2066Al-Shabaab\\u2069".to_owned(),
    ] {
        let ev = one_customer(dir.path(), &format!("name = \"{name}\""));
        let out = screen(&ev, &["--lists", "lists/sample"]);
        assert_eq!(out.status.code(), Some(20), "{name}: {}", stdout(&out));
        assert!(
            stdout(&out).contains("customer-designated-terrorist"),
            "{}",
            stdout(&out)
        );
    }
}

#[test]
fn customers_csv_may_only_name_a_file_beside_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("evidence");
    std::fs::create_dir(&sub).unwrap();
    let secret = write(dir.path(), "secret.csv", "id,name\nc1,TOP-SECRET-CONTENT\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, sub.join("link.csv")).unwrap();
    for target in [
        "../secret.csv".to_owned(),
        s(&secret).to_owned(),
        "link.csv".to_owned(),
        "/etc/passwd".to_owned(),
    ] {
        let ev = write(
            &sub,
            "e.toml",
            &format!("customers_csv = {target:?}\n[vendor]\nname = \"Tidewater Hosting\"\n"),
        );
        let out = screen(&ev, &["--lists", "lists/sample"]);
        assert_eq!(out.status.code(), Some(1), "{target}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains("outside the evidence file's folder"),
            "{target}: {err}"
        );
        assert!(
            !err.contains("TOP-SECRET") && !err.contains("root:"),
            "{err}"
        );
    }
}

#[test]
fn customers_csv_with_reversed_dates_a_doubled_column_or_an_open_quote_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write(
        dir.path(),
        "e.toml",
        "customers_csv = \"c.csv\"\n[vendor]\nname = \"Tidewater Hosting\"\n",
    );
    let cases = [
        (
            "id,name,first_seen,last_seen\nc1,Bakery,2025-01-01,2024-01-01\n",
            "first_seen 2025-01-01 is after last_seen 2024-01-01",
        ),
        (
            "id,name,name\nc1,Bakery,Al-Shabaab\n",
            "the column `name` appears twice",
        ),
        (
            "id,name\nc1,Bakery\nc2,\"Harbor\nc3,Al-Shabaab\n",
            "c.csv:3:1: error[csv-syntax]: a quoted field opens here and is never closed",
        ),
    ];
    for (csv, expected) in cases {
        write(dir.path(), "c.csv", csv);
        let out = screen(&ev, &["--lists", "lists/sample"]);
        assert_eq!(out.status.code(), Some(1), "{csv}: {}", stdout(&out));
        assert!(stderr(&out).contains(expected), "{csv}: {}", stderr(&out));
    }
}

#[test]
fn a_watchlist_csv_with_an_open_quote_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "w.csv",
        "id,name\nw1,\"Forum of Hate\nw2,Other\n",
    );
    let out = vetter(&["lists", "stats", "--lists", s(&list)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("w.csv:2: a quoted field opens here"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn match_with_a_name_of_punctuation_or_a_doubled_name_column_is_refused() {
    for name in ["", "?!", "  -- "] {
        let out = vetter(&["match", name, "--lists", "lists/sample"]);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {}", stdout(&out));
    }
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "q.csv", "name,name\nBakery,Al-Shabaab\n");
    let out = vetter(&["match", "--input", s(&input), "--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("appears twice"), "{}", stderr(&out));
}

#[test]
fn a_screening_dated_before_its_evidence_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let ev = write(
        dir.path(),
        "e.toml",
        "[vendor]\nname = \"Tidewater Hosting\"\n[[customers]]\nid = \"c1\"\nname = \"Bakery\"\nfirst_seen = 2026-05-01\n",
    );
    let out = vetter(&[
        "screen",
        s(&ev),
        "--as-of",
        "2026-01-01",
        "--lists",
        "lists/sample",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("error[as-of-before-evidence]"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("customer `c1`"), "{}", stderr(&out));
}

// ---- 3. Scale of the default policy ----

#[test]
fn a_vendor_with_100000_customers_is_screened_within_the_default_limits() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,name,kind,websites\n");
    for i in 0..100_000 {
        let name = match i {
            50_000 => "Al-Shabaab".to_owned(),
            _ => format!("Customer Number {i} Bakery"),
        };
        csv.push_str(&format!("c{i},{name},organization,site{i}.example\n"));
    }
    write(dir.path(), "c.csv", &csv);
    let ev = write(
        dir.path(),
        "e.toml",
        "customers_csv = \"c.csv\"\n[vendor]\nname = \"Very Large Host\"\n[policies]\nprohibits_designated_terrorists = true\n",
    );
    let out = screen(&ev, &["--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(20), "{}", stderr(&out));
    assert!(stdout(&out).contains("screened the vendor and 100000 customer(s)"));
    assert!(
        stdout(&out).contains("rests on: c50000"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_rule_growing_an_array_without_end_stops_at_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    // Stopped by the array limit long before the operations limit, which
    // with the quadratic re-measuring of a growing array took 40 s.
    for body in [
        "let a = []; loop { a.push(1); }",
        "let a = []; loop { a.push(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }",
    ] {
        let rules = policy_with("99-grow.rhai", &format!("fn check(ctx) {{ {body} }}"));
        let out = screen_with_rules(&ev, rules.path());
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("rule 99-grow.rhai: stopped: Size of array"),
            "{}",
            stderr(&out)
        );
    }
}

// ---- 5. Rules ----

#[test]
fn a_rule_file_with_an_upper_case_extension_is_loaded_not_ignored() {
    let rules = policy_with(
        "80-EXTRA.RHAI",
        "fn check(ctx) { report(\"FAIL\", \"extra-rule-ran\", \"the upper-case rule ran\", [\"vendor\"]); }",
    );
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen_with_rules(&ev, rules.path());
    assert_eq!(out.status.code(), Some(20), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("extra-rule-ran  [80-EXTRA]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_finding_citing_a_party_the_evidence_lacks_is_a_rule_error() {
    let rules = policy_with(
        "80-ghost.rhai",
        "fn check(ctx) { report(\"REVIEW\", \"ghost\", \"a party that is not there\", [\"c-ghost\"]); }",
    );
    let dir = tempfile::tempdir().unwrap();
    let ev = one_customer(dir.path(), "name = \"Harbor Street Bakery\"");
    let out = screen_with_rules(&ev, rules.path());
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out)
            .contains("rule 80-ghost.rhai: finding `ghost` cites `c-ghost`, which is not a party"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_test_resolves_its_paths_relative_to_its_folder_not_the_working_directory() {
    let rules = std::fs::canonicalize("rules").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = common::isolated(std::process::Command::new(env!("CARGO_BIN_EXE_vetter")))
        .args(["rules", "test", s(&rules)])
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("7 passed, 0 failed"),
        "{}",
        stdout(&out)
    );
}
