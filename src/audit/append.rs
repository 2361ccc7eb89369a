//! Appending to the verdict log: an exclusive lock while appending, the
//! line written and flushed to disk before success is reported, never a
//! rewrite of an earlier record. Any failure fails the screening.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::record::{head, seal, unseal, Body, FORMAT, GENESIS};
use crate::dispositions::DispositionsFile;
use crate::error::{Error, Result};
use crate::evidence::EvidenceFile;
use crate::lists::Snapshot;
use crate::rules::Policy;
use crate::verdict::Verdict;

fn log_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Log {
        path: path.to_owned(),
        line: None,
        message: message.into(),
    }
}

/// The last record of a log, as far as appending needs it.
pub struct LastRecord {
    pub seq: u64,
    pub hash: String,
    /// The bytes its MAC covers and the MAC, in a keyed log.
    pub mac: Option<(String, String)>,
}

/// The last record, read from the file's end (`seq` 0 for an empty log).
pub fn last_record(path: &Path, file: &mut std::fs::File) -> Result<LastRecord> {
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io(path, e))?;
    if len == 0 {
        return Ok(LastRecord {
            seq: 0,
            hash: GENESIS.to_owned(),
            mac: None,
        });
    }
    // Read backwards in chunks until the start of the last line.
    let mut tail: Vec<u8> = Vec::new();
    let mut pos = len;
    loop {
        let chunk = (256 * 1024).min(pos as usize);
        pos -= chunk as u64;
        file.seek(SeekFrom::Start(pos))
            .map_err(|e| Error::io(path, e))?;
        let mut buf = vec![0; chunk];
        file.read_exact(&mut buf).map_err(|e| Error::io(path, e))?;
        buf.extend_from_slice(&tail);
        tail = buf;
        let body = &tail[..tail.len() - 1];
        if pos == 0 || body.contains(&b'\n') {
            break;
        }
    }
    if tail.last() != Some(&b'\n') {
        return Err(log_err(
            path,
            format!(
                "the log ends in a torn (unfinished) record, left by a crash: run `vetter log repair {}` first",
                path.display()
            ),
        ));
    }
    let body = &tail[..tail.len() - 1];
    let start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let line = std::str::from_utf8(&body[start..])
        .map_err(|_| log_err(path, "the last record is not UTF-8"))?;
    let sealed = unseal(line).map_err(|e| {
        log_err(
            path,
            format!("the last record is malformed ({e}): run `vetter log verify`"),
        )
    })?;
    if crate::lists::identity::sha256_hex(sealed.hashed.as_bytes()) != sealed.hash {
        return Err(log_err(
            path,
            "the last record does not match its hash: the log was altered; run `vetter log verify`",
        ));
    }
    let (seq, _, _) = head(&sealed.hashed).ok_or_else(|| {
        log_err(
            path,
            "the last record is malformed: run `vetter log verify`",
        )
    })?;
    Ok(LastRecord {
        seq,
        hash: sealed.hash.to_owned(),
        mac: sealed.mac.map(|(c, m)| (c, m.to_owned())),
    })
}

/// A log's first record fixes whether it is keyed; every append keeps to
/// it, and proves it holds the key by checking the last record's MAC.
fn check_key(path: &Path, last: &LastRecord, key: Option<&[u8]>) -> Result<()> {
    if last.seq == 0 {
        return Ok(());
    }
    match (&last.mac, key) {
        (Some(_), None) => Err(log_err(
            path,
            "the log is keyed (its records carry MACs): appending needs its key (--log-key-file or VETTER_LOG_KEY); nothing was written",
        )),
        (Some((covered, m)), Some(k)) if super::record::mac(k, covered.as_bytes()) != *m => {
            Err(log_err(
                path,
                "the key does not match the MAC of the log's last record: wrong key; nothing was written",
            ))
        }
        (None, Some(_)) => Err(log_err(
            path,
            "the log is not keyed (its records carry no MACs): a key would mix keyed and unkeyed records; start a new log for keyed records; nothing was written",
        )),
        _ => Ok(()),
    }
}

