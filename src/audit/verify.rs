//! Checking a verdict log: every hash, link, MAC and sequence number; the
//! first bad record is reported by line number with what is wrong.

use rayon::prelude::*;
use serde::Serialize;

use super::record::{mac, unseal, GENESIS};
use crate::lists::identity::sha256_hex;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// 1-based line number in the file.
    pub line: usize,
    /// `torn`, `malformed`, `edited`, `mac`, `missing-mac`,
    /// `unexpected-mac`, `deleted`, `duplicated`, `reordered`, `inserted`,
    /// `head-mismatch`.
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub records: usize,
    /// Sequence number and hash of the last good record.
    pub head_seq: u64,
    pub head_hash: String,
    /// The first record carries a MAC, so every record must.
    pub keyed: bool,
    pub macs_checked: bool,
    /// Records carry MACs that were not checked (no key given).
    pub macs_unchecked: bool,
    pub problem: Option<Problem>,
}

impl Report {
    /// No hash, link, member or sequence problem (MACs may be unchecked:
    /// see [`Report::macs_unchecked`]).
    pub fn intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// The members of a record, in the order they are written; a keyed log's
/// records also have `mac` before `hash`.
pub const MEMBERS: &[&str] = &[
    "format",
    "seq",
    "timestamp",
    "prev",
    "engine_version",
    "vendor",
    "verdict",
    "as_of",
    "findings",
    "lists",
    "policy_files",
    "evidence_files",
    "result",
];

/// The members a record may have or not, in this order before `result`:
/// the dispositions file a screening applied (`name`, `sha256`, `content`)
/// and the user who asked for it (a string).
pub const OPTIONAL: [&str; 2] = ["dispositions_file", "screened_by"];

/// What a record's members say, once they are known to be well formed.
struct Members {
    seq: u64,
    prev: String,
    has_mac: bool,
}

/// Whether the hashed bytes of a record hold the members a verdict needs,
/// in order and of the right types; `Err` says what is wrong. The same
/// checks are in the recipe of docs/verdict-log.md.
fn check_members(hashed: &str) -> Result<Members, String> {
    let value: serde_json::Value =
        serde_json::from_str(hashed).map_err(|e| format!("not JSON: {e}"))?;
    let obj = value.as_object().ok_or("not a JSON object")?;
    let has_mac = obj.contains_key("mac");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let mut expected = MEMBERS.to_vec();
    for optional in OPTIONAL {
        if obj.contains_key(optional) {
            let at = expected.len() - 1;
            expected.insert(at, optional);
        }
    }
    if has_mac {
        expected.push("mac");
    }
    if keys != expected {
        return Err(format!(
            "its members are {} where {} are required",
            keys.join(", "),
            expected.join(", ")
        ));
    }
    let string = |k: &str| obj[k].is_string();
    let array = |k: &str| obj[k].is_array();
    if obj["format"] != super::record::FORMAT {
        return Err("`format` is not vetter-log/1".to_owned());
    }
    if !obj["seq"].is_u64()
        || !["timestamp", "prev", "engine_version", "vendor", "as_of"]
            .iter()
            .all(|k| string(k))
        || !["findings", "lists", "policy_files", "evidence_files"]
            .iter()
            .all(|k| array(k))
        || !obj["result"].is_object()
        || obj.get(OPTIONAL[0]).is_some_and(|d| {
            !["name", "sha256", "content"]
                .iter()
                .all(|k| d[k].is_string())
        })
        || obj.get(OPTIONAL[1]).is_some_and(|u| !u.is_string())
    {
        return Err("a member has the wrong type".to_owned());
    }
    if !matches!(obj["verdict"].as_str(), Some("PASS" | "REVIEW" | "FAIL")) {
        return Err("`verdict` is not PASS, REVIEW or FAIL".to_owned());
    }
    if has_mac && !obj["mac"].as_str().is_some_and(is_lower_hex64) {
        return Err("the mac is not 64 lower-case hex digits".to_owned());
    }
    Ok(Members {
        seq: obj["seq"].as_u64().unwrap_or_default(),
        prev: obj["prev"].as_str().unwrap_or_default().to_owned(),
        has_mac,
    })
}

fn is_lower_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Per-line facts computed independently (in parallel).
struct Line<'a> {
    hash_ok: bool,
    hash: &'a str,
    seq: u64,
    prev: String,
    mac: Option<bool>,
    malformed: Option<String>,
}

