//! The read-only view a rule receives as `ctx` (docs/rules-api.md).
//!
//! `ctx` and its parties are host types, not Rhai maps: a rule reads them
//! through getters, so a vendor with a hundred thousand customers costs
//! nothing to hand to each rule (no copy), and the sandbox's size limits
//! count only what a script builds, never the evidence it is given.

use std::collections::HashSet;
use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, FnPtr, NativeCallContext};
use serde::Serialize;

use crate::dispositions::apply::{Applied, ClearedHit, HitDecision};
use crate::evidence::{Customer, Evidence, Party};
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
    /// Read by an official loader and named in `official_lists`.
    pub official: bool,
    /// `name` or `identifier` (see `search::Hit::basis`).
    pub basis: String,
    /// How the identifiers relate, for an identifier hit; else empty.
    pub relation: String,
    /// A reviewer's decision on the hit: empty for none, `confirmed`,
    /// `false-positive` (cleared hits only), or why a decision no longer
    /// holds (`expired`, `listing-changed`, `party-changed`,
    /// `match-changed`, `reason-too-short`).
    pub disposition: String,
    /// The decision in a sentence: who decided what, or why it no longer
    /// holds. Empty for none.
    pub disposition_note: String,
}

impl RuleHit {
    fn decided(h: &Hit, official: bool, d: Option<&HitDecision>) -> RuleHit {
        let mut hit = RuleHit::new(h, official);
        if let Some(d) = d {
            hit.disposition = d.status.as_str().to_owned();
            hit.disposition_note = d.note.clone();
        }
        hit
    }

    fn cleared(c: &ClearedHit, official: bool) -> RuleHit {
        let d = &c.disposition;
        let mut hit = RuleHit::new(&c.hit, official);
        hit.disposition = d.decision.as_str().to_owned();
        hit.disposition_note = format!(
            "cleared as a false positive by {} on {}: {}",
            d.by,
            d.at.get(..10).unwrap_or(&d.at),
            d.reason
        );
        hit
    }

    fn new(h: &Hit, official: bool) -> RuleHit {
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
            official,
            basis: h.basis.to_owned(),
            relation: h.relation.clone().unwrap_or_default(),
            disposition: String::new(),
            disposition_note: String::new(),
        }
    }
}

/// A list as rules see it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleList {
    pub name: String,
    /// Read by an official loader and named in `official_lists`.
    pub official: bool,
    pub complete: bool,
    pub sample: bool,
    pub missing_files: Vec<String>,
    pub skipped_rows: usize,
    pub cut_remarks: usize,
    /// What keeps the list from being whole, one sentence each.
    pub problems: Vec<String>,
    /// `YYYY-MM-DD`, or empty when unknown.
    pub publication_date: String,
}

/// A screened party (the vendor or a customer).
#[derive(Debug, Clone)]
pub struct RuleParty(Arc<PartyData>);

#[derive(Debug)]
struct PartyData {
    id: String,
    name: String,
    kind: String,
    aliases: Array,
    country: String,
    websites: Array,
    sources: Array,
    service: String,
    first_seen: String,
    last_seen: String,
    still_served: Dynamic,
    /// Some form of the name holds letters or digits to match.
    screenable: bool,
    hits: Array,
    /// Hits cleared as false positives: no rule needs them to decide,
    /// but one may cite them.
    cleared: Array,
}

/// The customers: iterable, indexable, with `len`, `is_empty`, `filter`.
#[derive(Debug, Clone)]
pub struct RuleParties(Arc<Vec<RuleParty>>);

impl IntoIterator for RuleParties {
    type Item = RuleParty;
    type IntoIter = PartiesIter;
    fn into_iter(self) -> PartiesIter {
        PartiesIter {
            parties: self.0,
            next: 0,
        }
    }
}

pub struct PartiesIter {
    parties: Arc<Vec<RuleParty>>,
    next: usize,
}

impl Iterator for PartiesIter {
    type Item = RuleParty;
    fn next(&mut self) -> Option<RuleParty> {
        let p = self.parties.get(self.next).cloned();
        self.next += 1;
        p
    }
}

