//! Decisions people took on reviewed hits (docs/dispositions.md): a hit
//! cleared as a false positive stops raising findings, a confirmed one
//! says who confirmed it, and either stops counting the moment what it
//! was decided on changes (the listing, the party, the match) or it
//! expires.
//!
//! The file is TOML, one `[[disposition]]` table per decision. It comes
//! from people and travels between offices: it is read strictly (unknown
//! keys, bad dates and duplicates are errors naming the entry) and
//! written whole, atomically.

pub mod apply;
pub mod decide;

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::evidence::Party;
use crate::lists::identity::sha256_hex;
use crate::lists::model::Entity;

/// What a reviewer decided about a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// The party is not the listed entity.
    FalsePositive,
    /// The party is the listed entity.
    Confirmed,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::FalsePositive => "false-positive",
            Decision::Confirmed => "confirmed",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "false-positive" => Some(Decision::FalsePositive),
            "confirmed" => Some(Decision::Confirmed),
            _ => None,
        }
    }
}

/// One decision on one hit: which party, which listed entity, on what it
/// was decided (fingerprints), and who decided what, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disposition {
    /// `vendor`, or the customer's id in the evidence.
    pub party: String,
    /// The party's name as screened, for people reading the file.
    pub party_name: String,
    /// `party_fingerprint` of the party when decided.
    pub party_fingerprint: String,
    /// The list and the listed entity's id on it.
    pub list: String,
    pub entity: String,
    /// The name or identifier of the entity that matched.
    pub matched: String,
    /// `entity_fingerprint` of the listing when decided.
    pub entity_fingerprint: String,
    pub decision: Decision,
    pub by: String,
    /// When it was decided (RFC 3339).
    pub at: String,
    pub reason: String,
    /// The last day it holds, if it is not for good.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "date_or_text"
    )]
    pub expires: Option<NaiveDate>,
}

impl Disposition {
    /// `party`, `list:entity`: what a disposition is about. A file holds
    /// one disposition per hit.
    pub fn target(&self) -> (&str, &str, &str) {
        (&self.party, &self.list, &self.entity)
    }
}

/// An expiry written as a TOML date (`2027-06-30`) or as text.
fn date_or_text<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<NaiveDate>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Date(toml::value::Datetime),
        Text(String),
    }
    let text = match Written::deserialize(d)? {
        Written::Date(dt) => dt.to_string(),
        Written::Text(t) => t,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    #[serde(default, rename = "disposition")]
    dispositions: Vec<Disposition>,
}

/// A dispositions file as read: its name, hash and text (recorded in the
/// verdict log, so that a replay applies the same decisions), and the
/// decisions in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dispositions {
    pub file: Option<DispositionsFile>,
    pub items: Vec<Disposition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispositionsFile {
    pub name: String,
    pub sha256: String,
    pub content: String,
}

/// Identifier hits (the same site, e-mail or crypto address) are strong
/// evidence: clearing one takes a reason of at least this many words.
pub const IDENTIFIER_REASON_WORDS: usize = 6;

/// The longest dispositions file read.
const FILE_LIMIT: crate::input::Limit = crate::input::Limit {
    what: "a dispositions file",
    bytes: 64 * 1024 * 1024,
};

impl Dispositions {
    /// No file: no decisions.
    pub fn none() -> Dispositions {
        Dispositions::default()
    }

    /// Read and check a dispositions file. A missing file is an error:
    /// decisions someone meant to apply must not silently vanish.
    pub fn load(path: &Path) -> Result<Dispositions> {
        let text = crate::input::read_text(path, FILE_LIMIT)?;
        Dispositions::from_text(&path.display().to_string(), text)
    }

    /// `load`, or no decisions when the file does not exist yet (`vetter
    /// dispose` creates it).
    pub fn load_or_new(path: &Path) -> Result<Dispositions> {
        if path.exists() {
            Dispositions::load(path)
        } else {
            Ok(Dispositions::none())
        }
    }

