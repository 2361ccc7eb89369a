//! One verdict-log record and its canonical form.
//!
//! A record is one JSON line whose last keys are `"hash"` and, when the log
//! is keyed, `"mac"`. The *body* of a record is the line's bytes up to (not
//! including) `,"hash":`, followed by `}`. Then
//!
//! - `hash` = lower-case hex sha256(body)
//! - `mac`  = lower-case hex HMAC-SHA256(key, body)
//! - `prev` (inside the body) = the previous record's `hash`, or 64 zeros
//!
//! so an auditor can recompute everything from the raw bytes, in any
//! language, with no JSON canonicalisation (docs/verdict-log.md).

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
    /// The complete verdict document as `vetter screen --format json` gave it.
    pub result: serde_json::Value,
}

/// Serialise a body and seal it into a line (without the newline).
pub fn seal(body: &Body, key: Option<&[u8]>) -> Result<String, String> {
    let json = serde_json::to_string(body).map_err(|e| e.to_string())?;
    let hash = sha256_hex(json.as_bytes());
    let open = json
        .strip_suffix('}')
        .ok_or("a record body must be a JSON object")?;
    let mut line = format!("{open},\"hash\":\"{hash}\"");
    if let Some(k) = key {
        line.push_str(&format!(",\"mac\":\"{}\"", mac(k, json.as_bytes())));
    }
    line.push('}');
    Ok(line)
}

pub fn mac(key: &[u8], body: &[u8]) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

/// A line split into body, hash and mac as written.
#[derive(Debug)]
pub struct Sealed<'a> {
    pub body: String,
    pub hash: &'a str,
    pub mac: Option<&'a str>,
}

/// Split a line by the documented rule; `Err` says what is malformed.
pub fn unseal(line: &str) -> Result<Sealed<'_>, String> {
    let at = line.rfind(",\"hash\":\"").ok_or("no \"hash\" field")?;
    let rest = &line[at + 9..];
    let hash = rest.get(..64).ok_or("the hash is cut short")?;
    if !hash
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err("the hash is not 64 lower-case hex digits".to_owned());
    }
    let tail = &rest[64..];
    let mac = match tail {
        "\"}" => None,
        t => {
            let m = t
                .strip_prefix("\",\"mac\":\"")
                .and_then(|m| m.strip_suffix("\"}"))
                .ok_or("unexpected text after the hash")?;
            if m.len() != 64 || !m.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err("the mac is not 64 hex digits".to_owned());
            }
            Some(m)
        }
    };
    Ok(Sealed {
        body: format!("{}}}", &line[..at]),
        hash,
        mac,
    })
}

/// The minimum of a record that chaining needs, read without trusting it.
#[derive(Debug, Deserialize)]
pub struct Head {
    pub seq: u64,
    pub prev: String,
    pub timestamp: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_unseal_round_trip() {
        let body = r#"{"a":1,"b":"x"}"#;
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        let json = serde_json::to_string(&v).unwrap();
        let hash = sha256_hex(json.as_bytes());
        let line = format!(
            "{},\"hash\":\"{hash}\",\"mac\":\"{}\"}}",
            &json[..json.len() - 1],
            mac(b"k", json.as_bytes())
        );
        let s = unseal(&line).unwrap();
        assert_eq!(s.body, json);
        assert_eq!(s.hash, hash);
        assert_eq!(s.mac.unwrap(), mac(b"k", json.as_bytes()));
    }
}
