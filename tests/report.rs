//! The verdict report as an officer attaches it to a procurement file:
//! its structure read back with an HTML parser, and hostile names shown as
//! text in HTML and Markdown.

mod common;

use common::{expect_exit, stdout, vetter, write};
use scraper::{Html, Selector};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect()
}

#[test]
fn the_html_report_shows_the_verdict_its_findings_hits_and_identity() {
    let args = [
        "screen",
        "examples/fail-vendor.toml",
        "--lists",
        "lists/sample",
    ];
    let json = vetter(&[&args[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let out = vetter(&[&args[..], &["--format", "html"]].concat());
    expect_exit(&out, 20);
    let doc = Html::parse_document(&stdout(&out));
    let h1 = select(&doc, "h1");
    assert_eq!(h1.len(), 1);
    assert!(
        text(&h1[0]).starts_with("FAIL Nimbus Edge Networks, Inc."),
        "{}",
        text(&h1[0])
    );
    // One row per finding, each with its level and code.
    let rows = select(&doc, "#findings tr.finding");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(rows.len(), findings.len());
    for (row, f) in rows.iter().zip(findings) {
        let t = text(row);
        assert!(t.starts_with(f["verdict"].as_str().unwrap()), "{t}");
        assert!(t.contains(f["code"].as_str().unwrap()), "{t}");
    }
    // One heading per party with hits, one table per hit, with the words paired.
    let with_hits = v["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["hits"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(select(&doc, "#hits h3").len(), with_hits);
    assert_eq!(
        select(&doc, "#hits table.hit").len() as u64,
        v["summary"]["hits"].as_u64().unwrap()
    );
    assert!(text(&select(&doc, "#hits")[0]).contains("exact"));
    // The lists with their dates and state; every file by hash.
    let lists = select(&doc, "#identity tr.list");
    assert_eq!(lists.len(), 2);
    assert!(text(&lists[0]).contains("ofac-sdn") && text(&lists[0]).contains("sample"));
    let identity = text(&select(&doc, "#identity")[0]);
    for r in v["identity"]["rules"].as_array().unwrap() {
        assert!(identity.contains(r["sha256"].as_str().unwrap()));
    }
    // Self-contained: no script, no external resource.
    assert!(select(&doc, "script, link, img, iframe").is_empty());
    assert!(select(&doc, "style").len() == 1);
}

#[test]
fn hostile_names_show_as_text_in_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let name =
        "<script>alert(1)</script> &amp; \u{202e}lanigiro | [click](http://evil.example) **bold**";
    let evidence = write(
        dir.path(),
        "e.toml",
        &format!(
            "[vendor]\nname = {}\n[policies]\nprohibits_designated_terrorists = true\n[[customers]]\nid = \"c1\"\nname = \"<img src=x onerror=alert(2)>\"\n",
            toml_string(name)
        ),
    );
    let e = evidence.to_str().unwrap();
    let out = vetter(&["screen", e, "--lists", "lists/sample", "--format", "html"]);
    let html = stdout(&out);
    let doc = Html::parse_document(&html);
    assert!(select(&doc, "script, img").is_empty(), "markup got through");
    let h1 = text(&select(&doc, "h1")[0]);
    assert!(h1.contains("<script>alert(1)</script> &amp;"), "{h1}");
    assert!(!html.contains('\u{202e}'), "a raw direction override");
    assert!(h1.contains("\\u{202e}"), "{h1}");

    let out = vetter(&[
        "screen",
        e,
        "--lists",
        "lists/sample",
        "--format",
        "markdown",
    ]);
    let md = stdout(&out);
    // Every `<` is escaped, so no tag reaches a Markdown renderer.
    let chars: Vec<char> = md.chars().collect();
    let raw_tag = chars
        .iter()
        .enumerate()
        .any(|(i, c)| *c == '<' && (i == 0 || chars[i - 1] != '\\'));
    assert!(!raw_tag, "{md}");
    assert!(!md.contains("](http"), "a link: {md}");
    assert!(!md.contains("**bold**"), "{md}");
    assert!(!md.contains('\u{202e}'));
    assert!(md.lines().next().unwrap().starts_with("## REVIEW") || md.starts_with("## FAIL"));
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[test]
fn a_logged_verdict_report_names_its_record_and_that_the_chain_verified() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("v.log");
    let l = log.to_str().unwrap();
    for example in ["examples/fail-vendor.toml", "examples/pass-vendor.toml"] {
        vetter(&["screen", example, "--lists", "lists/sample", "--log", l]);
    }
    let out = vetter(&["log", "show", l, "--seq", "2", "--format", "html"]);
    expect_exit(&out, 0);
    let doc = Html::parse_document(&stdout(&out));
    assert!(text(&select(&doc, "h1")[0]).contains("Bluewater Hosting Cooperative"));
    let logged = text(&select(&doc, "#logged")[0]);
    assert!(
        logged.contains("record 2") && logged.contains("verified"),
        "{logged}"
    );
    let md = stdout(&vetter(&[
        "log", "show", l, "--seq", "1", "--format", "markdown",
    ]));
    assert!(
        md.starts_with("## FAIL Nimbus Edge Networks, Inc\\."),
        "{md}"
    );
    // A report needs one record, and one that exists.
    expect_exit(&vetter(&["log", "show", l, "--format", "html"]), 2);
    expect_exit(
        &vetter(&["log", "show", l, "--seq", "9", "--format", "html"]),
        2,
    );
}
