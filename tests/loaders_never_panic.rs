//! No list file, however broken, makes the loaders panic: random edits of
//! the shipped sample must load or fail with an error that names the file.

use std::path::Path;

use proptest::prelude::*;
use vetter::lists::ofac::{load_set, Strictness, SDN};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("lists/sample")
            .join(name),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_ofac_files_never_panic(
        file in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        tolerant in any::<bool>(),
    ) {
        let names = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"];
        let mut files: Vec<Vec<u8>> = names.iter().map(|n| sample(n)).collect();
        let target = &mut files[file];
        if !target.is_empty() {
            for (at, byte) in &edits {
                let i = at.index(target.len());
                target[i] = *byte;
            }
            if truncate {
                let n = cut.index(target.len());
                target.truncate(n);
            }
        }
        let read = |p: &Path| -> vetter::Result<Option<Vec<u8>>> {
            let name = p.file_name().unwrap().to_str().unwrap();
            Ok(names.iter().position(|n| *n == name).map(|i| files[i].clone()))
        };
        if let Err(e) = load_set(Path::new("sample"), SDN, Strictness { tolerant }, &read) {
            prop_assert!(e.to_string().starts_with("sample/"), "error must name the file: {e}");
        }
    }

    #[test]
    fn arbitrary_watchlists_never_panic(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = vetter::lists::custom::load("w", Path::new("w.csv"), &data);
    }

    #[test]
    fn arbitrary_remarks_never_panic(text in "\\PC{0,300}") {
        let _ = vetter::lists::remarks::parse(&text);
    }
}
