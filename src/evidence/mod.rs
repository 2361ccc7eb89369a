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
