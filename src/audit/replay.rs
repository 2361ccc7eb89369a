//! Replaying a verdict log: re-evaluate each record from its recorded
//! evidence and rules, against the recorded list snapshot (found by hash),
//! and say whether verdict and findings are reproduced; or rescreen every
//! record against newer lists and say which verdicts would change and why.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::archive::locate;
use super::record::{unseal, Body};
use crate::dispositions::Dispositions;
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
    /// Rescreen mode: the new verdict and what it was made from, to log.
    #[serde(skip)]
    pub rescreened: Option<Box<Rescreened>>,
}

/// A record screened again: the new verdict with the recorded evidence and
/// rules it rests on.
#[derive(Debug, Clone)]
pub struct Rescreened {
    pub verdict: Verdict,
    pub evidence_files: Vec<crate::evidence::EvidenceFile>,
    pub policy_files: Vec<crate::rules::PolicyFile>,
    pub dispositions_file: Option<crate::dispositions::DispositionsFile>,
}

/// What grouping needs of a record, read without its evidence, rules and
/// verdict document (which make up nearly all of it).
#[derive(serde::Deserialize)]
struct Head {
    seq: u64,
    vendor: String,
    verdict: Level,
    lists: Vec<crate::lists::identity::ListIdentity>,
}

/// A record's hashed body, read as `T`: a record that is not one is a
/// malformed-record failure.
fn read_record<T: serde::de::DeserializeOwned>(line: &str) -> std::result::Result<T, Failure> {
    let malformed = |e: String| {
        (
            0,
            String::new(),
            Level::Pass,
            format!("malformed record: {e}"),
        )
    };
    let sealed = unseal(line).map_err(|e| malformed(e.to_string()))?;
    serde_json::from_str(&sealed.hashed).map_err(|e| malformed(e.to_string()))
}

/// The line indexes (0-based) of each vendor's latest record, in log order.
pub fn latest_per_vendor(lines: &[&str]) -> Vec<usize> {
    let vendors: Vec<Option<String>> = lines
        .par_iter()
        .map(|line| read_record::<Head>(line).ok().map(|h| h.vendor))
        .collect();
    let mut last: BTreeMap<String, usize> = BTreeMap::new();
    for (i, vendor) in vendors.into_iter().enumerate() {
        if let Some(v) = vendor {
            last.insert(v, i);
        }
    }
    let mut out: Vec<usize> = last.into_values().collect();
    out.sort_unstable();
    out
}

pub enum Mode<'a> {
    /// Use the recorded snapshot, found among these paths or the archive.
    Reproduce {
        candidates: &'a [PathBuf],
        archive: &'a Path,
    },
    /// Use this (newer) snapshot instead; `at` is the screening date and
    /// timestamp to use instead of the recorded ones (a rescreen today).
    Rescreen {
        snapshot: &'a Snapshot,
        at: Option<(chrono::NaiveDate, String)>,
        /// Where the recorded lists may be found (candidates, archive), to
        /// say which hits rest on entries added, changed or removed since.
        recorded: Option<(&'a [PathBuf], &'a Path)>,
        /// The decisions to apply instead of the recorded ones: a rescreen
        /// after a review applies what the reviewers decided since.
        dispositions: Option<&'a Dispositions>,
    },
}

/// Records screened at a time: bounds the memory a long log needs.
const CHUNK: usize = 256;

/// Replay verified lines (see `verify::verified_lines`). Records are
/// grouped by the lists they name: each snapshot is loaded and indexed once
/// for all its records, which are screened on all cores, a chunk at a
/// time; a policy is compiled once for all the records that carry it.
///
/// With `index_dir`, each snapshot's search index is read from there when
/// stored before, and stored for next time (`store::index_cache`).
pub fn replay(lines: &[&str], mode: &Mode<'_>, index_dir: Option<&Path>) -> Vec<Outcome> {
    let heads: Vec<std::result::Result<Head, Failure>> =
        lines.par_iter().map(|line| read_record(line)).collect();
    let mut outcomes: Vec<Option<Outcome>> = (0..lines.len()).map(|_| None).collect();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, h) in heads.iter().enumerate() {
        match h {
            // Equal keys name the same snapshots, identities included.
            Ok(h) => groups
                .entry(serde_json::to_string(&h.lists).unwrap_or_default())
                .or_default()
                .push(i),
            Err(f) => outcomes[i] = Some(failed(f.clone())),
        }
    }
    let policies = PolicyCache::default();
    let run = |matcher: &Matcher<'_>,
               members: &[usize],
               notes: &ListNotes,
               outcomes: &mut Vec<Option<Outcome>>| {
        for chunk in members.chunks(CHUNK) {
            let done: Vec<(usize, Outcome)> = chunk
                .par_iter()
                .map(|&i| {
                    let o = prepare(lines[i], &policies)
                        .and_then(|p| evaluate(&p, matcher, mode, notes))
                        .unwrap_or_else(failed);
                    (i, o)
                })
                .collect();
            for (i, o) in done {
                outcomes[i] = Some(o);
            }
        }
    };
    match mode {
        Mode::Rescreen {
            snapshot, recorded, ..
        } => {
            let matcher = matcher_for(snapshot, index_dir);
            for members in groups.values() {
                // What changed on the lists since these records' screening,
                // when their lists can still be found.
                let notes = match (recorded, members.first().map(|&i| &heads[i])) {
                    (Some((candidates, archive)), Some(Ok(first))) => {
                        recorded_snapshot(&first.lists, candidates, archive)
                            .map(|old| list_notes(&crate::lists::diff::compute(&old, snapshot)))
                            .unwrap_or_default()
                    }
                    _ => ListNotes::new(),
                };
                run(&matcher, members, &notes, &mut outcomes);
            }
        }
        Mode::Reproduce {
            candidates,
            archive,
        } => {
            for members in groups.values() {
                let Some(Ok(first)) = members.first().map(|&i| &heads[i]) else {
                    continue;
                };
                match recorded_snapshot(&first.lists, candidates, archive) {
                    Ok(snapshot) => run(
                        &matcher_for(&snapshot, index_dir),
                        members,
                        &ListNotes::new(),
                        &mut outcomes,
                    ),
                    Err(e) => {
                        for &i in members {
                            if let Ok(h) = &heads[i] {
                                outcomes[i] = Some(failed((
                                    h.seq,
                                    h.vendor.clone(),
                                    h.verdict,
                                    e.to_string(),
                                )));
                            }
                        }
                    }
                }
            }
        }
    }
    outcomes
        .into_iter()
        .enumerate()
        .map(|(i, o)| Outcome {
            line: i + 1,
            ..o.unwrap_or_else(|| {
                failed((0, String::new(), Level::Pass, "not replayed".to_owned()))
            })
        })
        .collect()
}

