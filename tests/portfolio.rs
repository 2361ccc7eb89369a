//! A supplier base screened at once, and rescreened when the lists change.

mod common;

use common::{repo, shared_lists, stderr, stdout, vetter};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_folder_of_vendors_gets_one_line_each_logged_in_order_and_the_worst_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("verdicts.log");
    let examples = repo("examples");
    let out = vetter(&[
        "screen",
        s(&examples),
        "--lists",
        "lists/sample",
        "--format",
        "jsonl",
        "--log",
        s(&log),
    ]);
    common::expect_exit(&out, 20);
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(String, String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["vendor"].as_str().unwrap().to_owned(),
                r["verdict"].as_str().unwrap().to_owned(),
                r["seq"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Nimbus Edge Networks, Inc.".to_owned(),
                "FAIL".to_owned(),
                1
            ),
            (
                "Bluewater Hosting Cooperative".to_owned(),
                "REVIEW".to_owned(),
                2
            ),
            ("Granite Relay CDN Ltd.".to_owned(), "REVIEW".to_owned(), 3),
        ]
    );
    let verify = vetter(&["log", "verify", s(&log)]);
    assert!(
        stdout(&verify).contains("intact: 3 record(s)"),
        "{}",
        stdout(&verify)
    );

    // A vendor whose evidence cannot be read does not stop the others, and
    // the run is not a clean one.
    let folder = dir.path().join("vendors");
    std::fs::create_dir(&folder).unwrap();
    for f in ["fail-vendor.toml", "pass-vendor.toml"] {
        std::fs::copy(examples.join(f), folder.join(f)).unwrap();
    }
    std::fs::write(folder.join("broken.toml"), "[vendor\nname = \"x\"\n").unwrap();
    let out = vetter(&[
        "screen",
        s(&folder),
        "--lists",
        "lists/sample",
        "--format",
        "csv",
    ]);
    common::expect_exit(&out, 1);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(text.contains("Nimbus Edge Networks, Inc.\",FAIL"), "{text}");
    assert!(stderr(&out).contains("broken.toml"), "{}", stderr(&out));
}

#[test]
fn rescreen_says_what_changed_logs_it_and_replay_reproduces_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("verdicts.log");
    let examples = repo("examples");
    let out = vetter(&[
        "screen",
        s(&examples),
        "--lists",
        "lists/sample",
        "--log",
        s(&log),
    ]);
    common::expect_exit(&out, 20);
    let real = [
        shared_lists().join("2021-06-29"),
        shared_lists().join("2025-12-19"),
    ];
    let rescreen = |extra: &[&str]| {
        let mut args = vec!["rescreen", "--log", s(&log)];
        for r in &real {
            args.extend(["--lists", s(r)]);
        }
        args.extend(["--list-date", "2026-10-30", "--as-of", "2026-11-01"]);
        args.extend_from_slice(extra);
        vetter(&args)
    };
    // Against whole, current lists the clean vendor's REVIEW becomes PASS:
    // a change that needs a look (exit 10), with its reasons.
    let out = rescreen(&[]);
    common::expect_exit(&out, 10);
    let text = stdout(&out);
    assert!(
        text.contains("Bluewater Hosting Cooperative (record 2): REVIEW → PASS"),
        "{text}"
    );
    assert!(text.contains("finding gone REVIEW sample-list"), "{text}");
    assert!(text.contains("new hit: customer c-pflp"), "{text}");
    assert!(
        text.contains("3 vendor(s) rescreened: 1 verdict(s) changed"),
        "{text}"
    );
    // Logged, the new verdicts are the latest: a second rescreen finds no change.
    let out = rescreen(&["--append"]);
    assert_eq!(out.status.code(), Some(10));
    assert!(
        stdout(&out).contains("logged as record 6"),
        "{}",
        stdout(&out)
    );
    let out = rescreen(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Every record, old and new, is reproduced from the lists it names.
    let mut args = vec!["log", "replay", s(&log), "--lists", "lists/sample"];
    for r in &real {
        args.extend(["--lists", s(r)]);
    }
    let out = vetter(&args);
    common::expect_exit(&out, 0);
    assert!(
        stdout(&out).contains("6 record(s): 6 reproduced, 0 not"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_portfolio_writes_each_vendors_report_and_a_page_linking_them() {
    use scraper::{Html, Selector};
    let dir = tempfile::tempdir().unwrap();
    let vendors = dir.path().join("vendors");
    std::fs::create_dir(&vendors).unwrap();
    for f in ["fail-vendor.toml", "pass-vendor.toml"] {
        std::fs::copy(repo("examples").join(f), vendors.join(f)).unwrap();
    }
    common::write(
        &vendors,
        "<odd> name.toml",
        "[vendor]\nname = \"<b>Bold</b> Hosting\"\n[[customers]]\nid = \"c1\"\nname = \"Maple Bakery\"\n",
    );
    let reports = dir.path().join("reports");
    let out = vetter(&[
        "screen",
        s(&vendors),
        "--lists",
        "lists/sample",
        "--reports",
        s(&reports),
    ]);
    common::expect_exit(&out, 20);
    let index = std::fs::read_to_string(reports.join("index.html")).unwrap();
    let page = Html::parse_document(&index);
    let rows: Vec<_> = page
        .select(&Selector::parse("tr.vendor").unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    let links: Vec<String> = page
        .select(&Selector::parse("tr.vendor a").unwrap())
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 3);
    for link in &links {
        assert!(!link.contains('/') && !link.contains('<'), "{link}");
        let report = std::fs::read_to_string(reports.join(link)).unwrap();
        assert!(report.contains("<h1>"), "{link}");
    }
    assert!(page
        .select(&Selector::parse("b, script").unwrap())
        .next()
        .is_none());
    assert!(index.contains("&lt;b&gt;Bold&lt;/b&gt; Hosting"), "{index}");
    // One vendor has no portfolio page.
    let out = vetter(&[
        "screen",
        "examples/fail-vendor.toml",
        "--lists",
        "lists/sample",
        "--reports",
        s(&reports),
    ]);
    common::expect_exit(&out, 2);
}
