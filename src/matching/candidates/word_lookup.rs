//! The index's vocabulary, searchable from a query: which listed words a
//! query word, a query run or a stub could pair with at all, found without
//! visiting the others.
//!
//! A search bounds hundreds of candidates, and most of their words pair
//! with nothing in the query (`mohammed` shared, `yousef`, `kareem` not).
//! Asking each such word costs a comparison per query word; looking the
//! query up here first marks the few words that could pair, and the bound
//! compares only those (see `bound`). Like the candidate index this only
//! ever errs by finding too much: every word returned is still compared.
//!
//! Words compared by more than their spelling (syllabic scripts, abjads,
//! exact-only words) are not searchable here: they are `special`, and the
//! bound always compares them.

use super::key_space::{fold, Counts, Space};
use crate::matching::names::normalize::{Token, TokenClass};
use crate::matching::names::similarity::reach_share;
use crate::matching::names::vocab::{FastMap, Groups};

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct WordLookup {
    /// Vocabulary ids by text (a text may have several classes).
    by_text: FastMap<String, Vec<u32>>,
    /// Vocabulary ids by equivalence group (`vocab::Groups::iter`).
    by_group: FastMap<usize, Vec<u32>>,
    /// Folded spellings and folded phonetic keys of the searchable words.
    raw: Space,
    phon: Space,
    /// Vocabulary ids sorted by text, for words beginning with a stub.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    sorted: Vec<u32>,
    /// Legal-form words: they pair only with each other.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    legal_forms: Vec<u32>,
    /// Words the lookup cannot find by spelling, one bit each.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    special: Vec<u64>,
}

/// Whether a listed word is compared by more than its spelling.
pub(crate) fn is_special(t: &Token) -> bool {
    t.exact_only || t.script.is_some() || t.abjad
}

/// What a query's lookups found: per vocabulary id, the parts of the
/// query (words, runs, the stub; one bit each) whose lookup found it.
/// Queries of more than 32 words are not looked up.
#[derive(Default)]
pub(crate) struct Finds {
    /// The bits of the query part being looked up now.
    pub(crate) by: u32,
    found: Vec<u32>,
    /// Ids found since `start`, to clear them for the next query.
    touched: Vec<u32>,
}

impl Finds {
    /// The query parts that found the word `v` (0: none).
    pub(crate) fn get(&self, v: usize) -> u64 {
        self.found.get(v).copied().map_or(0, u64::from)
    }
}

/// Reusable counters for looking up, and the words found per spelling:
/// a lookup is a pure function of the spelling and its floor, and batches
/// repeat words (`mohammed`, `trading`) often.
#[derive(Default)]
pub(crate) struct LookupScratch {
    counts: Counts,
    /// (spelling, floor bits, curve bits) → the words found.
    cache: FastMap<(String, u64, u64), Vec<u32>>,
    /// Words found, summed over the cache.
    cached: usize,
}

/// Words found kept per thread (4 bytes each) before the cache is emptied:
/// a spelling of seven letters can find thousands.
const CACHE_LIMIT: usize = 1 << 21;

impl Finds {
    /// Mark `ids` as found by the query part `by`.
    pub(crate) fn mark(&mut self, ids: &[u32]) {
        for &v in ids {
            if let Some(f) = self.found.get_mut(v as usize) {
                if *f == 0 {
                    self.touched.push(v);
                }
                *f |= self.by;
            }
        }
    }
}

impl WordLookup {
    /// Over `words`, the vocabulary by id.
    pub(crate) fn build(words: &[Token]) -> WordLookup {
        let mut lookup = WordLookup {
            by_text: FastMap::default(),
            by_group: FastMap::default(),
            raw: Space::default(),
            phon: Space::default(),
            sorted: (0..words.len() as u32).collect(),
            legal_forms: Vec::new(),
            special: vec![0; words.len().div_ceil(64)],
        };
        for (v, w) in words.iter().enumerate() {
            let id = v as u32;
            lookup.by_text.entry(w.text.clone()).or_default().push(id);
            for g in w.groups.iter() {
                lookup.by_group.entry(g).or_default().push(id);
            }
            if w.class == TokenClass::LegalForm {
                lookup.legal_forms.push(id);
            }
            if is_special(w) {
                lookup.special[v / 64] |= 1 << (v % 64);
            }
        }
        // The two key spaces file independently: one core each.
        let space = |key: fn(&Token) -> &str| {
            // Pairs need only 0.6: two edits reach most lengths, and
            // looking those up beats counting the few trigrams they keep.
            let mut space = Space::with_two_edits().screened();
            for (v, w) in words.iter().enumerate().filter(|(_, w)| !is_special(w)) {
                space.add(&fold(key(w)), v as u32);
            }
            space.freeze();
            space
        };
        (lookup.raw, lookup.phon) = rayon::join(|| space(|w| &w.text), || space(|w| &w.phon));
        lookup
            .sorted
            .sort_unstable_by(|&a, &b| words[a as usize].text.cmp(&words[b as usize].text));
        lookup
    }

