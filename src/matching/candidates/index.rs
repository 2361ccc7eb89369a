//! The candidate index over every name of a snapshot.
//!
//! A name can only score at or above 0.5 if some pair of its parts is
//! "strong" (see `compare::align`): two name tokens with similarity ≥ 0.7,
//! words written together (`VladimirPutin`), or an acronym. The index finds
//! every such pair without scoring the whole list:
//!
//! - every name token, every run of 2-3 adjacent tokens written together
//!   and every acronym becomes a vocabulary *entry*;
//! - a query *probe* (a token, a run, an acronym) finds entries by exact
//!   key, by name equivalents, and by trigram count filtering in three key
//!   spaces: the spelling, the phonetic key, and the consonant skeleton.
//!
//! Similarity ≥ 0.7 bounds the weighted edit distance at 0.212 of the
//! longer length (0.154 on phonetic keys, 0.121 on skeletons). Keys fold
//! vowels together and confusable digits onto letters, so every remaining
//! edit costs at least 1. An entry of length `le` within
//! `k = floor(share * max(len, le))` edits differs in length by
//! `d = |le - len| <= k`, so at least `d` of its edits are insertions
//! (longer) or deletions (shorter). Of the probe's `len + 2` padded
//! trigrams an insertion breaks at most 2, a deletion or substitution 3, a
//! transposition 4, so the entry shares at least `len + 2 - 2d - 4(k - d)`
//! of them (`3d` for a shorter entry). Postings are kept per key length,
//! so a probe visits only the lengths in reach. Lengths allowed at most
//! one edit are not counted: two keys within one edit share the key or a
//! key less one byte, and each space keeps those (hashed) for its keys.
//! Candidates pass through the same scorer as an
//! exhaustive scan, so the indexed search returns exactly what the
//! exhaustive one does for any threshold above 0.5 (a test checks this;
//! names without a distinctive pair are capped at exactly 0.5, so at or
//! below 0.5 the search scores every name).

use rayon::prelude::*;

use super::key_space::{fold, key_len, Counts, Space};
use super::prefetch::prefetch;
use super::word_key::WordKey;
use super::word_lookup::WordLookup;
use super::word_pairs::WordPairs;
use super::Scratch;
use crate::matching::names::compare::{is_joinable, Rarity, PARAMS};
use crate::matching::names::normalize::{normalize, Name, NameKind, Token, TokenClass};
use crate::matching::names::similarity::{
    could_reach, letter_mask, outline_could_reach, phonetic, reach_share, skeleton, Outline,
    PreparedWord, Reach, Shape,
};
use crate::matching::names::vocab::{group_words, variant_group, FastMap, Groups};

/// Which written form of an entity a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Form {
    Primary,
    /// A strong alias (aka, fka, nka), by position in `Entity::aliases`.
    Alias(u32),
    /// A weak (`a.k.a. '...'`) alias: corroborates, never makes a hit.
    Weak(u32),
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct IndexedName {
    pub entity: u32,
    pub form: Form,
    pub name: Name,
}

impl IndexedName {
    /// The text as listed (one `/`-separated variant of it, if split).
    pub fn text(&self) -> &str {
        &self.name.original
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    /// The key, then its phonetic form (`key_len` bytes in): one
    /// allocation instead of two, for about 100,000 entries.
    text: Box<str>,
    key_len: u32,
    /// Letter masks of the key and its phonetic form (see
    /// `similarity::letter_mask`).
    letters: u64,
    phon_letters: u64,
    abjad: bool,
    /// Most entries belong to one or two names: packed chunks would cost
    /// more than the integers.
    #[serde(with = "crate::matching::candidates::exact_vec")]
    names: Vec<u32>,
}

impl Entry {
    fn new(key: &str, abjad: bool, name: u32) -> Entry {
        let phon = phonetic(key);
        Entry {
            text: format!("{key}{phon}").into_boxed_str(),
            key_len: key.len() as u32,
            letters: letter_mask(key),
            phon_letters: letter_mask(&phon),
            abjad,
            names: vec![name],
        }
    }

    fn key(&self) -> &str {
        self.text.get(..self.key_len as usize).unwrap_or_default()
    }

    fn phon(&self) -> &str {
        self.text.get(self.key_len as usize..).unwrap_or_default()
    }

    fn shape(&self) -> Shape<'_> {
        Shape {
            text: self.key(),
            letters: self.letters,
            phon: self.phon(),
            phon_letters: self.phon_letters,
        }
    }
}

/// Which key of an entry a key space files.
#[derive(Clone, Copy)]
enum KeyOf {
    Spelling,
    Phonetic,
    Skeleton,
    /// The skeleton, of entries written in an abjad only.
    AbjadSkeleton,
}

impl KeyOf {
    fn key(self, entry: &Entry) -> Option<String> {
        match self {
            KeyOf::Spelling => Some(fold(entry.key())),
            KeyOf::Phonetic => Some(fold(entry.phon())),
            KeyOf::Skeleton => Some(skeleton(entry.key())),
            KeyOf::AbjadSkeleton => entry.abjad.then(|| skeleton(entry.key())),
        }
    }
}

/// No entry (see `Index::sketch_runs`).
const NO_ENTRY: u32 = u32::MAX;

/// How many candidates ahead a search asks for a sketch, and for the words
/// and runs of a sketch it asked for before (`Index::read_ahead`).
const SKETCH_AHEAD: usize = 8;
const WORDS_AHEAD: usize = 4;

/// How often each token occurs across the indexed names: rare tokens are
/// strong evidence, common ones (`mohammed`, `trading`) weak.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct TokenStats {
    df: FastMap<String, u32>,
    names: u32,
}

