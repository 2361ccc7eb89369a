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

use super::compare::Rarity;
use super::normalize::{normalize, Name, NameKind, Token, TokenClass};
use super::similarity::{
    could_reach, letter_mask, phonetic, reach_share, skeleton, Outline, PreparedWord, Reach, Shape,
};
use super::vocab::{variant_group, FastMap};

/// Which written form of an entity a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Primary,
    /// A strong alias (aka, fka, nka), by position in `Entity::aliases`.
    Alias(u32),
    /// A weak (`a.k.a. '...'`) alias: corroborates, never makes a hit.
    Weak(u32),
}

#[derive(Debug, Clone)]
pub struct IndexedName {
    pub entity: u32,
    pub form: Form,
    /// The text as listed (one `/`-separated variant of it, if split).
    pub text: String,
    pub name: Name,
}

struct Entry {
    key: String,
    phon: String,
    /// Letter masks of `key` and `phon` (see `similarity::letter_mask`).
    letters: u64,
    phon_letters: u64,
    abjad: bool,
    names: Vec<u32>,
}

impl Entry {
    fn shape(&self) -> Shape<'_> {
        Shape {
            text: &self.key,
            letters: self.letters,
            phon: &self.phon,
            phon_letters: self.phon_letters,
        }
    }
}

type Gram = [u8; 3];

/// One trigram's postings per key length: (length, start, count) into the
/// space's ids, lengths ascending.
type GramLengths<'s> = &'s [(u32, u32, u32)];

/// Trigram postings of one key space, split by key length: a probe only
/// visits the lengths an entry within its edit budget can have.
#[derive(Default)]
struct Space {
    /// (trigram, key length, entry) as added; `freeze` files them.
    pending: Vec<(Gram, u32, u32)>,
    /// Trigram → its run of `lengths`: one (key length, start, count) per
    /// length of key holding it, ascending by length; each names a run of
    /// `ids`, the entries of that length holding the trigram, ascending.
    /// One buffer instead of a vector per key builds and frees in a
    /// fraction of the time, and a probe hashes each trigram once.
    postings: FastMap<Gram, (u32, u32)>,
    lengths: Vec<(u32, u32, u32)>,
    ids: Vec<u32>,
    /// Entries by key length, for the rare probe whose budget leaves no
    /// trigram it must share.
    by_len: FastMap<u32, Vec<u32>>,
    /// Every key and every key less one byte, as the upper half of its
    /// hash beside the entry (`pack_near`), sorted. Two keys within one
    /// edit share one of these, so a probe allowed at most one edit at a
    /// length looks up its own instead of counting trigrams. Half a hash
    /// keeps 8 bytes an item; a collision only adds an entry to verify.
    near: Vec<u64>,
    /// Where each run of `near` with the same top `near_bits` bits of the
    /// hash begins (one more at the end): a lookup reads a short run.
    near_dir: Vec<u32>,
    near_bits: u32,
    /// Some entry of at most `NEAR_MAX` bytes is missing from `near`
    /// (its id is too large to pack): probes count trigrams instead.
    near_partial: bool,
}

/// No entry (see `Index::sketch_runs`).
const NO_ENTRY: u32 = u32::MAX;

/// Keys longer than this are left to trigram counting.
const NEAR_MAX: usize = 48;

/// The upper half of a `near_hash`, as kept in `Space::near`.
const HASH_HALF: u64 = !0 << 32;

/// Entry ids that fit beside a key length in one `u32`.
const NEAR_ENTRIES: u32 = 1 << 24;

fn pack_near(len: usize, entry: u32) -> u32 {
    (len as u32) << 24 | entry
}

/// FNV-1a over the bytes of `key` less the byte at `skip` (none when
/// `skip` is out of range): a key and its one-byte deletions hashed alike.
fn near_hash(key: &[u8], skip: usize) -> u64 {
    let h = key
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != skip)
        .fold(0xcbf2_9ce4_8422_2325, |h, (_, &b)| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    // Mix the last bytes into the top bits, which pick the run.
    let h = (h ^ h >> 33).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ h >> 33
}

