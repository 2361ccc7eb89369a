//! The records of a verified log, as the tools that show them read them
//! (`vetter log show`, the server's log pages and API), with the filters
//! people use.

use std::path::Path;

use serde::Serialize;

use super::record::unseal;
use crate::error::{Error, Result};

/// One record of a log whose whole chain verified.
#[derive(Debug, Clone)]
pub struct Logged {
    pub line: usize,
    pub seq: u64,
    pub hash: String,
    /// The record's members (without `hash`).
    pub body: serde_json::Value,
}

/// Which records to keep.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// The vendor's name contains this (case-insensitive).
    pub vendor: Option<String>,
    pub verdict: Option<crate::verdict::Level>,
    /// Screened on or after / before this day (the timestamp's date).
    pub since: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
    pub seq: Option<u64>,
}

impl Logged {
    fn text(&self, key: &str) -> &str {
        self.body.get(key).and_then(|x| x.as_str()).unwrap_or("")
    }

    pub fn vendor(&self) -> &str {
        self.text("vendor")
    }

    pub fn verdict(&self) -> &str {
        self.text("verdict")
    }

    pub fn timestamp(&self) -> &str {
        self.text("timestamp")
    }

    /// The codes of its findings.
    pub fn codes(&self) -> Vec<String> {
        self.body["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["code"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The line a listing shows of it.
    pub fn summary(&self) -> Summary {
        Summary {
            line: self.line,
            seq: self.seq,
            timestamp: self.timestamp().to_owned(),
            vendor: self.vendor().to_owned(),
            verdict: self.verdict().to_owned(),
            as_of: self.text("as_of").to_owned(),
            findings: self.codes(),
            hash: self.hash.clone(),
        }
    }

    fn kept_by(&self, f: &Filter) -> bool {
        let day = self
            .timestamp()
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        f.vendor
            .as_ref()
            .is_none_or(|n| self.vendor().to_lowercase().contains(&n.to_lowercase()))
            && f.verdict.is_none_or(|x| self.verdict() == x.as_str())
            && f.since.is_none_or(|d| day.is_some_and(|x| x >= d))
            && f.until.is_none_or(|d| day.is_some_and(|x| x <= d))
            && f.seq.is_none_or(|n| self.seq == n)
    }
}

/// A record in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub line: usize,
    pub seq: u64,
    pub timestamp: String,
    pub vendor: String,
    pub verdict: String,
    pub as_of: String,
    pub findings: Vec<String>,
    pub hash: String,
}

/// The records of the log at `path` that `filter` keeps, once the whole
/// log verified (see `verify::verified_lines`).
pub fn read(
    path: &Path,
    data: &[u8],
    key: Option<&[u8]>,
    no_key: bool,
    filter: &Filter,
) -> Result<Vec<Logged>> {
    let report = super::verify::verify(data, key, None);
    read_verified(path, data, &report, key.is_some(), no_key, filter)
}

/// `read` for a log already verified: `report` is what `verify` said of
/// `data` (with a key when `keyed_with` is true).
pub fn read_verified(
    path: &Path,
    data: &[u8],
    report: &super::verify::Report,
    keyed_with: bool,
    no_key: bool,
    filter: &Filter,
) -> Result<Vec<Logged>> {
    let lines = super::verify::lines_of(path, data, report, keyed_with, no_key)?;
    // A verified chain numbers its records one by one, so record `seq`
    // is looked for on the line its number gives first (the log may start
    // at another number: then every line is read).
    if let Some(seq) = filter.seq {
        let at = usize::try_from(seq).ok().and_then(|s| s.checked_sub(1));
        if let Some((i, line)) = at.and_then(|i| lines.get(i).map(|l| (i, *l))) {
            let logged = parse_line(path, i, line)?;
            if logged.seq == seq {
                return Ok(vec![logged]);
            }
        }
    }
    let mut out = Vec::new();
    for (i, line) in lines.into_iter().enumerate() {
        let logged = parse_line(path, i, line)?;
        if logged.kept_by(filter) {
            out.push(logged);
        }
    }
    Ok(out)
}

/// Line `i` (from 0) of a verified log, read.
fn parse_line(path: &Path, i: usize, line: &str) -> Result<Logged> {
    let bad = |message: String| Error::Log {
        path: path.to_owned(),
        line: Some(i as u64 + 1),
        message,
    };
    let sealed =
        unseal(line).map_err(|_| bad("malformed record; run `vetter log verify`".to_owned()))?;
    let body: serde_json::Value =
        serde_json::from_str(&sealed.hashed).map_err(|e| bad(e.to_string()))?;
    Ok(Logged {
        line: i + 1,
        seq: body["seq"].as_u64().unwrap_or_default(),
        hash: sealed.hash.to_owned(),
        body,
    })
}