impl Rarity for TokenStats {
    fn rarity(&self, token: &str) -> f64 {
        let n = f64::from(self.names.max(1)) + 1.0;
        let df = f64::from(self.df.get(token).copied().unwrap_or(0)) + 1.0;
        0.7 + 0.6 * ((n / df).ln() / n.ln()).clamp(0.0, 1.0)
    }
}

/// Entries of one unit kind, with their exact keys and trigram spaces.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Shelf {
    exact: KeyTable,
    raw: Space,
    phon: Space,
    skel: Space,
    /// Skeletons of entries written in an abjad, for Latin probes.
    skel_abjad: Space,
}

impl Shelf {
    /// The shelf's entries, in the order they were made.
    fn entry_ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self.exact.ids().collect();
        ids.sort_unstable();
        ids
    }
}

/// A shelf's entries by their key: open addressing over entry ids, each
/// key read from its entry (a map would hold every key a second time,
/// 100,000 of them). The hash is our own, so that a stored table reads
/// back as it was filed.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct KeyTable {
    /// Entry ids, `NO_ENTRY` where empty; at most half are taken.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    slots: Vec<u32>,
    len: usize,
}

impl KeyTable {
    /// FNV-1a, its bits then mixed (murmur3's finaliser): keys are short
    /// and alike.
    fn hash(key: &str) -> usize {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        (h ^ (h >> 33)) as usize
    }

    /// The slot holding `key`'s entry, or the empty one it would take.
    /// Bounded by the table's size whatever the table holds.
    fn slot(&self, key: &str, entries: &[Entry]) -> Option<usize> {
        let n = self.slots.len();
        let start = KeyTable::hash(key) % n.max(1);
        (0..n).map(|i| (start + i) % n).find(|&at| {
            let e = self.slots[at];
            e == NO_ENTRY || entries.get(e as usize).is_some_and(|x| x.key() == key)
        })
    }

    fn get(&self, key: &str, entries: &[Entry]) -> Option<u32> {
        let e = self.slots[self.slot(key, entries)?];
        (e != NO_ENTRY).then_some(e)
    }

    /// File `entries[e]` (whose key is not filed yet).
    fn insert(&mut self, e: u32, entries: &[Entry]) {
        if (self.len + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![NO_ENTRY; size]);
            for x in old.into_iter().filter(|&x| x != NO_ENTRY) {
                self.put(x, entries);
            }
        }
        self.put(e, entries);
        self.len += 1;
    }

    fn put(&mut self, e: u32, entries: &[Entry]) {
        let key = entries.get(e as usize).map_or("", Entry::key);
        if let Some(at) = self.slot(key, entries) {
            self.slots[at] = e;
        }
    }

    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        self.slots.iter().copied().filter(|&e| e != NO_ENTRY)
    }
}

/// What a search's score bound reads of a listed name (see `bound`),
/// packed apart from the full names: a search bounds hundreds of
/// candidates per query and aligns only a few.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct Sketch {
    pub entity: u32,
    /// The name's words: `Index::sketch_words[start..start + len]`.
    pub start: u32,
    pub len: u32,
    /// Not a person's name (acronyms apply).
    pub org: bool,
    /// Some word is longer than `WordSketch::len` holds: not bounded.
    pub long: bool,
    /// `compare::spelling_hash` of the name.
    pub spelling: u64,
}

/// One word of a `Sketch`, in 16 bytes: four to a cache line, as the
/// bound reads the words of every candidate.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct WordSketch {
    /// Vocabulary id: the full word is `Index::words[vocab]`.
    pub vocab: u32,
    /// Length of the text in bytes (saturated: see `Sketch::long`).
    pub len: u16,
    /// The token's rarity, to single precision: the bound's margin
    /// (`search::BOUND_MARGIN`) is far wider than the rounding.
    pub rarity: f32,
    pub class: TokenClass,
    pub exact_only: bool,
    /// First byte of the text.
    pub first: u8,
    /// Bytes of the runs of 2 and of 3 words from this one written
    /// together (saturated at 255), 0 where the run would pass the name's
    /// end or its words cannot be written together
    /// (`compare::joins_runs`): what a single word would need to be
    /// that run, read with the word (see `bound::QueryBound::fits_run`).
    pub runs: [u8; 2],
    /// Bit `len - 2`: every word of that run begins with an ASCII byte
    /// (so its initials are one byte a word).
    pub runs_plain: u8,
}

/// A run of 2-3 adjacent words of a listed name, as the bounds read it
/// before the run itself: the lengths and letter masks of its text and
/// phonetic key written together (the rough bound's test, see
/// `bound::QueryBound::rough`), each mask folded to 32 bits (two letters
/// a bit: a folded mask can only count fewer letters apart, so a test on
/// it can only let more through). The lengths a single word would need
/// to equal the run are not kept: they follow from the byte lengths kept
/// in its first word's sketch (`WordSketch::runs`), already in cache, and
/// most runs fail on them.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct RunSketch {
    letters: u32,
    phon_letters: u32,
    /// Bytes of the run written together.
    len: u8,
    /// `UNKNOWN_RUN` for a run not outlined: its masks and `len` mean
    /// nothing.
    phon_len: u8,
}

/// `RunSketch::phon_len` of a run not outlined.
const UNKNOWN_RUN: u8 = u8::MAX;

/// `WordSketch::runs` and `runs_plain` of each word of `tokens`.
fn run_outlines(tokens: &[Token]) -> impl Iterator<Item = ([u8; 2], u8)> + '_ {
    (0..tokens.len()).map(|start| {
        let (mut runs, mut plain) = ([0; 2], 0);
        for len in 2..=3 {
            let Some(parts) = tokens.get(start..start + len) else {
                break;
            };
            if parts
                .iter()
                .all(|p| crate::matching::names::compare::joins_runs(p.class))
            {
                let total: usize = parts.iter().map(|p| p.text.len()).sum();
                runs[len - 2] = u8::try_from(total).unwrap_or(u8::MAX);
            }
            if parts.iter().all(|p| p.first.is_ascii()) {
                plain |= 1 << (len - 2);
            }
        }
        (runs, plain)
    })
}

