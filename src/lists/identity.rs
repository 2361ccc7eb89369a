//! Snapshot identity: which exact list files a screening used. Every
//! verdict carries this, so an auditor can tell years later which
//! publication of which list a decision rested on.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

impl FileIdentity {
    pub fn of(name: &str, data: &[u8]) -> Self {
        FileIdentity {
            name: name.to_owned(),
            sha256: sha256_hex(data),
            bytes: data.len() as u64,
        }
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Where a publication date came from. Never guessed: without a manifest
/// or an explicit option it is `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    Manifest,
    Option,
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCounts {
    pub total: usize,
    pub individual: usize,
    pub entity: usize,
    pub vessel: usize,
    pub aircraft: usize,
}

/// The identity of one loaded list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListIdentity {
    /// `ofac-sdn`, `ofac-consolidated` or the custom list's name.
    pub name: String,
    /// `ofac-legacy-csv` or `vetter-watchlist-csv`.
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub publisher: Option<String>,
    pub publication_date: Option<NaiveDate>,
    pub date_source: DateSource,
    pub files: Vec<FileIdentity>,
    /// Companion files that were absent (a partial snapshot); screening
    /// against it misses the aliases, addresses or remarks they hold.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub missing_files: Vec<String>,
    /// Every file the list's kind needs was present and whole, every row
    /// was read and every cut remark continued: nothing is missing from
    /// the screening. A sample is never complete.
    pub complete: bool,
    pub counts: EntityCounts,
    /// Rows skipped under `--tolerant`.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub skipped_rows: usize,
    /// Entities whose remarks are cut at OFAC's 1,000-character limit with
    /// no continuation in the comments file: aliases, identifiers and
    /// `Linked To:` facts after the cut are missing.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub cut_remarks: Vec<String>,
    /// The list is an abridged sample for examples and tests (its manifest
    /// says `sample = true`), not a publication to screen against.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub sample: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ListIdentity {
    /// Whether nothing was missing: the value `complete` records.
    pub fn is_whole(&self) -> bool {
        self.missing_files.is_empty()
            && self.skipped_rows == 0
            && self.cut_remarks.is_empty()
            && !self.sample
    }

    /// What keeps this list from being a whole publication, in words (one
    /// line each); empty for a complete list.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.sample {
            out.push(format!(
                "list {} is an abridged sample, not a publication to screen against",
                self.name
            ));
        }
        if !self.missing_files.is_empty() {
            out.push(format!(
                "list {} lacks {}: aliases, addresses or remark continuations are missing",
                self.name,
                self.missing_files.join(", ")
            ));
        }
        if self.skipped_rows > 0 {
            out.push(format!(
                "list {}: {} malformed row(s) were skipped (--tolerant) and not screened",
                self.name, self.skipped_rows
            ));
        }
        if !self.cut_remarks.is_empty() {
            out.push(format!(
                "list {}: the remarks of {} entr{} ({}) are cut at 1,000 characters with no continuation: aliases and facts after the cut are missing",
                self.name,
                self.cut_remarks.len(),
                if self.cut_remarks.len() == 1 { "y" } else { "ies" },
                abbreviate(&self.cut_remarks, 5)
            ));
        }
        out
    }

    /// One hash naming this list's exact content: sha256 over the sorted
    /// `name sha256` lines of its files. Archives are keyed by it.
    pub fn content_id(&self) -> String {
        let mut lines: Vec<String> = self
            .files
            .iter()
            .map(|f| format!("{} {}\n", f.name, f.sha256))
            .collect();
        lines.sort();
        sha256_hex(lines.concat().as_bytes())
    }
}

/// The first `n` items, then how many more.
fn abbreviate(items: &[String], n: usize) -> String {
    let shown = items[..items.len().min(n)].join(", ");
    if items.len() > n {
        format!("{shown} and {} more", items.len() - n)
    } else {
        shown
    }
}

/// A small TOML file beside the list files that records what the files
/// themselves cannot: when they were published and by whom, and optionally
/// each file's expected hash (a mismatch is an error: the list is corrupt).
///
/// ```toml
/// published = 2024-07-02
/// publisher = "US Treasury OFAC"
/// [files."sdn.csv"]
/// sha256 = "fb6a6f..."
/// url = "https://..."
/// ```
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// List name override (custom lists).
    pub name: Option<String>,
    pub published: Option<toml::value::Datetime>,
    pub publisher: Option<String>,
    pub fetched: Option<toml::value::Datetime>,
    /// `true` for an abridged sample shipped for examples and tests.
    #[serde(default)]
    pub sample: bool,
    /// The catalogue source a stored snapshot came from (`lists/sources.toml`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where `published` was read (the publisher's own statement), or why
    /// it is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_basis: Option<String>,
    /// Entity counts when the snapshot was verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<EntityCounts>,
    #[serde(default)]
    pub files: BTreeMap<String, ManifestFile>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

pub const MANIFEST_NAME: &str = "manifest.toml";

impl Manifest {
    /// Read a manifest if the file exists.
    pub fn read_optional(path: &Path) -> Result<Option<Manifest>> {
        let Some(data) = crate::input::read_optional(path, crate::input::POLICY_FILE)? else {
            return Ok(None);
        };
        let text = String::from_utf8(data)
            .map_err(|_| Error::list(path, None, None, "the manifest is not UTF-8 text"))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| crate::diag::line_col(&text, s.start).0 as u64);
            Error::list(
                path,
                line,
                None,
                format!("invalid manifest: {}", e.message()),
            )
        })?;
        Ok(Some(manifest))
    }

    pub fn published_date(&self, path: &Path) -> Result<Option<NaiveDate>> {
        let Some(dt) = &self.published else {
            return Ok(None);
        };
        match dt.date {
            Some(d) if dt.time.is_none() => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                    .map(Some)
                    .ok_or_else(|| Error::list(path, None, Some("published"), "not a valid date"))
            }
            _ => Err(Error::list(
                path,
                None,
                Some("published"),
                "expected a date such as 2024-07-02",
            )),
        }
    }

    /// Check a loaded file against the hash the manifest records for it.
    pub fn verify(&self, manifest_path: &Path, file: &FileIdentity) -> Result<()> {
        if let Some(expected) = self.files.get(&file.name).and_then(|f| f.sha256.as_ref()) {
            if !expected.eq_ignore_ascii_case(&file.sha256) {
                return Err(Error::list(
                    manifest_path,
                    None,
                    Some(&file.name),
                    format!(
                        "{} has sha256 {} but the manifest records {expected}: the file is corrupt or was replaced",
                        file.name, file.sha256
                    ),
                ));
            }
        }
        Ok(())
    }
}