/// What a verdict was made from, and by whom, as its record keeps it.
pub struct Made<'a> {
    pub evidence: &'a [EvidenceFile],
    pub policy_files: Vec<crate::rules::PolicyFile>,
    pub lists: &'a [crate::lists::identity::ListIdentity],
    pub dispositions: Option<&'a DispositionsFile>,
    /// The user who asked for the screening (`vetter serve`).
    pub screened_by: Option<&'a str>,
}

impl<'a> Made<'a> {
    /// A screening of `evidence` with `policy` against `snapshot`.
    pub fn screening(
        evidence: &'a [EvidenceFile],
        policy: &Policy,
        snapshot: &'a Snapshot,
        dispositions: Option<&'a DispositionsFile>,
    ) -> Made<'a> {
        Made {
            evidence,
            policy_files: policy.files().into_iter().cloned().collect(),
            lists: &snapshot.lists,
            dispositions,
            screened_by: None,
        }
    }
}

/// Append a verdict with what it was made from: its evidence, the policy's
/// files, the lists' identities and the decisions applied. Returns where
/// the record sits.
pub fn append_record(
    path: &Path,
    key_file: Option<&Path>,
    verdict: &Verdict,
    made: Made<'_>,
) -> Result<Appended> {
    let mut appended = append_records(path, key_file, vec![(verdict, made)])?;
    appended
        .pop()
        .ok_or_else(|| log_err(path, "no record was appended"))
}

/// Append verdicts in order, with one write and one flush to disk for all
/// of them (a server's group commit): either every record is in the log
/// when this returns, or none is.
pub fn append_records(
    path: &Path,
    key_file: Option<&Path>,
    batch: Vec<(&Verdict, Made<'_>)>,
) -> Result<Vec<Appended>> {
    let key = super::key::load(key_file)?;
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.lock().map_err(|e| Error::io(path, e))?;
    let last = last_record(path, &mut file)?;
    check_key(path, &last, key.as_deref())?;
    let (mut seq, mut prev) = (last.seq, last.hash);
    let mut lines = String::new();
    let mut appended = Vec::with_capacity(batch.len());
    for (verdict, made) in batch {
        seq += 1;
        let result = serde_json::to_value(verdict).map_err(|e| log_err(path, e.to_string()))?;
        let body = Body {
            format: FORMAT.to_owned(),
            seq,
            timestamp: verdict.timestamp.clone(),
            prev,
            engine_version: verdict.identity.engine_version.clone(),
            vendor: verdict.vendor.clone(),
            verdict: verdict.verdict,
            as_of: verdict.as_of.clone(),
            findings: verdict.findings.clone(),
            lists: made.lists.to_vec(),
            policy_files: made.policy_files,
            evidence_files: made.evidence.to_vec(),
            dispositions_file: made.dispositions.cloned(),
            screened_by: made.screened_by.map(str::to_owned),
            result,
        };
        let line = seal(&body, key.as_deref()).map_err(|e| log_err(path, e))?;
        let hash = unseal(&line)
            .map(|s| s.hash.to_owned())
            .map_err(|e| log_err(path, e))?;
        lines.push_str(&line);
        lines.push('\n');
        prev = hash.clone();
        appended.push(Appended { seq, hash });
    }
    let before = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io(path, e))?;
    if let Err(e) = file
        .write_all(lines.as_bytes())
        .and_then(|()| file.sync_data())
    {
        // A partial line (disk full, a size limit) is taken back, so that
        // the log stays whole and the next append can proceed.
        let rolled_back = file.set_len(before).and_then(|()| file.sync_data());
        let what = match rolled_back {
            Ok(()) => "the partial record was removed; the log is as it was".to_owned(),
            Err(_) => format!(
                "the partial record could not be removed: run `vetter log repair {}`",
                path.display()
            ),
        };
        return Err(log_err(
            path,
            format!("writing the record failed ({e}); {what}; the verdict was not given"),
        ));
    }
    file.unlock().map_err(|e| Error::io(path, e))?;
    Ok(appended)
}

/// Where an appended record sits: its sequence number and record hash.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Appended {
    pub seq: u64,
    pub hash: String,
}
