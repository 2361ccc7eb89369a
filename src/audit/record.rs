//! One verdict-log record and its canonical form.
//!
//! A record is one JSON line ending in `,"hash":"H"}`; a keyed log also has
//! `,"mac":"M"` just before the hash. With the raw bytes of the line:
//!
//! - `H` = hex sha256 of the line with its `,"hash":"H"` member removed
//!   (so `H` covers everything else, the MAC included);
//! - `M` = hex HMAC-SHA256(key) of the line with both the `,"mac":"M"` and
//!   `,"hash":"H"` members removed;
//! - `prev` (a member of the record) is the previous record's `H`, or 64
//!   zeros for the first record; `seq` counts records from 1.
//!
//! An auditor recomputes all of it from the bytes, in any language, with no
//! JSON canonicalisation (docs/verdict-log.md).

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::evidence::EvidenceFile;
use crate::lists::identity::{sha256_hex, ListIdentity};
use crate::rules::PolicyFile;
use crate::verdict::{Finding, Level};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
pub const FORMAT: &str = "vetter-log/1";

/// What a record holds, in the order it is written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Body {
    pub format: String,
    pub seq: u64,
    pub timestamp: String,
    pub prev: String,
    pub engine_version: String,
    pub vendor: String,
    pub verdict: Level,
    pub as_of: String,
    pub findings: Vec<Finding>,
    pub lists: Vec<ListIdentity>,
    pub policy_files: Vec<PolicyFile>,
    pub evidence_files: Vec<EvidenceFile>,
    /// The dispositions file the screening applied, whole: a replay
    /// applies the same decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispositions_file: Option<crate::dispositions::DispositionsFile>,
    /// The user who asked for the screening, when a server made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screened_by: Option<String>,
    /// The complete verdict document as `vetter screen --format json` gave it.
    pub result: serde_json::Value,
}

/// Serialise a body and seal it into a line (without the newline).
pub fn seal(body: &Body, key: Option<&[u8]>) -> Result<String, String> {
    let json = serde_json::to_string(body).map_err(|e| e.to_string())?;
    let open = json
        .strip_suffix('}')
        .ok_or("a record body must be a JSON object")?;
    let hashed = match key {
        Some(k) => format!("{open},\"mac\":\"{}\"}}", mac(k, json.as_bytes())),
        None => json.clone(),
    };
    let hash = sha256_hex(hashed.as_bytes());
    Ok(format!(
        "{},\"hash\":\"{hash}\"}}",
        &hashed[..hashed.len() - 1]
    ))
}

pub fn mac(key: &[u8], body: &[u8]) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

/// A line split by the documented rule.
#[derive(Debug)]
pub struct Sealed<'a> {
    /// The bytes `hash` covers.
    pub hashed: String,
    pub hash: &'a str,
    /// The bytes `mac` covers, and the mac, when present.
    pub mac: Option<(String, &'a str)>,
}

fn is_lower_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Split a line; `Err` says what is malformed.
pub fn unseal(line: &str) -> Result<Sealed<'_>, String> {
    let at = line
        .rfind(",\"hash\":\"")
        .ok_or("no \"hash\" member at the end")?;
    let rest = &line[at + 9..];
    let hash = rest.strip_suffix("\"}").ok_or("text after the hash")?;
    if !is_lower_hex64(hash) {
        return Err("the hash is not 64 lower-case hex digits".to_owned());
    }
    let hashed = format!("{}}}", &line[..at]);
    let mac = match hashed.rfind(",\"mac\":\"") {
        Some(m) if hashed.len() == m + 8 + 64 + 2 => {
            let value = &line[m + 8..m + 8 + 64];
            if !is_lower_hex64(value) {
                return Err("the mac is not 64 lower-case hex digits".to_owned());
            }
            Some((format!("{}}}", &line[..m]), value))
        }
        _ => None,
    };
    Ok(Sealed { hashed, hash, mac })
}

/// `seq` and `prev` from the start of a record, which the serialiser
/// always writes as `{"format":"vetter-log/1","seq":N,"timestamp":"…","prev":"…"`.
pub fn head(hashed: &str) -> Option<(u64, &str, &str)> {
    let rest = hashed.strip_prefix("{\"format\":\"vetter-log/1\",\"seq\":")?;
    let comma = rest.find(',')?;
    let seq = rest[..comma].parse().ok()?;
    let rest = rest[comma..].strip_prefix(",\"timestamp\":\"")?;
    let q = rest.find('"')?;
    let timestamp = &rest[..q];
    let rest = rest[q..].strip_prefix("\",\"prev\":\"")?;
    let prev = rest.get(..64)?;
    Some((seq, prev, timestamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Body {
        Body {
            format: FORMAT.to_owned(),
            seq: 1,
            timestamp: "2026-01-01T00:00:00.000Z".into(),
            prev: GENESIS.to_owned(),
            engine_version: "0".into(),
            vendor: "V".into(),
            verdict: Level::Pass,
            as_of: "2026-01-01".into(),
            findings: vec![],
            lists: vec![],
            policy_files: vec![],
            evidence_files: vec![],
            dispositions_file: None,
            screened_by: None,
            result: serde_json::Value::Null,
        }
    }

    #[test]
    fn seal_and_unseal_round_trip() {
        for key in [None, Some(&b"0123456789abcdef"[..])] {
            let line = seal(&body(), key).unwrap();
            let s = unseal(&line).unwrap();
            assert_eq!(sha256_hex(s.hashed.as_bytes()), s.hash);
            assert_eq!(s.mac.is_some(), key.is_some());
            if let (Some(k), Some((covered, m))) = (key, &s.mac) {
                assert_eq!(&mac(k, covered.as_bytes()), m);
                assert_eq!(covered, &serde_json::to_string(&body()).unwrap());
            }
            let (seq, prev, ts) = head(&s.hashed).unwrap();
            assert_eq!((seq, prev, ts), (1, GENESIS, "2026-01-01T00:00:00.000Z"));
        }
    }
}
