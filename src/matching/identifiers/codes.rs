//! Aircraft registrations, vessel call signs and IMO and MMSI numbers:
//! identifiers, matched exactly (letter case and punctuation aside), never
//! fuzzily and never as acronyms. `EP-CFK` is an aircraft, not the
//! initials of `Copperfield Foods Kft.`.

use crate::lists::model::{Entity, EntityKind};

/// Identity documents whose number identifies a vessel or aircraft.
const CODE_DOCUMENTS: &[&str] = &[
    "Aircraft Tail Number",
    "Vessel Registration Identification",
    "IMO",
    "MMSI",
];

/// Whether a name is an aircraft registration as the lists write them: a
/// nationality mark of one to three letters or digits, a hyphen, and a
/// registration mark of two to six (`EP-GOM`, `UP-I7645`, `4K-AZ38`).
pub fn is_registration(name: &str) -> bool {
    let name = name.trim();
    let Some((mark, rest)) = name.split_once('-') else {
        return false;
    };
    let alnum = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    (1..=3).contains(&mark.len())
        && (2..=6).contains(&rest.len())
        && alnum(mark)
        && alnum(rest)
        && name.bytes().any(|b| b.is_ascii_uppercase())
        && !name.bytes().any(|b| b.is_ascii_lowercase())
}

/// The comparable form of a code: upper-case letters and digits only, an
/// `IMO` prefix dropped (`IMO 9187629` → `9187629`). Too short a code
/// identifies nothing.
pub fn key(code: &str) -> Option<String> {
    let mut k: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if let Some(rest) = k.strip_prefix("IMO") {
        if rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit()) {
            k = rest.to_owned();
        }
    }
    (k.len() >= 4).then_some(k)
}

/// Whether a listed name of this entity is a code rather than a name:
/// an aircraft's registration.
pub fn name_is_code(entity_kind: EntityKind, name: &str) -> bool {
    entity_kind == EntityKind::Aircraft && is_registration(name)
}

/// Every code a listed entity carries, as written: registrations given as
/// its names, its call sign, and its vessel and aircraft documents.
pub fn of(e: &Entity) -> Vec<String> {
    let names = std::iter::once(e.name.as_str()).chain(e.aliases.iter().map(|a| a.name.as_str()));
    let mut out: Vec<String> = names
        .filter(|n| name_is_code(e.kind, n))
        .map(str::to_owned)
        .collect();
    out.extend(e.vessel.call_sign.iter().cloned());
    out.extend(
        e.facts
            .documents
            .iter()
            .filter(|d| CODE_DOCUMENTS.contains(&d.kind.as_str()))
            .map(|d| d.number.clone()),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_are_recognised_and_compared_whole() {
        assert!(is_registration("EP-GOM"));
        assert!(is_registration("UP-I7645"));
        assert!(!is_registration("AL-SHABAAB"));
        assert!(!is_registration("Al-Aqsa"));
        assert!(!is_registration("EPGOM"));
        assert_eq!(key("ep-gom").as_deref(), Some("EPGOM"));
        assert_eq!(key("IMO 9187629").as_deref(), Some("9187629"));
        assert_eq!(key("A-1"), None);
    }
}
