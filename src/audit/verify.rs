//! Checking a verdict log: every hash, link, MAC and sequence number; the
//! first bad record is reported by line number with what is wrong.

use rayon::prelude::*;
use serde::Serialize;

use super::record::{head, mac, unseal, GENESIS};
use crate::lists::identity::sha256_hex;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// 1-based line number in the file.
    pub line: usize,
    /// `torn`, `malformed`, `edited`, `mac`, `missing-mac`, `deleted`,
    /// `duplicated`, `reordered`, `inserted`, `head-mismatch`.
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub records: usize,
    /// Sequence number and hash of the last good record.
    pub head_seq: u64,
    pub head_hash: String,
    pub macs_checked: bool,
    /// Records carry MACs that were not checked (no key given).
    pub macs_unchecked: bool,
    pub problem: Option<Problem>,
}

impl Report {
    pub fn intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Per-line facts computed independently (in parallel).
struct Line<'a> {
    hash_ok: bool,
    hash: &'a str,
    seq: u64,
    prev: &'a str,
    mac: Option<bool>,
    malformed: Option<String>,
}

fn check_line<'a>(line: &'a str, key: Option<&[u8]>) -> Line<'a> {
    let bad = |m: String| Line {
        hash_ok: false,
        hash: "",
        seq: 0,
        prev: "",
        mac: None,
        malformed: Some(m),
    };
    let sealed = match unseal(line) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    let hash_ok = sha256_hex(sealed.hashed.as_bytes()) == sealed.hash;
    // The record's opening members are the same bytes in the line.
    let Some((seq, prev, _)) = head(line) else {
        return bad("the record does not start with format, seq, timestamp and prev".to_owned());
    };
    // None: no MAC; Some(ok): a MAC, checked when there is a key.
    let mac_state = sealed
        .mac
        .as_ref()
        .map(|(covered, m)| key.is_none_or(|k| mac(k, covered.as_bytes()) == *m));
    Line {
        hash_ok,
        hash: sealed.hash,
        seq,
        prev,
        mac: mac_state,
        malformed: None,
    }
}

/// Verify the bytes of a log. `expect_head` is a hash (optionally
/// `SEQ:HASH`) recorded earlier: a log that no longer reaches it was cut.
pub fn verify(data: &[u8], key: Option<&[u8]>, expect_head: Option<&str>) -> Report {
    let mut report = Report {
        records: 0,
        head_seq: 0,
        head_hash: GENESIS.to_owned(),
        macs_checked: key.is_some(),
        macs_unchecked: false,
        problem: None,
    };
    let (complete, torn) = match data.iter().rposition(|b| *b == b'\n') {
        Some(i) => (&data[..=i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let text = match std::str::from_utf8(complete) {
        Ok(t) => t,
        Err(e) => {
            let line = complete[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            report.problem = Some(Problem {
                line,
                kind: "malformed",
                message: "not UTF-8 text: the record was edited or corrupted".to_owned(),
            });
            return report;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let checked: Vec<Line<'_>> = lines.par_iter().map(|l| check_line(l, key)).collect();
    let mut prev_hash = GENESIS;
    for (i, l) in checked.iter().enumerate() {
        let n = i + 1;
        let expected_seq = n as u64;
        let problem = |kind: &'static str, message: String| {
            Some(Problem {
                line: n,
                kind,
                message,
            })
        };
        report.problem = if let Some(m) = &l.malformed {
            problem(
                "malformed",
                format!("not a vetter log record ({m}): edited, inserted or corrupted"),
            )
        } else if !l.hash_ok {
            problem(
                "edited",
                "the record does not match its hash: its content was changed".to_owned(),
            )
        } else if l.seq != expected_seq {
            let kind = if l.seq > expected_seq {
                "deleted"
            } else if l.prev == prev_hash {
                "inserted"
            } else if checked[..i].iter().any(|x| x.hash == l.hash) {
                "duplicated"
            } else {
                "reordered"
            };
            let what = match kind {
                "deleted" => format!("sequence number {} where {expected_seq} was due: record(s) before it were deleted", l.seq),
                "duplicated" => format!("sequence number {} repeats an earlier record: a record was duplicated", l.seq),
                _ => format!("sequence number {} where {expected_seq} was due: records were reordered or inserted", l.seq),
            };
            problem(kind, what)
        } else if l.prev != prev_hash {
            problem("reordered", format!("its `prev` does not match the hash of line {}: a record was deleted, inserted or reordered", n - 1))
        } else if key.is_some() && l.mac.is_none() {
            problem(
                "missing-mac",
                "the record has no MAC although a key was given: written without the key or forged"
                    .to_owned(),
            )
        } else if l.mac == Some(false) {
            problem("mac", "the MAC does not match: wrong key, or the record was rewritten by someone without the key".to_owned())
        } else {
            None
        };
        if report.problem.is_some() {
            return report;
        }
        if key.is_none() && l.mac.is_some() {
            report.macs_unchecked = true;
        }
        prev_hash = l.hash;
        report.records = n;
        report.head_seq = l.seq;
        report.head_hash = l.hash.to_owned();
    }
    if !torn.is_empty() {
        report.problem = Some(Problem {
            line: lines.len() + 1,
            kind: "torn",
            message: format!("the final line is unfinished ({} bytes, no newline): left by an interrupted write; `vetter log repair` removes it", torn.len()),
        });
        return report;
    }
    if let Some(expected) = expect_head {
        let (seq, hash) = match expected.split_once(':') {
            Some((s, h)) => (s.parse::<u64>().ok(), h),
            None => (None, expected),
        };
        let found = checked.iter().position(|l| l.hash == hash);
        let seq_ok = seq.is_none_or(|s| found.is_some_and(|i| checked[i].seq == s));
        if found.is_none() || !seq_ok {
            report.problem = Some(Problem {
                line: lines.len(),
                kind: "head-mismatch",
                message: format!("the log does not contain the expected head {expected}: it was truncated or rewritten"),
            });
        }
    }
    report
}