/// Policies compiled so far, by the hashes of their files.
#[derive(Default)]
struct PolicyCache(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<Policy>>>);

impl PolicyCache {
    fn get(&self, files: &[crate::rules::PolicyFile]) -> Result<std::sync::Arc<Policy>> {
        let key: String = files
            .iter()
            .map(|f| format!("{} {}\n", f.name, f.sha256))
            .collect();
        if let Some(p) = self.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(p);
        }
        let policy = std::sync::Arc::new(Policy::from_files(
            Path::new("(recorded rules)"),
            files.to_vec(),
        )?);
        if let Ok(mut m) = self.0.lock() {
            m.insert(key, policy.clone());
        }
        Ok(policy)
    }
}

type Failure = (u64, String, Level, String);

fn failed((seq, vendor, recorded, e): Failure) -> Outcome {
    Outcome {
        line: 0,
        seq,
        vendor,
        recorded,
        replayed: None,
        same: false,
        changes: Vec::new(),
        error: Some(e),
        rescreened: None,
    }
}

/// A record read and its evidence and rules compiled, ready to screen.
struct Prepared {
    body: Body,
    evidence: crate::evidence::Evidence,
    policy: std::sync::Arc<Policy>,
    dispositions: Dispositions,
    as_of: chrono::NaiveDate,
}

impl Prepared {
    fn fail(&self, e: String) -> Failure {
        (
            self.body.seq,
            self.body.vendor.clone(),
            self.body.verdict,
            e,
        )
    }
}

fn prepare(line: &str, policies: &PolicyCache) -> std::result::Result<Prepared, Failure> {
    let body: Body = read_record(line)?;
    let fail = |e: String| (body.seq, body.vendor.clone(), body.verdict, e);
    let evidence = crate::evidence::parse::from_files(&body.evidence_files)
        .map_err(|e| fail(format!("recorded evidence: {e}")))?;
    let policy = policies
        .get(&body.policy_files)
        .map_err(|e| fail(format!("recorded rules: {e}")))?;
    let dispositions = match &body.dispositions_file {
        Some(f) => {
            Dispositions::from_file(f).map_err(|e| fail(format!("recorded dispositions: {e}")))?
        }
        None => Dispositions::none(),
    };
    let as_of = chrono::NaiveDate::parse_from_str(&body.as_of, "%Y-%m-%d")
        .map_err(|_| fail("recorded as_of is not a date".to_owned()))?;
    Ok(Prepared {
        body,
        evidence,
        policy,
        dispositions,
        as_of,
    })
}

fn matcher_for<'s>(snapshot: &'s Snapshot, index_dir: Option<&Path>) -> Matcher<'s> {
    match index_dir {
        Some(dir) => crate::store::index_cache::matcher(snapshot, dir),
        None => Matcher::new(snapshot),
    }
}

/// Per listed entry (list, id), what happened to it on the list since a
/// recorded screening.
type ListNotes = std::collections::HashMap<(String, String), &'static str>;

fn list_notes(diff: &crate::lists::diff::Diff) -> ListNotes {
    let mut notes = ListNotes::new();
    for e in &diff.added {
        notes.insert((e.list.clone(), e.id.clone()), "added to the list since");
    }
    for c in &diff.changed {
        notes.insert(
            (c.entity.list.clone(), c.entity.id.clone()),
            "its listing changed since",
        );
    }
    for e in &diff.removed {
        notes.insert(
            (e.list.clone(), e.id.clone()),
            "removed from the list since",
        );
    }
    notes
}

