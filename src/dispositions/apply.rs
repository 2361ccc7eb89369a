//! Dispositions applied to one party's hits: which are cleared, which
//! confirmed, and which decisions no longer hold and why.

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    entity_fingerprint, is_a_sentence, party_fingerprint, Decision, Disposition, Dispositions,
};
use crate::evidence::Party;
use crate::lists::model::Entity;
use crate::matching::search::Hit;

/// A hit cleared as a false positive: kept in the verdict with the
/// decision, raising no finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClearedHit {
    pub hit: Hit,
    pub disposition: Disposition,
}

/// A decision on a hit that still counts: confirmed, or one that no
/// longer holds (the hit counts as if undecided, and the policy says so).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HitDecision {
    pub list: String,
    pub entity_id: String,
    pub status: Status,
    /// One sentence for people: who decided what, or why it no longer
    /// holds.
    pub note: String,
    pub disposition: Disposition,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Confirmed, and still holds.
    Confirmed,
    /// No longer holds: past its expiry date.
    Expired,
    /// No longer holds: the listing changed since the decision.
    ListingChanged,
    /// No longer holds: the party's name or identifiers changed.
    PartyChanged,
    /// No longer holds: the hit now rests on another name or identifier.
    MatchChanged,
    /// Never held: an identifier hit cleared without a sentence of reason.
    ReasonTooShort,
}

impl Status {
    pub fn applied(self) -> bool {
        self == Status::Confirmed
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "confirmed",
            Status::Expired => "expired",
            Status::ListingChanged => "listing-changed",
            Status::PartyChanged => "party-changed",
            Status::MatchChanged => "match-changed",
            Status::ReasonTooShort => "reason-too-short",
        }
    }
}

/// One party's hits after its dispositions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Hits that count: undecided, confirmed, or decided on what changed.
    pub hits: Vec<Hit>,
    pub cleared: Vec<ClearedHit>,
    /// The decisions on `hits`, in their order.
    pub decisions: Vec<HitDecision>,
}

impl Applied {
    /// Hits with no decisions.
    pub fn undecided(hits: Vec<Hit>) -> Applied {
        Applied {
            hits,
            ..Applied::default()
        }
    }

    /// The decision on a counting hit, if any.
    pub fn decision(&self, hit: &Hit) -> Option<&HitDecision> {
        self.decisions
            .iter()
            .find(|d| d.list == hit.list && d.entity_id == hit.entity_id)
    }
}

/// The day a decision was taken, from its RFC 3339 time.
fn day(d: &Disposition) -> &str {
    d.at.get(..10).unwrap_or(&d.at)
}

/// Why `d` no longer holds on `as_of` whatever the party: it expired, or
/// the entity it names (`entity`, as listed now) is gone or changed.
pub fn lapsed_listing(
    d: &Disposition,
    entity: Option<&Entity>,
    as_of: NaiveDate,
) -> Option<(Status, String)> {
    let decided = format!("{} by {} on {}", d.decision.as_str(), d.by, day(d));
    if let Some(expires) = d.expires.filter(|e| *e < as_of) {
        return Some((
            Status::Expired,
            format!("the decision ({decided}) expired on {expires}"),
        ));
    }
    let Some(entity) = entity else {
        return Some((
            Status::ListingChanged,
            format!(
                "{}:{} is no longer listed (the decision: {decided})",
                d.list, d.entity
            ),
        ));
    };
    if entity_fingerprint(entity) != d.entity_fingerprint {
        return Some((
            Status::ListingChanged,
            format!(
                "the listing of {}:{} changed since the decision ({decided})",
                d.list, d.entity
            ),
        ));
    }
    None
}

/// Why `d` does not hold for `hit` of `party` on `as_of`, if it does not.
fn lapsed(
    d: &Disposition,
    party: &Party,
    hit: &Hit,
    entity: Option<&Entity>,
    as_of: NaiveDate,
) -> Option<(Status, String)> {
    if let Some(lapse) = lapsed_listing(d, entity, as_of) {
        return Some(lapse);
    }
    let decided = format!("{} by {} on {}", d.decision.as_str(), d.by, day(d));
    if party_fingerprint(party) != d.party_fingerprint {
        return Some((
            Status::PartyChanged,
            format!("the party's name or identifiers changed since the decision ({decided})"),
        ));
    }
    if hit.matched != d.matched {
        return Some((
            Status::MatchChanged,
            format!(
                "the hit now rests on '{}', the decision ({decided}) was on '{}'",
                hit.matched, d.matched
            ),
        ));
    }
    if d.decision == Decision::FalsePositive
        && hit.basis == "identifier"
        && !is_a_sentence(&d.reason)
    {
        return Some((
            Status::ReasonTooShort,
            format!(
                "an identifier hit is cleared only with a reason of at least a sentence; the decision ({decided}) gives '{}'",
                d.reason
            ),
        ));
    }
    None
}

/// Apply `dispositions` to `party`'s `hits`, screened on `as_of` against
/// lists whose entities are `entities` (as `Hit::entity_index` counts).
pub fn apply(
    party: &Party,
    hits: Vec<Hit>,
    dispositions: &Dispositions,
    entities: &[Entity],
    as_of: NaiveDate,
) -> Applied {
    let mut out = Applied::default();
    for hit in hits {
        let Some(d) = dispositions.find(&party.id, &hit.list, &hit.entity_id) else {
            out.hits.push(hit);
            continue;
        };
        let entity = entities.get(hit.entity_index);
        let (status, note) = match lapsed(d, party, &hit, entity, as_of) {
            None if d.decision == Decision::FalsePositive => {
                out.cleared.push(ClearedHit {
                    hit,
                    disposition: d.clone(),
                });
                continue;
            }
            None => (
                Status::Confirmed,
                format!("confirmed by {} on {}: {}", d.by, day(d), d.reason),
            ),
            Some(lapsed) => lapsed,
        };
        out.decisions.push(HitDecision {
            list: hit.list.clone(),
            entity_id: hit.entity_id.clone(),
            status,
            note,
            disposition: d.clone(),
        });
        out.hits.push(hit);
    }
    out
}
