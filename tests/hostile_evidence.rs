//! Screening generated hostile evidence against the real lists: control
//! characters, directional overrides, invisible characters, empty and
//! punctuation-only names, huge and deeply nested values. Whatever comes
//! in, vetter must not panic, must never PASS a party that carries a
//! listed name or identifier, and must print text free of control
//! characters.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use vetter::evidence::parse::parse;
use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::search::Matcher;
use vetter::rules::Policy;
use vetter::screen::{screen, Inputs};
use vetter::verdict::Level;

struct World {
    matcher: Matcher<'static>,
    policy: Policy,
}

/// The full 2021 SDN and 2025 consolidated lists, loaded once.
fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let options = LoadOptions {
            publication_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 30),
            ..LoadOptions::default()
        };
        let snapshot = Snapshot::load(
            &[
                common::shared_lists().join("2021-06-29"),
                common::shared_lists().join("2025-12-19"),
            ],
            &options,
        )
        .expect("real lists load");
        let snapshot: &'static Snapshot = Box::leak(Box::new(snapshot));
        World {
            matcher: Matcher::new(snapshot),
            policy: Policy::load(&common::repo("rules")).expect("default policy"),
        }
    })
}

/// Listed names of designated terrorist organisations, and identifiers
/// the lists give for listed entities.
const LISTED_NAMES: &[&str] = &[
    "AL-SHABAAB",
    "HAMAS",
    "HIZBALLAH",
    "KURDISTAN WORKERS' PARTY",
    "POPULAR FRONT FOR THE LIBERATION OF PALESTINE",
    "ISLAMIC STATE OF IRAQ AND THE LEVANT",
    "AL-AQSA TV",
];
const LISTED_SITES: &[&str] = &["www.aqsatv.ps", "http://www.aqsatv.ps/live"];

/// Characters an attacker or a careless export puts into text.
fn noise() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "\n",
        "\r\n",
        "\t",
        "\u{1b}[32m",
        "\u{1b}[0m",
        "\u{1b}]0;title\u{7}",
        "\u{0}",
        "\u{7f}",
        "\u{85}",
        "\u{202e}",
        "\u{202d}",
        "\u{202c}",
        "\u{2066}",
        "\u{2069}",
        "\u{200b}",
        "\u{200d}",
        "\u{feff}",
        "\u{ad}",
        "\u{2028}",
        "\u{301}",
    ])
    .prop_map(str::to_owned)
}

/// A listed name hidden by noise: invisible characters between letters,
/// case changes, controls around it, or written backwards under a
/// right-to-left override.
fn disguised(name: &'static str) -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "\u{200b}", "\u{ad}", "\u{2060}", "\u{feff}", "\u{200c}",
        ]),
        0usize..4,
        any::<bool>(),
        noise(),
    )
        .prop_map(move |(invisible, how, lower, around)| {
            let base = if lower {
                name.to_lowercase()
            } else {
                name.to_owned()
            };
            match how {
                0 => base.chars().map(|c| format!("{c}{invisible}")).collect(),
                1 => {
                    let reversed: String = base.chars().rev().collect();
                    format!("\u{202e}{reversed}\u{202c}")
                }
                2 => format!("{around}{base}{around}"),
                _ => format!("\u{2066}{base}\u{2069}"),
            }
        })
}

/// Mostly a name among noise; sometimes nothing screenable at all.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (
            prop::collection::vec(noise(), 0..3),
            "[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,2}",
            prop::collection::vec(noise(), 0..3),
        )
            .prop_map(|(a, name, b)| format!("{}{name}{}", a.concat(), b.concat())),
        1 => prop::collection::vec(prop_oneof![noise(), "[a-zA-Z ]{0,6}"], 0..8).prop_map(|v| v.concat()),
        1 => prop_oneof![
            Just(String::new()),
            Just("???".to_owned()),
            Just("-- ... !!".to_owned()),
            (1usize..40_000).prop_map(|n| "x".repeat(n)),
            "[\\PC]{0,30}",
        ],
    ]
}

fn toml_string(s: &str) -> String {
    // TOML basic string with every non-printable escaped.
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone)]
struct Case {
    vendor: String,
    customers: Vec<(String, String, Option<String>)>,
    listed: Option<usize>,
    deep: usize,
}

