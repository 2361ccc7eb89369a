//! The verdict as a report people read: one self-contained HTML page
//! (`html`) or Markdown for a ticket (`markdown`), from the verdict
//! document (`vetter screen --format json`, or a logged record's result).
//!
//! Every piece of text in a verdict comes from evidence or lists, which
//! are third parties' words: both renderers escape all of it, and print
//! control and bidirectional-override characters visibly (`untrusted`).

pub mod html;
pub mod markdown;

use serde::Deserialize;

use crate::error::{Error, Result};

/// What the report reads of a verdict document; absent parts are empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Doc {
    pub verdict: String,
    pub vendor: String,
    pub as_of: String,
    pub timestamp: String,
    pub findings: Vec<DocFinding>,
    pub summary: DocSummary,
    pub parties: Vec<DocParty>,
    pub sources: Vec<DocSource>,
    pub warnings: Vec<String>,
    pub identity: DocIdentity,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocFinding {
    pub verdict: String,
    pub code: String,
    pub rule: String,
    pub message: String,
    pub evidence: Vec<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocSummary {
    pub customers: u64,
    pub parties_with_hits: u64,
    pub hits: u64,
    pub cleared_hits: u64,
    pub fail_findings: u64,
    pub review_findings: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocParty {
    pub role: String,
    pub id: String,
    pub name: String,
    pub hits: Vec<DocHit>,
    pub cleared: Vec<DocCleared>,
    pub decisions: Vec<DocDecision>,
}

impl DocParty {
    /// The decision on one of `hits`, if any.
    pub fn decision(&self, h: &DocHit) -> Option<&DocDecision> {
        self.decisions
            .iter()
            .find(|d| d.list == h.list && d.entity_id == h.entity_id)
    }
}

/// A hit cleared as a false positive, with the decision.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocCleared {
    pub hit: DocHit,
    pub disposition: DocDisposition,
}

/// A decision on a hit that counts: confirmed, or no longer holding.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocDecision {
    pub list: String,
    pub entity_id: String,
    pub status: String,
    pub note: String,
    pub disposition: DocDisposition,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocDisposition {
    pub decision: String,
    pub by: String,
    pub at: String,
    pub reason: String,
    pub expires: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocHit {
    pub list: String,
    pub entity_id: String,
    pub name: String,
    pub programs: Vec<String>,
    pub matched: String,
    pub matched_field: String,
    pub basis: String,
    pub relation: Option<String>,
    pub score: f64,
    pub why: DocWhy,
    pub also_listed_on: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocWhy {
    pub name: Option<DocComparison>,
    pub identifiers: Vec<DocIdentifier>,
    pub qualifiers: Vec<DocQualifier>,
    pub weak_aliases: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocComparison {
    pub pairs: Vec<DocPair>,
    pub unmatched_query: Vec<String>,
    pub unmatched_candidate: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocPair {
    pub query: String,
    pub candidate: String,
    pub similarity: f64,
    pub how: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocIdentifier {
    pub kind: String,
    pub query: String,
    pub listed: String,
    pub relation: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocQualifier {
    pub factor: String,
    pub effect: f64,
    pub detail: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocSource {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocIdentity {
    pub engine: String,
    pub engine_version: String,
    pub policy: String,
    pub policy_version: String,
    pub lists: Vec<DocList>,
    pub rules: Vec<DocFile>,
    pub evidence: Vec<DocFile>,
    pub dispositions: Option<DocFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocList {
    pub name: String,
    pub publisher: Option<String>,
    pub publication_date: Option<String>,
    pub complete: bool,
    pub sample: bool,
    pub files: Vec<DocFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocFile {
    pub name: String,
    pub sha256: String,
}

/// Where a logged verdict sits in its log.
#[derive(Debug, Clone)]
pub struct Logged {
    pub log: String,
    pub seq: u64,
    pub hash: String,
    /// Whether the whole chain verified when the report was made.
    pub chain_verified: bool,
}

impl Doc {
    pub fn from_value(v: &serde_json::Value) -> Result<Doc> {
        Doc::deserialize(v).map_err(|e| Error::Usage(format!("not a verdict document: {e}")))
    }

    /// The report's view of a verdict just made.
    pub fn of_verdict(v: &crate::verdict::Verdict) -> Result<Doc> {
        let value = serde_json::to_value(v).map_err(|e| Error::Usage(e.to_string()))?;
        Doc::from_value(&value)
    }
}

/// The report's view of a record of the log at `log`, read once the whole
/// chain verified (`audit::records::read`), and where it sits there.
pub fn of_record(
    log: &std::path::Path,
    record: &crate::audit::records::Logged,
) -> Result<(Doc, Logged)> {
    let doc = Doc::from_value(&record.body["result"])?;
    let logged = Logged {
        log: log.display().to_string(),
        seq: record.seq,
        hash: record.hash.clone(),
        chain_verified: true,
    };
    Ok((doc, logged))
}

/// A list's age in days at `as_of`, when both dates are known.
pub fn age_days(published: Option<&str>, as_of: &str) -> Option<i64> {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some((d(as_of)? - d(published?)?).num_days())
}

/// A list's state in words.
pub fn list_state(l: &DocList) -> &'static str {
    if l.sample {
        "sample"
    } else if l.complete {
        "complete"
    } else {
        "incomplete"
    }
}