/// A 64-bit letter mask folded to 32 bits.
pub(crate) fn fold_mask(m: u64) -> u32 {
    m as u32 | (m >> 32) as u32
}

impl RunSketch {
    /// No run (the slots past a name's last run), or one whose words
    /// cannot be written together.
    const NONE: RunSketch = RunSketch {
        letters: 0,
        phon_letters: 0,
        len: 0,
        phon_len: UNKNOWN_RUN,
    };

    /// A joinable run written `text` (phonetic key `phon`).
    fn of(text: &str, phon: &str) -> RunSketch {
        match (u8::try_from(text.len()), u8::try_from(phon.len())) {
            (Ok(len), Ok(phon_len)) if phon_len != UNKNOWN_RUN => RunSketch {
                letters: fold_mask(letter_mask(text)),
                phon_letters: fold_mask(letter_mask(phon)),
                len,
                phon_len,
            },
            _ => RunSketch::NONE,
        }
    }

    /// Whether the run written together could reach `reach` with a word
    /// of `outline` (its masks folded by `fold_mask`), as
    /// `similarity::could_reach` judges it: a run not outlined always can.
    pub(crate) fn could_reach(&self, outline: &Outline, reach: &Reach) -> bool {
        if self.phon_len == UNKNOWN_RUN {
            return true;
        }
        let run = Outline {
            len: usize::from(self.len),
            letters: u64::from(self.letters),
            phon_len: usize::from(self.phon_len),
            phon_letters: u64::from(self.phon_letters),
        };
        // Equal phonetic keys always reach.
        (run.phon_len == outline.phon_len && run.phon_letters == outline.phon_letters)
            || outline_could_reach(outline, &run, reach)
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Index {
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub names: Vec<IndexedName>,
    /// Per name, what the score bound reads (same order as `names`).
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub sketches: Vec<Sketch>,
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub sketch_words: Vec<WordSketch>,
    /// Per run of 2-3 words of each name, what the bounds read of it
    /// (`RunSketch`): two slots a word, from twice the name's `start`,
    /// runs of two words by start, then runs of three (a name of `n`
    /// words has `2n - 3`).
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub sketch_runs: Vec<RunSketch>,
    /// Per run slot, the entry holding the run written together (its text
    /// and phonetic key, made once at build), or `NO_ENTRY`.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    run_entries: Vec<u32>,
    /// Names that are not persons', one bit each: only they can pair with
    /// a query's initials distinctively (an acronym, see `compare::align`).
    #[serde(with = "crate::matching::candidates::packed_vec")]
    org_names: Vec<u64>,
    /// One token per vocabulary id (`Token::vocab` ids run below its
    /// length).
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub words: Vec<Token>,
    /// `WordKey::of` each of `words`.
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pub keys: Vec<WordKey>,
    #[serde(with = "crate::matching::candidates::exact_vec")]
    entries: Vec<Entry>,
    tokens: Shelf,
    joined: Shelf,
    initials: Shelf,
    whole: Shelf,
    pub stats: TokenStats,
    /// Derived from the shipped parameters: made again, not stored.
    #[serde(skip, default = "Shares::new")]
    shares: Shares,
    /// The vocabulary, searchable from a query (see `word_lookup`).
    pub(crate) lookup: WordLookup,
    /// Per listed word (token entry), the span of `partner_ids` holding
    /// the entries its probe finds, made at build (`find_partners`): most
    /// query words are listed words.
    partners: FastMap<u32, (u32, u32)>,
    #[serde(with = "crate::matching::candidates::packed_vec")]
    partner_ids: Vec<u32>,
    /// Which listed words pair with which (see `word_pairs`).
    pub(crate) pairs: WordPairs,
}

/// The layout of a stored index: raise it whenever `Index` or anything it
/// holds changes shape, or is worked out differently (normalisation), so
/// that an index stored before is built again.
pub const STORED_LAYOUT: u32 = 4;

impl Index {
    /// The index in its stored form (`STORED_LAYOUT`).
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        use bincode::Options;
        bincode::DefaultOptions::new()
            .with_fixint_encoding()
            .serialize(self)
            .map_err(|e| e.to_string())
    }

    /// An index read from its stored form of `len` bytes; an error for
    /// bytes that are not one. No length read inside can make it allocate
    /// more than `len` bytes for one item.
    pub fn read_from(reader: impl std::io::Read, len: u64) -> Result<Index, String> {
        use bincode::Options;
        // Fixed-width integers decode faster than variable-width ones.
        bincode::DefaultOptions::new()
            .with_fixint_encoding()
            .with_limit(len)
            .deserialize_from(reader)
            .map_err(|e| e.to_string())
    }
}

/// Cached probes kept per thread before the cache is emptied.
const CACHE_LIMIT: usize = 200_000;

fn is_substantive(t: &Token) -> bool {
    matches!(t.class, TokenClass::Name | TokenClass::Number)
}

/// Whether a run of words is filed written together (a `Unit::Joined`).
fn files_joined(parts: &[Token]) -> bool {
    parts.iter().all(is_joinable) && parts.iter().any(is_substantive)
}

/// The part a unit can play in a strong pair. A single token pairs with a
/// token (similarity ≥ 0.7), with a run of words written together
/// (similarity ≥ 0.85) or with an acronym (equal); runs and acronyms pair
/// only with single tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Token,
    Joined,
    Initials,
    /// The whole normalised name: identical names score 1 even when every
    /// word is generic (`The Business Centre Ltd`).
    Whole,
}