    /// Decisions from a recorded file (log replay).
    pub fn from_file(file: &DispositionsFile) -> Result<Dispositions> {
        Dispositions::from_text(&file.name, file.content.clone())
    }

    fn from_text(name: &str, text: String) -> Result<Dispositions> {
        let items = parse(name, &text)?;
        Ok(Dispositions {
            file: Some(DispositionsFile {
                name: name.to_owned(),
                sha256: sha256_hex(text.as_bytes()),
                content: text,
            }),
            items,
        })
    }

    /// The decision on `party`'s hit on `list:entity`, if any.
    pub fn find(&self, party: &str, list: &str, entity: &str) -> Option<&Disposition> {
        self.items
            .iter()
            .find(|d| d.target() == (party, list, entity))
    }

    /// Record `d`, replacing any earlier decision on the same hit (the
    /// earlier one stays in every logged verdict that applied it).
    pub fn record(&mut self, d: Disposition) {
        self.items.retain(|x| x.target() != d.target());
        self.items.push(d);
        self.items.sort_by(|a, b| a.target().cmp(&b.target()));
    }

    /// Change the file at `path` under an exclusive lock (a `.lock` file
    /// beside it), from reading to writing: two people disposing at once,
    /// from the command line or a server, both keep their decisions.
    pub fn update<T>(path: &Path, change: impl FnOnce(&mut Dispositions) -> T) -> Result<T> {
        let mut name = path.as_os_str().to_owned();
        name.push(".lock");
        let lock_path = std::path::PathBuf::from(name);
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let mut all = Dispositions::load_or_new(path)?;
        let answer = change(&mut all);
        all.save(path)?;
        Ok(answer)
    }

    /// Write the decisions to `path`: beside it first, flushed, then
    /// renamed over it, so that a crash leaves the old file or the new.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = String::from(HEADER);
        let body = toml::to_string(&FileFormat {
            dispositions: self.items.clone(),
        })
        .map_err(|e| Error::Usage(format!("the dispositions could not be written: {e}")))?;
        text.push_str(&body);
        crate::files::replace(path, &[text.as_bytes()])
    }
}

const HEADER: &str = "\
# Decisions on reviewed hits, written by `vetter dispose` (docs/dispositions.md).
# A decision holds only while the listing, the party and the match are as
# they were when it was taken, and until it expires.

";

fn invalid(file: &str, message: String) -> Error {
    Error::Invalid(vec![Diagnostic::new(Code::BadValue, file, message)])
}

/// Parse and check a dispositions file's text.
pub fn parse(name: &str, text: &str) -> Result<Vec<Disposition>> {
    let parsed: FileFormat = toml::from_str(text).map_err(|e| {
        let d = Diagnostic::new(Code::TomlSyntax, name, e.message().to_owned());
        Error::Invalid(vec![match e.span() {
            Some(span) => d.at_offset(text, span.start),
            None => d,
        }])
    })?;
    let mut seen = std::collections::HashSet::new();
    for (i, d) in parsed.dispositions.iter().enumerate() {
        let entry = format!(
            "disposition {} ({} on {}:{})",
            i + 1,
            d.party,
            d.list,
            d.entity
        );
        let problem = check(d);
        if let Some(p) = problem {
            return Err(invalid(name, format!("{entry}: {p}")));
        }
        if !seen.insert(d.target()) {
            return Err(invalid(
                name,
                format!("{entry}: a second decision on the same hit; keep one"),
            ));
        }
    }
    Ok(parsed.dispositions)
}

fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What is wrong with one disposition, if anything.
fn check(d: &Disposition) -> Option<String> {
    let blank = [
        ("party", &d.party),
        ("list", &d.list),
        ("entity", &d.entity),
        ("matched", &d.matched),
        ("by", &d.by),
        ("reason", &d.reason),
    ]
    .into_iter()
    .find(|(_, v)| v.trim().is_empty());
    if let Some((field, _)) = blank {
        return Some(format!("`{field}` is empty"));
    }
    if !is_hash(&d.party_fingerprint) || !is_hash(&d.entity_fingerprint) {
        return Some("a fingerprint is not a SHA-256 hash (64 hex digits)".to_owned());
    }
    if chrono::DateTime::parse_from_rfc3339(&d.at).is_err() {
        return Some(format!("`at` = `{}` is not an RFC 3339 time", d.at));
    }
    None
}