/// The hashes of `key` and of its distinct one-byte deletions (deleting
/// any byte of a run of equal bytes gives the same key).
fn near_hashes(key: &[u8], out: &mut Vec<u64>) {
    out.clear();
    out.reserve(key.len() + 1);
    out.push(near_hash(key, usize::MAX));
    for i in 0..key.len() {
        if i == 0 || key[i] != key[i - 1] {
            out.push(near_hash(key, i));
        }
    }
}

impl Space {
    fn add(&mut self, key: &str, entry: u32) {
        let len = key_len(key);
        let mut grams = grams(key);
        grams.sort_unstable();
        grams.dedup();
        self.pending
            .extend(grams.into_iter().map(|g| (g, len, entry)));
        self.by_len.entry(len).or_default().push(entry);
        self.near_partial |= key.len() <= NEAR_MAX && entry >= NEAR_ENTRIES;
        if key.len() <= NEAR_MAX && entry < NEAR_ENTRIES {
            let mut hashes = Vec::new();
            near_hashes(key.as_bytes(), &mut hashes);
            let packed = u64::from(pack_near(key.len(), entry));
            self.near
                .extend(hashes.into_iter().map(|h| h & HASH_HALF | packed));
        }
    }

    fn freeze(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_unstable();
        self.ids = Vec::with_capacity(pending.len());
        for gram in pending.chunk_by(|x, y| x.0 == y.0) {
            let first = self.lengths.len() as u32;
            for run in gram.chunk_by(|x, y| x.1 == y.1) {
                let start = self.ids.len() as u32;
                self.ids.extend(run.iter().map(|x| x.2));
                self.lengths.push((run[0].1, start, run.len() as u32));
            }
            let n = self.lengths.len() as u32 - first;
            self.postings.insert(gram[0].0, (first, n));
        }
        self.near.sort_unstable();
        self.near.dedup();
        self.near.shrink_to_fit();
        // About two items a run.
        self.near_bits = (self.near.len() / 2).max(1).ilog2().clamp(1, 31);
        let runs = 1usize << self.near_bits;
        self.near_dir = Vec::with_capacity(runs + 1);
        let mut at = 0;
        for run in 0..=runs as u64 {
            while at < self.near.len() && self.near[at] >> (64 - self.near_bits) < run {
                at += 1;
            }
            self.near_dir.push(at as u32);
        }
    }

    /// Entries within one unit edit of `key` whose key length is a bit of
    /// `one` (with `exact`, also the entry equal to `key`), each perhaps
    /// more than once; a few others may slip in by hash collision.
    fn near_entries(&self, key: &[u8], exact: bool, one: u64, out: &mut Vec<u32>) {
        let mut hashes = Vec::with_capacity(key.len() + 1);
        if one == 0 {
            hashes.push(near_hash(key, usize::MAX));
        } else {
            near_hashes(key, &mut hashes);
        }
        for h in hashes {
            let h = h & HASH_HALF;
            let run = (h >> (64 - self.near_bits)) as usize;
            let (Some(&from), Some(&to)) = (self.near_dir.get(run), self.near_dir.get(run + 1))
            else {
                continue;
            };
            let items = &self.near[from as usize..to as usize];
            for &item in items.iter().filter(|&&x| x & HASH_HALF == h) {
                let packed = item as u32;
                let le = (packed >> 24) as usize;
                if (exact && le == key.len()) || one & (1 << le) != 0 {
                    out.push(packed & (NEAR_ENTRIES - 1));
                }
            }
        }
    }

    /// The postings of `gram` by key length, ascending.
    fn lengths(&self, gram: Gram) -> GramLengths<'_> {
        self.postings.get(&gram).map_or(&[], |&(first, n)| {
            &self.lengths[first as usize..(first + n) as usize]
        })
    }

    fn list(&self, (_, start, n): (u32, u32, u32)) -> &[u32] {
        &self.ids[start as usize..(start + n) as usize]
    }
}

fn key_len(key: &str) -> u32 {
    u32::try_from(key.len()).unwrap_or(u32::MAX)
}

