//! Appending to the verdict log: an exclusive lock while appending, the
//! line written and flushed to disk before success is reported, never a
//! rewrite of an earlier record. Any failure fails the screening.

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::record::{head, seal, unseal, Body, FORMAT, GENESIS};
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

/// Sequence number and hash of the last record, read from the file's end.
pub fn last_record(path: &Path, file: &mut std::fs::File) -> Result<(u64, String)> {
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io(path, e))?;
    if len == 0 {
        return Ok((0, GENESIS.to_owned()));
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
        return Err(log_err(path, "the log ends in a torn (unfinished) record, left by a crash: run `vetter log repair` first"));
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
    Ok((seq, sealed.hash.to_owned()))
}

pub fn append_screening(
    path: &Path,
    key_file: Option<&Path>,
    verdict: &Verdict,
    evidence: &[EvidenceFile],
    policy: &Policy,
    snapshot: &Snapshot,
) -> Result<()> {
    let key = super::key::load(key_file)?;
    let result = serde_json::to_value(verdict).map_err(|e| log_err(path, e.to_string()))?;
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.lock().map_err(|e| Error::io(path, e))?;
    let (seq, prev) = last_record(path, &mut file)?;
    let body = Body {
        format: FORMAT.to_owned(),
        seq: seq + 1,
        timestamp: verdict.timestamp.clone(),
        prev,
        engine_version: verdict.identity.engine_version.clone(),
        vendor: verdict.vendor.clone(),
        verdict: verdict.verdict,
        as_of: verdict.as_of.clone(),
        findings: verdict.findings.clone(),
        lists: snapshot.lists.clone(),
        policy_files: policy.files().into_iter().cloned().collect(),
        evidence_files: evidence.to_vec(),
        result,
    };
    let mut line = seal(&body, key.as_deref()).map_err(|e| log_err(path, e))?;
    line.push('\n');
    file.write_all(line.as_bytes())
        .map_err(|e| Error::io(path, e))?;
    file.sync_data().map_err(|e| Error::io(path, e))?;
    file.unlock().map_err(|e| Error::io(path, e))?;
    Ok(())
}