/// `ctx` itself.
#[derive(Debug, Clone)]
pub struct Context(Arc<ContextData>);

#[derive(Debug)]
struct ContextData {
    as_of: String,
    vendor: RuleParty,
    customers: RuleParties,
    customers_with_hits: Array,
    policies: Dynamic,
    notifications: Dynamic,
    sources: Dynamic,
    lists: Dynamic,
    settings: Dynamic,
    /// Ids a finding may cite: `vendor`, `policies`, customer ids.
    ids: HashSet<String>,
}

fn strings(items: &[String]) -> Array {
    items.iter().map(|s| Dynamic::from(s.clone())).collect()
}

fn to_dynamic<T: Serialize>(value: &T) -> Result<Dynamic, String> {
    rhai::serde::to_dynamic(value).map_err(|e| e.to_string())
}

/// Whether a hit's list is official: read by the official loader and
/// named in the policy's `official_lists`.
pub fn is_official(list: &str, lists: &[ListIdentity], settings: &Settings) -> bool {
    settings.programs.official_lists.iter().any(|l| l == list)
        && lists
            .iter()
            .any(|l| l.name == list && crate::lists::is_official_format(l))
}

/// The lists as rules see them.
pub fn lists_view(lists: &[ListIdentity], settings: &Settings) -> Vec<RuleList> {
    lists
        .iter()
        .map(|l| RuleList {
            name: l.name.clone(),
            official: is_official(&l.name, lists, settings),
            complete: l.complete,
            sample: l.sample,
            missing_files: l.missing_files.clone(),
            skipped_rows: l.skipped_rows,
            cut_remarks: l.cut_remarks.len(),
            problems: l.problems(),
            publication_date: l
                .publication_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
        })
        .collect()
}

fn party(
    p: &Party,
    customer: Option<&Customer>,
    (applied, screenable): (&Applied, bool),
    lists: &[ListIdentity],
    settings: &Settings,
) -> Result<RuleParty, String> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let official = |list: &str| is_official(list, lists, settings);
    let hits = applied
        .hits
        .iter()
        .map(|h| to_dynamic(&RuleHit::decided(h, official(&h.list), applied.decision(h))))
        .collect::<Result<Array, String>>()?;
    let cleared = applied
        .cleared
        .iter()
        .map(|c| to_dynamic(&RuleHit::cleared(c, official(&c.hit.list))))
        .collect::<Result<Array, String>>()?;
    Ok(RuleParty(Arc::new(PartyData {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        aliases: strings(&p.aliases),
        country: p.country.clone().unwrap_or_default(),
        websites: strings(&p.websites),
        sources: strings(&p.sources),
        service: customer.and_then(|c| c.service.clone()).unwrap_or_default(),
        first_seen: date(customer.and_then(|c| c.first_seen)),
        last_seen: date(customer.and_then(|c| c.last_seen)),
        still_served: customer
            .and_then(|c| c.still_served)
            .map_or(Dynamic::UNIT, Dynamic::from),
        screenable,
        hits,
        cleared,
    })))
}

impl Context {
    /// Build the view of one screening: evidence, what screening each
    /// party gave (its hits, and whether its name could be screened; the
    /// customers in evidence order) and the lists.
    pub fn new(
        as_of: chrono::NaiveDate,
        ev: &Evidence,
        vendor: (&Applied, bool),
        customers: &[(Applied, bool)],
        lists: &[ListIdentity],
        settings: &Settings,
    ) -> Result<Context, String> {
        let vendor = party(&ev.vendor, None, vendor, lists, settings)?;
        let customers: Vec<RuleParty> = ev
            .customers
            .iter()
            .zip(customers)
            .map(|(c, (h, named))| party(&c.party, Some(c), (h, *named), lists, settings))
            .collect::<Result<_, String>>()?;
        let customers_with_hits = customers
            .iter()
            .filter(|c| !c.0.hits.is_empty())
            .map(|c| Dynamic::from(c.clone()))
            .collect();
        let mut ids: HashSet<String> = ev.customers.iter().map(|c| c.party.id.clone()).collect();
        ids.insert("vendor".to_owned());
        ids.insert("policies".to_owned());
        Ok(Context(Arc::new(ContextData {
            as_of: as_of.to_string(),
            vendor,
            customers: RuleParties(Arc::new(customers)),
            customers_with_hits,
            policies: to_dynamic(&ev.policies)?,
            notifications: to_dynamic(&ev.notifications)?,
            sources: to_dynamic(&ev.sources)?,
            lists: to_dynamic(&lists_view(lists, settings))?,
            settings: to_dynamic(settings)?,
            ids,
        })))
    }

