//! Screening one query (a name and/or identifiers, with optional country,
//! kind and date of birth) against a snapshot: hits with explanations.
//!
//! Pure: (query, matcher, settings) → hits. No IO, no clock.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::candidates::bound::QueryBound;
use super::candidates::index::{Form, Index, IndexedName};
use super::candidates::Scratch;
use super::countries;
use super::identifiers::{codes, normalize_crypto, normalize_email, parse_site, relate, Site};
use super::names::compare::{Alignment, NameComparison, Rarity, PARAMS};
use super::names::normalize::{normalize, Name, NameKind, Token};
use crate::lists::model::{Entity, EntityKind};
use crate::lists::Snapshot;

/// Scores are rounded to 4 decimals after the bound is taken: a bound this
/// far below the threshold cannot round up to it.
const BOUND_MARGIN: f64 = 1e-4;

/// How many candidates ahead a search asks for what its bound reads of
/// words beyond their sketch (see `Index::read_ahead` for the sketch).
const ROWS_AHEAD: usize = 2;

/// What is known about the party being screened.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Query {
    pub name: Option<String>,
    pub kind: NameKind,
    pub countries: Vec<String>,
    pub birth_date: Option<NaiveDate>,
    pub websites: Vec<String>,
    pub emails: Vec<String>,
    pub crypto: Vec<String>,
    /// Vessel and aircraft identifiers: IMO and MMSI numbers, call signs,
    /// aircraft registrations; matched whole.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Hits scoring below this are not reported.
    pub threshold: f64,
    /// At most this many hits per query (0 = all).
    pub limit: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: super::DEFAULT_THRESHOLD,
            limit: 10,
        }
    }
}

/// A qualifier that moved the score, e.g. a country mismatch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Qualifier {
    /// `kind`, `country`, `birth-date`.
    pub factor: &'static str,
    /// Added to the score (negative lowers it; 0 confirms).
    pub effect: f64,
    pub detail: String,
}

/// An identifier that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentifierMatch {
    /// `website`, `email`, `crypto`, `code` (IMO, MMSI, call sign,
    /// aircraft registration).
    pub kind: &'static str,
    pub query: String,
    pub listed: String,
    pub relation: String,
    /// The query's identifier is the listed one (same address, host,
    /// page, a subdomain of the listed host): an identity hit, strong
    /// whatever names, kinds or countries say. Otherwise a possible link
    /// (a sibling host, the parent domain), for review.
    pub identity: bool,
    pub score: f64,
}

/// Why a hit was reported: everything an auditor needs without rerunning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    /// The best name comparison (query name vs the matched list name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<NameComparison>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<IdentifierMatch>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub qualifiers: Vec<Qualifier>,
    /// Weak aliases that also match (they corroborate; never a hit alone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weak_aliases: Vec<String>,
    /// One line in words.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub list: String,
    /// The list's own id (OFAC ent_num).
    pub entity_id: String,
    /// The entity's primary name.
    pub name: String,
    pub entity_kind: EntityKind,
    pub programs: Vec<String>,
    /// The alias or identifier that matched (the primary name if that did).
    pub matched: String,
    /// `name`, `alias`, `website`, `email`, `crypto`, `code`.
    pub matched_field: &'static str,
    /// What the hit rests on: `name` (a scored name comparison) or
    /// `identifier` (see `IdentifierMatch::identity`).
    pub basis: &'static str,
    /// For an identifier hit, how the identifiers relate (`same host`,
    /// `identical`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    pub score: f64,
    pub why: Why,
    /// Other lists carrying the same entry (SDN and consolidated share ids).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_listed_on: Vec<String>,
    /// Index of the entity in the snapshot (not serialised).
    #[serde(skip)]
    pub entity_index: usize,
}

/// Which names a search aligns with the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// Names the index finds, less those whose score bound is too low.
    Indexed,
    /// Every name, less those whose score bound is too low.
    AllNames,
    /// Every name, fully aligned: the definition the others must equal
    /// (for tests; slow).
    Reference,
}

