//! The search index kept in the list store: read back, it gives exactly
//! the results of a fresh build; stale or damaged, it is built again and
//! never used.

mod common;

use common::shared_lists;
use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::candidates::Scratch;
use vetter::matching::perturb::perturbed;
use vetter::matching::search::{Matcher, Query, Settings};
use vetter::store::index_cache;

fn real_lists() -> Snapshot {
    Snapshot::load(
        &[
            shared_lists().join("2021-06-29"),
            shared_lists().join("2025-12-19"),
        ],
        &LoadOptions::default(),
    )
    .expect("real lists")
}

/// Every hit with its explanation, as JSON, for a spread of queries.
fn results(m: &Matcher<'_>, queries: &[Query]) -> Vec<String> {
    let settings = Settings {
        threshold: 0.5,
        limit: 0,
    };
    let mut scratch = Scratch::default();
    queries
        .iter()
        .map(|q| serde_json::to_string(&m.search(q, &settings, &mut scratch)).unwrap())
        .collect()
}

#[test]
fn a_stored_index_gives_the_results_of_a_fresh_build_and_a_damaged_one_is_rebuilt() {
    let snapshot = real_lists();
    let mut queries: Vec<Query> = perturbed(&snapshot, 15, 11)
        .into_iter()
        .map(|p| Query {
            name: Some(p.query),
            kind: p.kind,
            ..Query::default()
        })
        .collect();
    for name in [
        "Hizballah",
        "حماس",
        "Saudi Arabian Gas Company",
        "Kim Jong Un",
    ] {
        queries.push(Query {
            name: Some(name.to_owned()),
            ..Query::default()
        });
    }
    let fresh = results(&Matcher::new(&snapshot), &queries);

    let dir = tempfile::tempdir().unwrap();
    assert!(index_cache::stored(dir.path(), &snapshot)
        .unwrap()
        .is_none());
    let built = index_cache::matcher(&snapshot, dir.path());
    assert_eq!(results(&built, &queries), fresh);
    let read = index_cache::stored(dir.path(), &snapshot)
        .unwrap()
        .expect("stored after the first build");
    let read = Matcher::with_index(&snapshot, read);
    assert_eq!(results(&read, &queries), fresh, "read back");

    // A flipped byte, a cut file, another engine's header: each is refused
    // on reading, and the next matcher builds and stores a whole one again.
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("an index file");
    let good = std::fs::read(&file).unwrap();
    let newline = good.iter().position(|b| *b == b'\n').unwrap();
    let mut flipped = good.clone();
    flipped[newline + good.len() / 2 / 2] ^= 0x40;
    let cut = good[..good.len() - 1000].to_vec();
    let other = String::from_utf8_lossy(&good[..newline])
        .replace(env!("CARGO_PKG_VERSION"), "0.0.0-other")
        .into_bytes()
        .into_iter()
        .chain(good[newline..].iter().copied())
        .collect::<Vec<u8>>();
    for (what, bytes) in [("flipped", flipped), ("cut", cut), ("other engine", other)] {
        std::fs::write(&file, bytes).unwrap();
        assert!(
            index_cache::stored(dir.path(), &snapshot).is_err(),
            "{what}: used"
        );
        let again = index_cache::matcher(&snapshot, dir.path());
        assert_eq!(results(&again, &queries), fresh, "{what}");
        assert!(
            index_cache::stored(dir.path(), &snapshot)
                .unwrap()
                .is_some(),
            "{what}: not stored again"
        );
    }
}