/// A listing's fingerprint: the hash of everything the list says of the
/// entity. Any change to the record changes it.
pub fn entity_fingerprint(e: &Entity) -> String {
    let json = serde_json::to_string(e).unwrap_or_default();
    sha256_hex(json.as_bytes())
}

/// A party's fingerprint: the hash of what it is screened by (names,
/// kind, country, identifiers), not of where the evidence came from.
pub fn party_fingerprint(p: &Party) -> String {
    let json = serde_json::json!({
        "name": p.name,
        "kind": p.kind,
        "aliases": p.aliases,
        "country": p.country,
        "websites": p.websites,
        "emails": p.emails,
        "crypto": p.crypto,
        "identifiers": p.identifiers,
    });
    sha256_hex(json.to_string().as_bytes())
}

/// Whether `reason` is at least a sentence, as clearing an identifier hit
/// needs.
pub fn is_a_sentence(reason: &str) -> bool {
    reason.split_whitespace().count() >= IDENTIFIER_REASON_WORDS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Disposition {
        Disposition {
            party: "c1".into(),
            party_name: "Acme".into(),
            party_fingerprint: "a".repeat(64),
            list: "ofac-sdn".into(),
            entity: "123".into(),
            matched: "ACME".into(),
            entity_fingerprint: "b".repeat(64),
            decision: Decision::FalsePositive,
            by: "R. Viewer".into(),
            at: "2026-12-07T10:00:00Z".into(),
            reason: "different company".into(),
            expires: NaiveDate::from_ymd_opt(2027, 6, 30),
        }
    }

    #[test]
    fn a_saved_file_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        let mut d = Dispositions::none();
        d.record(sample());
        d.save(&path).unwrap();
        let back = Dispositions::load(&path).unwrap();
        assert_eq!(back.items, d.items);
        assert!(back.file.unwrap().content.contains("[[disposition]]"));
    }

    #[test]
    fn an_expiry_may_be_a_toml_date() {
        let text = toml::to_string(&FileFormat {
            dispositions: vec![sample()],
        })
        .unwrap()
        .replace("expires = \"2027-06-30\"", "expires = 2027-06-30");
        assert!(text.contains("expires = 2027-06-30"));
        let items = parse("d.toml", &text).unwrap();
        assert_eq!(items[0].expires, NaiveDate::from_ymd_opt(2027, 6, 30));
    }

    #[test]
    fn bad_entries_are_refused_naming_the_entry() {
        let one = |d: Disposition| {
            toml::to_string(&FileFormat {
                dispositions: vec![sample(), d],
            })
            .unwrap()
        };
        let mut blank = sample();
        blank.entity = "9".into();
        blank.reason = " ".into();
        let e = parse("d.toml", &one(blank)).unwrap_err().to_string();
        assert!(
            e.contains("disposition 2") && e.contains("`reason` is empty"),
            "{e}"
        );
        let e = parse("d.toml", &one(sample())).unwrap_err().to_string();
        assert!(e.contains("second decision"), "{e}");
        let mut hash = sample();
        hash.entity = "9".into();
        hash.entity_fingerprint = "zz".into();
        assert!(parse("d.toml", &one(hash)).is_err());
        let unknown = one(sample()).replace("by = ", "reviewer = \"x\"\nby = ");
        assert!(parse("d.toml", &unknown).is_err());
        let date = one(sample()).replace("2027-06-30", "2027-02-30");
        assert!(parse("d.toml", &date)
            .unwrap_err()
            .to_string()
            .contains("not a date"));
    }

    #[test]
    fn a_later_decision_replaces_the_earlier() {
        let mut d = Dispositions::none();
        d.record(sample());
        let mut again = sample();
        again.decision = Decision::Confirmed;
        d.record(again);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].decision, Decision::Confirmed);
    }
}