/// Padded trigrams of a key: `^^a`, `^ab`, ..., `z$$`.
fn grams(key: &str) -> Vec<Gram> {
    let b = key.as_bytes();
    let mut padded = Vec::with_capacity(b.len() + 4);
    padded.extend_from_slice(b"^^");
    padded.extend_from_slice(b);
    padded.extend_from_slice(b"$$");
    padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// Fold a key so that cheap edits (vowel for vowel, digit for the letter
/// it resembles) cost nothing: `sech1n` → `saclan`... precisely: vowels to
/// `a`, `0`→`a`, `1`→`l`, `3`→`a`, `4`→`a`, `5`→`s`, `9`→`g`.
pub fn fold(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    out.extend(
        key.bytes()
            .map(|b| char::from(super::similarity::fold_byte(b))),
    );
    out
}

/// How often each token occurs across the indexed names: rare tokens are
/// strong evidence, common ones (`mohammed`, `trading`) weak.
#[derive(Default)]
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
#[derive(Default)]
struct Shelf {
    exact: FastMap<String, u32>,
    raw: Space,
    phon: Space,
    skel: Space,
    /// Skeletons of entries written in an abjad, for Latin probes.
    skel_abjad: Space,
}

/// What a search's score bound reads of a listed name (see `bound`),
/// packed apart from the full names: a search bounds hundreds of
/// candidates per query and aligns only a few.
#[derive(Debug, Clone, Copy)]
pub struct Sketch {
    pub entity: u32,
    /// The name's words: `Index::sketch_words[start..start + len]`.
    pub start: u32,
    pub len: u32,
    /// Not a person's name (acronyms apply).
    pub org: bool,
    /// `compare::spelling_hash` of the name.
    pub spelling: u64,
}

/// One word of a `Sketch`.
#[derive(Debug, Clone, Copy)]
pub struct WordSketch {
    /// Vocabulary id: the full word is `Index::words[vocab]`.
    pub vocab: u32,
    /// Length of the text in bytes.
    pub len: u32,
    pub rarity: f64,
    pub class: TokenClass,
    pub exact_only: bool,
    /// First byte of the text.
    pub first: u8,
}

/// What the score bound reads of a vocabulary word before its full token:
/// lengths, letter masks and flags in half a cache line. Most listed words
/// pair with no query word, and these rule that out without following the
/// token's strings.
#[derive(Debug, Clone, Copy)]
pub struct WordKey {
    pub letters: u64,
    pub phon_letters: u64,
    pub group: Option<u32>,
    /// Bytes of the text and of the phonetic key.
    pub len: u16,
    pub phon_len: u16,
    pub class: TokenClass,
    pub first: u8,
    pub exact_only: bool,
    /// Compared by more than its spelling: exact-only, syllabic-script
    /// or abjad words (and words too long for the lengths above).
    pub special: bool,
}

impl WordKey {
    pub fn of(t: &Token) -> WordKey {
        WordKey {
            letters: t.letters,
            phon_letters: t.phon_letters,
            group: t.group,
            len: u16::try_from(t.text.len()).unwrap_or(u16::MAX),
            phon_len: u16::try_from(t.phon.len()).unwrap_or(u16::MAX),
            class: t.class,
            first: t.first,
            exact_only: t.exact_only,
            special: t.exact_only
                || t.script.is_some()
                || t.abjad
                || t.text.len() > usize::from(u16::MAX),
        }
    }

    pub fn outline(&self) -> Outline {
        Outline {
            len: usize::from(self.len),
            letters: self.letters,
            phon_len: usize::from(self.phon_len),
            phon_letters: self.phon_letters,
        }
    }
}

pub struct Index {
    pub names: Vec<IndexedName>,
    /// Per name, what the score bound reads (same order as `names`).
    pub sketches: Vec<Sketch>,
    pub sketch_words: Vec<WordSketch>,
    /// Per run of 2-3 words of each name, the entry holding it written
    /// together (its text and phonetic key, made once at build), or
    /// `NO_ENTRY` for a run the index does not keep: two slots a word, from
    /// twice the name's `start`, runs of two words by start, then runs of
    /// three (a name of `n` words has `2n - 3`).
    pub sketch_runs: Vec<u32>,
    /// Names that are not persons', one bit each: only they can pair with
    /// a query's initials distinctively (an acronym, see `compare::align`).
    org_names: Vec<u64>,
    /// One token per vocabulary id (`Token::vocab` ids run below its
    /// length).
    pub words: Vec<Token>,
    /// `WordKey::of` each of `words`.
    pub keys: Vec<WordKey>,
    entries: Vec<Entry>,
    tokens: Shelf,
    joined: Shelf,
    initials: Shelf,
    whole: Shelf,
    pub stats: TokenStats,
    shares: Shares,
}

/// Reusable per-thread buffers for probing.
#[derive(Default)]
pub struct Scratch {
    counts: Vec<u16>,
    touched: Vec<u32>,
    /// Names the current query's probes found, one bit each: read in
    /// order, they give the candidates sorted.
    seen_names: Vec<u64>,
    seen_entry: Vec<bool>,
    /// Entries a probe looked at and turned down (to reset `seen_entry`).
    marked: Vec<u32>,
    pub candidates: Vec<u32>,
    /// Word similarities of the current query (see `compare::PairMemo`).
    pub pairs: super::compare::PairMemo,
    /// What each listed word pairs with in the current query (see `bound`).
    pub bounds: super::bound::BoundMemo,
    /// Verified entries per probe: probing is a pure function of the probe,
    /// and batches repeat words (`trading`, `mohammed`) often.
    cache: FastMap<(String, u8), Vec<u32>>,
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

fn is_joinable(t: &Token) -> bool {
    matches!(
        t.class,
        TokenClass::Name | TokenClass::Particle | TokenClass::Generic | TokenClass::LegalForm
    ) && !t.exact_only
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
fn units(name: &Name, out: &mut Vec<(String, bool, Unit)>) {
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
                    false,
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
        let p = &super::compare::PARAMS;
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
        };
        let mut buf = Vec::new();
        for (entity, form, text, kind) in names {
            for variant in super::compare::variants(text) {
                let name = normalize(variant, kind);
                if name.tokens.is_empty() {
                    continue;
                }
                let id = index.names.len() as u32;
                if !matches!(form, Form::Weak(_)) {
                    index.stats.names += 1;
                    let mut distinct: Vec<&str> =
                        name.tokens.iter().map(|t| t.text.as_str()).collect();
                    distinct.sort_unstable();
                    distinct.dedup();
                    for t in distinct {
                        *index.stats.df.entry(t.to_owned()).or_default() += 1;
                    }
                }
                units(&name, &mut buf);
                for (key, abjad, unit) in buf.drain(..) {
                    index.add_entry(key, abjad, unit, id);
                }
                index.names.push(IndexedName {
                    entity,
                    form,
                    text: variant.to_owned(),
                    name,
                });
            }
        }
        for e in &mut index.entries {
            e.names.dedup();
        }
        let mut spaces: Vec<&mut Space> = Vec::new();
        for shelf in [
            &mut index.tokens,
            &mut index.joined,
            &mut index.initials,
            &mut index.whole,
        ] {
            for space in [
                &mut shelf.raw,
                &mut shelf.phon,
                &mut shelf.skel,
                &mut shelf.skel_abjad,
            ] {
                spaces.push(space);
            }
        }
        // Filing is independent per key space: use every core.
        rayon::scope(|scope| {
            for space in spaces {
                scope.spawn(move |_| space.freeze());
            }
        });
        index.number_words();
        index.sketch();
        index
    }

    fn sketch(&mut self) {
        self.org_names = vec![0; self.names.len().div_ceil(64)];
        for (id, n) in self.names.iter().enumerate() {
            if n.name.kind != NameKind::Person {
                self.org_names[id / 64] |= 1 << (id % 64);
            }
            let start = self.sketch_words.len() as u32;
            self.sketch_words
                .extend(n.name.tokens.iter().map(|t| WordSketch {
                    vocab: t.vocab,
                    len: key_len(&t.text),
                    rarity: t.rarity,
                    class: t.class,
                    exact_only: t.exact_only,
                    first: t.first,
                }));
            let t = &n.name.tokens;
            let slots = self.sketch_runs.len() + 2 * t.len();
            for len in 2..=3 {
                for parts in t.windows(len) {
                    let entry = files_joined(parts)
                        .then(|| {
                            let text: String = parts.iter().map(|p| p.text.as_str()).collect();
                            self.joined.exact.get(&text).copied()
                        })
                        .flatten();
                    self.sketch_runs.push(entry.unwrap_or(NO_ENTRY));
                }
            }
            self.sketch_runs.resize(slots, NO_ENTRY);
            self.sketches.push(Sketch {
                entity: n.entity,
                start,
                len: n.name.tokens.len() as u32,
                org: n.name.kind != NameKind::Person,
                spelling: super::compare::spelling_hash(&n.name.tokens),
            });
        }
    }

    /// Give every listed word its rarity and a dense vocabulary id: words
    /// with the same text, class and script share one id.
    fn number_words(&mut self) {
        type Word<'w> = (&'w str, TokenClass, bool, Option<char>);
        let mut ids: FastMap<Word<'_>, u32> = FastMap::default();
        let mut numbers = Vec::new();
        for n in &self.names {
            for t in &n.name.tokens {
                let next = ids.len() as u32;
                numbers.push(
                    *ids.entry((&t.text, t.class, t.abjad, t.script))
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

    fn add_entry(&mut self, key: String, abjad: bool, unit: Unit, name: u32) {
        let shelf = match unit {
            Unit::Token => &mut self.tokens,
            Unit::Joined => &mut self.joined,
            Unit::Initials => &mut self.initials,
            Unit::Whole => &mut self.whole,
        };
        if let Some(&e) = shelf.exact.get(&key) {
            let names = &mut self.entries[e as usize].names;
            if names.last() != Some(&name) {
                names.push(name);
            }
            return;
        }
        let e = self.entries.len() as u32;
        if matches!(unit, Unit::Token | Unit::Joined) {
            shelf.raw.add(&fold(&key), e);
            shelf.phon.add(&fold(&phonetic(&key)), e);
        }
        if unit == Unit::Token {
            let sk = skeleton(&key);
            shelf.skel.add(&sk, e);
            if abjad {
                shelf.skel_abjad.add(&sk, e);
            }
        }
        let phon = phonetic(&key);
        self.entries.push(Entry {
            letters: letter_mask(&key),
            phon_letters: letter_mask(&phon),
            key: key.clone(),
            phon,
            abjad,
            names: vec![name],
        });
        shelf.exact.insert(key, e);
    }

    /// The text and phonetic key of the run of `len` words (2 or 3) from
    /// word `start` of `sketch`'s name written together, where the index
    /// keeps it (see `sketch_runs`).
    pub(crate) fn run_text(
        &self,
        sketch: &Sketch,
        start: usize,
        len: usize,
    ) -> Option<(&str, &str)> {
        let slot = if len == 2 {
            start
        } else {
            sketch.len as usize - 1 + start
        };
        let e = *self.sketch_runs.get(2 * sketch.start as usize + slot)?;
        self.entries
            .get(e as usize)
            .map(|x| (x.key.as_str(), x.phon.as_str()))
    }

    /// Every indexed name that could score ≥ 0.5 against `query`, in
    /// ascending order, into `scratch.candidates`.
    pub fn candidates(&self, query: &Name, scratch: &mut Scratch) {
        scratch.candidates.clear();
        let words = self.names.len().div_ceil(64);
        if scratch.seen_names.len() < words {
            scratch.seen_names.resize(words, 0);
        }
        if scratch.counts.len() < self.entries.len() {
            scratch.counts.resize(self.entries.len(), 0);
        }
        if scratch.seen_entry.len() < self.entries.len() {
            scratch.seen_entry.resize(self.entries.len(), false);
        }
        let mut probes = Vec::new();
        units(query, &mut probes);
        for (key, abjad, unit) in probes {
            let tag = unit as u8 | (u8::from(abjad) << 2);
            let cache_key = (key, tag);
            let entries = match scratch.cache.remove(&cache_key) {
                Some(v) => v,
                None => self.probe(&cache_key.0, abjad, unit, scratch),
            };
            // A query's initials pair distinctively only with names that
            // are not persons'.
            let only_orgs = unit == Unit::Initials;
            for &e in &entries {
                for &n in &self.entries[e as usize].names {
                    let (word, bit) = (n as usize / 64, 1 << (n % 64));
                    if !only_orgs || self.org_names[word] & bit != 0 {
                        scratch.seen_names[word] |= bit;
                    }
                }
            }
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

    /// Entries one probe can form a strong pair with: found by exact key,
    /// equivalents and trigram counts, then verified with the scorer's own
    /// similarity so that only real partners remain.
    fn probe(&self, key: &str, abjad: bool, unit: Unit, scratch: &mut Scratch) -> Vec<u32> {
        let mut found: Vec<u32> = Vec::with_capacity(8);
        let exact = |shelf: &Shelf, found: &mut Vec<u32>| {
            if let Some(&e) = shelf.exact.get(key) {
                found.push(e);
            }
        };
        let key_phon = phonetic(key);
        let (raw, phon) = (fold(key), fold(&key_phon));
        let group = variant_group(key);
        let mut fuzzy_tokens = Vec::with_capacity(64);
        let mut fuzzy_joined = Vec::with_capacity(16);
        match unit {
            Unit::Token => {
                exact(&self.tokens, &mut found);
                if let Some(group) = group {
                    for w in super::vocab::NAME_EQUIVALENTS[group as usize] {
                        if let Some(&e) = self.tokens.exact.get(*w) {
                            found.push(e);
                        }
                    }
                }
                self.count_filter(
                    &self.tokens.raw,
                    &raw,
                    self.shares.token_raw,
                    scratch,
                    &mut fuzzy_tokens,
                );
                self.count_filter(
                    &self.tokens.phon,
                    &phon,
                    self.shares.token_phon,
                    scratch,
                    &mut fuzzy_tokens,
                );
                let sk = skeleton(key);
                let skel = if abjad {
                    &self.tokens.skel
                } else {
                    &self.tokens.skel_abjad
                };
                self.count_filter(
                    skel,
                    &sk,
                    self.shares.token_skel,
                    scratch,
                    &mut fuzzy_tokens,
                );
                // A single query token against listed words run together or
                // a listed acronym.
                exact(&self.joined, &mut found);
                self.count_filter(
                    &self.joined.raw,
                    &raw,
                    self.shares.joined_raw,
                    scratch,
                    &mut fuzzy_joined,
                );
                self.count_filter(
                    &self.joined.phon,
                    &phon,
                    self.shares.joined_phon,
                    scratch,
                    &mut fuzzy_joined,
                );
                exact(&self.initials, &mut found);
            }
            Unit::Joined => {
                exact(&self.tokens, &mut found);
                self.count_filter(
                    &self.tokens.raw,
                    &raw,
                    self.shares.joined_raw,
                    scratch,
                    &mut fuzzy_joined,
                );
                self.count_filter(
                    &self.tokens.phon,
                    &phon,
                    self.shares.joined_phon,
                    scratch,
                    &mut fuzzy_joined,
                );
            }
            Unit::Initials => exact(&self.tokens, &mut found),
            Unit::Whole => exact(&self.whole, &mut found),
        }
        let p = &super::compare::PARAMS;
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
            group.is_some() || could_reach(&probe, &entry.shape(), reach)
        };
        let prepared =
            |floor: f64| PreparedWord::new(key, &key_phon, group, p.curve, p.short_penalty, floor);
        found.retain(|e| !std::mem::replace(&mut scratch.seen_entry[*e as usize], true));
        let mut rejected = std::mem::take(&mut scratch.marked);
        for (fuzzy, tokens, floor, reach) in [
            (fuzzy_tokens, true, STRONG, &self.shares.token),
            (fuzzy_joined, false, p.compound_min, &self.shares.joined),
        ] {
            if fuzzy.is_empty() {
                continue;
            }
            let word = prepared(floor);
            for e in fuzzy {
                if std::mem::replace(&mut scratch.seen_entry[e as usize], true) {
                    continue;
                }
                let entry = &self.entries[e as usize];
                let pairs = if tokens && entry.abjad != abjad {
                    super::similarity::abjad_similarity(key, &entry.key) >= floor
                } else {
                    reachable(entry, reach)
                        && word.reaches(&entry.key, &entry.phon, || variant_group(&entry.key))
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

    /// Entries whose folded key could lie within `share` of the longer
    /// length in unit edits of `key`; the caller verifies every entry
    /// returned. For an entry of length `le` the budget is
    /// `k = floor(share * max(len, le))`, the lengths differ by
    /// `d <= k`, and the entry shares at least `len + 2 - broken(d, k)` of
    /// the probe's trigrams (see `broken`).
    fn count_filter(
        &self,
        space: &Space,
        key: &str,
        share: f64,
        scratch: &mut Scratch,
        out: &mut Vec<u32>,
    ) {
        if key.is_empty() {
            return;
        }
        let len = key.len();
        let budget = |le: usize| (share * len.max(le) as f64 + 1e-9).floor() as usize;
        let shortest = len - budget(len).min(len);
        let longest =
            (len as f64 / (1.0 - share).max(1e-9) + 1.0).min(f64::from(u32::MAX)) as usize;
        // Each trigram's postings by length, looked up once, and only when
        // some length is counted (most keys are short enough for none).
        let mut counting: Option<(Vec<GramLengths<'_>>, usize)> = None;
        let mut postings: Vec<&[u32]> = Vec::new();
        // Lengths allowed no edit (only `len` can be) or one: looked up
        // among the key's deletions, not counted.
        let (mut exact, mut one) = (false, 0u64);
        for le in shortest.max(1)..=longest {
            let k = budget(le);
            if le.abs_diff(len) > k {
                continue;
            }
            if k <= 1 && len <= NEAR_MAX && le <= NEAR_MAX && !space.near_partial {
                if k == 0 {
                    exact = true;
                } else {
                    one |= 1 << le;
                }
                continue;
            }
            let Ok(le32) = u32::try_from(le) else { break };
            let (by_gram, duplicates) = counting.get_or_insert_with(|| {
                let mut grams = grams(key);
                let total = grams.len();
                grams.sort_unstable();
                grams.dedup();
                let by_gram = grams.iter().map(|g| space.lengths(*g)).collect();
                (by_gram, total - grams.len())
            });
            let need = (len + 2).saturating_sub(broken(len, le, k) + *duplicates);
            if need == 0 {
                out.extend(space.by_len.get(&le32).into_iter().flatten());
                continue;
            }
            postings.clear();
            for lens in by_gram.iter_mut() {
                // Lengths ascend, as `le` does: drop the shorter ones.
                while lens.first().is_some_and(|l| l.0 < le32) {
                    *lens = &lens[1..];
                }
                if let Some(&l) = lens.first().filter(|l| l.0 == le32) {
                    postings.push(space.list(l));
                }
            }
            if postings.len() < need {
                continue; // fewer of its trigrams at this length than required
            }
            count_shared(&mut postings, need, scratch, out);
        }
        if exact || one != 0 {
            space.near_entries(key.as_bytes(), exact, one, out);
        }
    }
}

/// The most padded trigrams of a key of length `len` that `k` unit edits
/// turning it into a key of length `le` can break. At least
/// `d = |le - len|` edits change the length: an insertion breaks at most
/// the 2 trigrams spanning its gap, a deletion the 3 holding the letter;
/// every other edit breaks at most 4 (a transposition; a substitution 3).
/// Pairing an insertion with a deletion instead of two such edits breaks
/// fewer, so the worst case spends exactly `d` edits on the length.
fn broken(len: usize, le: usize, k: usize) -> usize {
    let d = len.abs_diff(le).min(k);
    let per_length_edit = if le >= len { 2 } else { 3 };
    per_length_edit * d + 4 * (k - d)
}

/// Entries present in at least `need` of `postings`. By pigeonhole such an
/// entry is in one of the `P - need + 1` shortest lists: those find the
/// candidates. The longer lists then only add to their counts, shortest
/// first; before each, candidates that can no longer reach `need` drop
/// out, and when few remain against a long list each is looked up in it
/// instead of reading the list through.
fn count_shared(postings: &mut [&[u32]], need: usize, scratch: &mut Scratch, out: &mut Vec<u32>) {
    postings.sort_by_key(|p| p.len());
    let scan = postings.len() - need + 1;
    let counts = &mut scratch.counts;
    let alive = &mut scratch.touched;
    for post in &postings[..scan] {
        for &e in post.iter() {
            let c = &mut counts[e as usize];
            if *c == 0 {
                alive.push(e);
            }
            *c = c.saturating_add(1);
        }
    }
    let rest = &postings[scan..];
    for (r, post) in rest.iter().enumerate() {
        let left = rest.len() - r;
        alive.retain(|&e| {
            let keep = usize::from(counts[e as usize]) + left >= need;
            if !keep {
                counts[e as usize] = 0;
            }
            keep
        });
        if alive.is_empty() {
            break;
        }
        if alive.len() * 12 < post.len() {
            for &e in alive.iter() {
                if post.binary_search(&e).is_ok() {
                    let c = &mut counts[e as usize];
                    *c = c.saturating_add(1);
                }
            }
        } else {
            for &e in post.iter() {
                let c = &mut counts[e as usize];
                if *c > 0 {
                    *c = c.saturating_add(1);
                }
            }
        }
    }
    for &e in alive.iter() {
        if usize::from(counts[e as usize]) >= need {
            out.push(e);
        }
        counts[e as usize] = 0;
    }
    alive.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletions_find_every_key_within_one_edit() {
        use crate::matching::sample::Rng;
        let mut rng = Rng::new(11);
        let word = |rng: &mut Rng| -> String {
            let len = 1 + rng.below(7);
            (0..len)
                .map(|_| char::from(b"abcd"[rng.below(4)]))
                .collect()
        };
        let mut keys: Vec<String> = (0..400).map(|_| word(&mut rng)).collect();
        keys.sort();
        keys.dedup();
        let mut space = Space::default();
        for (e, k) in keys.iter().enumerate() {
            space.add(k, e as u32);
        }
        space.freeze();
        for _ in 0..2_000 {
            let probe = word(&mut rng);
            let mut found = Vec::new();
            // Every length: one edit allowed; and the equal key alone.
            space.near_entries(probe.as_bytes(), false, u64::MAX >> 1, &mut found);
            let mut equal = Vec::new();
            space.near_entries(probe.as_bytes(), true, 0, &mut equal);
            for (e, k) in keys.iter().enumerate() {
                let d = super::super::similarity::unit_distance(probe.as_bytes(), k.as_bytes());
                let e = e as u32;
                if d <= 1 {
                    assert!(found.contains(&e), "{probe} misses {k}");
                }
                assert_eq!(equal.contains(&e), d == 0, "{probe} / {k}");
            }
        }
    }

    #[test]
    fn edits_break_no_more_trigrams_than_counted() {
        use crate::matching::sample::Rng;
        let distinct = |k: &[u8]| {
            let mut g = grams(std::str::from_utf8(k).unwrap());
            g.sort_unstable();
            g.dedup();
            g
        };
        let mut rng = Rng::new(5);
        for _ in 0..50_000 {
            let len = 1 + rng.below(12);
            let key: Vec<u8> = (0..len).map(|_| b"abcd"[rng.below(4)]).collect();
            let mut edited = key.clone();
            let k = rng.below(4);
            for _ in 0..k {
                let at = rng.below(edited.len() + 1);
                match rng.below(4) {
                    0 => edited.insert(at, b"abcde"[rng.below(5)]),
                    1 if at < edited.len() => {
                        edited.remove(at);
                    }
                    2 if at < edited.len() => edited[at] = b"abcde"[rng.below(5)],
                    _ if at + 1 < edited.len() => edited.swap(at, at + 1),
                    _ => edited.insert(at, b'e'),
                }
            }
            let probe = distinct(&key);
            let duplicates = len + 2 - probe.len();
            let need = (len + 2).saturating_sub(broken(len, edited.len(), k) + duplicates);
            let theirs = distinct(&edited);
            let shared = probe
                .iter()
                .filter(|g| theirs.binary_search(g).is_ok())
                .count();
            assert!(
                shared >= need,
                "{:?} -> {:?} in {k} edits shares {shared} < {need}",
                String::from_utf8_lossy(&key),
                String::from_utf8_lossy(&edited)
            );
        }
    }

    #[test]
    fn folding_makes_cheap_edits_free() {
        assert_eq!(fold("sech1n"), fold("sechln"));
        assert_eq!(fold("putin"), fold("putan"));
        assert_eq!(fold("0sama"), fold("usama"));
    }

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