/// Everything of a name that can take part in a strong pair.
/// A query's or a listed name's unit to look up: key, written in an
/// abjad, kind.
type Probe = (String, bool, Unit);

fn units(name: &Name, out: &mut Vec<Probe>) {
    out.clear();
    let t = &name.tokens;
    out.push((name.key(), false, Unit::Whole));
    for tok in t.iter().filter(|t| is_substantive(t)) {
        out.push((tok.text.clone(), tok.abjad, Unit::Token));
    }
    let org = name.kind != NameKind::Person;
    for len in 2..=3 {
        for start in 0..t.len().saturating_sub(len - 1) {
            let parts = &t[start..start + len];
            if files_joined(parts) {
                out.push((
                    parts.iter().map(|p| p.text.as_str()).collect(),
                    parts.iter().all(|p| p.abjad),
                    Unit::Joined,
                ));
                if org && parts.iter().all(|p| p.class != TokenClass::Particle) {
                    out.push((
                        parts.iter().filter_map(|p| p.text.chars().next()).collect(),
                        false,
                        Unit::Initials,
                    ));
                }
            }
        }
    }
    if org {
        let acronym: String = t
            .iter()
            .filter(|x| x.class != TokenClass::Particle && x.class != TokenClass::LegalForm)
            .filter_map(|x| x.text.chars().next())
            .collect();
        if acronym.len() >= 2 {
            out.push((acronym, false, Unit::Initials));
        }
    }
}

/// Edit budgets, as a share of the longer key's length, for each pairing.
/// A similarity `scale * (1 - d/len)^curve` reaches `floor` only when
/// `d <= len * (1 - (floor/scale)^(1/curve))`. Token pairs need 0.7: on
/// the spelling (scale 1: 0.212), on phonetic keys (scale 0.9: 0.154) and
/// on consonant skeletons of abjad words (scale 0.85: 0.121). Joined runs
/// need 0.85: 0.103 on the spelling, 0.037 on phonetic keys.
struct Shares {
    token_raw: f64,
    token_phon: f64,
    token_skel: f64,
    joined_raw: f64,
    joined_phon: f64,
    /// The token and joined shares, tabled for verifying entries.
    token: Reach,
    joined: Reach,
}

impl Shares {
    fn new() -> Shares {
        let p = &crate::matching::names::compare::PARAMS;
        let share = |floor: f64, scale: f64| reach_share(floor, scale, p.curve);
        let (token_raw, token_phon) = (share(STRONG, 1.0), share(STRONG, 0.9));
        let (joined_raw, joined_phon) = (share(p.compound_min, 1.0), share(p.compound_min, 0.9));
        Shares {
            token_raw,
            token_phon,
            token_skel: share(STRONG, 0.85),
            joined_raw,
            joined_phon,
            token: Reach::new(token_raw, token_phon),
            joined: Reach::new(joined_raw, joined_phon),
        }
    }
}

/// Similarity a token pair needs to count as strong (see `compare::align`).
const STRONG: f64 = 0.7;

