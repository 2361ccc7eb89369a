//! Evidence about one vendor: the vendor itself, its stated policies, its
//! customers, the notifications it received, and the sources every fact
//! cites. Format: docs/evidence.md.

pub mod customers_csv;
pub mod parse;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

/// A party that is screened: the vendor or one of its customers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Party {
    /// `vendor` for the vendor; the customer's id otherwise.
    pub id: String,
    pub name: String,
    /// person, organization, vessel or any.
    pub kind: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub websites: Vec<String>,
    pub emails: Vec<String>,
    pub crypto: Vec<String>,
    pub identifiers: BTreeMap<String, String>,
    pub sources: Vec<String>,
}

impl Party {
    /// The names to screen: the name and each alias, in every form a
    /// reader may see them (invisible characters removed, directional
    /// overrides read as displayed), each once.
    pub fn screened_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in std::iter::once(&self.name).chain(&self.aliases) {
            for form in crate::untrusted::screened_forms(name) {
                if !out.contains(&form) {
                    out.push(form);
                }
            }
        }
        out
    }

    /// Some form of the name or an alias holds letters or digits to match.
    pub fn has_screenable_name(&self) -> bool {
        std::iter::once(&self.name)
            .chain(&self.aliases)
            .any(|n| is_screenable(n))
    }

    /// A website, e-mail or crypto address to screen.
    pub fn has_identifiers(&self) -> bool {
        !self.websites.is_empty() || !self.emails.is_empty() || !self.crypto.is_empty()
    }

    /// Why the party cannot be screened at all, if so: a name of nothing
    /// but punctuation, symbols or invisible characters, and no identifier.
    pub fn unscreenable(&self) -> Option<String> {
        // The identifiers first: they need no normalisation.
        if self.has_identifiers() || self.has_screenable_name() {
            return None;
        }
        Some(format!(
            "the name `{}` has no letters or digits to screen and the party has no website, e-mail or crypto address: it cannot be screened",
            crate::untrusted::excerpt(&self.name)
        ))
    }
}

/// Whether some form of `name` normalises to at least one word.
pub fn is_screenable(name: &str) -> bool {
    crate::untrusted::screened_forms(name).iter().any(|f| {
        !crate::matching::names::normalize::normalize(
            f,
            crate::matching::names::normalize::NameKind::Any,
        )
        .tokens
        .is_empty()
    })
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Customer {
    #[serde(flatten)]
    pub party: Party,
    /// The service the vendor provides (e.g. "CDN and DDoS protection").
    pub service: Option<String>,
    pub first_seen: Option<NaiveDate>,
    pub last_seen: Option<NaiveDate>,
    /// Whether the vendor still served the customer when last checked.
    pub still_served: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Policies {
    /// Do the vendor's terms prohibit serving sanctioned parties?
    pub prohibits_sanctioned_parties: Option<bool>,
    /// Do they prohibit serving designated terrorist organisations?
    pub prohibits_designated_terrorists: Option<bool>,
    pub terms_url: Option<String>,
    pub reviewed: Option<NaiveDate>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Notification {
    pub date: NaiveDate,
    pub from: String,
    /// Customer ids the notification was about.
    pub customers: Vec<String>,
    pub summary: Option<String>,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    pub vendor: Party,
    pub policies: Policies,
    pub customers: Vec<Customer>,
    pub notifications: Vec<Notification>,
    pub sources: Vec<Source>,
}

impl Evidence {
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The latest date the evidence states, and what states it: a
    /// screening dated before it would judge facts not yet known.
    pub fn latest_date(&self) -> Option<(NaiveDate, String)> {
        let mut dates: Vec<(NaiveDate, String)> = Vec::new();
        for s in &self.sources {
            dates.extend(s.date.map(|d| (d, format!("source `{}`", s.id))));
        }
        for n in &self.notifications {
            dates.push((n.date, format!("the notification from {}", n.from)));
        }
        dates.extend(
            self.policies
                .reviewed
                .map(|d| (d, "the terms' review date".to_owned())),
        );
        for c in &self.customers {
            for d in [c.first_seen, c.last_seen].into_iter().flatten() {
                dates.push((d, format!("customer `{}`", c.party.id)));
            }
        }
        dates
            .into_iter()
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
    }
}

/// The files an evidence set was read from, exactly as given: they go into
/// the verdict log so that a screening can be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EvidenceFile {
    /// Path as given (the TOML) or as referenced from it (a customers CSV).
    pub name: String,
    pub sha256: String,
    pub content: String,
}