/// Everything derived from a snapshot for matching; build once, share.
pub struct Matcher<'s> {
    pub snapshot: &'s Snapshot,
    pub index: Index,
    sites: Vec<(Site, u32, String)>,
    sites_by_domain: HashMap<String, Vec<u32>>,
    emails: HashMap<String, Vec<(u32, String)>>,
    crypto: HashMap<String, Vec<(u32, String)>>,
    codes: HashMap<String, Vec<(u32, String)>>,
    /// Scratch space of finished searches, kept for the next ones: a new
    /// one is zeroed to the index's size, which costs more than a small
    /// search. It belongs to this index (its probe cache is the index's).
    scratches: std::sync::Mutex<Vec<Scratch>>,
}

/// Scratch space lent by a matcher; returned to it when dropped.
pub struct LentScratch<'m> {
    pool: &'m std::sync::Mutex<Vec<Scratch>>,
    scratch: Option<Scratch>,
}

/// Scratch spaces a matcher keeps at most.
const KEPT_SCRATCHES: usize = 16;

impl std::ops::Deref for LentScratch<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.scratch.as_ref().expect("lent until dropped")
    }
}

impl std::ops::DerefMut for LentScratch<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.scratch.as_mut().expect("lent until dropped")
    }
}

impl Drop for LentScratch<'_> {
    fn drop(&mut self) {
        if let (Some(s), Ok(mut pool)) = (self.scratch.take(), self.pool.lock()) {
            if pool.len() < KEPT_SCRATCHES {
                pool.push(s);
            }
        }
    }
}

fn entity_name_kind(kind: EntityKind) -> NameKind {
    match kind {
        EntityKind::Individual => NameKind::Person,
        EntityKind::Entity => NameKind::Organization,
        EntityKind::Vessel | EntityKind::Aircraft => NameKind::Vessel,
    }
}

