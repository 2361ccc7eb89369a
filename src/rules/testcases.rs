//! Rule test cases kept beside the rules (`rules/tests/*.toml`): an
//! evidence file, the expected verdict and the finding codes that must
//! (and must not) appear. `vetter rules test` runs them.
//!
//! ```toml
//! name = "a vendor serving an FTO fails"
//! evidence = "../../examples/fail-vendor.toml"
//! lists = ["../../lists/sample"]          # relative to this file
//! as_of = 2026-01-15                      # optional screening date
//! expect_verdict = "FAIL"
//! expect_codes = ["customer-designated-terrorist"]
//! forbid_codes = []
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic};
use crate::tomlwalk::Walker;
use crate::verdict::Level;

#[derive(Debug, Clone)]
pub struct TestCase {
    pub file: PathBuf,
    pub name: String,
    pub evidence: PathBuf,
    pub lists: Vec<PathBuf>,
    pub as_of: Option<NaiveDate>,
    pub expect_verdict: Level,
    pub expect_codes: Vec<String>,
    pub forbid_codes: Vec<String>,
}

pub fn parse(file: &Path, text: &str) -> Result<TestCase, Vec<Diagnostic>> {
    let (mut w, doc) = Walker::parse(file, text);
    let Some(doc) = doc else { return Err(w.diags) };
    let t = doc.as_table();
    w.known_keys(
        t,
        &[
            "name",
            "evidence",
            "lists",
            "as_of",
            "expect_verdict",
            "expect_codes",
            "forbid_codes",
        ],
        "the test case",
    );
    let base = file.parent().unwrap_or(Path::new("."));
    let whole = Some(0..0);
    let name = w
        .string(t, "name", true, "the test case", &whole)
        .unwrap_or_default();
    let evidence = w
        .string(t, "evidence", true, "the test case", &whole)
        .map(|e| base.join(e))
        .unwrap_or_default();
    let lists: Vec<PathBuf> = w
        .strings(t, "lists", "the test case")
        .into_iter()
        .map(|l| base.join(l))
        .collect();
    if lists.is_empty() && w.diags.is_empty() {
        w.error(
            Code::MissingField,
            &whole,
            "the test case needs `lists`: the list folders or files to screen against, relative to the test case",
        );
    }
    let as_of = w.date(t, "as_of", false, "the test case", &whole);
    let verdict = w.string(t, "expect_verdict", true, "the test case", &whole);
    let expect_verdict = match verdict.as_deref().map(Level::parse) {
        Some(Some(l)) => l,
        Some(None) => {
            let span = t.get("expect_verdict").and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &span,
                "`expect_verdict` must be PASS, REVIEW or FAIL",
            );
            Level::Pass
        }
        None => Level::Pass,
    };
    let expect_codes = w.strings(t, "expect_codes", "the test case");
    let forbid_codes = w.strings(t, "forbid_codes", "the test case");
    if w.diags.is_empty() {
        Ok(TestCase {
            file: file.to_owned(),
            name,
            evidence,
            lists,
            as_of,
            expect_verdict,
            expect_codes,
            forbid_codes,
        })
    } else {
        Err(w
            .diags
            .into_iter()
            .map(|mut d| {
                if d.code == Code::TomlSyntax
                    || d.code == Code::MissingField
                    || d.code == Code::UnknownKey
                {
                    d.code = Code::RuleTestInvalid;
                }
                d
            })
            .collect())
    }
}

/// Every `*.toml` under `dir/tests`, sorted.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let tests = dir.join("tests");
    if !tests.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&tests)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    Ok(files)
}
