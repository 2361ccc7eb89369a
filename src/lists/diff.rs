//! What changed between two snapshots (`vetter lists diff`): entities
//! added, removed and changed, keyed by (list, id).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::model::Entity;
use super::Snapshot;

#[derive(Debug, Clone, Serialize)]
pub struct EntityRef {
    pub list: String,
    pub id: String,
    pub name: String,
    pub programs: BTreeSet<String>,
}

impl From<&Entity> for EntityRef {
    fn from(e: &Entity) -> Self {
        EntityRef {
            list: e.list.clone(),
            id: e.id.clone(),
            name: e.name.clone(),
            programs: e.programs.clone(),
        }
    }
}

/// One changed field: what was there and what is there now.
#[derive(Debug, Clone, Serialize)]
pub struct FieldChange {
    pub field: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    pub entity: EntityRef,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub added: Vec<EntityRef>,
    pub removed: Vec<EntityRef>,
    pub changed: Vec<Changed>,
    /// Entities whose every field is the same.
    pub unchanged: usize,
}

type Key<'a> = (&'a str, u64, &'a str);

fn key(e: &Entity) -> Key<'_> {
    // Numeric ids sort numerically; others fall back to text order.
    (
        e.list.as_str(),
        e.id.parse().unwrap_or(u64::MAX),
        e.id.as_str(),
    )
}

/// Which companion data both snapshots hold. A field that one side could
/// not load (a partial snapshot) is not compared, or every alias of a
/// complete snapshot would show as a change against a partial one.
#[derive(Debug, Clone, Copy)]
struct Shared {
    aliases: bool,
    addresses: bool,
    comments: bool,
}

fn shared(old: &Snapshot, new: &Snapshot) -> Shared {
    let lacks = |s: &Snapshot, suffix: &str| {
        s.lists
            .iter()
            .any(|l| l.missing_files.iter().any(|f| f.ends_with(suffix)))
    };
    let both = |suffix: &str| !lacks(old, suffix) && !lacks(new, suffix);
    Shared {
        aliases: both("alt.csv"),
        addresses: both("add.csv"),
        comments: both("comments.csv"),
    }
}

/// The parts of an entity that are compared, given what both sides hold.
fn comparable(e: &Entity, shared: Shared) -> Entity {
    let mut e = e.clone();
    if !shared.aliases {
        e.aliases.retain(|a| a.kind.is_weak());
    }
    if !shared.addresses {
        e.addresses.clear();
        e.countries.clear();
    }
    if !shared.comments {
        if let Some(r) = &e.remarks {
            // Compare what the primary file alone holds: the cut remark.
            let cut: String = r.chars().take(1000).collect();
            if cut.len() != r.len() {
                e.remarks = Some(cut);
                e.remarks_truncated = true;
                super::ofac::apply_remarks(&mut e);
            }
        }
        e.remarks_truncated = false;
    }
    e
}

pub fn compute(old: &Snapshot, new: &Snapshot) -> Diff {
    let shared = shared(old, new);
    let old_map: BTreeMap<Key<'_>, &Entity> = old.entities.iter().map(|e| (key(e), e)).collect();
    let new_map: BTreeMap<Key<'_>, &Entity> = new.entities.iter().map(|e| (key(e), e)).collect();
    let mut diff = Diff {
        added: vec![],
        removed: vec![],
        changed: vec![],
        unchanged: 0,
    };
    for (k, e) in &new_map {
        match old_map.get(k) {
            None => diff.added.push(EntityRef::from(*e)),
            Some(o) => {
                let (o, n) = (comparable(o, shared), comparable(e, shared));
                if o == n {
                    diff.unchanged += 1;
                } else {
                    let changes = field_changes(&o, &n);
                    diff.changed.push(Changed {
                        entity: EntityRef::from(*e),
                        changes,
                    });
                }
            }
        }
    }
    for (k, e) in &old_map {
        if !new_map.contains_key(k) {
            diff.removed.push(EntityRef::from(*e));
        }
    }
    diff
}

fn field_changes(old: &Entity, new: &Entity) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut compare = |field: &str, a: BTreeSet<String>, b: BTreeSet<String>| {
        if a != b {
            out.push(FieldChange {
                field: field.to_owned(),
                removed: a.difference(&b).cloned().collect(),
                added: b.difference(&a).cloned().collect(),
            });
        }
    };
    let one = |s: &str| BTreeSet::from([s.to_owned()]);
    compare("name", one(&old.name), one(&new.name));
    compare("kind", one(old.kind.as_str()), one(new.kind.as_str()));
    compare("programs", old.programs.clone(), new.programs.clone());
    let aliases = |e: &Entity| {
        e.aliases
            .iter()
            .map(|a| {
                format!(
                    "{} ({})",
                    a.name,
                    serde_json::to_value(a.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )
            })
            .collect()
    };
    compare("aliases", aliases(old), aliases(new));
    let idents = |e: &Entity| -> BTreeSet<String> {
        let f = &e.facts;
        f.documents
            .iter()
            .map(|d| format!("{} {}", d.kind, d.number))
            .chain(f.emails.iter().map(|m| format!("email {m}")))
            .chain(f.websites.iter().map(|w| format!("website {w}")))
            .chain(
                f.crypto_addresses
                    .iter()
                    .map(|c| format!("{} {}", c.currency, c.address)),
            )
            .collect()
    };
    compare("identifiers", idents(old), idents(new));
    let addresses = |e: &Entity| -> BTreeSet<String> {
        e.addresses
            .iter()
            .map(|a| {
                [&a.street, &a.city, &a.country]
                    .iter()
                    .filter_map(|p| p.as_deref())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect()
    };
    compare("addresses", addresses(old), addresses(new));
    let remarks = |e: &Entity| e.remarks.iter().cloned().collect::<BTreeSet<_>>();
    compare("remarks", remarks(old), remarks(new));
    if out.is_empty() {
        // Something else differs (title, vessel details, ids of aliases).
        out.push(FieldChange {
            field: "other".to_owned(),
            removed: vec![],
            added: vec![],
        });
    }
    out
}