impl<'s> Matcher<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Matcher<'s> {
        // An aircraft registration given as a name is a code: matched
        // whole with the identifiers, never as a name.
        let names = snapshot.entities.iter().enumerate().flat_map(|(i, e)| {
            let kind = entity_name_kind(e.kind);
            std::iter::once((i as u32, Form::Primary, e.name.as_str(), kind))
                .chain(e.aliases.iter().enumerate().map(move |(j, a)| {
                    let form = if a.kind.is_weak() {
                        Form::Weak(j as u32)
                    } else {
                        Form::Alias(j as u32)
                    };
                    (i as u32, form, a.name.as_str(), kind)
                }))
                .filter(move |(_, _, name, _)| !codes::name_is_code(e.kind, name))
        });
        Matcher::with_index(snapshot, Index::build(names))
    }

    /// Scratch space for searches of this matcher, one kept from an
    /// earlier search when there is one.
    pub fn scratch(&self) -> LentScratch<'_> {
        let kept = self.scratches.lock().ok().and_then(|mut p| p.pop());
        LentScratch {
            pool: &self.scratches,
            scratch: Some(kept.unwrap_or_default()),
        }
    }

    /// A matcher over an index built before for this snapshot (see
    /// `store::index_cache`); only the identifier tables are made again.
    pub fn with_index(snapshot: &'s Snapshot, index: Index) -> Matcher<'s> {
        let mut m = Matcher {
            snapshot,
            index,
            sites: Vec::new(),
            sites_by_domain: HashMap::new(),
            emails: HashMap::new(),
            crypto: HashMap::new(),
            codes: HashMap::new(),
            scratches: std::sync::Mutex::new(Vec::new()),
        };
        for (i, e) in snapshot.entities.iter().enumerate() {
            let i = i as u32;
            for w in &e.facts.websites {
                if let Some(site) = parse_site(w) {
                    let key = site.registrable().unwrap_or_else(|| site.host.clone());
                    m.sites_by_domain
                        .entry(key)
                        .or_default()
                        .push(m.sites.len() as u32);
                    m.sites.push((site, i, w.clone()));
                }
            }
            for x in &e.facts.emails {
                if let Some(n) = normalize_email(x) {
                    m.emails.entry(n).or_default().push((i, x.clone()));
                }
            }
            for code in codes::of(e) {
                if let Some(k) = codes::key(&code) {
                    m.codes.entry(k).or_default().push((i, code));
                }
            }
            for c in &e.facts.crypto_addresses {
                if let Some(n) = normalize_crypto(&c.address) {
                    m.crypto
                        .entry(n)
                        .or_default()
                        .push((i, format!("{} {}", c.currency, c.address)));
                }
            }
        }
        m
    }

    /// Screen one query.
    pub fn search(&self, query: &Query, settings: &Settings, scratch: &mut Scratch) -> Vec<Hit> {
        // Names without a distinctive pair are capped at exactly 0.5, and the
        // index finds only distinctive pairs: at or below 0.5, score all.
        let scan = if settings.threshold <= 0.5 {
            Scan::AllNames
        } else {
            Scan::Indexed
        };
        self.search_with(query, settings, scratch, scan)
    }

    pub fn search_with(
        &self,
        query: &Query,
        settings: &Settings,
        scratch: &mut Scratch,
        scan: Scan,
    ) -> Vec<Hit> {
        // entity index → best name alignment (score, name id, alignment)
        let mut best: BTreeMap<u32, (f64, u32, Alignment)> = BTreeMap::new();
        let mut weak: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut ids: BTreeMap<u32, Vec<IdentifierMatch>> = BTreeMap::new();
        self.identifier_hits(query, &mut ids);
        let qname = query.name.as_deref().map(|n| {
            let mut name = normalize(n, query.kind);
            self.index.stats.apply(&mut name);
            name
        });
        if let Some(qn) = qname.as_ref().filter(|q| !q.tokens.is_empty()) {
            if scan != Scan::Indexed {
                scratch.candidates.clear();
                scratch.candidates.extend(0..self.index.names.len() as u32);
            } else {
                self.index.candidates(qn, scratch);
            }
            // The reference scan aligns every name: its bounds go unread.
            let look_up = scan != Scan::Reference
                && super::candidates::bound::worth_looking_up(scratch.candidates.len());
            let bounds = QueryBound::new(qn, &PARAMS, &self.index, &mut scratch.bounds, look_up);
            let memo = &mut scratch.pairs;
            memo.start(self.index.words.len());
            // Entities hit by an identifier keep their best name for the
            // explanation; the reference scan aligns every name.
            let below = |bound: f64| bound + BOUND_MARGIN < settings.threshold;
            // Words in an abjad meet Latin ones by a comparison the bounds
            // do not model: such a query's candidates are all aligned.
            let abjad = qn.tokens.iter().any(|t| t.abjad);
            let bounded = |id: u32| {
                scan != Scan::Reference
                    && !abjad
                    && !ids.contains_key(&self.index.sketches[id as usize].entity)
            };
            // Bounds read sketches scattered over the index: each pass asks
            // for them a few candidates ahead.
            if bounds.is_rough() && scan != Scan::Reference {
                // Most candidates share one common word: the rough bound
                // rules most out before any word is compared.
                let candidates = &mut scratch.candidates;
                let mut kept = 0;
                for k in 0..candidates.len() {
                    self.index.read_ahead(candidates, k);
                    let id = candidates[k];
                    if !bounded(id) || !below(bounds.rough(&self.index, id, &scratch.bounds)) {
                        candidates[kept] = id;
                        kept += 1;
                    }
                }
                candidates.truncate(kept);
            }
            let candidates = &scratch.candidates;
            for (k, &id) in candidates.iter().enumerate() {
                self.index.read_ahead(candidates, k);
                if let Some(&ahead) = candidates.get(k + ROWS_AHEAD) {
                    bounds.prefetch_rows(&self.index, ahead, &scratch.bounds);
                }
                if bounded(id) && below(bounds.bound(&self.index, id, &mut scratch.bounds)) {
                    continue;
                }
                let n = &self.index.names[id as usize];
                let mut pair_sim = |i: usize, _: &Token, y: &Token| memo.sim(qn, i, y, &PARAMS);
                let alignment =
                    super::names::compare::align_with(qn, &n.name, &PARAMS, &mut pair_sim);
                let score = vessel_limit(qn, &n.name, &alignment);
                if score < settings.threshold.min(0.5) {
                    continue;
                }
                if matches!(n.form, Form::Weak(_)) {
                    if score >= settings.threshold {
                        weak.entry(n.entity).or_default().push(id);
                    }
                    continue;
                }
                // The first of equal scores stays, as the explanation's name.
                match best.entry(n.entity) {
                    Entry::Vacant(slot) => {
                        slot.insert((score, id, alignment));
                    }
                    Entry::Occupied(mut slot) if score > slot.get().0 => {
                        slot.insert((score, id, alignment));
                    }
                    Entry::Occupied(_) => {}
                }
            }
            bounds.recycle(&mut scratch.bounds);
            self.drop_acronyms_spelled_otherwise(qn, &mut best, settings.threshold);
        }

        let mut hits = Vec::new();
        let entities: std::collections::BTreeSet<u32> =
            best.keys().chain(ids.keys()).copied().collect();
        for ent in entities {
            let entity = &self.snapshot.entities[ent as usize];
            let mut qualifiers = qualify(query, entity);
            // A listed vessel or aircraft against a query that is not one.
            if let Some((limited, _, alignment)) = best.get(&ent) {
                if *limited < alignment.score {
                    qualifiers.push(Qualifier {
                        factor: "kind",
                        effect: super::names::compare::round4(limited - alignment.score),
                        detail: if *limited == 0.0 {
                            "the listed party is a vessel or aircraft and shares only some words with the query".to_owned()
                        } else {
                            format!("the listed party is a vessel or aircraft: at most a possible match ({POSSIBLE_VESSEL:.2})")
                        },
                    });
                }
            }
            // A name score is weighed with what else the query says (kind,
            // country, birth date); an identifier is an identity or not,
            // and disagreements are reported, not subtracted.
            let by_name = best.get(&ent).map(|(_, id, alignment)| {
                let n = &self.index.names[*id as usize];
                let field = if n.form == Form::Primary {
                    "name"
                } else {
                    "alias"
                };
                let adjusted = (alignment.score + qualifiers.iter().map(|q| q.effect).sum::<f64>())
                    .clamp(0.0, 1.0);
                (
                    super::names::compare::round4(adjusted),
                    n.text().to_owned(),
                    field,
                )
            });
            let identifiers = ids.remove(&ent).unwrap_or_default();
            let by_identifier = identifiers
                .iter()
                .max_by(|a, b| a.score.total_cmp(&b.score).then(b.listed.cmp(&a.listed)));
            let (score, matched, field, basis, relation) = match (by_name, by_identifier) {
                (Some((ns, text, field)), Some(top)) if ns >= top.score => {
                    (ns, text, field, "name", None)
                }
                (_, Some(top)) => (
                    top.score,
                    top.listed.clone(),
                    top.kind,
                    "identifier",
                    Some(top.relation.clone()),
                ),
                (Some((ns, text, field)), None) => (ns, text, field, "name", None),
                (None, None) => continue,
            };
            if score < settings.threshold {
                continue;
            }
            let weak_aliases: Vec<String> = weak
                .get(&ent)
                .map(|v| {
                    v.iter()
                        .map(|id| self.index.names[*id as usize].text().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let summary = summarize(
                field,
                &matched,
                score,
                &identifiers,
                &qualifiers,
                &weak_aliases,
            );
            hits.push(Hit {
                list: entity.list.clone(),
                entity_id: entity.id.clone(),
                name: entity.name.clone(),
                entity_kind: entity.kind,
                programs: entity.programs.iter().cloned().collect(),
                matched,
                matched_field: field,
                basis,
                relation,
                score,
                why: Why {
                    name: None,
                    identifiers,
                    qualifiers,
                    weak_aliases,
                    summary,
                },
                also_listed_on: Vec::new(),
                entity_index: ent as usize,
            });
        }
        fold_duplicates(&mut hits, &self.snapshot.entities);
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.list.cmp(&b.list))
                .then_with(|| id_order(&a.entity_id).cmp(&id_order(&b.entity_id)))
        });
        if settings.limit > 0 {
            hits.truncate(settings.limit);
        }
        // Explaining an alignment costs more than making it: only for
        // hits kept, each with its entity's best name.
        if let Some(qn) = qname.as_ref() {
            for h in &mut hits {
                if let Some((_, id, alignment)) = best.get(&(h.entity_index as u32)) {
                    let n = &self.index.names[*id as usize].name;
                    h.why.name = Some(alignment.explain(qn, n));
                }
            }
        }
        hits
    }

    /// A listed acronym that the entity's own name spells out in other
    /// words is that entity's short name: a query whose initials happen
    /// to spell it (`Asia Pacific Hotel` and `APH`, short for `AUTO
    /// PARTES HANDAL`) is someone else. Such an entity keeps only what its
    /// other names score.
    fn drop_acronyms_spelled_otherwise(
        &self,
        qn: &Name,
        best: &mut BTreeMap<u32, (f64, u32, Alignment)>,
        threshold: f64,
    ) {
        let names = &self.index.names;
        let contradicted: Vec<u32> = best
            .iter()
            .filter_map(|(&ent, (_, id, alignment))| {
                let acronym = alignment.acronym_in_second(&names[*id as usize].name.tokens)?;
                let spelled_otherwise = self.entity_names(ent).any(|(other, n)| {
                    other != *id
                        && super::names::compare::acronym(&n.name.tokens)
                            .is_some_and(|(_, _, a)| a == acronym)
                });
                spelled_otherwise.then_some(ent)
            })
            .collect();
        for ent in contradicted {
            let acronym_id = best[&ent].1;
            let next = self
                .entity_names(ent)
                .filter(|(other, n)| *other != acronym_id && !matches!(n.form, Form::Weak(_)))
                .map(|(other, n)| {
                    let alignment = super::names::compare::align(qn, &n.name, &PARAMS);
                    (vessel_limit(qn, &n.name, &alignment), other, alignment)
                })
                .filter(|(score, _, _)| *score >= threshold.min(0.5))
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            match next {
                Some(found) => {
                    best.insert(ent, found);
                }
                None => {
                    best.remove(&ent);
                }
            }
        }
    }

    /// The strong and weak names of entity `ent`, with their ids (names
    /// are indexed in entity order).
    fn entity_names(&self, ent: u32) -> impl Iterator<Item = (u32, &IndexedName)> {
        let names = &self.index.names;
        let start = names.partition_point(|n| n.entity < ent);
        names[start..]
            .iter()
            .take_while(move |n| n.entity == ent)
            .enumerate()
            .map(move |(k, n)| ((start + k) as u32, n))
    }

    fn identifier_hits(&self, query: &Query, out: &mut BTreeMap<u32, Vec<IdentifierMatch>>) {
        for w in &query.websites {
            let Some(site) = parse_site(w) else { continue };
            let key = site.registrable().unwrap_or_else(|| site.host.clone());
            for &s in self.sites_by_domain.get(&key).into_iter().flatten() {
                let (listed, ent, raw) = &self.sites[s as usize];
                if let Some(rel) = relate(&site, listed) {
                    out.entry(*ent).or_default().push(IdentifierMatch {
                        kind: "website",
                        query: w.clone(),
                        listed: raw.clone(),
                        relation: rel.describe().to_owned(),
                        identity: rel.is_identity(),
                        score: rel.score(),
                    });
                }
            }
        }
        // A query name written as an aircraft registration is one too.
        let name_code = query
            .name
            .as_deref()
            .filter(|n| codes::is_registration(n))
            .map(str::to_owned);
        let query_codes: Vec<String> = query.codes.iter().cloned().chain(name_code).collect();
        for (kind, values, map) in [
            ("email", &query.emails, &self.emails),
            ("crypto", &query.crypto, &self.crypto),
            ("code", &query_codes, &self.codes),
        ] {
            for v in values {
                let norm = match kind {
                    "email" => normalize_email(v),
                    "crypto" => normalize_crypto(v),
                    _ => codes::key(v),
                };
                for (ent, listed) in norm.and_then(|n| map.get(&n)).into_iter().flatten() {
                    out.entry(*ent).or_default().push(IdentifierMatch {
                        kind,
                        query: v.clone(),
                        listed: listed.clone(),
                        relation: "identical".to_owned(),
                        identity: true,
                        score: 1.0,
                    });
                }
            }
        }
    }
}