impl Index {
    /// Build from (entity number, form, text, kind) for every name.
    pub fn build<'a>(names: impl IntoIterator<Item = (u32, Form, &'a str, NameKind)>) -> Index {
        let mut index = Index {
            names: Vec::new(),
            sketches: Vec::new(),
            sketch_words: Vec::new(),
            sketch_runs: Vec::new(),
            run_entries: Vec::new(),
            org_names: Vec::new(),
            words: Vec::new(),
            keys: Vec::new(),
            entries: Vec::new(),
            tokens: Shelf::default(),
            joined: Shelf::default(),
            initials: Shelf::default(),
            whole: Shelf::default(),
            stats: TokenStats::default(),
            shares: Shares::new(),
            lookup: WordLookup::default(),
            partners: FastMap::default(),
            partner_ids: Vec::new(),
            pairs: WordPairs::default(),
        };
        // Normalising is the costly part and pure: every core takes a share.
        let listed: Vec<(u32, Form, &str, NameKind)> = names.into_iter().collect();
        let prepared: Vec<Vec<(&str, Name, Vec<Probe>)>> = listed
            .par_iter()
            .map(|&(_, _, text, kind)| {
                crate::matching::names::compare::variants(text)
                    .into_iter()
                    .filter_map(|variant| {
                        let name = normalize(variant, kind);
                        if name.tokens.is_empty() {
                            return None;
                        }
                        let mut found = Vec::new();
                        units(&name, &mut found);
                        Some((variant, name, found))
                    })
                    .collect()
            })
            .collect();
        for (&(entity, form, _, _), variants) in listed.iter().zip(prepared) {
            for (variant, name, found) in variants {
                let id = index.names.len() as u32;
                if !matches!(form, Form::Weak(_)) {
                    index.stats.names += 1;
                    let mut distinct: Vec<&str> =
                        name.tokens.iter().map(|t| t.text.as_str()).collect();
                    distinct.sort_unstable();
                    distinct.dedup();
                    for t in distinct {
                        match index.stats.df.get_mut(t) {
                            Some(df) => *df += 1,
                            None => {
                                index.stats.df.insert(t.to_owned(), 1);
                            }
                        }
                    }
                }
                for (key, abjad, unit) in found {
                    index.add_entry(key, abjad, unit, id);
                }
                debug_assert_eq!(name.original, variant);
                index.names.push(IndexedName { entity, form, name });
            }
        }
        for e in &mut index.entries {
            e.names.dedup();
            e.names.shrink_to_fit();
        }
        index.file_entries_and_sketch();
        // Both read the vocabulary only; each runs on all cores.
        let (partners, pairs) = rayon::join(
            || index.find_partners(),
            || {
                let names_with = |t: &str| index.stats.df.get(t).copied().unwrap_or(0);
                WordPairs::build(
                    &index.words,
                    &index.keys,
                    &index.lookup,
                    &PARAMS,
                    names_with,
                )
            },
        );
        (index.partners, index.partner_ids) = partners;
        index.pairs = pairs;
        index
    }

    /// Probe every listed word once, on all cores: most words of a query
    /// are listed words, and a word met for the first time costs a probe
    /// (trigram counts and verification) as dear as the rest of a search.
    /// Judge the pairs of every word the pair table could hold, not only
    /// the common ones (`word_pairs`): a longer build, the same bounds
    /// (tests compare the two).
    pub fn table_every_word(&mut self) {
        self.pairs =
            WordPairs::build_from(&self.words, &self.keys, &self.lookup, &PARAMS, |_| true);
    }

    /// Returns `partners` and `partner_ids`.
    fn find_partners(&self) -> (FastMap<u32, (u32, u32)>, Vec<u32>) {
        let words = self.tokens.entry_ids();
        let found: Vec<Vec<u32>> = words
            .par_iter()
            .map_init(Scratch::default, |scratch, &e| {
                self.ready(scratch);
                let entry = &self.entries[e as usize];
                self.probe(
                    entry.key(),
                    Some(entry.phon()),
                    entry.abjad,
                    Unit::Token,
                    scratch,
                )
            })
            .collect();
        let (mut partners, mut partner_ids) = (FastMap::default(), Vec::new());
        for (e, ids) in words.into_iter().zip(found) {
            let start = partner_ids.len() as u32;
            partner_ids.extend(ids);
            let n = partner_ids.len() as u32 - start;
            partners.insert(e, (start, n));
        }
        partner_ids.shrink_to_fit();
        (partners, partner_ids)
    }

    /// The rest of the build, with each shelf's entries filed in its key
    /// spaces (spelling and phonetic key for words and runs, consonant
    /// skeletons for words) meanwhile: filing reads only the entries and
    /// is independent per space, one task each.
    fn file_entries_and_sketch(&mut self) {
        let entries = std::mem::take(&mut self.entries);
        let mut shelves: Vec<(Unit, Vec<u32>, [Space; 4])> = Vec::new();
        for unit in [Unit::Token, Unit::Joined, Unit::Initials, Unit::Whole] {
            // Every query's words written together, seldom listed, probe
            // the spellings and phonetic keys of single words: those
            // spaces screen probes (`Space::screened`). The rest are
            // probed only by query words that are not listed words, too
            // few to pay for a screen.
            let spelled = || {
                if unit == Unit::Token {
                    Space::default().screened()
                } else {
                    Space::default()
                }
            };
            // Each space files only what probes at its shares can reach
            // (`Index::probe`): listed words are probed by query
            // words and by query words written together, runs by query
            // words, skeletons by words.
            let sh = &self.shares;
            let (raw, phon) = if unit == Unit::Token {
                (
                    vec![sh.token_raw, sh.joined_raw],
                    vec![sh.token_phon, sh.joined_phon],
                )
            } else {
                (vec![sh.joined_raw], vec![sh.joined_phon])
            };
            let spaces = [
                spelled().probed_at(&raw),
                spelled().probed_at(&phon),
                Space::default().probed_at(&[sh.token_skel]),
                Space::default().probed_at(&[sh.token_skel]),
            ];
            shelves.push((unit, self.shelf_mut(unit).entry_ids(), spaces));
        }
        rayon::join(
            || {
                rayon::scope(|scope| {
                    for (unit, ids, spaces) in &mut shelves {
                        let spelled = matches!(unit, Unit::Token | Unit::Joined);
                        let token = *unit == Unit::Token;
                        let keys = [
                            spelled.then_some(KeyOf::Spelling),
                            spelled.then_some(KeyOf::Phonetic),
                            token.then_some(KeyOf::Skeleton),
                            token.then_some(KeyOf::AbjadSkeleton),
                        ];
                        for (space, key_of) in spaces.iter_mut().zip(keys) {
                            let (ids, entries) = (&ids[..], &entries[..]);
                            scope.spawn(move |_| {
                                if let Some(key_of) = key_of {
                                    for &e in ids {
                                        if let Some(key) = key_of.key(&entries[e as usize]) {
                                            space.add(&key, e);
                                        }
                                    }
                                }
                                space.freeze();
                            });
                        }
                    }
                });
            },
            || {
                self.number_words();
                self.lookup = WordLookup::build(&self.words);
                self.sketch();
            },
        );
        self.entries = entries;
        for (unit, _, [raw, phon, skel, skel_abjad]) in shelves {
            let shelf = self.shelf_mut(unit);
            (shelf.raw, shelf.phon, shelf.skel, shelf.skel_abjad) = (raw, phon, skel, skel_abjad);
        }
    }

    fn sketch(&mut self) {
        self.org_names = vec![0; self.names.len().div_ceil(64)];
        for (id, n) in self.names.iter().enumerate() {
            if n.name.kind != NameKind::Person {
                self.org_names[id / 64] |= 1 << (id % 64);
            }
            let start = self.sketch_words.len() as u32;
            self.sketch_words
                .extend(n.name.tokens.iter().zip(run_outlines(&n.name.tokens)).map(
                    |(t, (runs, runs_plain))| WordSketch {
                        vocab: t.vocab,
                        len: u16::try_from(key_len(&t.text)).unwrap_or(u16::MAX),
                        rarity: t.rarity as f32,
                        class: t.class,
                        exact_only: t.exact_only,
                        first: t.first,
                        runs,
                        runs_plain,
                    },
                ));
            let t = &n.name.tokens;
            let words = &self.sketch_words[start as usize..];
            let slots = self.sketch_runs.len() + 2 * t.len();
            for len in 2..=3 {
                for (first, parts) in t.windows(len).enumerate() {
                    let entry = files_joined(parts)
                        .then(|| {
                            let text: String = parts.iter().map(|p| p.text.as_str()).collect();
                            self.joined.exact.get(&text, &self.entries)
                        })
                        .flatten();
                    // The first word's sketch says whether the run joins.
                    let joinable = words[first].runs[len - 2] != 0;
                    // Runs filed written together have their keys made;
                    // the others (no substantive word) are rare.
                    let run = match entry.and_then(|e| self.entries.get(e as usize)) {
                        _ if !joinable => RunSketch::NONE,
                        Some(e) => RunSketch::of(e.key(), e.phon()),
                        None => {
                            let text: String = parts.iter().map(|p| p.text.as_str()).collect();
                            RunSketch::of(&text, &phonetic(&text))
                        }
                    };
                    self.sketch_runs.push(run);
                    self.run_entries.push(entry.unwrap_or(NO_ENTRY));
                }
            }
            self.sketch_runs.resize(slots, RunSketch::NONE);
            self.run_entries.resize(slots, NO_ENTRY);
            self.sketches.push(Sketch {
                entity: n.entity,
                start,
                len: n.name.tokens.len() as u32,
                org: n.name.kind != NameKind::Person,
                long: t.iter().any(|w| key_len(&w.text) >= u32::from(u16::MAX)),
                spelling: crate::matching::names::compare::spelling_hash(&n.name.tokens),
            });
        }
    }

    /// Give every listed word its rarity and a dense vocabulary id: words
    /// with the same text, class, script and groups share one id.
    fn number_words(&mut self) {
        type Word<'w> = (&'w str, TokenClass, bool, Option<char>, Groups);
        let mut ids: FastMap<Word<'_>, u32> = FastMap::default();
        let mut numbers = Vec::new();
        for n in &self.names {
            for t in &n.name.tokens {
                let next = ids.len() as u32;
                numbers.push(
                    *ids.entry((&t.text, t.class, t.abjad, t.script, t.groups))
                        .or_insert(next),
                );
            }
        }
        drop(ids);
        let mut numbers = numbers.into_iter();
        for n in &mut self.names {
            self.stats.apply(&mut n.name);
            for (t, id) in n.name.tokens.iter_mut().zip(&mut numbers) {
                t.vocab = id;
                // Ids run in order of first use.
                if id as usize == self.words.len() {
                    self.keys.push(WordKey::of(t));
                    self.words.push(t.clone());
                }
            }
        }
    }

    fn shelf(&self, unit: Unit) -> &Shelf {
        match unit {
            Unit::Token => &self.tokens,
            Unit::Joined => &self.joined,
            Unit::Initials => &self.initials,
            Unit::Whole => &self.whole,
        }
    }

    fn shelf_mut(&mut self, unit: Unit) -> &mut Shelf {
        match unit {
            Unit::Token => &mut self.tokens,
            Unit::Joined => &mut self.joined,
            Unit::Initials => &mut self.initials,
            Unit::Whole => &mut self.whole,
        }
    }

    fn add_entry(&mut self, key: String, abjad: bool, unit: Unit, name: u32) {
        if let Some(e) = self.shelf(unit).exact.get(&key, &self.entries) {
            let names = &mut self.entries[e as usize].names;
            if names.last() != Some(&name) {
                names.push(name);
            }
            return;
        }
        let e = self.entries.len() as u32;
        self.entries.push(Entry::new(&key, abjad, name));
        let entries = std::mem::take(&mut self.entries);
        self.shelf_mut(unit).exact.insert(e, &entries);
        self.entries = entries;
    }

    /// The slot of the run of `len` words (2 or 3) from word `start` of
    /// `sketch`'s name (see `sketch_runs`).
    fn run_slot(sketch: &Sketch, start: usize, len: usize) -> usize {
        let slot = if len == 2 {
            start
        } else {
            sketch.len as usize - 1 + start
        };
        2 * sketch.start as usize + slot
    }

    /// While at candidate `k` of `candidates`, ask for the sketch of the
    /// one `SKETCH_AHEAD` on, and the words and runs of the one
    /// `WORDS_AHEAD` on (whose sketch was asked for before): a search knows
    /// its candidates in advance, and reading ahead hides most of the wait
    /// for memory (a hint only, never a fault).
    pub fn read_ahead(&self, candidates: &[u32], k: usize) {
        if let Some(sketch) = candidates
            .get(k + SKETCH_AHEAD)
            .and_then(|&id| self.sketches.get(id as usize))
        {
            prefetch(sketch);
        }
        let Some(sketch) = candidates
            .get(k + WORDS_AHEAD)
            .and_then(|&id| self.sketches.get(id as usize))
        else {
            return;
        };
        if let Some(word) = self.sketch_words.get(sketch.start as usize) {
            prefetch(word);
        }
        if let Some(run) = self.sketch_runs.get(2 * sketch.start as usize) {
            prefetch(run);
        }
    }

    /// Ask for the slots of `sketch`'s runs in `run_entries`.
    pub(crate) fn prefetch_run_slots(&self, sketch: &Sketch) {
        if let Some(slot) = self.run_entries.get(2 * sketch.start as usize) {
            prefetch(slot);
        }
    }

    /// Ask for the entry keeping `sketch`'s run of `len` words from
    /// `start` written together (`run_text`), once its slot is in cache.
    pub(crate) fn prefetch_run_entry(&self, sketch: &Sketch, start: usize, len: usize) {
        let slot = Index::run_slot(sketch, start, len);
        if let Some(entry) = self
            .run_entries
            .get(slot)
            .and_then(|&e| self.entries.get(e as usize))
        {
            prefetch(entry);
        }
    }

    /// What the bounds read of the run of `len` words from `start` of
    /// `sketch`'s name (see `sketch_runs`).
    pub(crate) fn run(&self, sketch: &Sketch, start: usize, len: usize) -> RunSketch {
        let slot = Index::run_slot(sketch, start, len);
        self.sketch_runs
            .get(slot)
            .copied()
            .unwrap_or(RunSketch::NONE)
    }

    /// The text and phonetic key of that run written together, where the
    /// index keeps it.
    pub(crate) fn run_text(
        &self,
        sketch: &Sketch,
        start: usize,
        len: usize,
    ) -> Option<(&str, &str)> {
        let slot = Index::run_slot(sketch, start, len);
        let entry = self.run_entries.get(slot)?;
        self.entries
            .get(*entry as usize)
            .map(|x| (x.key(), x.phon()))
    }

    /// Every indexed name that could score ≥ 0.5 against `query`, in
    /// ascending order, into `scratch.candidates`.
    pub fn candidates(&self, query: &Name, scratch: &mut Scratch) {
        scratch.candidates.clear();
        let words = self.names.len().div_ceil(64);
        if scratch.seen_names.len() < words {
            scratch.seen_names.resize(words, 0);
        }
        self.ready(scratch);
        let mut probes = Vec::new();
        units(query, &mut probes);
        for (key, abjad, unit) in probes {
            // A query's initials pair distinctively only with names that
            // are not persons'.
            let only_orgs = unit == Unit::Initials;
            if let Some(found) = self.listed_partners(&key, abjad, unit) {
                self.mark(found, only_orgs, &mut scratch.seen_names);
                continue;
            }
            let tag = unit as u8 | (u8::from(abjad) << 2);
            let cache_key = (key, tag);
            if let Some(entries) = scratch.cache.get(&cache_key) {
                self.mark(entries, only_orgs, &mut scratch.seen_names);
                continue;
            }
            // A query word's phonetic key is made already.
            let phon = (unit == Unit::Token)
                .then(|| query.tokens.iter().find(|t| t.text == cache_key.0))
                .flatten()
                .map(|t| t.phon.as_str());
            let entries = self.probe(&cache_key.0, phon, abjad, unit, scratch);
            self.mark(&entries, only_orgs, &mut scratch.seen_names);
            if scratch.cache.len() >= CACHE_LIMIT {
                scratch.cache.clear();
            }
            scratch.cache.insert(cache_key, entries);
        }
        for (w, bits) in scratch.seen_names[..words].iter_mut().enumerate() {
            let mut left = std::mem::take(bits);
            while left != 0 {
                scratch
                    .candidates
                    .push((w * 64) as u32 + left.trailing_zeros());
                left &= left - 1;
            }
        }
    }

    /// Make `scratch`'s per-entry buffers room for every entry.
    fn ready(&self, scratch: &mut Scratch) {
        scratch.counting.ready(self.entries.len());
        if scratch.seen_entry.len() < self.entries.len() {
            scratch.seen_entry.resize(self.entries.len(), false);
        }
    }

    /// What the probe of a query word finds, where it is a listed word
    /// probed at build (`find_partners`).
    fn listed_partners(&self, key: &str, abjad: bool, unit: Unit) -> Option<&[u32]> {
        if unit != Unit::Token {
            return None;
        }
        let e = self.tokens.exact.get(key, &self.entries)?;
        if self.entries[e as usize].abjad != abjad {
            return None;
        }
        let &(start, n) = self.partners.get(&e)?;
        self.partner_ids.get(start as usize..(start + n) as usize)
    }

    /// Mark the names of `entries` (only those not persons' with
    /// `only_orgs`) in `seen`, one bit a name.
    fn mark(&self, entries: &[u32], only_orgs: bool, seen: &mut [u64]) {
        for &e in entries {
            for &n in &self.entries[e as usize].names {
                let (word, bit) = (n as usize / 64, 1 << (n % 64));
                if !only_orgs || self.org_names[word] & bit != 0 {
                    seen[word] |= bit;
                }
            }
        }
    }

    /// Entries one probe can form a strong pair with: found by exact key,
    /// equivalents and trigram counts, then verified with the scorer's own
    /// similarity so that only real partners remain.
    /// `phon`: the key's phonetic form, where the caller has it.
    fn probe(
        &self,
        key: &str,
        phon: Option<&str>,
        abjad: bool,
        unit: Unit,
        scratch: &mut Scratch,
    ) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::with_capacity(8);
        let exact = |shelf: &Shelf, found: &mut Vec<u32>| {
            if let Some(e) = shelf.exact.get(key, &self.entries) {
                found.push(e);
            }
        };
        // Initials and whole names are only looked up as they are: their
        // keys need no phonetic or folded forms, and an exact find is not
        // verified.
        let exact_only = match unit {
            Unit::Initials => Some(&self.tokens),
            Unit::Whole => Some(&self.whole),
            Unit::Token | Unit::Joined => None,
        };
        if let Some(shelf) = exact_only {
            exact(shelf, &mut found);
            return found;
        }
        let key_phon = phon.map_or_else(|| std::borrow::Cow::Owned(phonetic(key)), Into::into);
        let (raw, phon) = (fold(key), fold(&key_phon));
        let groups = variant_group(key);
        let mut fuzzy_tokens = Vec::with_capacity(64);
        let mut fuzzy_joined = Vec::with_capacity(16);
        // A shelf's entries equal to the key or within the budgets of
        // words written together.
        let mut as_joined = |shelf: &Shelf, found: &mut Vec<u32>, counting: &mut Counts| {
            exact(shelf, found);
            let shares = &self.shares;
            shelf
                .raw
                .count_filter(&raw, shares.joined_raw, counting, &mut fuzzy_joined);
            shelf
                .phon
                .count_filter(&phon, shares.joined_phon, counting, &mut fuzzy_joined);
        };
        // Initials and whole names were looked up above.
        if unit == Unit::Token {
            exact(&self.tokens, &mut found);
            for g in groups.iter() {
                for w in group_words(g) {
                    if let Some(e) = self.tokens.exact.get(w, &self.entries) {
                        found.push(e);
                    }
                }
            }
            self.tokens.raw.count_filter(
                &raw,
                self.shares.token_raw,
                &mut scratch.counting,
                &mut fuzzy_tokens,
            );
            self.tokens.phon.count_filter(
                &phon,
                self.shares.token_phon,
                &mut scratch.counting,
                &mut fuzzy_tokens,
            );
            let sk = skeleton(key);
            let skel = if abjad {
                &self.tokens.skel
            } else {
                &self.tokens.skel_abjad
            };
            skel.count_filter(
                &sk,
                self.shares.token_skel,
                &mut scratch.counting,
                &mut fuzzy_tokens,
            );
            if abjad {
                // The feminine ending may be spelled with a final `t` or
                // `h` (`similarity::abjad_similarity`).
                for end in ["t", "h"] {
                    skel.count_filter(
                        &format!("{sk}{end}"),
                        self.shares.token_skel,
                        &mut scratch.counting,
                        &mut fuzzy_tokens,
                    );
                }
            }
            // A single query token against listed words run together or
            // a listed acronym.
            as_joined(&self.joined, &mut found, &mut scratch.counting);
            exact(&self.initials, &mut found);
        } else {
            // Query words written together, against single listed words.
            as_joined(&self.tokens, &mut found, &mut scratch.counting);
            if abjad {
                // In an abjad, by their consonants too (`hzb allh`).
                let sk = skeleton(key);
                for end in ["", "t", "h"] {
                    self.tokens.skel.count_filter(
                        &format!("{sk}{end}"),
                        self.shares.token_skel,
                        &mut scratch.counting,
                        &mut fuzzy_joined,
                    );
                }
            }
        }
        let p = &crate::matching::names::compare::PARAMS;
        // An entry can turn up in several key spaces and among the exact
        // finds: verify each once. Lengths and letter masks rule out most
        // before any edit distance (words with equivalents skip that test:
        // an equivalent scores 1 whatever its spelling).
        let probe = Shape {
            text: key,
            letters: letter_mask(key),
            phon: &key_phon,
            phon_letters: letter_mask(&key_phon),
        };
        let reachable = |entry: &Entry, reach: &Reach| {
            groups.any() || could_reach(&probe, &entry.shape(), reach)
        };
        let prepared =
            |floor: f64| PreparedWord::new(key, &key_phon, groups, p.curve, p.short_penalty, floor);
        found.retain(|e| !std::mem::replace(&mut scratch.seen_entry[*e as usize], true));
        let mut rejected = std::mem::take(&mut scratch.marked);
        for (fuzzy, floor, reach) in [
            (fuzzy_tokens, STRONG, &self.shares.token),
            (fuzzy_joined, p.compound_min, &self.shares.joined),
        ] {
            if fuzzy.is_empty() {
                continue;
            }
            let word = prepared(floor);
            for (k, &e) in fuzzy.iter().enumerate() {
                // Entries and their strings lie scattered: ask ahead.
                if let Some(ahead) = fuzzy.get(k + 8).and_then(|&a| self.entries.get(a as usize)) {
                    prefetch(ahead);
                }
                if let Some(ahead) = fuzzy.get(k + 4).and_then(|&a| self.entries.get(a as usize)) {
                    prefetch(ahead.text.as_bytes());
                }
                if std::mem::replace(&mut scratch.seen_entry[e as usize], true) {
                    continue;
                }
                let entry = &self.entries[e as usize];
                let pairs = if entry.abjad != abjad {
                    let (script, latin) = if abjad {
                        (key, entry.key())
                    } else {
                        (entry.key(), key)
                    };
                    crate::matching::names::similarity::abjad_similarity(script, latin) >= floor
                } else {
                    reachable(entry, reach)
                        && word.reaches(entry.key(), entry.phon(), || variant_group(entry.key()))
                };
                if pairs {
                    found.push(e);
                } else {
                    rejected.push(e);
                }
            }
        }
        for &e in found.iter().chain(&rejected) {
            scratch.seen_entry[e as usize] = false;
        }
        rejected.clear();
        scratch.marked = rejected;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fuzzy_joined_and_acronym_candidates() {
        let names = [
            (0, Form::Primary, "PUTIN, Vladimir", NameKind::Person),
            (
                1,
                Form::Primary,
                "PEOPLE'S LIBERATION ARMY",
                NameKind::Organization,
            ),
            (2, Form::Primary, "AL-SHABAAB", NameKind::Organization),
            (
                3,
                Form::Primary,
                "UNRELATED HOLDINGS",
                NameKind::Organization,
            ),
        ];
        let index = Index::build(names.iter().map(|(e, f, t, k)| (*e as u32, *f, *t, *k)));
        let mut scratch = Scratch::default();
        let find = |q: &str, scratch: &mut Scratch| {
            index.candidates(&normalize(q, NameKind::Any), scratch);
            scratch
                .candidates
                .iter()
                .map(|n| index.names[*n as usize].entity)
                .collect::<Vec<_>>()
        };
        assert!(find("Vladimir Pulin", &mut scratch).contains(&0));
        assert!(find("VladimirPutin", &mut scratch).contains(&0));
        assert!(find("PLA", &mut scratch).contains(&1));
        assert!(find("Alshabaab", &mut scratch).contains(&2));
        assert!(!find("Vladimir Pulin", &mut scratch).contains(&3));
        assert!(find("Xyzzy Qwerty", &mut scratch).is_empty());
    }
}
