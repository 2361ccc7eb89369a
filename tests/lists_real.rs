//! Loading the real OFAC snapshots in ../shared/lists: every count must
//! agree with an independent count taken straight from the raw bytes.

mod common;

use std::path::Path;

use common::shared_lists;
use vetter::lists::{stats, LoadOptions, Snapshot};

const SNAPSHOTS: &[&str] = &["2021-06-29", "2024-06-12", "2024-07-02", "2025-12-19"];

fn load(dir: &Path) -> Snapshot {
    let options = LoadOptions {
        allow_partial: true,
        ..Default::default()
    };
    Snapshot::load(&[dir.to_owned()], &options).unwrap_or_else(|e| panic!("{e}"))
}

/// Records in a legacy file, counted as CRLF line ends (no field holds a
/// line break), ignoring the trailing 0x1A byte.
fn raw_rows(path: &Path) -> usize {
    match std::fs::read(path) {
        Ok(data) => data.windows(2).filter(|w| w == b"\r\n").count(),
        Err(_) => 0,
    }
}

fn raw(path: &Path) -> String {
    std::fs::read(path)
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default()
}

/// Independent counts from the raw primary file: type by the exact quoted
/// token in the third column, tags by a plain substring search.
struct RawCounts {
    rows: usize,
    individual: usize,
    vessel: usize,
    aircraft: usize,
    fto: usize,
    sdgt: usize,
}

fn raw_counts(path: &Path) -> RawCounts {
    let text = raw(path);
    let mut c = RawCounts {
        rows: 0,
        individual: 0,
        vessel: 0,
        aircraft: 0,
        fto: 0,
        sdgt: 0,
    };
    for line in text.split("\r\n").filter(|l| l.len() > 1) {
        c.rows += 1;
        c.individual += usize::from(line.contains(",\"individual\","));
        c.vessel += usize::from(line.contains(",\"vessel\","));
        c.aircraft += usize::from(line.contains(",\"aircraft\","));
        // Program is the quoted field after the name and the type; no name
        // holds the two characters `",`.
        let after_name = &line[line.find("\",").expect("name") + 2..];
        let after_type = &after_name[after_name.find(',').expect("type") + 1..];
        let program = after_type
            .strip_prefix('"')
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        let tags: Vec<&str> = program.split("] [").collect();
        c.fto += usize::from(tags.contains(&"FTO"));
        c.sdgt += usize::from(tags.contains(&"SDGT"));
    }
    c
}

/// The Remarks text of every row with cut remarks glued to their
/// continuation, by plain string handling: the last field of a row is the
/// remark, and a comments row `ID,"TEXT"` continues row ID.
fn remark_len(line: &str) -> usize {
    let body = line.strip_suffix('"').unwrap_or("");
    body.rfind(",\"")
        .map_or(0, |i| body[i + 2..].chars().count())
}

