//! The candidate index loses nothing: for 2,000 queries drawn from the real
//! SDN list (exact names, typos, transpositions, dropped, reordered and
//! joined words, and names stitched from words of different entries, and
//! 500 more with a given name swapped for a listed equivalent),
//! every entity that exhaustive scoring puts at or above the threshold is
//! also returned by the indexed search, with the same score. The reference
//! aligns every listed name in full; the indexed search skips names the
//! index does not find and names whose score bound is below the threshold.

mod common;

use rayon::prelude::*;
use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::candidates::Scratch;
use vetter::matching::sample;
use vetter::matching::search::{Matcher, Query, Scan, Settings};

#[test]
fn indexed_search_equals_exhaustive_scoring() {
    let dir = common::shared_lists().join("2021-06-29");
    let snapshot = Snapshot::load(&[dir], &LoadOptions::default()).expect("real SDN list");
    let matcher = Matcher::new(&snapshot);
    let mut queries = sample::queries(&snapshot, 2_000, 42);
    let swaps = sample::equivalent_swaps(&snapshot, 500, 7);
    assert_eq!(
        swaps.len(),
        500,
        "the SDN list holds 500 names with equivalents"
    );
    queries.extend(swaps);
    for (threshold, count) in [(0.7, queries.len()), (0.55, 500)] {
        let settings = Settings {
            threshold,
            limit: 0,
        };
        let mismatches: Vec<String> = queries[..count]
            .par_iter()
            .map_init(Scratch::default, |scratch, name| {
                let q = Query {
                    name: Some(name.clone()),
                    ..Query::default()
                };
                let key = |hits: Vec<vetter::matching::search::Hit>| -> Vec<(String, String, u64)> {
                    hits.into_iter()
                        .map(|h| (h.list, h.entity_id, (h.score * 1e4) as u64))
                        .collect()
                };
                let indexed = key(matcher.search_with(&q, &settings, scratch, Scan::Indexed));
                let exhaustive = key(matcher.search_with(&q, &settings, scratch, Scan::Reference));
                (indexed != exhaustive)
                    .then(|| format!("{name}: indexed {indexed:?} vs exhaustive {exhaustive:?}"))
            })
            .flatten()
            .collect();
        assert!(
            mismatches.is_empty(),
            "threshold {threshold}: {} of {} queries differ, e.g. {:?}",
            mismatches.len(),
            queries.len(),
            &mismatches[..mismatches.len().min(5)]
        );
    }
}

/// A hit's name explanation is the comparison of the query with the name
/// that matched, as `compare_with` makes it from scratch, and its score is
/// the hit's (these queries give no qualifiers).
#[test]
fn a_hit_explains_the_name_it_matched() {
    use vetter::matching::names::compare::{compare_with, PARAMS};
    use vetter::matching::names::normalize::normalize;
    use vetter::matching::Rarity;
    let dir = common::shared_lists().join("2021-06-29");
    let snapshot = Snapshot::load(&[dir], &LoadOptions::default()).expect("real SDN list");
    let matcher = Matcher::new(&snapshot);
    let mut scratch = Scratch::default();
    let mut explained = 0;
    for name in sample::queries(&snapshot, 300, 9) {
        let q = Query {
            name: Some(name.clone()),
            ..Query::default()
        };
        let mut query = normalize(&name, q.kind);
        matcher.index.stats.apply(&mut query);
        for h in matcher.search(&q, &Settings::default(), &mut scratch) {
            if !matches!(h.matched_field, "name" | "alias") {
                continue;
            }
            let why = h.why.name.as_ref().expect("a name hit explains its name");
            let listed = matcher
                .index
                .names
                .iter()
                .find(|n| n.entity as usize == h.entity_index && n.text() == h.matched)
                .expect("the matched name is indexed");
            assert_eq!(*why, compare_with(&query, &listed.name, &PARAMS), "{name}");
            // The hit's score is its name's, moved by its qualifiers.
            let moved: f64 = h.why.qualifiers.iter().map(|q| q.effect).sum();
            let expected =
                vetter::matching::names::compare::round4((why.score + moved).clamp(0.0, 1.0));
            assert_eq!(expected, h.score, "{name}");
            explained += 1;
        }
    }
    assert!(explained > 200, "only {explained} hits explained");
}