    /// Forget the last query's finds.
    pub(crate) fn start(&self, finds: &mut Finds) {
        for &v in &finds.touched {
            finds.found[v as usize] = 0;
        }
        finds.touched.clear();
        finds.found.resize(self.special.len() * 64, 0);
    }

    /// Whether the word `v` is compared by more than its spelling (then
    /// no lookup finds it, and it is compared with every query word).
    pub(crate) fn is_special(&self, v: usize) -> bool {
        self.special
            .get(v / 64)
            .is_none_or(|m| m >> (v % 64) & 1 != 0)
    }

    /// Find the words spelled `text`.
    pub(crate) fn exact(&self, text: &str, finds: &mut Finds) {
        if let Some(ids) = self.by_text.get(text) {
            finds.mark(ids);
        }
    }

    /// Mark the words that share an equivalence group with `groups`.
    fn groups(&self, groups: Groups, finds: &mut Finds) {
        for g in groups.iter() {
            if let Some(ids) = self.by_group.get(&g) {
                finds.mark(ids);
            }
        }
    }

    pub(crate) fn legal_forms(&self, finds: &mut Finds) {
        finds.mark(&self.legal_forms);
    }

    /// Mark every word that `PreparedWord::reaches` could find reaching
    /// `floor` under `curve` from `text` (phonetic key `phon`, equivalence
    /// groups `groups`): the same text, a shared group, or a spelling within
    /// the edit budget of `floor` on the spelling or on the phonetic key
    /// (scale 0.9).
    pub(crate) fn similar(
        &self,
        (text, phon, groups): (&str, &str, Groups),
        (floor, curve): (f64, f64),
        scratch: &mut LookupScratch,
        finds: &mut Finds,
    ) {
        self.exact(text, finds);
        self.groups(groups, finds);
        self.spelled(text, phon, (floor, curve), scratch, finds);
    }

    /// Mark the words whose spelling lies within the edit budget of
    /// `floor` of `text` (see `similar`); the phonetic key follows from
    /// the text, so the finds are kept by text, floor and curve.
    fn spelled(
        &self,
        text: &str,
        phon: &str,
        (floor, curve): (f64, f64),
        scratch: &mut LookupScratch,
        finds: &mut Finds,
    ) {
        let key = (text.to_owned(), floor.to_bits(), curve.to_bits());
        if let Some(found) = scratch.cache.get(&key) {
            finds.mark(found);
            return;
        }
        // Some words are found twice (by spelling and by sound): marking
        // twice costs less than sorting them out.
        let mut found = Vec::new();
        self.spelled_into(text, phon, (floor, curve), &mut scratch.counts, &mut found);
        finds.mark(&found);
        if scratch.cached + found.len() > CACHE_LIMIT {
            scratch.cache.clear();
            scratch.cached = 0;
        }
        scratch.cached += found.len();
        scratch.cache.insert(key, found);
    }

    /// Add to `found` the words whose spelling lies within the edit budget
    /// of `floor` of `text` or whose phonetic key lies within it of `phon`
    /// (some twice).
    fn spelled_into(
        &self,
        text: &str,
        phon: &str,
        (floor, curve): (f64, f64),
        counts: &mut Counts,
        found: &mut Vec<u32>,
    ) {
        counts.ready(self.sorted.len());
        let raw = reach_share(floor, 1.0, curve);
        self.raw.count_filter(&fold(text), raw, counts, found);
        let phon_share = reach_share(floor, 0.9, curve);
        self.phon
            .count_filter(&fold(phon), phon_share, counts, found);
    }

    /// The words `similar` would find for the word `t` reaching `floor`,
    /// added to `found` (some twice): its text, its variant group and its
    /// spelling's neighbours, without the cache a search keeps.
    pub(crate) fn similar_into(
        &self,
        t: &Token,
        floor: (f64, f64),
        counts: &mut Counts,
        found: &mut Vec<u32>,
    ) {
        found.extend(self.by_text.get(&t.text).into_iter().flatten());
        for g in t.groups.iter() {
            found.extend(self.by_group.get(&g).into_iter().flatten());
        }
        self.spelled_into(&t.text, &t.phon, floor, counts, found);
    }

    /// The vocabulary id of the word `t` (same text, class, script and
    /// groups), `words` being the vocabulary: a query word that is a
    /// listed word.
    pub(crate) fn vocab_of(&self, t: &Token, words: &[Token]) -> Option<u32> {
        let ids = self.by_text.get(&t.text)?;
        ids.iter().copied().find(|&v| {
            let w = &words[v as usize];
            w.class == t.class && w.abjad == t.abjad && w.script == t.script && w.groups == t.groups
        })
    }

    /// Mark the words beginning with `prefix`, `words` being the vocabulary.
    pub(crate) fn prefixed(&self, prefix: &str, words: &[Token], finds: &mut Finds) {
        let text = |v: &u32| words[*v as usize].text.as_str();
        // Sorted by text, the words beginning with `prefix` stand together.
        let from = self.sorted.partition_point(|v| text(v) < prefix);
        let run = self.sorted[from..].partition_point(|v| text(v).starts_with(prefix));
        finds.mark(&self.sorted[from..from + run]);
    }
}
