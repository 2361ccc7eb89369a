//! Replaying a verdict log: re-evaluate each record from its recorded
//! evidence and rules, against the recorded list snapshot (found by hash),
//! and say whether verdict and findings are reproduced; or rescreen every
//! record against newer lists and say which verdicts would change and why.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::archive::locate;
use super::record::{unseal, Body};
use crate::error::{Error, Result};
use crate::lists::{LoadOptions, Snapshot};
use crate::matching::search::Matcher;
use crate::rules::Policy;
use crate::screen::{screen, Inputs};
use crate::verdict::{Level, Verdict};

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub line: usize,
    pub seq: u64,
    pub vendor: String,
    pub recorded: Level,
    pub replayed: Option<Level>,
    /// Reproduce mode: the verdict document is identical apart from nothing
    /// (the recorded timestamp is reused). Rescreen mode: verdict unchanged.
    pub same: bool,
    pub changes: Vec<String>,
    pub error: Option<String>,
}

pub enum Mode<'a> {
    /// Use the recorded snapshot, found among these paths or the archive.
    Reproduce {
        candidates: &'a [PathBuf],
        archive: &'a Path,
    },
    /// Use this (newer) snapshot instead.
    Rescreen { snapshot: &'a Snapshot },
}

/// Replay verified lines (see `verify::verified_lines`).
pub fn replay(lines: &[&str], mode: &Mode<'_>) -> Vec<Outcome> {
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let line_no = i + 1;
            match replay_line(line, mode) {
                Ok(o) => Outcome { line: line_no, ..o },
                Err((seq, vendor, recorded, e)) => Outcome {
                    line: line_no,
                    seq,
                    vendor,
                    recorded,
                    replayed: None,
                    same: false,
                    changes: Vec::new(),
                    error: Some(e),
                },
            }
        })
        .collect()
}

type Failure = (u64, String, Level, String);

fn replay_line(line: &str, mode: &Mode<'_>) -> std::result::Result<Outcome, Failure> {
    let sealed = unseal(line).map_err(|e| {
        (
            0,
            String::new(),
            Level::Pass,
            format!("malformed record: {e}"),
        )
    })?;
    let body: Body = serde_json::from_str(&sealed.hashed).map_err(|e| {
        (
            0,
            String::new(),
            Level::Pass,
            format!("malformed record: {e}"),
        )
    })?;
    let fail = |e: String| (body.seq, body.vendor.clone(), body.verdict, e);
    let evidence = crate::evidence::parse::from_files(&body.evidence_files)
        .map_err(|e| fail(format!("recorded evidence: {e}")))?;
    let policy = Policy::from_files(Path::new("(recorded rules)"), body.policy_files.clone())
        .map_err(|e| fail(format!("recorded rules: {e}")))?;
    let as_of = chrono::NaiveDate::parse_from_str(&body.as_of, "%Y-%m-%d")
        .map_err(|_| fail("recorded as_of is not a date".to_owned()))?;
    let owned;
    let snapshot = match mode {
        Mode::Rescreen { snapshot } => *snapshot,
        Mode::Reproduce {
            candidates,
            archive,
        } => {
            owned =
                recorded_snapshot(&body, candidates, archive).map_err(|e| fail(e.to_string()))?;
            &owned
        }
    };
    let matcher = Matcher::new(snapshot);
    let verdict = screen(&Inputs {
        evidence: &evidence,
        evidence_files: &body.evidence_files,
        matcher: &matcher,
        policy: &policy,
        as_of,
        timestamp: body.timestamp.clone(),
    })
    .map_err(|e| fail(format!("screening failed: {e}")))?;
    let (same, changes) = match mode {
        Mode::Reproduce { .. } => {
            let now = serde_json::to_value(&verdict).map_err(|e| fail(e.to_string()))?;
            if now == body.result {
                (true, Vec::new())
            } else {
                let mut c = differences(&body, &verdict);
                if c.is_empty() {
                    c.push(
                        "the verdict document differs (hits, explanations or identity)".to_owned(),
                    );
                }
                (false, c)
            }
        }
        Mode::Rescreen { .. } => {
            let c = differences(&body, &verdict);
            (verdict.verdict == body.verdict, c)
        }
    };
    Ok(Outcome {
        line: 0,
        seq: body.seq,
        vendor: body.vendor.clone(),
        recorded: body.verdict,
        replayed: Some(verdict.verdict),
        same,
        changes,
        error: None,
    })
}

/// Load exactly the lists a record names, from the archive or candidates.
fn recorded_snapshot(body: &Body, candidates: &[PathBuf], archive: &Path) -> Result<Snapshot> {
    let mut paths = Vec::new();
    for list in &body.lists {
        let path = locate(list, candidates, archive).ok_or_else(|| {
            Error::Usage(format!(
                "list snapshot {} (content {}) is not available: archive it with `vetter lists archive` or pass its folder with --lists",
                list.name,
                list.content_id()
            ))
        })?;
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let options = LoadOptions {
        allow_partial: body.lists.iter().any(|l| !l.complete),
        tolerant: body.lists.iter().any(|l| l.skipped_rows > 0),
        publication_date: None,
    };
    let mut snapshot = Snapshot::load(&paths, &options)?;
    let names: Vec<String> = body.lists.iter().map(|l| l.name.clone()).collect();
    snapshot.retain_lists(&names);
    // Content is verified by hash; the identity is the recorded one (its
    // date may have come from an option at screening time).
    for (loaded, recorded) in snapshot.lists.iter_mut().zip(&body.lists) {
        if loaded.content_id() != recorded.content_id() {
            return Err(Error::Usage(format!(
                "list {} loaded with different content",
                recorded.name
            )));
        }
        *loaded = recorded.clone();
    }
    Ok(snapshot)
}

/// What changed between a recorded and a new verdict, in words.
fn differences(body: &Body, now: &Verdict) -> Vec<String> {
    let mut out = Vec::new();
    if body.verdict != now.verdict {
        out.push(format!(
            "verdict {} → {}",
            body.verdict.as_str(),
            now.verdict.as_str()
        ));
    }
    let key = |code: &str, ev: &[String]| format!("{code} [{}]", ev.join(", "));
    let before: BTreeSet<String> = body
        .findings
        .iter()
        .map(|f| key(&f.code, &f.evidence))
        .collect();
    let after: BTreeSet<String> = now
        .findings
        .iter()
        .map(|f| key(&f.code, &f.evidence))
        .collect();
    for f in now
        .findings
        .iter()
        .filter(|f| !before.contains(&key(&f.code, &f.evidence)))
    {
        out.push(format!(
            "new finding {} {}: {}",
            f.verdict.as_str(),
            f.code,
            f.message
        ));
    }
    for f in body
        .findings
        .iter()
        .filter(|f| !after.contains(&key(&f.code, &f.evidence)))
    {
        out.push(format!(
            "finding gone {} {}: {}",
            f.verdict.as_str(),
            f.code,
            f.message
        ));
    }
    let ids = |l: &[crate::lists::identity::ListIdentity]| {
        l.iter()
            .map(|x| format!("{} {}", x.name, x.content_id()))
            .collect::<BTreeSet<_>>()
    };
    if ids(&body.lists) != ids(&now.identity.lists) && !out.is_empty() {
        out.push("lists differ from the recorded snapshot".to_owned());
    }
    out
}
