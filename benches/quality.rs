//! Match quality on the labelled name benchmark in ../shared/bench:
//! precision, recall and F1 at the default threshold, sliced as
//! ../shared/bench/README.md describes. Run: `cargo bench --bench quality`
//! (`QUALITY_ERRORS=1` also lists every misclassified row).

use std::collections::BTreeMap;
use std::path::Path;

use vetter::matching::names::compare::{compare_strings_with, PARAMS};
use vetter::matching::names::normalize::NameKind;
use vetter::matching::{Uniform, DEFAULT_THRESHOLD};

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }
    fn f1(&self) -> (f64, f64, f64) {
        let p = if self.tp + self.fp == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        };
        let r = if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
    fn line(&self, label: &str) -> String {
        let (p, r, f) = self.f1();
        format!(
            "{label:<28} P {p:.3}  R {r:.3}  F1 {f:.3}   (TP {} FP {} TN {} FN {})",
            self.tp, self.fp, self.tn, self.fn_
        )
    }
}

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/name_bench/cases.csv");
    let Ok(mut reader) = csv::Reader::from_path(&path) else {
        println!("skipped: {} not found", path.display());
        return;
    };
    let verbose = std::env::var_os("QUALITY_ERRORS").is_some();
    let threshold = DEFAULT_THRESHOLD;
    let mut all = Counts::default();
    let mut person = Counts::default();
    let mut other = Counts::default();
    let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
    let mut quality: BTreeMap<String, Counts> = BTreeMap::new();
    let mut calibration: BTreeMap<(String, bool), (f64, usize)> = BTreeMap::new();
    let mut scored: Vec<(f64, bool)> = Vec::new();
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (g, s, n1, n2, m, q) = (
        col("case_group"),
        col("schema"),
        col("name1"),
        col("name2"),
        col("is_match"),
        col("quality"),
    );
    let params = PARAMS.with_overrides(&std::env::var("QUALITY_PARAMS").unwrap_or_default());
    let start = std::time::Instant::now();
    let mut rows = 0;
    for record in reader.records() {
        let r = record.expect("row");
        let kind = NameKind::parse(&r[s]).unwrap_or(NameKind::Any);
        let score = compare_strings_with(&r[n1], &r[n2], kind, &Uniform, &params).score;
        rows += 1;
        let truth = &r[m] == "true";
        let predicted = score >= threshold;
        all.add(truth, predicted);
        if &r[s] == "Person" {
            person.add(truth, predicted)
        } else {
            other.add(truth, predicted)
        }
        groups
            .entry(r[g].to_owned())
            .or_default()
            .add(truth, predicted);
        quality
            .entry(r[q].to_owned())
            .or_default()
            .add(truth, predicted);
        let c = calibration.entry((r[q].to_owned(), truth)).or_default();
        c.0 += score;
        c.1 += 1;
        scored.push((score, truth));
        if verbose && truth != predicted {
            println!(
                "{} {:<6} {:.3} {:<8} | {} | {}",
                if truth { "FN" } else { "FP" },
                &r[q],
                score,
                &r[s],
                &r[n1],
                &r[n2]
            );
        }
    }
    let elapsed = start.elapsed();
    println!("name_bench/cases.csv: {rows} pairs, threshold {threshold}");
    println!("{}", all.line("all"));
    println!("{}", person.line("Person"));
    println!("{}", other.line("non-Person"));
    for (k, c) in &quality {
        println!("{}", c.line(&format!("quality {k}")));
    }
    for (k, c) in &groups {
        println!("{}", c.line(&format!("group {k}")));
    }
    println!("calibration (mean score):");
    for ((qual, truth), (sum, n)) in &calibration {
        println!(
            "  {qual:<7} {:<9} {:.3}  ({n})",
            if *truth { "match" } else { "non-match" },
            sum / *n as f64
        );
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let positives = scored.iter().filter(|x| x.1).count();
    let (mut tp, mut fp, mut best) = (0usize, 0usize, (0.0f64, 0.0f64));
    for (i, (score, truth)) in scored.iter().enumerate() {
        if *truth {
            tp += 1
        } else {
            fp += 1
        }
        if scored.get(i + 1).is_some_and(|n| n.0 == *score) {
            continue;
        }
        let p = tp as f64 / (tp + fp) as f64;
        let r = tp as f64 / positives as f64;
        let f = 2.0 * p * r / (p + r);
        if f > best.1 {
            best = (*score, f);
        }
    }
    println!(
        "best-F1 threshold (optimistic, tuned on this set): {:.3} gives F1 {:.3}",
        best.0, best.1
    );
    println!(
        "single pass incl. normalisation: {:.1} µs/pair, {:.0} pairs/s (single thread)",
        elapsed.as_secs_f64() * 1e6 / rows as f64,
        rows as f64 / elapsed.as_secs_f64()
    );
}
