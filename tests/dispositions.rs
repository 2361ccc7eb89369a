//! Dispositions as an officer uses them: screen, dispose of the hits,
//! screen again; and every way a decision stops holding (the listing, the
//! party, the date), a confirmed hit, and a replayed log.

mod common;

use std::path::{Path, PathBuf};

use common::{expect_exit, stdout, vetter, write};
use serde_json::Value;

/// The sample lists as a dated publication (not marked a sample), so that
/// a screening a few days later has nothing to review but its hits.
fn publication(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    std::fs::create_dir_all(&out).unwrap();
    for entry in std::fs::read_dir(common::repo("lists/sample")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&p, out.join(p.file_name().unwrap())).unwrap();
        }
    }
    write(
        &out,
        "manifest.toml",
        "published = 2026-11-22\npublisher = \"test\"\n",
    );
    out
}

const AS_OF: &str = "2026-11-25";

/// A vendor with clean customers and `extra` ones (TOML tables).
fn evidence(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = format!(
        r#"[vendor]
name = "Bluewater Hosting Cooperative"
kind = "organization"
sources = ["list"]

[policies]
prohibits_sanctioned_parties = true
prohibits_designated_terrorists = true
reviewed = 2026-06-01
sources = ["list"]

[[customers]]
id = "c1"
name = "Maple Street Public Library"
kind = "organization"
service = "web hosting"
still_served = true
sources = ["list"]
{extra}
[[sources]]
id = "list"
title = "Customer list"
date = 2026-06-01
"#
    );
    write(dir, name, &text)
}

const TRAVEL: &str = r#"
[[customers]]
id = "c2"
name = "Banco Nacional Cuba Travel"
kind = "organization"
service = "web hosting"
still_served = true
sources = ["list"]
"#;

fn screen(evidence: &Path, lists: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "screen",
        evidence.to_str().unwrap(),
        "--lists",
        lists.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = vetter(&args);
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), common::stderr(&out)));
    (code, v)
}

/// The verdict's entry for party `id`.
fn party<'v>(v: &'v Value, id: &str) -> &'v Value {
    v["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("no party {id}"))
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Each (party, list:entity) hit of a verdict.
fn hits(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in v["parties"].as_array().unwrap() {
        for h in p["hits"].as_array().unwrap() {
            out.push((
                p["id"].as_str().unwrap().to_owned(),
                format!(
                    "{}:{}",
                    h["list"].as_str().unwrap(),
                    h["entity_id"].as_str().unwrap()
                ),
            ));
        }
    }
    out
}

fn dispose(
    d: &Path,
    evidence: &Path,
    lists: &Path,
    party: &str,
    hit: &str,
    rest: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "dispose",
        "--dispositions",
        d.to_str().unwrap(),
        "--evidence",
        evidence.to_str().unwrap(),
        "--lists",
        lists.to_str().unwrap(),
        "--party",
        party,
        "--hit",
        hit,
        "--by",
        "R. Viewer",
    ];
    args.extend_from_slice(rest);
    vetter(&args)
}

/// The REVIEW example, disposed of: every hit cleared.
struct Reviewed {
    dir: tempfile::TempDir,
    lists: PathBuf,
    evidence: PathBuf,
    dispositions: PathBuf,
}

fn reviewed(expires: Option<&str>) -> Reviewed {
    let dir = tempfile::tempdir().unwrap();
    let lists = publication(dir.path(), "lists-a");
    let evidence = evidence(dir.path(), "vendor.toml", TRAVEL);
    let (code, v) = screen(&evidence, &lists, &[]);
    assert_eq!(code, 10, "{v:#}");
    assert_eq!(codes(&v), ["customer-possible-sanctions-match"], "{v:#}");
    let dispositions = dir.path().join("dispositions.toml");
    for (party, hit) in hits(&v) {
        let mut rest = vec![
            "--decision",
            "false-positive",
            "--reason",
            "a travel agency, not the Cuban state bank",
        ];
        if let Some(e) = expires {
            rest.extend(["--expires", e]);
        }
        expect_exit(
            &dispose(&dispositions, &evidence, &lists, &party, &hit, &rest),
            0,
        );
    }
    Reviewed {
        dir,
        lists,
        evidence,
        dispositions,
    }
}

