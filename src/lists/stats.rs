//! Counts over a snapshot, per list and in total (`vetter lists stats`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::identity::{EntityCounts, ListIdentity};
use super::model::Entity;
use super::Snapshot;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub entities: EntityCounts,
    pub aliases_strong: usize,
    pub aliases_weak: usize,
    /// Address rows, including OFAC's all-null placeholder rows.
    pub addresses: usize,
    /// Address rows with at least a street, city or country.
    pub addresses_nonempty: usize,
    pub websites: usize,
    pub emails: usize,
    pub crypto_addresses: usize,
    pub documents: usize,
    pub birth_dates: usize,
    pub linked_to: usize,
    /// Entities whose Remarks were cut and could not be rebuilt.
    pub remarks_truncated: usize,
    pub fto: usize,
    pub sdgt: usize,
    /// Entities per program tag.
    pub programs: BTreeMap<String, usize>,
}

impl Counts {
    fn add(&mut self, e: &Entity) {
        self.entities.total += 1;
        match e.kind {
            super::model::EntityKind::Individual => self.entities.individual += 1,
            super::model::EntityKind::Entity => self.entities.entity += 1,
            super::model::EntityKind::Vessel => self.entities.vessel += 1,
            super::model::EntityKind::Aircraft => self.entities.aircraft += 1,
        }
        self.aliases_weak += e.weak_aliases().count();
        self.aliases_strong += e.strong_aliases().count();
        self.addresses += e.addresses.len();
        self.addresses_nonempty += e.addresses.iter().filter(|a| !a.is_empty()).count();
        self.websites += e.facts.websites.len();
        self.emails += e.facts.emails.len();
        self.crypto_addresses += e.facts.crypto_addresses.len();
        self.documents += e.facts.documents.len();
        self.birth_dates += e.facts.birth_dates.len();
        self.linked_to += e.facts.linked_to.len();
        self.remarks_truncated += usize::from(e.remarks_truncated);
        self.fto += usize::from(e.has_program("FTO"));
        self.sdgt += usize::from(e.has_program("SDGT"));
        for p in &e.programs {
            *self.programs.entry(p.clone()).or_default() += 1;
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ListStats {
    pub identity: ListIdentity,
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub lists: Vec<ListStats>,
    pub total: Counts,
    pub warnings: Vec<String>,
}

pub fn compute(snapshot: &Snapshot) -> Stats {
    let mut per_list: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    for e in &snapshot.entities {
        per_list.entry(e.list.as_str()).or_default().add(e);
        total.add(e);
    }
    Stats {
        lists: snapshot
            .lists
            .iter()
            .map(|identity| ListStats {
                counts: per_list.remove(identity.name.as_str()).unwrap_or_default(),
                identity: identity.clone(),
            })
            .collect(),
        total,
        warnings: snapshot.warnings.clone(),
    }
}