/// A listed vessel or aircraft is a thing, not an organisation or a
/// person: one word in common (`Sunrise Dental Clinic` and the vessel
/// `SUNRISE`) makes no hit, and a company of the same name as a vessel is
/// at most a possible match.
fn vessel_limit(query: &Name, listed: &Name, alignment: &Alignment) -> f64 {
    if listed.kind != NameKind::Vessel || query.kind == NameKind::Vessel {
        return alignment.score;
    }
    if alignment.unpaired_distinctive(&query.tokens, true) > 0 {
        return 0.0;
    }
    alignment.score.min(POSSIBLE_VESSEL)
}

/// The highest score a vessel or aircraft reaches against a query that is
/// not one: below the strong line.
pub const POSSIBLE_VESSEL: f64 = 0.8;

fn id_order(id: &str) -> (u64, &str) {
    (id.parse().unwrap_or(u64::MAX), id)
}

/// SDN and consolidated files share one numbering; the same entry on both
/// is one hit that says where else it is listed.
fn fold_duplicates(hits: &mut Vec<Hit>, entities: &[Entity]) {
    let mut keep: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        let twin = keep.iter_mut().find(|k| {
            k.list != h.list
                && k.list.starts_with("ofac-")
                && h.list.starts_with("ofac-")
                && k.entity_id == h.entity_id
                && entities[k.entity_index].name == entities[h.entity_index].name
        });
        match twin {
            Some(k) => {
                if h.score > k.score {
                    let mut h = h;
                    h.also_listed_on.push(k.list.clone());
                    *k = h;
                } else {
                    k.also_listed_on.push(h.list.clone());
                }
            }
            None => keep.push(h),
        }
    }
    *hits = keep;
}

