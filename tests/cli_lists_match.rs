//! `vetter lists`, `vetter match` and `vetter compare` as a user runs them.

mod common;

use common::{stderr, stdout, vetter};

#[test]
fn lists_stats_on_the_sample_names_files_counts_and_dates() {
    let out = vetter(&[
        "lists",
        "stats",
        "--lists",
        "lists/sample",
        "--lists",
        "lists/watchlists/extremist-sites.csv",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let lists = v["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 3);
    assert_eq!(lists[0]["identity"]["name"], "ofac-sdn");
    assert_eq!(lists[0]["identity"]["publication_date"], "2026-11-22");
    assert_eq!(lists[0]["identity"]["date_source"], "manifest");
    assert_eq!(lists[0]["counts"]["fto"], 10);
    assert_eq!(v["total"]["entities"]["total"], 30);
}

#[test]
fn lists_show_and_diff() {
    let out = vetter(&["lists", "show", "10761", "--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("AL-SHABAAB")
            && text.contains("FTO, SDGT, SOMALIA")
            && text.contains("THE YOUTH (weak)"),
        "{text}"
    );
    let out = vetter(&["lists", "show", "999999", "--lists", "lists/sample"]);
    assert_eq!(out.status.code(), Some(2));
    let shared = common::shared_lists();
    let out = vetter(&[
        "lists",
        "diff",
        shared.join("2024-06-12").to_str().unwrap(),
        shared.join("2024-07-02").to_str().unwrap(),
        "--allow-partial",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("482 added, 44 removed, 567 changed"),
        "{}",
        &stdout(&out)[..200]
    );
}

#[test]
fn a_list_date_option_is_recorded_as_such() {
    let out = vetter(&[
        "lists",
        "stats",
        "--lists",
        common::shared_lists().join("2021-06-29").to_str().unwrap(),
        "--list-date",
        "2021-06-29",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["lists"][0]["identity"]["publication_date"], "2021-06-29");
    assert_eq!(v["lists"][0]["identity"]["date_source"], "option");
}

#[test]
fn match_explains_hits_and_honours_threshold_and_kind() {
    let out = vetter(&[
        "match",
        "Al Shabab",
        "--lists",
        "lists/sample",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let hits: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let top = &hits[0];
    assert_eq!(top["entity_id"], "10761");
    assert_eq!(top["list"], "ofac-sdn");
    assert_eq!(top["matched"], "AL-SHABAB");
    assert!(top["why"]["name"]["pairs"].as_array().unwrap().len() >= 2);
    // A person query lowers an organisation hit, and the explanation says so.
    let out = vetter(&[
        "match",
        "Hamas",
        "--lists",
        "lists/sample",
        "--kind",
        "person",
        "--format",
        "json",
    ]);
    let hits: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(hits[0]["why"]["qualifiers"][0]["factor"], "kind");
    assert!(hits[0]["score"].as_f64().unwrap() < 1.0);
    // Legal forms alone never make a hit.
    let out = vetter(&[
        "match",
        "Nimbus Trading Company LLC",
        "--lists",
        "lists/sample",
    ]);
    assert!(stdout(&out).contains("no hits"), "{}", stdout(&out));
    let bad = vetter(&["match", "x", "--lists", "lists/sample", "--threshold", "7"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn match_finds_websites_emails_and_crypto_addresses() {
    let out = vetter(&[
        "match",
        "unknown",
        "--lists",
        "lists/sample",
        "--website",
        "https://live.aqsatv.ps/x",
        "--email",
        "INFO@inb.ps",
        "--crypto",
        "3Lpoy53K625zVeE47ZasiG5jGkAxJ27kh1",
        "--format",
        "json",
    ]);
    let hits: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["entity_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"11911") && ids.contains(&"11913") && ids.contains(&"36025"),
        "{ids:?}"
    );
    // Base58 addresses are case-sensitive.
    let out = vetter(&[
        "match",
        "unknown",
        "--lists",
        "lists/sample",
        "--crypto",
        "3lpoy53k625zvee47zasig5jgkaxj27kh1",
    ]);
    assert!(stdout(&out).contains("no hits"));
}

#[test]
fn batch_match_keeps_input_order_ids_and_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("customers.csv");
    std::fs::write(&input, "id,name,kind,website,note\na1,Harbor Street Bakery,org,,keep me\na2,Hamas,org,,x\na3,,,www.inb.ps,y\na4,PFLP,org,,z\n").unwrap();
    let batch = |format: &[&str]| {
        let args = [
            "match",
            "--input",
            input.to_str().unwrap(),
            "--lists",
            "lists/sample",
        ];
        vetter(&[&args[..], format].concat())
    };
    let out = batch(&["--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows.iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["a1", "a2", "a3", "a4"]
    );
    assert!(rows[0]["hits"].as_array().unwrap().is_empty());
    assert_eq!(rows[0]["input"]["note"], "keep me");
    assert_eq!(rows[1]["hits"][0]["entity_id"], "4695");
    assert_eq!(rows[2]["hits"][0]["entity_id"], "11913");
    assert_eq!(rows[3]["hits"][0]["entity_id"], "4709");
    let csv = batch(&["--format", "csv"]);
    let text = stdout(&csv);
    assert!(
        text.starts_with("id,name,kind,website,note,hits,top_score"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 5);
    std::fs::write(&input, "id,name,kind\nb1,X,martian\n").unwrap();
    let bad = batch(&[]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("customers.csv:2: field `kind`"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn compare_accepts_the_benchmark_file_as_it_is() {
    let cases = common::shared_lists().join("../../bench/name_bench/cases.csv");
    let out = vetter(&["compare", "--input", cases.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "case_group,schema,name1,name2,is_match,quality,category,notes,score,match"
    );
    assert_eq!(text.lines().count(), 827);
    let out = vetter(&["compare", "Vladimir Pulin", "PUTIN, Vladimir"]);
    assert!(
        stdout(&out).contains("pulin ~ putin  fuzzy"),
        "{}",
        stdout(&out)
    );
    let out = vetter(&["compare", "11420 CORP", "11421 CORP", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["match"], false);
}

/// Names listed in another script are found from their Latin spelling,
/// and the reverse: a Chinese given name is one Latin word, Katakana spell
/// a foreign name sound by sound, and a nickname stands for its name.
#[test]
fn names_are_found_across_scripts_and_nicknames() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("people.csv");
    std::fs::write(
        &list,
        "id,name,kind\np1,习近平,person\np2,バラク・オバマ,person\np3,William Karimov,person\np4,Mao Zedong,person\n",
    )
    .unwrap();
    let top = |query: &str| -> (String, String) {
        let out = vetter(&[
            "match",
            query,
            "--lists",
            list.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let hits: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let first = &hits[0];
        let hows: Vec<String> = first["why"]["name"]["pairs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["how"].as_str().unwrap_or("").to_owned())
            .collect();
        (
            first["entity_id"].as_str().unwrap_or("none").to_owned(),
            hows.join(","),
        )
    };
    assert_eq!(top("Xi Jinping"), ("p1".into(), "exact,joined".into()));
    assert_eq!(top("Barack Obama").0, "p2");
    assert_eq!(
        top("Bill Karimov"),
        ("p3".into(), "equivalent,exact".into())
    );
    assert_eq!(top("毛泽东"), ("p4".into(), "exact,joined".into()));
    // One character apart is another name.
    let out = vetter(&["match", "习近朋", "--lists", list.to_str().unwrap()]);
    assert!(stdout(&out).contains("no hits"), "{}", stdout(&out));
}
