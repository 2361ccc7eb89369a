//! Taking a decision on a hit: the checks `vetter dispose` and the
//! server's `POST /api/v1/dispositions` share, and the disposition they
//! record.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    entity_fingerprint, is_a_sentence, party_fingerprint, Decision, Disposition,
    IDENTIFIER_REASON_WORDS,
};
use crate::error::{Error, Result};
use crate::evidence::{Evidence, Party};
use crate::matching::candidates::Scratch;
use crate::matching::search::{Matcher, Settings};

/// What a reviewer asks to record.
pub struct Request<'a> {
    /// `vendor` or a customer's id.
    pub party: &'a str,
    /// `LIST:ENTITY`.
    pub hit: &'a str,
    pub decision: &'a str,
    pub reason: &'a str,
    pub by: &'a str,
    pub expires: Option<NaiveDate>,
}

/// The party of `evidence` named `id`.
fn party<'e>(evidence: &'e Evidence, id: &str) -> Result<&'e Party> {
    if id == "vendor" {
        return Ok(&evidence.vendor);
    }
    evidence
        .customers
        .iter()
        .map(|c| &c.party)
        .find(|p| p.id == id)
        .ok_or_else(|| {
            Error::Usage(format!(
                "the evidence names no customer `{id}`; the party is `vendor` or a customer's id"
            ))
        })
}

/// The disposition `r` asks for, after checking that screening the party
/// of `evidence` with `matcher` (at the policy's `threshold`) gives the
/// hit, and that an identifier hit is cleared with a sentence of reason.
pub fn decide(
    evidence: &Evidence,
    r: &Request<'_>,
    matcher: &Matcher<'_>,
    threshold: f64,
    now: DateTime<Utc>,
) -> Result<Disposition> {
    let decision = Decision::parse(r.decision).ok_or_else(|| {
        Error::Usage(format!(
            "decision `{}`: say false-positive or confirmed",
            r.decision
        ))
    })?;
    let (list, entity) = r
        .hit
        .split_once(':')
        .filter(|(l, e)| !l.is_empty() && !e.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "hit `{}`: write LIST:ENTITY, as the verdict shows the hit (e.g. ofac-sdn:12345)",
                r.hit
            ))
        })?;
    for (what, value) in [("the reason", r.reason), ("who decided", r.by)] {
        if value.trim().is_empty() {
            return Err(Error::Usage(format!("{what} is empty")));
        }
    }
    if let Some(expires) = r.expires.filter(|e| *e < now.date_naive()) {
        return Err(Error::Usage(format!(
            "the expiry {expires} is already past"
        )));
    }
    let party = party(evidence, r.party)?;
    let settings = Settings {
        threshold,
        limit: 0,
    };
    let hits = crate::screen::screen_party(party, matcher, &settings, &mut Scratch::default());
    let Some(hit) = hits
        .iter()
        .find(|h| h.list == list && h.entity_id == entity)
    else {
        let found: Vec<String> = hits
            .iter()
            .map(|h| format!("{}:{}", h.list, h.entity_id))
            .collect();
        return Err(Error::Usage(format!(
            "screening the evidence against the lists gives {} no hit on {list}:{entity} (its hits: {}); a decision is recorded only on a hit the screening gives",
            r.party,
            if found.is_empty() { "none".to_owned() } else { found.join(", ") }
        )));
    };
    if decision == Decision::FalsePositive && hit.basis == "identifier" && !is_a_sentence(r.reason)
    {
        return Err(Error::Usage(format!(
            "the hit rests on an identifier ({} `{}`): clearing it takes a reason of at least a sentence ({IDENTIFIER_REASON_WORDS} words or more)",
            hit.matched_field, hit.matched
        )));
    }
    let listed = matcher
        .snapshot
        .entities
        .get(hit.entity_index)
        .ok_or_else(|| Error::Usage(format!("the listing of {list}:{entity} could not be read")))?;
    Ok(Disposition {
        party: party.id.clone(),
        party_name: party.name.clone(),
        party_fingerprint: party_fingerprint(party),
        list: hit.list.clone(),
        entity: hit.entity_id.clone(),
        matched: hit.matched.clone(),
        entity_fingerprint: entity_fingerprint(listed),
        decision,
        by: r.by.trim().to_owned(),
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        reason: r.reason.trim().to_owned(),
        expires: r.expires,
    })
}
