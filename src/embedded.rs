//! Files built into the binary (see build.rs): the default policy
//! (`rules/`), the example evidence (`examples/`) and the sample lists
//! its tests use. Each is `(path in the repository, content)`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Every embedded file, for `vetter init`.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    RULES
        .iter()
        .chain(EXAMPLES)
        .chain(LISTS_SAMPLE)
        .chain(LISTS_WATCHLISTS)
        .copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_policy_is_the_rules_folder() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for (path, content) in super::all() {
            let on_disk = std::fs::read_to_string(root.join(path)).expect(path);
            assert_eq!(on_disk, content, "{path}");
        }
        assert!(super::RULES.iter().any(|(p, _)| *p == "rules/policy.toml"));
    }
}