    /// Whether a finding may cite `id`.
    pub fn knows_id(&self, id: &str) -> bool {
        self.0.ids.contains(id)
    }
}

/// Register the view's types and their getters with the engine.
pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Context>("Context")
        .register_get("as_of", |c: &mut Context| c.0.as_of.clone())
        .register_get("vendor", |c: &mut Context| c.0.vendor.clone())
        .register_get("customers", |c: &mut Context| c.0.customers.clone())
        .register_get("customers_with_hits", |c: &mut Context| {
            c.0.customers_with_hits.clone()
        })
        .register_get("policies", |c: &mut Context| c.0.policies.clone())
        .register_get("notifications", |c: &mut Context| c.0.notifications.clone())
        .register_get("sources", |c: &mut Context| c.0.sources.clone())
        .register_get("lists", |c: &mut Context| c.0.lists.clone())
        .register_get("settings", |c: &mut Context| c.0.settings.clone());

    engine
        .register_type_with_name::<RuleParty>("Party")
        .register_get("id", |p: &mut RuleParty| p.0.id.clone())
        .register_get("name", |p: &mut RuleParty| p.0.name.clone())
        .register_get("kind", |p: &mut RuleParty| p.0.kind.clone())
        .register_get("aliases", |p: &mut RuleParty| p.0.aliases.clone())
        .register_get("country", |p: &mut RuleParty| p.0.country.clone())
        .register_get("websites", |p: &mut RuleParty| p.0.websites.clone())
        .register_get("sources", |p: &mut RuleParty| p.0.sources.clone())
        .register_get("service", |p: &mut RuleParty| p.0.service.clone())
        .register_get("first_seen", |p: &mut RuleParty| p.0.first_seen.clone())
        .register_get("last_seen", |p: &mut RuleParty| p.0.last_seen.clone())
        .register_get("still_served", |p: &mut RuleParty| p.0.still_served.clone())
        .register_get("screenable", |p: &mut RuleParty| p.0.screenable)
        .register_get("hits", |p: &mut RuleParty| p.0.hits.clone())
        .register_get("cleared", |p: &mut RuleParty| p.0.cleared.clone())
        .register_fn("to_string", |p: &mut RuleParty| format!("party {}", p.0.id));

    engine
        .register_type_with_name::<RuleParties>("Parties")
        .register_iterator::<RuleParties>()
        .register_fn("len", |l: &mut RuleParties| l.0.len() as i64)
        .register_fn("is_empty", |l: &mut RuleParties| l.0.is_empty())
        .register_indexer_get(
            |l: &mut RuleParties, i: i64| -> Result<RuleParty, Box<rhai::EvalAltResult>> {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| l.0.get(i))
                    .cloned()
                    .ok_or_else(|| format!("no customer at index {i}").into())
            },
        )
        .register_fn(
            "filter",
            |ctx: NativeCallContext,
             l: &mut RuleParties,
             f: FnPtr|
             -> Result<Array, Box<rhai::EvalAltResult>> {
                let mut out = Array::new();
                for p in l.0.iter() {
                    if f.call_within_context::<bool>(&ctx, (p.clone(),))? {
                        out.push(Dynamic::from(p.clone()));
                    }
                }
                Ok(out)
            },
        );
}