#[test]
fn a_review_becomes_pass_once_its_hits_are_cleared_and_the_report_shows_them() {
    let r = reviewed(None);
    let d = r.dispositions.to_str().unwrap();
    let (code, v) = screen(&r.evidence, &r.lists, &["--dispositions", d]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["verdict"], "PASS");
    assert!(hits(&v).is_empty());
    let cleared = &party(&v, "c2")["cleared"][0];
    assert_eq!(cleared["hit"]["entity_id"], "306");
    assert_eq!(cleared["disposition"]["by"], "R. Viewer");
    assert_eq!(v["summary"]["cleared_hits"], 1);
    assert_eq!(v["identity"]["dispositions"]["name"], d);

    // The report shows the cleared hit with who cleared it and why.
    let out = vetter(&[
        "screen",
        r.evidence.to_str().unwrap(),
        "--lists",
        r.lists.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--dispositions",
        d,
        "--format",
        "html",
    ]);
    let page = scraper::Html::parse_document(&stdout(&out));
    let sel = scraper::Selector::parse("#cleared tr.decision").unwrap();
    let row: String = page
        .select(&sel)
        .next()
        .expect("a cleared hit")
        .text()
        .collect();
    assert!(
        row.contains("false-positive") && row.contains("R. Viewer"),
        "{row}"
    );
    assert!(row.contains("not the Cuban state bank"), "{row}");

    // The file lists the decision; against the same lists it holds.
    let out = vetter(&[
        "dispositions",
        "check",
        d,
        "--lists",
        r.lists.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    expect_exit(&out, 0);
    assert!(stdout(&out).contains("holds"), "{}", stdout(&out));
}

#[test]
fn a_changed_listing_makes_the_decision_lapse() {
    let r = reviewed(None);
    // A second publication: entity 306's record edited.
    let lists_b = publication(r.dir.path(), "lists-b");
    let sdn = lists_b.join("sdn.csv");
    let text = std::fs::read_to_string(&sdn).unwrap();
    let edited = text.replace("\"a.k.a. 'BNC'.\"", "\"a.k.a. 'BNC'; Website www.bnc.cu.\"");
    assert_ne!(text, edited);
    std::fs::write(&sdn, edited).unwrap();
    let d = r.dispositions.to_str().unwrap();
    let (code, v) = screen(&r.evidence, &lists_b, &["--dispositions", d]);
    assert_eq!(code, 10, "{v:#}");
    assert!(
        codes(&v).contains(&"decision-no-longer-holds".to_owned()),
        "{v:#}"
    );
    let decision = &party(&v, "c2")["decisions"][0];
    assert_eq!(decision["status"], "listing-changed");
    let out = vetter(&[
        "dispositions",
        "check",
        d,
        "--lists",
        lists_b.to_str().unwrap(),
        "--as-of",
        AS_OF,
    ]);
    expect_exit(&out, 10);
    assert!(
        stdout(&out).contains("changed since the decision"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_expired_decision_lapses() {
    let r = reviewed(Some("2026-12-31"));
    let d = r.dispositions.to_str().unwrap();
    let (code, _) = screen(&r.evidence, &r.lists, &["--dispositions", d]);
    assert_eq!(code, 0);
    let lists = r.lists.to_str().unwrap();
    let args = [
        "screen",
        r.evidence.to_str().unwrap(),
        "--lists",
        lists,
        "--as-of",
        "2027-01-01",
        "--dispositions",
        d,
        "--format",
        "json",
    ];
    let out = vetter(&args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // The lists are now old too; the decision says why it lapsed.
    assert_eq!(v["verdict"], "REVIEW");
    assert_eq!(party(&v, "c2")["decisions"][0]["status"], "expired");
    assert!(codes(&v).contains(&"decision-no-longer-holds".to_owned()));
}

#[test]
fn a_changed_customer_makes_the_decision_lapse() {
    let r = reviewed(None);
    let renamed = evidence(
        r.dir.path(),
        "renamed.toml",
        &TRAVEL.replace(
            "Banco Nacional Cuba Travel",
            "Banco Nacional Cuba Travel Agency",
        ),
    );
    let d = r.dispositions.to_str().unwrap();
    let (code, v) = screen(&renamed, &r.lists, &["--dispositions", d]);
    assert_eq!(code, 10, "{v:#}");
    assert_eq!(
        party(&v, "c2")["decisions"][0]["status"],
        "party-changed",
        "{v:#}"
    );
}

#[test]
fn a_confirmed_hit_keeps_the_fail_and_names_the_reviewer() {
    let dir = tempfile::tempdir().unwrap();
    let lists = publication(dir.path(), "lists");
    let strong = r#"
[[customers]]
id = "c2"
name = "Hasan Nasralla"
kind = "person"
still_served = true
sources = ["list"]
"#;
    let ev = evidence(dir.path(), "vendor.toml", strong);
    let (code, v) = screen(&ev, &lists, &[]);
    assert_eq!(code, 20, "{v:#}");
    let d = dir.path().join("d.toml");
    let out = dispose(
        &d,
        &ev,
        &lists,
        "c2",
        "ofac-sdn:2686",
        &[
            "--decision",
            "confirmed",
            "--reason",
            "same person, passport matches",
        ],
    );
    expect_exit(&out, 0);
    let (code, v) = screen(&ev, &lists, &["--dispositions", d.to_str().unwrap()]);
    assert_eq!(code, 20);
    let fail = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["verdict"] == "FAIL")
        .unwrap();
    let message = fail["message"].as_str().unwrap();
    assert!(message.contains("confirmed by R. Viewer"), "{message}");

    // A possible match confirmed by a reviewer is a FAIL.
    let weak = evidence(dir.path(), "weak.toml", TRAVEL);
    let out = dispose(
        &d,
        &weak,
        &lists,
        "c2",
        "ofac-sdn:306",
        &[
            "--decision",
            "confirmed",
            "--reason",
            "the bank's travel arm",
        ],
    );
    expect_exit(&out, 0);
    let (code, v) = screen(&weak, &lists, &["--dispositions", d.to_str().unwrap()]);
    assert_eq!(code, 20, "{v:#}");
    assert!(codes(&v).contains(&"customer-sanctioned".to_owned()));
}

#[test]
fn dispose_records_only_a_hit_the_screening_gives() {
    let r = reviewed(None);
    let before = std::fs::read(&r.dispositions).unwrap();
    let cases: [(&str, &str, &str); 3] = [
        ("c2", "ofac-sdn:4695", "no hit on ofac-sdn:4695"),
        ("c9", "ofac-sdn:306", "names no customer `c9`"),
        ("c2", "ofac-sdn", "write LIST:ENTITY"),
    ];
    for (party, hit, said) in cases {
        let out = dispose(
            &r.dispositions,
            &r.evidence,
            &r.lists,
            party,
            hit,
            &["--decision", "false-positive", "--reason", "not them"],
        );
        expect_exit(&out, 2);
        assert!(
            common::stderr(&out).contains(said),
            "{}",
            common::stderr(&out)
        );
    }
    assert_eq!(std::fs::read(&r.dispositions).unwrap(), before);
}

#[test]
fn an_identifier_hit_is_cleared_only_with_a_sentence_of_reason() {
    let dir = tempfile::tempdir().unwrap();
    let lists = publication(dir.path(), "lists");
    let site = r#"
[[customers]]
id = "c2"
name = "Channel Seven Media"
kind = "organization"
websites = ["www.aqsatv.ps"]
still_served = true
sources = ["list"]
"#;
    let ev = evidence(dir.path(), "vendor.toml", site);
    let d = dir.path().join("d.toml");
    let short = dispose(
        &d,
        &ev,
        &lists,
        "c2",
        "ofac-sdn:11911",
        &["--decision", "false-positive", "--reason", "not them"],
    );
    expect_exit(&short, 2);
    assert!(
        common::stderr(&short).contains("at least a sentence"),
        "{}",
        common::stderr(&short)
    );
    assert!(!d.exists());
    let long = dispose(
        &d,
        &ev,
        &lists,
        "c2",
        "ofac-sdn:11911",
        &[
            "--decision",
            "false-positive",
            "--reason",
            "The customer bought the expired domain in 2025; registry records attached to ticket 4411.",
        ],
    );
    expect_exit(&long, 0);
    let (_, v) = screen(&ev, &lists, &["--dispositions", d.to_str().unwrap()]);
    assert_eq!(
        party(&v, "c2")["cleared"][0]["hit"]["basis"],
        "identifier",
        "{v:#}"
    );
}

#[test]
fn a_log_with_dispositions_replays_exactly() {
    let r = reviewed(None);
    let log = r.dir.path().join("verdicts.jsonl");
    let (lists, l) = (r.lists.to_str().unwrap(), log.to_str().unwrap());
    let ev = r.evidence.to_str().unwrap();
    // Before and after the review, then after the decisions were edited.
    expect_exit(
        &vetter(&["screen", ev, "--lists", lists, "--as-of", AS_OF, "--log", l]),
        10,
    );
    let d = r.dispositions.to_str().unwrap();
    expect_exit(
        &vetter(&[
            "screen",
            ev,
            "--lists",
            lists,
            "--as-of",
            AS_OF,
            "--log",
            l,
            "--dispositions",
            d,
        ]),
        0,
    );
    let out = dispose(
        &r.dispositions,
        &r.evidence,
        &r.lists,
        "c2",
        "ofac-sdn:306",
        &[
            "--decision",
            "confirmed",
            "--reason",
            "on second thought, the bank itself",
        ],
    );
    expect_exit(&out, 0);
    expect_exit(
        &vetter(&[
            "screen",
            ev,
            "--lists",
            lists,
            "--as-of",
            AS_OF,
            "--log",
            l,
            "--dispositions",
            d,
        ]),
        20,
    );
    let out = vetter(&["log", "replay", l, "--lists", lists]);
    expect_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("3 record(s): 3 reproduced, 0 not"), "{text}");
    // The recorded file is the one applied at the time, not today's.
    let records: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records[0].get("dispositions_file").is_none());
    let second = records[1]["dispositions_file"]["content"].as_str().unwrap();
    assert!(second.contains("false-positive"));
    assert!(records[2]["dispositions_file"]["content"]
        .as_str()
        .unwrap()
        .contains("confirmed"));
}

#[test]
fn two_reviewers_disposing_at_once_both_keep_their_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let lists = publication(dir.path(), "lists");
    let bakery = r#"
[[customers]]
id = "c3"
name = "Hamas Bakery"
kind = "organization"
still_served = true
sources = ["list"]
"#;
    let ev = evidence(dir.path(), "vendor.toml", &format!("{TRAVEL}{bakery}"));
    let d = dir.path().join("d.toml");
    for round in 0..3 {
        std::thread::scope(|s| {
            for (party, hit) in [("c2", "ofac-sdn:306"), ("c3", "ofac-sdn:4695")] {
                let (d, ev, lists) = (&d, &ev, &lists);
                s.spawn(move || {
                    let reason = format!("round {round}: not the listed entity");
                    let out = dispose(
                        d,
                        ev,
                        lists,
                        party,
                        hit,
                        &["--decision", "false-positive", "--reason", &reason],
                    );
                    expect_exit(&out, 0);
                });
            }
        });
        let out = vetter(&[
            "dispositions",
            "list",
            d.to_str().unwrap(),
            "--format",
            "json",
        ]);
        let items: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            items.as_array().unwrap().len(),
            2,
            "round {round}: {items:#}"
        );
    }
}
