//! Screening as an officer lives with it: every name against the full SDN
//! (2021-06-29) + consolidated (2025-12-19) lists at the default threshold.
//!
//! - False alerts: clean names that are on no list (companies with legal
//!   forms from 28 countries, persons in Latin, Arabic, Persian, Cyrillic,
//!   Chinese, Korean and Devanagari scripts; benches/data/clean_names.csv,
//!   made by benches/data/make_clean_names.py with a fixed seed): the share
//!   with any hit, and with a strong one (score >= 0.9).
//! - Recall and top-1: listed names perturbed as customer lists write them
//!   (`vetter::matching::perturb`, seeded) and designated organisations and
//!   persons written in Arabic or Persian script (below): whether the
//!   listed entity is among the hits, and whether it is the first.
//!
//! Run: `cargo bench --bench screening`. Figures by class, then in total.

use std::collections::BTreeMap;
use std::path::Path;

use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::candidates::Scratch;
use vetter::matching::names::normalize::{normalize, NameKind, TokenClass};
use vetter::matching::perturb::perturbed;
use vetter::matching::search::{Hit, Matcher, Query, Settings};

#[global_allocator]
static ALLOCATOR: vetter::allocator::MiMalloc = vetter::allocator::MiMalloc;

/// Listed parties written in Arabic, Persian or Urdu script, with the
/// SDN entry (2021-06-29) each names. Only names the list gives in a
/// romanised form (name or alias), not translations.
const IN_SCRIPT: &[(&str, &str, &str)] = &[
    ("حماس", "organization", "4695"),
    ("حزب الله", "organization", "4697"),
    ("حركة الشباب المجاهدين", "organization", "10761"),
    ("الشباب", "organization", "10761"),
    ("القاعدة", "organization", "6366"),
    ("عصبة الأنصار", "organization", "6896"),
    ("أنصار الإسلام", "organization", "7472"),
    ("كتائب حزب الله", "organization", "11462"),
    ("جبهة النصرة", "organization", "16937"),
    ("جبهة فتح الشام", "organization", "16937"),
    ("طالبان", "organization", "6636"),
    ("حسم", "organization", "23628"),
    ("إسماعيل هنية", "person", "23627"),
    ("حسن نصر الله", "person", "2686"),
    ("قاسم سلیمانی", "person", "10481"),
    ("بانک ملت", "organization", "25019"),
    ("بانک ملی ایران", "organization", "25578"),
    ("بانک صادرات ایران", "organization", "10368"),
    ("بانک سپه", "organization", "25580"),
    ("بانک تجارت", "organization", "25677"),
    ("بانک رفاه کارگران", "organization", "4635"),
    ("بانک کشاورزی ایران", "organization", "4639"),
    ("سپاه پاسداران", "organization", "10391"),
    ("ماهان ایر", "organization", "12927"),
    ("لشکر طیبہ", "organization", "7140"),
    ("جیش محمد", "organization", "6935"),
];

const STRONG: f64 = 0.9;

#[derive(Default)]
struct Tally {
    n: usize,
    alerts: usize,
    strong: usize,
    found: usize,
    top1: usize,
}

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.n += t.n;
        self.alerts += t.alerts;
        self.strong += t.strong;
        self.found += t.found;
        self.top1 += t.top1;
    }
}

/// One row per class, then one for all of them, each with `figures`.
fn table(rows: &BTreeMap<String, Tally>, figures: impl Fn(&Tally) -> String) {
    let mut all = Tally::default();
    for (class, t) in rows {
        println!("  {class:<24} {:>5} names  {}", t.n, figures(t));
        all.add(t);
    }
    println!("  {:<24} {:>5} names  {}", "ALL", all.n, figures(&all));
}

/// A name's words without legal forms, sorted.
fn core_words(name: &str) -> String {
    let n = normalize(name, NameKind::Any);
    let mut words: Vec<&str> = n
        .tokens
        .iter()
        .filter(|t| t.class != TokenClass::LegalForm)
        .map(|t| t.text.as_str())
        .collect();
    words.sort_unstable();
    words.join(" ")
}

fn kind_of(s: &str) -> NameKind {
    NameKind::parse(s).unwrap_or(NameKind::Any)
}