fn evaluate(
    p: &Prepared,
    matcher: &Matcher<'_>,
    mode: &Mode<'_>,
    notes: &ListNotes,
) -> std::result::Result<Outcome, Failure> {
    let body = &p.body;
    let (as_of, timestamp) = match mode {
        Mode::Rescreen {
            at: Some((date, stamp)),
            ..
        } => (*date, stamp.clone()),
        _ => (p.as_of, body.timestamp.clone()),
    };
    let dispositions = match mode {
        Mode::Rescreen {
            dispositions: Some(d),
            ..
        } => d,
        _ => &p.dispositions,
    };
    let verdict = screen(&Inputs {
        evidence: &p.evidence,
        evidence_files: &body.evidence_files,
        matcher,
        policy: &p.policy,
        dispositions,
        as_of,
        timestamp,
    })
    .map_err(|e| p.fail(format!("screening failed: {e}")))?;
    let (same, changes) = match mode {
        Mode::Reproduce { .. } => {
            let now = serde_json::to_value(&verdict).map_err(|e| p.fail(e.to_string()))?;
            if now == body.result {
                (true, Vec::new())
            } else {
                let mut c = differences(body, &verdict, notes);
                if c.is_empty() {
                    c.push(
                        "the verdict document differs (hits, explanations or identity)".to_owned(),
                    );
                }
                (false, c)
            }
        }
        Mode::Rescreen { .. } => {
            let c = differences(body, &verdict, notes);
            (verdict.verdict == body.verdict, c)
        }
    };
    let replayed = Some(verdict.verdict);
    let rescreened = matches!(mode, Mode::Rescreen { .. }).then(|| {
        Box::new(Rescreened {
            verdict,
            evidence_files: body.evidence_files.clone(),
            policy_files: body.policy_files.clone(),
            dispositions_file: dispositions.file.clone(),
        })
    });
    Ok(Outcome {
        line: 0,
        seq: body.seq,
        vendor: body.vendor.clone(),
        recorded: body.verdict,
        replayed,
        same,
        changes,
        error: None,
        rescreened,
    })
}

/// Load exactly the lists a record names, from the archive or candidates.
fn recorded_snapshot(
    lists: &[crate::lists::identity::ListIdentity],
    candidates: &[PathBuf],
    archive: &Path,
) -> Result<Snapshot> {
    let mut paths = Vec::new();
    for list in lists {
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
        allow_partial: lists.iter().any(|l| !l.complete),
        tolerant: lists.iter().any(|l| l.skipped_rows > 0),
        publication_date: None,
    };
    let mut snapshot = Snapshot::load(&paths, &options)?;
    let names: Vec<String> = lists.iter().map(|l| l.name.clone()).collect();
    snapshot.retain_lists(&names);
    // Content is verified by hash; the identity is the recorded one (its
    // date may have come from an option at screening time).
    for (loaded, recorded) in snapshot.lists.iter_mut().zip(lists) {
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
fn differences(body: &Body, now: &Verdict, notes: &ListNotes) -> Vec<String> {
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
    out.extend(hit_changes(&body.result, now, notes));
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

/// Hits that appeared or went, party by party (`customer c-7 (Name) ~
/// ofac-sdn:123 LISTED NAME`), from the recorded verdict document.
fn hit_changes(recorded: &serde_json::Value, now: &Verdict, notes: &ListNotes) -> Vec<String> {
    // Party and entry → (listed name, list, entity id).
    type Hits = BTreeMap<String, (String, String, String)>;
    let entry = |role: &str, id: &str, name: &str, list: &str, entity: &str| {
        format!("{role} {id} ({name}) ~ {list}:{entity}")
    };
    let mut before: Hits = BTreeMap::new();
    for p in recorded["parties"].as_array().into_iter().flatten() {
        for h in p["hits"].as_array().into_iter().flatten() {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
            let (list, entity) = (s(&h["list"]), s(&h["entity_id"]));
            let key = entry(&s(&p["role"]), &s(&p["id"]), &s(&p["name"]), &list, &entity);
            before.insert(key, (s(&h["name"]), list, entity));
        }
    }
    let mut after: Hits = BTreeMap::new();
    for p in &now.parties {
        for h in &p.hits {
            let key = entry(p.role, &p.id, &p.name, &h.list, &h.entity_id);
            let listed = format!("{} ({:.2})", h.name, h.score);
            after.insert(key, (listed, h.list.clone(), h.entity_id.clone()));
        }
    }
    let noted = |list: &str, id: &str| {
        notes
            .get(&(list.to_owned(), id.to_owned()))
            .map_or(String::new(), |n| format!(": {n} the recorded screening"))
    };
    let mut out = Vec::new();
    for (k, (listed, list, id)) in &after {
        if !before.contains_key(k) {
            out.push(format!("new hit: {k} {listed}{}", noted(list, id)));
        }
    }
    for (k, (listed, list, id)) in &before {
        if !after.contains_key(k) {
            out.push(format!("hit gone: {k} {listed}{}", noted(list, id)));
        }
    }
    out
}