fn joined_remarks(primary: &Path, comments: &Path) -> String {
    let mut continuation = std::collections::HashMap::new();
    for line in raw(comments).split("\r\n").filter(|l| l.len() > 1) {
        let (id, text) = line.split_once(',').unwrap();
        continuation.insert(id.to_owned(), text.trim_matches('"').to_owned());
    }
    let mut out = String::new();
    for line in raw(primary).split("\r\n").filter(|l| l.len() > 1) {
        let id = line.split(',').next().unwrap();
        match continuation.get(id) {
            Some(rest) => {
                out.push_str(line);
                out.pop(); // the closing quote of the cut remark
                out.push_str(rest);
            }
            // A remark cut at 1000 characters with no continuation: its last
            // fact may be incomplete and is not counted.
            None if remark_len(line) == 1000 => out.push_str(&line[..line.rfind(';').unwrap_or(0)]),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn stats_agree_with_independent_counts_on_every_snapshot() {
    for name in SNAPSHOTS {
        let dir = shared_lists().join(name);
        let snapshot = load(&dir);
        let stats = stats::compute(&snapshot);
        for list in &stats.lists {
            let (primary, alt, comments) = match list.identity.name.as_str() {
                "ofac-sdn" => ("sdn.csv", "alt.csv", "sdn_comments.csv"),
                _ => ("cons_prim.csv", "cons_alt.csv", "cons_comments.csv"),
            };
            let raw = raw_counts(&dir.join(primary));
            let c = &list.counts;
            assert_eq!(c.entities.total, raw.rows, "{name} {primary} rows");
            assert_eq!(
                c.entities.total,
                raw_rows(&dir.join(primary)),
                "{name} CRLF rows"
            );
            assert_eq!(c.entities.individual, raw.individual, "{name} individuals");
            assert_eq!(c.entities.vessel, raw.vessel, "{name} vessels");
            assert_eq!(c.entities.aircraft, raw.aircraft, "{name} aircraft");
            assert_eq!(
                c.entities.entity,
                raw.rows - raw.individual - raw.vessel - raw.aircraft,
                "{name} entities"
            );
            assert_eq!(c.fto, raw.fto, "{name} FTO");
            assert_eq!(c.sdgt, raw.sdgt, "{name} SDGT");
            assert_eq!(
                c.aliases_strong,
                raw_rows(&dir.join(alt)),
                "{name} alt rows"
            );
            let remarks = joined_remarks(&dir.join(primary), &dir.join(comments));
            let weak = ["a.k.a. '", "f.k.a. '", "n.k.a. '"]
                .iter()
                .map(|p| remarks.matches(p).count())
                .sum::<usize>();
            assert_eq!(c.aliases_weak, weak, "{name} weak aliases");
            let websites =
                remarks.matches("Website ").count() + remarks.matches("Website:").count();
            assert_eq!(c.websites, websites, "{name} websites");
            let crypto = remarks.matches("Digital Currency Address - ").count();
            assert_eq!(c.crypto_addresses, crypto, "{name} crypto");
        }
    }
}

#[test]
fn published_figures_from_the_lists_readme() {
    // Figures recorded in ../shared/lists/README.md, counted there independently.
    let expect = [
        ("2021-06-29", 8976, 4620, 3673, 406, 277, 74, 1709),
        ("2024-06-12", 15005, 6869, 6909, 853, 374, 70, 2394),
        ("2024-07-02", 15443, 6927, 7270, 872, 374, 70, 2462),
        ("2025-12-19", 442, 79, 363, 0, 0, 0, 2),
    ];
    for (name, total, ind, ent, ves, air, fto, sdgt) in expect {
        let s = stats::compute(&load(&shared_lists().join(name)));
        let c = &s.lists[0].counts;
        let e = &c.entities;
        assert_eq!(
            (
                e.total,
                e.individual,
                e.entity,
                e.vessel,
                e.aircraft,
                c.fto,
                c.sdgt
            ),
            (total, ind, ent, ves, air, fto, sdgt),
            "{name}"
        );
    }
}

#[test]
fn complete_sets_join_every_companion_row_and_rebuild_cut_remarks() {
    let s = load(&shared_lists().join("2021-06-29"));
    let id = &s.lists[0];
    assert!(id.complete && id.missing_files.is_empty());
    assert_eq!(id.files.len(), 4);
    let sdn = id.files.iter().find(|f| f.name == "sdn.csv").unwrap();
    assert_eq!(
        sdn.sha256,
        "2a08fac873a3be0b92208f8874b2e7c138b7938190eeeb7ef991c15ba60e855b"
    );
    assert_eq!(sdn.bytes, 2013896);
    let stats = stats::compute(&s);
    assert_eq!(stats.lists[0].counts.addresses, 13837);
    assert_eq!(stats.lists[0].counts.remarks_truncated, 0);
    // TIAN Yinyin's remarks are cut at 1000 and continued in sdn_comments.csv.
    let tian = &s.find(Some("ofac-sdn"), "28263")[0];
    assert!(tian.remarks.as_ref().unwrap().chars().count() > 1000);
    assert_eq!(tian.facts.linked_to, vec!["LAZARUS GROUP"]);

    let cons = load(&shared_lists().join("2025-12-19"));
    assert_eq!(cons.lists[0].name, "ofac-consolidated");
    assert_eq!(stats::compute(&cons).lists[0].counts.addresses, 574);
}

#[test]
fn partial_snapshots_need_permission_and_say_what_is_missing() {
    let dir = shared_lists().join("2024-07-02");
    let err = Snapshot::load(std::slice::from_ref(&dir), &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("--allow-partial"), "{err}");
    let s = load(&dir);
    let id = &s.lists[0];
    assert!(!id.complete);
    assert_eq!(
        id.missing_files,
        vec!["sdn_comments.csv", "alt.csv", "add.csv"]
    );
    assert_eq!(stats::compute(&s).lists[0].counts.remarks_truncated, 19);
    assert_eq!(
        id.publication_date, None,
        "no manifest: the date is unknown, never guessed"
    );
}

#[test]
fn designated_terrorist_organisations_are_found_with_aliases_and_websites() {
    for name in ["2021-06-29", "2024-06-12", "2024-07-02"] {
        let s = load(&shared_lists().join(name));
        for (id, entity, programs) in [
            ("10761", "AL-SHABAAB", &["FTO", "SDGT", "SOMALIA"][..]),
            ("4695", "HAMAS", &["FTO", "SDGT"]),
            ("6636", "TALIBAN", &["SDGT"]),
            (
                "4702",
                "KURDISTAN WORKERS' PARTY",
                &["SDNTK", "FTO", "SDGT"],
            ),
            (
                "4709",
                "POPULAR FRONT FOR THE LIBERATION OF PALESTINE",
                &["FTO", "SDGT"],
            ),
        ] {
            let e = s.find(Some("ofac-sdn"), id);
            assert_eq!(e.len(), 1, "{name} {id}");
            assert_eq!(e[0].name, entity);
            let got: Vec<&str> = e[0].programs.iter().map(String::as_str).collect();
            let mut want = programs.to_vec();
            want.sort_unstable();
            assert_eq!(got, want, "{name} {entity}");
        }
    }
    let s = load(&shared_lists().join("2021-06-29"));
    let alias_names = |id: &str| -> Vec<String> {
        s.find(Some("ofac-sdn"), id)[0]
            .aliases
            .iter()
            .map(|a| a.name.clone())
            .collect()
    };
    assert!(alias_names("4702").contains(&"PKK".to_owned()));
    assert!(alias_names("4709").contains(&"PFLP".to_owned()));
    assert!(alias_names("10761").contains(&"AL-SHABAB".to_owned()));
    let shabaab = &s.find(Some("ofac-sdn"), "10761")[0];
    assert!(shabaab.weak_aliases().any(|a| a.name == "THE YOUTH"));
    let aqsa = &s.find(Some("ofac-sdn"), "11911")[0];
    assert_eq!(aqsa.facts.websites, vec!["www.aqsatv.ps"]);
    assert_eq!(aqsa.facts.emails, vec!["info@aqsatv.ps"]);
    let jrtn = &s.find(Some("ofac-sdn"), "11749")[0];
    assert_eq!(jrtn.facts.websites, vec!["www.alnakshabandia-army.org"]);
}

#[test]
fn diffs_match_the_published_figures() {
    let d = |a: &str, b: &str| {
        vetter::lists::diff::compute(
            &load(&shared_lists().join(a)),
            &load(&shared_lists().join(b)),
        )
    };
    let x = d("2024-06-12", "2024-07-02");
    assert_eq!(
        (x.added.len(), x.removed.len(), x.changed.len()),
        (482, 44, 567)
    );
    assert!(x.added.iter().any(|e| e.id == "48547"));
    let x = d("2021-06-29", "2024-07-02");
    assert_eq!(
        (x.added.len(), x.removed.len(), x.changed.len()),
        (7394, 927, 748)
    );
}

#[test]
fn sdn_and_consolidated_load_together_keyed_by_list() {
    let options = LoadOptions {
        allow_partial: true,
        ..Default::default()
    };
    let s = Snapshot::load(
        &[
            shared_lists().join("2024-07-02"),
            shared_lists().join("2025-12-19"),
        ],
        &options,
    )
    .unwrap();
    // VTB BANK is on both lists under one ent_num.
    let vtb = s.find(None, "17013");
    let lists: Vec<&str> = vtb.iter().map(|e| e.list.as_str()).collect();
    assert_eq!(lists, vec!["ofac-sdn", "ofac-consolidated"]);
}