/// Qualifiers from what the query gives: kind, country, date of birth.
pub fn qualify(query: &Query, entity: &Entity) -> Vec<Qualifier> {
    let mut out = Vec::new();
    let mismatch = match (query.kind, entity.kind) {
        (NameKind::Person, EntityKind::Entity | EntityKind::Vessel | EntityKind::Aircraft) => {
            Some("the query is a person, the listed party is not")
        }
        (NameKind::Organization, EntityKind::Individual) => {
            Some("the query is an organisation, the listed party is a person")
        }
        (NameKind::Vessel, EntityKind::Individual | EntityKind::Entity) => {
            Some("the query is a vessel or aircraft, the listed party is not")
        }
        _ => None,
    };
    if let Some(detail) = mismatch {
        out.push(Qualifier {
            factor: "kind",
            effect: -0.15,
            detail: detail.to_owned(),
        });
    }
    if !query.countries.is_empty() && !entity.countries.is_empty() {
        let listed: Vec<String> = entity.countries.iter().map(|c| countries::key(c)).collect();
        let shared: Vec<&String> = query
            .countries
            .iter()
            .filter(|c| listed.contains(&countries::key(c)))
            .collect();
        if shared.is_empty() {
            out.push(Qualifier {
                factor: "country",
                effect: -0.1,
                detail: format!(
                    "query country {} not among listed {}",
                    query.countries.join(", "),
                    entity.countries.join(", ")
                ),
            });
        } else {
            out.push(Qualifier {
                factor: "country",
                effect: 0.0,
                detail: format!(
                    "country agrees ({})",
                    shared
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    if let (Some(dob), false) = (query.birth_date, entity.facts.birth_dates.is_empty()) {
        let fits = entity
            .facts
            .birth_dates
            .iter()
            .any(|d| d.earliest <= dob && dob <= d.latest);
        let listed: Vec<&str> = entity
            .facts
            .birth_dates
            .iter()
            .map(|d| d.raw.as_str())
            .collect();
        if fits {
            out.push(Qualifier {
                factor: "birth-date",
                effect: 0.0,
                detail: format!("birth date {dob} fits listed {}", listed.join("; ")),
            });
        } else {
            out.push(Qualifier {
                factor: "birth-date",
                effect: -0.15,
                detail: format!("birth date {dob} outside listed {}", listed.join("; ")),
            });
        }
    }
    out
}

fn summarize(
    field: &str,
    matched: &str,
    score: f64,
    ids: &[IdentifierMatch],
    q: &[Qualifier],
    weak: &[String],
) -> String {
    let mut s = match field {
        "name" | "alias" => format!("{field} '{matched}' scores {score:.2}"),
        _ => {
            let rel = ids
                .iter()
                .find(|i| i.listed == matched)
                .map_or("identical", |i| i.relation.as_str());
            format!("{field} {matched} matches ({rel}), score {score:.2}")
        }
    };
    for i in ids.iter().filter(|i| i.listed != matched) {
        s.push_str(&format!("; also {} {} ({})", i.kind, i.listed, i.relation));
    }
    for x in q.iter().filter(|x| x.effect != 0.0) {
        s.push_str(&format!("; {} {:+.2}: {}", x.factor, x.effect, x.detail));
    }
    if !weak.is_empty() {
        s.push_str(&format!("; corroborated by weak alias {}", weak.join(", ")));
    }
    s
}
