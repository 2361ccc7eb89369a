//! The read-only view a rule receives as `ctx` (docs/rules-api.md).

use serde::Serialize;

use crate::evidence::{Notification, Policies, Source};
use crate::lists::identity::ListIdentity;
use crate::matching::search::Hit;

use super::settings::Settings;

/// One hit as rules see it: flat and small.
#[derive(Debug, Clone, Serialize)]
pub struct RuleHit {
    pub list: String,
    pub entity_id: String,
    pub name: String,
    pub entity_kind: String,
    pub programs: Vec<String>,
    pub matched: String,
    pub field: String,
    pub score: f64,
    pub why: String,
    pub official: bool,
}

impl RuleHit {
    pub fn from_hit(h: &Hit, settings: &Settings) -> RuleHit {
        RuleHit {
            list: h.list.clone(),
            entity_id: h.entity_id.clone(),
            name: h.name.clone(),
            entity_kind: h.entity_kind.as_str().to_owned(),
            programs: h.programs.clone(),
            matched: h.matched.clone(),
            field: h.matched_field.to_owned(),
            score: h.score,
            why: h.why.summary.clone(),
            official: settings.programs.official_lists.contains(&h.list),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleParty {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub country: String,
    pub websites: Vec<String>,
    pub sources: Vec<String>,
    pub service: String,
    /// `YYYY-MM-DD` or empty.
    pub first_seen: String,
    pub last_seen: String,
    /// `true`, `false` or `()` (unknown).
    pub still_served: Option<bool>,
    pub hits: Vec<RuleHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleList {
    pub name: String,
    pub complete: bool,
    pub missing_files: Vec<String>,
    pub publication_date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Context<'a> {
    /// The screening date, `YYYY-MM-DD`: the only notion of "now".
    pub as_of: String,
    pub vendor: RuleParty,
    pub customers: Vec<RuleParty>,
    pub policies: &'a Policies,
    pub notifications: &'a [Notification],
    pub sources: &'a [Source],
    pub lists: Vec<RuleList>,
    pub settings: &'a Settings,
}

pub fn lists_view(lists: &[ListIdentity]) -> Vec<RuleList> {
    lists
        .iter()
        .map(|l| RuleList {
            name: l.name.clone(),
            complete: l.complete,
            missing_files: l.missing_files.clone(),
            publication_date: l
                .publication_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        })
        .collect()
}

pub fn party_view(
    p: &crate::evidence::Party,
    customer: Option<&crate::evidence::Customer>,
    hits: &[Hit],
    settings: &Settings,
) -> RuleParty {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    RuleParty {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        aliases: p.aliases.clone(),
        country: p.country.clone().unwrap_or_default(),
        websites: p.websites.clone(),
        sources: p.sources.clone(),
        service: customer.and_then(|c| c.service.clone()).unwrap_or_default(),
        first_seen: date(customer.and_then(|c| c.first_seen)),
        last_seen: date(customer.and_then(|c| c.last_seen)),
        still_served: customer.and_then(|c| c.still_served),
        hits: hits
            .iter()
            .map(|h| RuleHit::from_hit(h, settings))
            .collect(),
    }
}