fn is_entity(h: &Hit, list: &str, id: &str) -> bool {
    h.entity_id == id && (h.list == list || h.also_listed_on.iter().any(|l| l == list))
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lists = root.join("../shared/lists/ofac");
    let snapshot = Snapshot::load(
        &[lists.join("2021-06-29"), lists.join("2025-12-19")],
        &LoadOptions::default(),
    )
    .expect("the real lists load");
    let matcher = Matcher::new(&snapshot);
    let settings = Settings {
        threshold: vetter::matching::DEFAULT_THRESHOLD,
        limit: 0,
    };
    let mut scratch = Scratch::default();
    let search = |name: &str, kind: NameKind, scratch: &mut Scratch| {
        let q = Query {
            name: Some(name.to_owned()),
            kind,
            ..Query::default()
        };
        matcher.search(&q, &settings, scratch)
    };

    // Names the lists themselves hold are not clean, whatever generated
    // them: in another script, word order or legal form they are still
    // the listed name (`ТД Агроторг` is `TD AGROTORG, OOO`).
    let listed: std::collections::HashSet<String> = snapshot
        .entities
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(e.aliases.iter().map(|a| &a.name)))
        .map(|n| core_words(n))
        .collect();
    let mut reader = csv::Reader::from_path(root.join("benches/data/clean_names.csv"))
        .expect("benches/data/clean_names.csv");
    let mut clean: BTreeMap<String, Tally> = BTreeMap::new();
    let mut examples: Vec<String> = Vec::new();
    for row in reader.records() {
        let row = row.expect("a CSV row");
        let (name, kind, class) = (&row[0], kind_of(&row[1]), row[2].to_owned());
        if listed.contains(&core_words(name)) {
            continue;
        }
        let hits = search(name, kind, &mut scratch);
        let t = clean.entry(class).or_default();
        t.n += 1;
        if let Some(top) = hits.first() {
            t.alerts += 1;
            t.strong += usize::from(top.score >= STRONG);
            if examples.len() < 100 {
                examples.push(format!(
                    "{name} ~ {} ({:.2}, {})",
                    top.name, top.score, top.why.summary
                ));
            }
        }
    }

    let mut recall: BTreeMap<String, Tally> = BTreeMap::new();
    let mut missed: Vec<String> = Vec::new();
    let mut cases: Vec<(String, String, NameKind, String, String)> = perturbed(&snapshot, 200, 42)
        .into_iter()
        .map(|p| (p.class.to_owned(), p.query, p.kind, p.list, p.entity_id))
        .collect();
    for (name, kind, id) in IN_SCRIPT {
        cases.push((
            "arabic-persian-script".to_owned(),
            (*name).to_owned(),
            kind_of(kind),
            "ofac-sdn".to_owned(),
            (*id).to_owned(),
        ));
    }
    for (class, query, kind, list, id) in &cases {
        let hits = search(query, *kind, &mut scratch);
        let t = recall.entry(class.clone()).or_default();
        t.n += 1;
        let at = hits.iter().position(|h| is_entity(h, list, id));
        if let Some(i) = at {
            t.found += 1;
            // Entries of one name tie: first place is shared.
            let first = i == 0 || hits[i].score >= hits[0].score;
            t.top1 += usize::from(first);
            if !first && missed.len() < 100 {
                missed.push(format!(
                    "[{class}] {query}: second to {} ({:.2} > {:.2})",
                    hits[0].name, hits[0].score, hits[i].score
                ));
            }
        } else if missed.len() < 100 {
            missed.push(format!("[{class}] {query} (wanted {list}:{id})"));
        }
    }

    println!(
        "screening: default threshold {}, full SDN + consolidated lists",
        settings.threshold
    );
    println!();
    println!("false alerts on clean names (share with any hit / with a strong hit)");
    table(&clean, |t| {
        format!(
            "{:>6.2}%  {:>6.2}%",
            100.0 * t.alerts as f64 / t.n as f64,
            100.0 * t.strong as f64 / t.n as f64
        )
    });
    println!();
    println!("recall and top-1 on perturbed listed names");
    table(&recall, |t| {
        format!(
            "recall {:.3}  top-1 {:.3}",
            t.found as f64 / t.n as f64,
            t.top1 as f64 / t.n as f64
        )
    });
    if std::env::var_os("SCREENING_EXAMPLES").is_some() {
        println!();
        println!("first false alerts:");
        for e in &examples {
            println!("  {e}");
        }
        println!("first misses and second places:");
        for m in &missed {
            println!("  {m}");
        }
    }
}