fn check_line<'a>(line: &'a str, key: Option<&[u8]>) -> Line<'a> {
    let bad = |m: String| Line {
        hash_ok: false,
        hash: "",
        seq: 0,
        prev: String::new(),
        mac: None,
        malformed: Some(m),
    };
    let sealed = match unseal(line) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    if sha256_hex(sealed.hashed.as_bytes()) != sealed.hash {
        return Line {
            hash_ok: false,
            hash: sealed.hash,
            seq: 0,
            prev: String::new(),
            mac: None,
            malformed: None,
        };
    }
    let members = match check_members(&sealed.hashed) {
        Ok(m) => m,
        Err(e) => return bad(e),
    };
    // None: no MAC; Some(ok): a MAC, checked when there is a key.
    let mac_state = match (&sealed.mac, members.has_mac) {
        (Some((covered, m)), true) => Some(key.is_none_or(|k| mac(k, covered.as_bytes()) == *m)),
        (None, false) => None,
        _ => return bad("the mac member is not where the format puts it".to_owned()),
    };
    Line {
        hash_ok: true,
        hash: sealed.hash,
        seq: members.seq,
        prev: members.prev,
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
        keyed: false,
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
    // Lines end at `\n` only: a `\r` before it is part of the record's
    // bytes, and changes them.
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    let checked: Vec<Line<'_>> = lines.par_iter().map(|l| check_line(l, key)).collect();
    // The first record fixes whether the log is keyed.
    report.keyed = checked.first().is_some_and(|l| l.mac.is_some());
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
        } else if report.keyed && l.mac.is_none() {
            problem(
                "missing-mac",
                "the record has no MAC although the log's first record has one: a keyed log was appended to without its key, or the record was forged"
                    .to_owned(),
            )
        } else if !report.keyed && l.mac.is_some() {
            problem(
                "unexpected-mac",
                "the record has a MAC although the log's first record has none: keyed and unkeyed records are mixed"
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

/// The lines of a log that verifies, for the tools that show or replay
/// it: a broken chain, an unfinished line, or a keyed log whose MACs
/// cannot be checked (no key, and no `no_key` consent) is an error that
/// names the first bad line, and nothing of the log is shown.
pub fn verified_lines<'a>(
    path: &std::path::Path,
    data: &'a [u8],
    key: Option<&[u8]>,
    no_key: bool,
) -> crate::Result<Vec<&'a str>> {
    lines_of(path, data, &verify(data, key, None), key.is_some(), no_key)
}

/// `verified_lines` for a log already verified: `report` is what
/// `verify` said of `data` (with a key when `keyed_with` is true).
pub fn lines_of<'a>(
    path: &std::path::Path,
    data: &'a [u8],
    report: &Report,
    keyed_with: bool,
    no_key: bool,
) -> crate::Result<Vec<&'a str>> {
    if let Some(p) = &report.problem {
        return Err(crate::Error::Log {
            path: path.to_owned(),
            line: Some(p.line as u64),
            message: format!(
                "{} ({}): the log does not verify, so none of it is shown; run `vetter log verify {}`",
                p.message,
                p.kind,
                path.display()
            ),
        });
    }
    if report.keyed && !keyed_with && !no_key {
        return Err(keyed_without_key(path));
    }
    // verify() found valid UTF-8 lines ending in `\n`.
    let text = std::str::from_utf8(data).map_err(|_| crate::Error::Log {
        path: path.to_owned(),
        line: None,
        message: "not UTF-8".to_owned(),
    })?;
    Ok(text.split_terminator('\n').collect())
}

/// The error for a keyed log read without its key.
pub fn keyed_without_key(path: &std::path::Path) -> crate::Error {
    crate::Error::Log {
        path: path.to_owned(),
        line: None,
        message: "the log is keyed (its records carry MACs), and without the key they cannot be checked: pass --key-file FILE (or set VETTER_LOG_KEY), or --no-key to accept a check of the hash chain alone".to_owned(),
    }
}