fn case() -> impl Strategy<Value = Case> {
    let listed_name = prop::sample::select(LISTED_NAMES.to_vec()).prop_flat_map(disguised);
    (
        hostile_text(),
        prop::collection::vec((hostile_text(), hostile_text()), 0..3),
        prop::option::of(listed_name),
        prop::option::of(prop::sample::select(LISTED_SITES.to_vec())),
        0usize..3,
        prop_oneof![7 => Just(0usize), 1 => 1usize..3000],
    )
        .prop_map(|(vendor, others, name, site, slot, deep)| {
            let mut customers: Vec<(String, String, Option<String>)> = others
                .into_iter()
                .map(|(id, name)| (id, name, None))
                .collect();
            let mut listed = None;
            if name.is_some() || site.is_some() {
                let at = slot.min(customers.len());
                let name = name.unwrap_or_else(|| "Harbor Street Bakery".to_owned());
                customers.insert(at, (format!("listed-{at}"), name, site.map(str::to_owned)));
                listed = Some(at);
            }
            Case {
                vendor,
                customers,
                listed,
                deep,
            }
        })
}

fn evidence_text(c: &Case) -> String {
    let mut t = format!(
        "[vendor]\nname = {}\n[policies]\nprohibits_sanctioned_parties = true\nprohibits_designated_terrorists = true\n",
        toml_string(&c.vendor)
    );
    if c.deep > 0 {
        t.push_str(&format!(
            "aliases = {}{}\n",
            "[".repeat(c.deep),
            "]".repeat(c.deep)
        ));
    }
    for (i, (id, name, site)) in c.customers.iter().enumerate() {
        // Ids must be unique to be valid; keep the hostile text but make it so.
        t.push_str(&format!(
            "[[customers]]\nid = {}\nname = {}\nkind = \"organization\"\n",
            toml_string(&format!("{id}#{i}")),
            toml_string(name)
        ));
        if let Some(site) = site {
            t.push_str(&format!("websites = [{}]\n", toml_string(site)));
        }
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn hostile_evidence_never_panics_never_passes_a_listed_party_and_prints_clean_text(c in case()) {
        let w = world();
        let text = evidence_text(&c);
        let parsed = parse(Path::new("hostile.toml"), &text, &mut |_| Err("no CSV".to_owned()));
        let evidence = match parsed {
            Ok(e) => e,
            Err(e) => {
                // An evidence error is an answer too: never a verdict, and
                // its message is as clean as any output.
                let msg = e.to_string();
                prop_assert!(!msg.chars().any(|c| c != '\n' && vetter::untrusted::is_layout_control(c)), "{msg:?}");
                return Ok(());
            }
        };
        let files = vec![vetter::evidence::EvidenceFile {
            name: "hostile.toml".to_owned(),
            sha256: vetter::lists::identity::sha256_hex(text.as_bytes()),
            content: text.clone(),
        }];
        let verdict = screen(&Inputs {
            evidence: &evidence,
            evidence_files: &files,
            matcher: &w.matcher,
            policy: &w.policy,
            dispositions: &vetter::dispositions::Dispositions::none(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            timestamp: String::new(),
        });
        let verdict = match verdict {
            Ok(v) => v,
            Err(e) => {
                // Only the evidence's own problems may stop a screening here.
                prop_assert!(matches!(e, vetter::Error::Invalid(_)), "{e}");
                return Ok(());
            }
        };
        if let Some(i) = c.listed {
            prop_assert_ne!(
                verdict.verdict, Level::Pass,
                "customer {:?} carries a listed name or identifier", c.customers[i]
            );
        }
        let mut out = Vec::new();
        vetter::commands::render_verdict(&mut out, &verdict).unwrap();
        let out = String::from_utf8(out).unwrap();
        prop_assert!(
            !out.chars().any(|c| c != '\n' && vetter::untrusted::is_layout_control(c)),
            "control character in text output:\n{out}"
        );
    }
}

#[test]
fn most_generated_cases_reach_a_verdict() {
    // The property above means little if every case stopped at an evidence
    // error: run a fixed number and count.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut verdicts = 0;
    for _ in 0..40 {
        let c = case().new_tree(&mut runner).unwrap().current();
        let text = evidence_text(&c);
        if parse(
            Path::new("h.toml"),
            &text,
            &mut |_| Err("no CSV".to_owned()),
        )
        .is_ok()
        {
            verdicts += 1;
        }
    }
    assert!(
        verdicts >= 10,
        "only {verdicts} of 40 generated cases parse"
    );
}
