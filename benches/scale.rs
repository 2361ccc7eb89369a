//! A very large vendor: 100,000 customers (a few of them listed) screened
//! with the default policy against the full SDN + consolidated lists in
//! ../shared/lists, end to end as `vetter screen` does it: read evidence
//! and policy, load the lists, build the index, screen, evaluate the
//! rules, write the JSON verdict. Also how long a rule that grows an
//! array without end runs before the sandbox stops it.
//!
//! Run: `cargo bench --bench scale`. Figures are for this machine and run.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::search::Matcher;
use vetter::rules::Policy;
use vetter::screen::{screen, Inputs};

#[global_allocator]
static ALLOCATOR: vetter::allocator::MiMalloc = vetter::allocator::MiMalloc;

const CUSTOMERS: usize = 100_000;

/// Designated organisations placed among the customers.
const LISTED: &[&str] = &[
    "Al-Shabaab",
    "Hizballah",
    "Kurdistan Workers Party",
    "Popular Front for the Liberation of Palestine",
    "Hamas",
];

/// A fixed-seed generator (xorshift): the same customers every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn customers_csv() -> String {
    let first = [
        "Maple",
        "Harbor",
        "Summit",
        "Cedar",
        "Lakeside",
        "Pioneer",
        "Bluewater",
        "Granite",
        "Meadow",
        "Silverline",
        "Riverside",
        "Northgate",
        "Oakridge",
        "Brightwater",
        "Kestrel",
        "Juniper",
        "Copperfield",
        "Sandstone",
        "Willowbrook",
        "Ironbridge",
    ];
    let trade = [
        "Bakery",
        "Dental Clinic",
        "Travel Agency",
        "Logistics",
        "Software",
        "Printing",
        "Architects",
        "Veterinary Practice",
        "Florist",
        "Bookshop",
        "Consulting",
        "Plumbing",
        "Photography",
        "Fitness Studio",
        "Language School",
        "Accountants",
    ];
    let form = [
        "Ltd", "LLC", "GmbH", "B.V.", "S.A.", "Inc.", "Pty Ltd", "S.r.l.", "AB", "Oy",
    ];
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let mut out = String::from("id,name,kind,websites,first_seen\n");
    for i in 0..CUSTOMERS {
        let name = if i % (CUSTOMERS / LISTED.len()) == 7 {
            LISTED[i / (CUSTOMERS / LISTED.len())].to_owned()
        } else {
            format!(
                "{} {} {} {}",
                rng.pick(&first),
                rng.pick(&first),
                rng.pick(&trade),
                rng.pick(&form)
            )
        };
        let _ = writeln!(
            out,
            "c{i},\"{name}\",organization,site{i}.example,2024-01-01"
        );
    }
    out
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lists = root.join("../shared/lists/ofac");
    let dir = std::env::temp_dir().join(format!("vetter-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("customers.csv"), customers_csv()).expect("write CSV");
    let evidence = dir.join("evidence.toml");
    std::fs::write(
        &evidence,
        "customers_csv = \"customers.csv\"\n[vendor]\nname = \"Very Large Hosting Group\"\nkind = \"organization\"\n\
         [policies]\nprohibits_sanctioned_parties = true\nprohibits_designated_terrorists = true\n",
    )
    .expect("write evidence");

    let start = Instant::now();
    let (ev, files) = vetter::evidence::parse::load(&evidence).expect("evidence");
    let t_evidence = start.elapsed();
    let policy = Policy::load(&root.join("rules")).expect("policy");
    let options = LoadOptions {
        publication_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 30),
        ..LoadOptions::default()
    };
    let snapshot = Snapshot::load(
        &[lists.join("2021-06-29"), lists.join("2025-12-19")],
        &options,
    )
    .expect("lists");
    let t_lists = start.elapsed();
    let matcher = Matcher::new(&snapshot);
    let t_index = start.elapsed();
    let verdict = screen(&Inputs {
        evidence: &ev,
        evidence_files: &files,
        matcher: &matcher,
        policy: &policy,
        dispositions: &vetter::dispositions::Dispositions::none(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
        timestamp: String::new(),
    })
    .expect("screening completes within the default limits");
    let t_screen = start.elapsed();
    let json = serde_json::to_string_pretty(&verdict).expect("json");
    let t_total = start.elapsed();
    println!(
        "scale: {} customers, default policy, full SDN + consolidated lists",
        verdict.summary.customers
    );
    println!(
        "  verdict {}: {} parties with hits, {} FAIL and {} REVIEW findings, JSON {:.1} MB",
        verdict.verdict.as_str(),
        verdict.summary.parties_with_hits,
        verdict.summary.fail_findings,
        verdict.summary.review_findings,
        json.len() as f64 / 1e6
    );
    println!(
        "  evidence {:.2} s, lists {:.2} s, index {:.2} s, screen + rules {:.2} s, JSON {:.2} s",
        t_evidence.as_secs_f64(),
        (t_lists - t_evidence).as_secs_f64(),
        (t_index - t_lists).as_secs_f64(),
        (t_screen - t_index).as_secs_f64(),
        (t_total - t_screen).as_secs_f64()
    );
    println!(
        "  total {:.2} s, peak memory {:.0} MB",
        t_total.as_secs_f64(),
        peak_rss_mb()
    );

    // A runaway rule: how long until the sandbox stops it (on a vendor
    // with one customer, so that the time is the rule's alone).
    let small = dir.join("small.toml");
    std::fs::write(
        &small,
        "[vendor]\nname = \"Small Host\"\n[[customers]]\nid = \"c1\"\nname = \"Maple Bakery\"\n",
    )
    .expect("write evidence");
    let (ev, files) = vetter::evidence::parse::load(&small).expect("evidence");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("rules dir");
    std::fs::copy(root.join("rules/policy.toml"), rules.join("policy.toml")).expect("copy");
    for (name, body) in [
        ("integers", "let a = []; loop { a.push(1); }"),
        (
            "strings",
            "let a = []; loop { a.push(\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"); }",
        ),
        (
            "map entries",
            "let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1; }",
        ),
    ] {
        std::fs::write(
            rules.join("10-grow.rhai"),
            format!("fn check(ctx) {{ {body} }}"),
        )
        .expect("rule");
        let grow = Policy::load(&rules).expect("policy");
        let start = Instant::now();
        let err = screen(&Inputs {
            evidence: &ev,
            evidence_files: &files,
            matcher: &matcher,
            policy: &grow,
            dispositions: &vetter::dispositions::Dispositions::none(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            timestamp: String::new(),
        })
        .expect_err("a runaway rule is stopped");
        println!(
            "  a rule growing {name} without end stopped after {:.2} s: {err}",
            start.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
