//! The entity model shared by every loader: one `Entity` per listed party,
//! whatever list it came from, with its names, identifiers and the typed
//! facts parsed out of free-text remarks.

use std::collections::BTreeSet;

use serde::Serialize;

/// What kind of party a list entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Individual,
    /// An organisation, company or group (OFAC's null SDN_Type).
    Entity,
    Vessel,
    Aircraft,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Individual,
        EntityKind::Entity,
        EntityKind::Vessel,
        EntityKind::Aircraft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Individual => "individual",
            EntityKind::Entity => "entity",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
        }
    }

    /// Accepts the spellings people use in custom lists and evidence.
    pub fn parse(s: &str) -> Option<EntityKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "individual" | "person" => Some(EntityKind::Individual),
            "entity" | "organization" | "organisation" | "org" | "company" | "group" => {
                Some(EntityKind::Entity)
            }
            "vessel" | "ship" => Some(EntityKind::Vessel),
            "aircraft" => Some(EntityKind::Aircraft),
            _ => None,
        }
    }
}

/// How strongly an alias identifies the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AliasKind {
    /// also known as
    Aka,
    /// formerly known as
    Fka,
    /// now known as
    Nka,
    /// OFAC "low quality" alias, written `a.k.a. 'NAME'` in remarks. It can
    /// corroborate a hit but never makes one alone (OFAC FAQs 122-125).
    Weak,
}

impl AliasKind {
    pub fn is_weak(self) -> bool {
        self == AliasKind::Weak
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alias {
    pub name: String,
    pub kind: AliasKind,
    /// The list's own alias id (OFAC alt_num), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.street.is_none() && self.city.is_none() && self.country.is_none()
    }
}

/// A date as precise as the list gives it: an interval of possible days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FuzzyDate {
    pub precision: DatePrecision,
    /// Earliest possible day, ISO 8601.
    pub earliest: chrono::NaiveDate,
    /// Latest possible day, ISO 8601.
    pub latest: chrono::NaiveDate,
    /// The text as the list wrote it.
    pub raw: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Month,
    Year,
    /// `circa YEAR`: widened by two years on each side.
    Circa,
    /// `YEAR to YEAR` or `DAY to DAY`.
    Range,
}

impl FuzzyDate {
    pub fn overlaps(&self, other: &FuzzyDate) -> bool {
        self.earliest <= other.latest && other.earliest <= self.latest
    }
}

/// An identity document or registration number from the remarks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdDocument {
    /// e.g. `Passport`, `National ID No.`, `Tax ID No.`
    pub kind: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Anything after the number: issue and expiry dates, notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CryptoAddress {
    /// Currency code as OFAC writes it (XBT, ETH, USDT, ...).
    pub currency: String,
    pub address: String,
}

/// Typed facts parsed from the remarks (or given by a custom list).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Facts {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<FuzzyDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citizenships: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<IdDocument>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub websites: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crypto_addresses: Vec<CryptoAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub linked_to: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secondary_sanctions: Vec<String>,
    /// Facts the parser keeps verbatim because it has no type for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct VesselInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_sign: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vessel_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tonnage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gross_registered_tonnage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl VesselInfo {
    pub fn is_empty(&self) -> bool {
        *self == VesselInfo::default()
    }
}

/// One listed party.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    /// Name of the list it came from (`ofac-sdn`, `ofac-consolidated`, or
    /// a custom list's name). Ids are unique per list, not across lists.
    pub list: String,
    /// The list's own id (OFAC ent_num as a string).
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    pub programs: BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "VesselInfo::is_empty")]
    pub vessel: VesselInfo,
    pub aliases: Vec<Alias>,
    pub addresses: Vec<Address>,
    pub facts: Facts,
    /// Countries named anywhere (addresses, nationality, citizenship),
    /// as written, sorted and de-duplicated.
    pub countries: Vec<String>,
    /// The full remarks text (truncated remarks rebuilt from comments).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    /// True when the remarks were cut at 1000 characters and no
    /// continuation was available (partial snapshot).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remarks_truncated: bool,
    /// For custom lists: where the listing comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entity {
    pub fn new(list: &str, id: &str, name: &str, kind: EntityKind) -> Self {
        Entity {
            list: list.to_owned(),
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            programs: BTreeSet::new(),
            title: None,
            vessel: VesselInfo::default(),
            aliases: Vec::new(),
            addresses: Vec::new(),
            facts: Facts::default(),
            countries: Vec::new(),
            remarks: None,
            remarks_truncated: false,
            source: None,
            note: None,
        }
    }

    pub fn has_program(&self, tag: &str) -> bool {
        self.programs.contains(tag)
    }

    pub fn strong_aliases(&self) -> impl Iterator<Item = &Alias> {
        self.aliases.iter().filter(|a| !a.kind.is_weak())
    }

    pub fn weak_aliases(&self) -> impl Iterator<Item = &Alias> {
        self.aliases.iter().filter(|a| a.kind.is_weak())
    }

    /// Give back the room vectors grew beyond their items: a snapshot
    /// holds tens of thousands of them, most with one or two items.
    pub fn shrink_to_fit(&mut self) {
        self.aliases.shrink_to_fit();
        self.addresses.shrink_to_fit();
        self.countries.shrink_to_fit();
        let f = &mut self.facts;
        f.birth_dates.shrink_to_fit();
        f.birth_places.shrink_to_fit();
        f.nationalities.shrink_to_fit();
        f.citizenships.shrink_to_fit();
        f.documents.shrink_to_fit();
        f.emails.shrink_to_fit();
        f.websites.shrink_to_fit();
        f.crypto_addresses.shrink_to_fit();
        f.linked_to.shrink_to_fit();
        f.secondary_sanctions.shrink_to_fit();
        f.other.shrink_to_fit();
    }

    /// Recompute `countries` from addresses and nationality facts.
    pub fn derive_countries(&mut self) {
        let mut set: BTreeSet<String> = self.countries.iter().cloned().collect();
        set.extend(self.addresses.iter().filter_map(|a| a.country.clone()));
        set.extend(self.facts.nationalities.iter().cloned());
        set.extend(self.facts.citizenships.iter().cloned());
        self.countries = set.into_iter().collect();
    }
}
