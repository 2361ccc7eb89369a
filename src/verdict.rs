//! The verdict: PASS, REVIEW or FAIL, the findings that led to it, and
//! the identity of everything used. FAIL beats REVIEW beats PASS.

use serde::{Deserialize, Serialize};

use crate::dispositions::apply::{ClearedHit, HitDecision};
use crate::evidence::Source;
use crate::lists::identity::ListIdentity;
use crate::matching::search::Hit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    Pass,
    Review,
    Fail,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "PASS" => Some(Level::Pass),
            "REVIEW" => Some(Level::Review),
            "FAIL" => Some(Level::Fail),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Pass => "PASS",
            Level::Review => "REVIEW",
            Level::Fail => "FAIL",
        }
    }

    pub fn outcome(self) -> crate::Outcome {
        match self {
            Level::Pass => crate::Outcome::Success,
            Level::Review => crate::Outcome::Review,
            Level::Fail => crate::Outcome::Fail,
        }
    }
}

/// What one rule concluded, and what it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub verdict: Level,
    /// Stable kebab-case code, e.g. `customer-designated-terrorist`.
    pub code: String,
    /// The rule file that produced it.
    pub rule: String,
    pub message: String,
    /// Party ids (`vendor` or customer ids) the finding rests on.
    pub evidence: Vec<String>,
    /// Sources those parties cite.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A screened party and its hits, with explanations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartyResult {
    /// `vendor` or `customer`.
    pub role: &'static str,
    pub id: String,
    pub name: String,
    /// The hits that count (see `dispositions`).
    pub hits: Vec<Hit>,
    /// Hits cleared as false positives, with the decisions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cleared: Vec<ClearedHit>,
    /// Decisions on hits that count: confirmed, or no longer holding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<HitDecision>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHash {
    pub name: String,
    pub sha256: String,
}

/// Everything a verdict depends on, by hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identity {
    pub engine: String,
    pub engine_version: String,
    pub policy: String,
    pub policy_version: String,
    pub lists: Vec<ListIdentity>,
    pub rules: Vec<FileHash>,
    pub evidence: Vec<FileHash>,
    /// The dispositions file applied, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispositions: Option<FileHash>,
}

/// The verdict document (`vetter screen --format json`); shape documented
/// in docs/verdict.md.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub format: &'static str,
    pub verdict: Level,
    pub vendor: String,
    /// The screening date rules saw.
    pub as_of: String,
    /// When the screening ran (the one field that differs between runs).
    pub timestamp: String,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    pub parties: Vec<PartyResult>,
    pub sources: Vec<Source>,
    /// What the screening missed (lists that are not whole publications,
    /// names that could not be screened); never empty on an incomplete
    /// screening, which is then never a PASS.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub identity: Identity,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub customers: usize,
    pub parties_with_hits: usize,
    pub hits: usize,
    /// Hits cleared as false positives (not in `hits`).
    #[serde(skip_serializing_if = "is_zero")]
    pub cleared_hits: usize,
    pub fail_findings: usize,
    pub review_findings: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Fold findings into the overall level.
pub fn fold(findings: &[Finding]) -> Level {
    findings
        .iter()
        .map(|f| f.verdict)
        .max()
        .unwrap_or(Level::Pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(level: Level) -> Finding {
        Finding {
            verdict: level,
            code: "x".into(),
            rule: "r".into(),
            message: "m".into(),
            evidence: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn fail_beats_review_beats_pass() {
        assert_eq!(fold(&[]), Level::Pass);
        assert_eq!(fold(&[f(Level::Pass), f(Level::Review)]), Level::Review);
        assert_eq!(
            fold(&[f(Level::Review), f(Level::Fail), f(Level::Pass)]),
            Level::Fail
        );
    }
}
