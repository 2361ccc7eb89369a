//! An upper bound of the score of one query against a listed name, read
//! from the name's sketch (`index::Sketch`): a search aligns only the
//! candidates whose bound reaches its threshold.
//!
//! `compare::align` pairs words one to one, and a word that can pair with
//! nothing on the other side stays unmatched whatever the alignment. So
//! the score is at most `P / (P + U)` (`P + extra * U` when only one side
//! has such words), where `P` weighs every word that could pair and `U`
//! every word that cannot, times the conflict factor those words already
//! force, and at most 0.5 when no pair could be distinctive.
//!
//! Which words could pair is decided per listed *word*, not per name: a
//! search meets the same words (`mohammed`, `trading`) in many candidates,
//! and remembers for each what it pairs with in the query (`BoundMemo`).
//! Pairs of several words (written together, acronyms, a name cut short)
//! are judged as the alignment judges them: query runs once per listed
//! word, listed runs once per distinct run and query, and only for query
//! words of the run's first letter and about its length. Where initials
//! begin with a letter outside ASCII the bound assumes the pair: a guess
//! may only raise the bound, and the alignment decides.

use super::index::{fold_mask, Index, Sketch, WordSketch};
use super::prefetch::prefetch;
use super::word_lookup::{Finds, LookupScratch};
use super::word_pairs::word_pair;
use crate::matching::names::compare::{
    acronym, acronym_span, completes_stub, could_join, is_acronym_content, is_conflicting,
    is_substantive, joins_runs, may_be_stub, pair_reach, paired_weight, spelling_hash,
    takes_compound, unpaired_weight, Params,
};
use crate::matching::names::normalize::{Name, NameKind, Token, TokenClass, NO_VOCAB};
use crate::matching::names::similarity::{
    phonetic, phonetic_into, Outline, PreparedWord, Reach, SpellingFilter,
};
use crate::matching::names::vocab::variant_group;
use crate::matching::names::vocab::FastMap;

/// A run of 2-3 adjacent query words that could be written together or
/// stand as initials.
struct QueryRun {
    start: usize,
    len: usize,
    total: usize,
    first: u8,
    initials: String,
    no_particle: bool,
    /// Some word of the run is substantive (a pair with it can be
    /// distinctive).
    substantive: bool,
    /// The run written together, prepared to meet many listed words at
    /// `compound_min`.
    word: PreparedWord,
}

/// What a listed word pairs with in the query, as bit sets.
#[derive(Debug, Clone, Copy, Default)]
struct Row {
    /// The query (`BoundMemo::generation`) this row was filled for.
    stamp: u32,
    /// Some pair with it would be distinctive (both substantive,
    /// `strong_pair`).
    strong: bool,
    /// It is the query's acronym.
    acronym: bool,
    /// It begins with the query's last word, a stub of a cut-off name.
    truncated: bool,
    /// Query words it reaches `min_pair` with.
    pair: u64,
    /// Query runs it equals written together or as initials.
    runs: u64,
}

/// One query, prepared for bounding its score against many names.
pub struct QueryBound<'q> {
    query: &'q Name,
    p: &'q Params,
    runs: Vec<QueryRun>,
    /// The query's acronym and the run of words it stands for.
    acronym: Option<(u64, String)>,
    /// The query's last word, when it may be a name cut short.
    stub: Option<&'q str>,
    /// Query words a listed run could be written as (see `takes_compound`).
    singles: Vec<usize>,
    /// Those of them that are substantive, as a bit set.
    substantive_singles: u64,
    /// Query words that as initials could make a distinctive acronym
    /// (`compare::telling_acronym`): of three letters or more, or the
    /// whole query.
    telling: u64,
    spelling: u64,
    org: bool,
    /// Per query word, its weight paired and unpaired (see `finish`).
    weights: Vec<(f64, f64)>,
    /// For a query of at most `SUMMED` words, `query_sums` of every set
    /// of its words (empty for longer ones): `finish` runs for every
    /// candidate.
    sums: Vec<(f64, f64)>,
    /// Query words that left unpaired are conflicting name parts.
    conflicting: u64,
    classes: [ClassWeights; 7],
    /// `p.conflict_factor` to the powers below `CONFLICT_POWERS`, as
    /// `compare::align` takes them: `finish` runs for every candidate.
    conflict_powers: [f64; CONFLICT_POWERS],
    /// Queries of more than 32 words are not bounded (the bound is 1).
    unbounded: bool,
    /// `compare::pair_reach(p)`.
    reach: Reach,
    /// Every listed word is compared with the query: some query word is
    /// compared by more than its spelling, which `word_lookup` cannot
    /// search by.
    compares_all: bool,
    /// The query's words by their first letters.
    letters: Box<Letters>,
    /// Per query word, its outline with letter masks folded as listed
    /// runs' are (`index::fold_mask`), and what a run written together
    /// must reach to pair with it: the rough bound's test of runs.
    run_outlines: Vec<Outline>,
    run_reach: Reach,
    /// Per query word, its spelling prepared to meet many listed words
    /// at `min_pair`, and (for `singles` only) to meet listed runs at
    /// `compound_min`.
    spellings: Vec<SpellingFilter>,
    /// Query words that are listed words whose pairs the index has
    /// judged (`word_pairs`): `BoundMemo::known` says what they pair with,
    /// and they are compared only with words the table leaves out.
    tabled: u64,
    compounds: Vec<Option<PreparedWord>>,
}

/// Per-vocabulary rows for the current query, filled on first use.
#[derive(Default)]
pub struct BoundMemo {
    rows: Vec<Row>,
    generation: u32,
    /// Listed runs (vocabulary ids) → query words they equal written
    /// together.
    runs: FastMap<[u32; 3], u64>,
    /// A listed run written together and its phonetic key, rewritten for
    /// each run judged.
    run_text: String,
    run_phon: Vec<u8>,
    /// Per listed word, the query words and runs whose lookup found it
    /// (see `word_lookup`): the rest pair with nothing and are not
    /// compared.
    finds: Finds,
    lookups: LookupScratch,
    known: Known,
    spare: Spare,
}

/// Per listed word, the query words the index's pair table says it pairs
/// with (low 32 bits) and pairs with distinctively (high 32 bits): queries
/// of more than 32 words read no table.
#[derive(Default)]
struct Known {
    bits: Vec<u64>,
    /// Words marked since `clear`.
    touched: Vec<u32>,
}

impl Known {
    fn clear(&mut self, vocabulary: usize) {
        for &v in &self.touched {
            self.bits[v as usize] = 0;
        }
        self.touched.clear();
        if self.bits.len() < vocabulary {
            self.bits.resize(vocabulary, 0);
        }
    }

    /// Mark `ids` as pairing with query word `word`, distinctively or not.
    fn mark(&mut self, ids: &[u32], word: usize, strong: bool) {
        let bits = (1u64 << word) | if strong { 1 << (word + 32) } else { 0 };
        for &v in ids {
            if let Some(b) = self.bits.get_mut(v as usize) {
                if *b == 0 {
                    self.touched.push(v);
                }
                *b |= bits;
            }
        }
    }

    /// The query words `v` pairs with, and whether one pairs distinctively.
    fn get(&self, v: usize) -> (u64, bool) {
        let bits = self.bits.get(v).copied().unwrap_or(0);
        (bits & u64::from(u32::MAX), bits >> 32 != 0)
    }
}

/// The vectors of a finished query's prepared words, kept for the next.
#[derive(Default)]
struct Spare {
    letters: Option<Box<Letters>>,
    runs: Vec<QueryRun>,
    run_outlines: Vec<Outline>,
    sums: Vec<(f64, f64)>,
    spellings: Vec<SpellingFilter>,
    compounds: Vec<Option<PreparedWord>>,
}

/// Per first byte of a word, bit sets of the query words beginning with
/// it. Boxed and handed from query to query: 7 KB moved with the bound,
/// or built anew, cost more than a search's smaller steps.
struct Letters {
    /// The query's initials and its name words: an initial pairs with any
    /// name it begins, which the lookup does not list, so listed words of
    /// those letters are compared.
    initials: [u64; 256],
    names: [u64; 256],
    /// The `singles`.
    singles: [u64; 256],
    /// Per ASCII first byte, the byte lengths of the `singles` beginning
    /// with it (bit 63: 63 or more).
    single_lengths: [u64; 128],
    /// Per ASCII first byte, the byte lengths (bit 63: 63 or more) of
    /// the runs written together that a single beginning with it could
    /// be (`compare::join_lengths` turned around).
    join_totals: [u64; 128],
}

impl Letters {
    /// `spare`, left empty by `clear`, or a new table.
    fn emptied(spare: Option<Box<Letters>>) -> Box<Letters> {
        spare.unwrap_or_else(|| {
            Box::new(Letters {
                initials: [0; 256],
                names: [0; 256],
                singles: [0; 256],
                single_lengths: [0; 128],
                join_totals: [0; 128],
            })
        })
    }

    /// File the single `i`, of `len` bytes beginning with `first`.
    fn add_single(&mut self, i: usize, first: u8, len: usize) {
        self.singles[usize::from(first)] |= 1 << i;
        if first.is_ascii() {
            self.single_lengths[usize::from(first)] |= 1 << len.min(63);
            self.join_totals[usize::from(first)] |= join_totals(len);
        }
    }

    /// Whether some single of `lengths` (those beginning as the listed
    /// run of `len` words from `w` does) could be that run written together
    /// or as initials, read off the word's sketch (`WordSketch::runs`): a
    /// single fits where its length lies in `compare::join_lengths` of the
    /// run's, or equals the run's words (initials), and any length fits a
    /// run with a word beginning outside ASCII (its initials are not one
    /// byte a word).
    fn fits_run(&self, w: &WordSketch, len: usize, lengths: u64) -> bool {
        let total = w.runs[len - 2];
        if total == 0 {
            return false; // not joinable
        }
        // A run with a word beginning outside ASCII fits any length.
        w.runs_plain >> (len - 2) & 1 == 0
            || lengths >> len & 1 != 0
            || self
                .join_totals
                .get(usize::from(w.first))
                .is_none_or(|totals| totals >> total.min(63) & 1 != 0)
    }

    /// Empty every set `query`'s words filled: only the rows of their
    /// first bytes, not the 7 KB.
    fn clear(&mut self, query: &Name) {
        for x in &query.tokens {
            self.clear_single(x.first);
        }
    }

    /// Empty the rows of `first`.
    fn clear_single(&mut self, first: u8) {
        let first = usize::from(first);
        self.initials[first] = 0;
        self.names[first] = 0;
        self.singles[first] = 0;
        if let Some(lengths) = self.single_lengths.get_mut(first) {
            *lengths = 0;
            self.join_totals[first] = 0;
        }
    }
}

/// The byte lengths of runs a word of `len` bytes could be written
/// together (bit 63: 63 or more): `len` lies in `compare::join_lengths`
/// of the run's, that is within 3 of it and at least 4. Runs of 63 bytes
/// or more all count as 63: a word of 60 bytes or more is taken to fit
/// each, and the run's own test settles it.
fn join_totals(len: usize) -> u64 {
    let span = |lo: usize, hi: usize| (u64::MAX >> (63 - hi.min(63))) & (u64::MAX << lo.min(63));
    if len < 4 {
        0
    } else {
        span(len - 3, len + 3)
    }
}

/// `spare`'s buffer, emptied.
fn emptied<T>(spare: &mut Vec<T>) -> Vec<T> {
    let mut out = std::mem::take(spare);
    out.clear();
    out
}

/// `items` collected into `spare`'s buffer.
fn reuse<T>(spare: &mut Vec<T>, items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = emptied(spare);
    out.extend(items);
    out
}

impl BoundMemo {
    fn start(&mut self, vocabulary: usize) {
        if self.rows.len() < vocabulary {
            self.rows.resize(vocabulary, Row::default());
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.rows.fill(Row::default());
            self.generation = 1;
        }
        self.runs.clear();
        self.known.clear(vocabulary);
    }
}

/// Whether a query that met `candidates` names should look up the listed
/// words it could pair with (`QueryBound::new`): a lookup costs about as
/// much as comparing the words of some fifty names with the query, less
/// since common words read their pairs from the index (measured on the
/// full lists: fewest instructions from about 80; 150 before the pair
/// table).
pub fn worth_looking_up(candidates: usize) -> bool {
    candidates >= 80
}

/// Conflicts up to this many have their factor tabled (`finish`).
const CONFLICT_POWERS: usize = 8;

/// Queries of at most this many words have their weight sums tabled.
const SUMMED: usize = 6;

/// The weights of the query words in `paired` paired and of the others
/// unpaired, `weights` giving each word's (see `finish`).
fn query_sums(weights: &[(f64, f64)], paired: u64) -> (f64, f64) {
    let (mut pa, mut ua) = (0.0, 0.0);
    for (i, (p, u)) in weights.iter().enumerate() {
        if paired >> i & 1 != 0 {
            pa += p;
        } else {
            ua += u;
        }
    }
    (pa, ua)
}

/// The bits of `len` words from `start` (within 64 words).
fn span(start: usize, len: usize) -> u64 {
    let ones = if len >= 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    };
    ones << start
}

impl<'q> QueryBound<'q> {
    /// Prepare `query` (its words carrying their rarity) and reset `memo`
    /// for it. With `look_up`, the listed words that could pair with it
    /// are looked up first, and only they are compared (see
    /// `word_lookup`); without, every listed word met is compared. The
    /// bounds are the same: looking up pays only when the query meets many
    /// listed words (`worth_looking_up`).
    pub fn new(
        query: &'q Name,
        p: &'q Params,
        index: &Index,
        memo: &mut BoundMemo,
        look_up: bool,
    ) -> Self {
        memo.start(index.words.len());
        let t = &query.tokens;
        let mut letters = Letters::emptied(memo.spare.letters.take());
        // Queries of more than 32 words are not bounded.
        let compares_all =
            !look_up || t.len() > 32 || t.iter().any(|x| x.script.is_some() || x.abjad);
        let finds = &mut memo.finds;
        if !compares_all {
            index.lookup.start(finds);
        }
        // Query words that are listed words read their pairs from the
        // index: what the lookup would find, already judged.
        let mut tabled = 0u64;
        for (i, x) in t.iter().enumerate().filter(|_| t.len() <= 32) {
            let Some(found) = index.pairs.of(x, &index.lookup, &index.words, p) else {
                continue;
            };
            memo.known.mark(found.strong, i, true);
            memo.known.mark(found.other, i, false);
            if !compares_all {
                finds.by = 1 << i;
                finds.mark(found.strong);
                finds.mark(found.other);
            }
            tabled |= 1 << i;
        }
        for (i, x) in t.iter().enumerate().filter(|_| !compares_all) {
            let lookup = &index.lookup;
            finds.by = 1 << i; // at most 32 words
            match x.class {
                TokenClass::Title => continue,
                TokenClass::LegalForm => {
                    lookup.legal_forms(finds);
                    continue;
                }
                TokenClass::Initial => letters.initials[usize::from(x.first)] |= 1 << i,
                TokenClass::Name => letters.names[usize::from(x.first)] |= 1 << i,
                _ => {}
            }
            if tabled >> i & 1 != 0 {
                continue;
            }
            if x.exact_only || matches!(x.class, TokenClass::Number | TokenClass::Initial) {
                // Equal words only (initials beyond that by their letters).
                lookup.exact(&x.text, finds);
                continue;
            }
            let word = (x.text.as_str(), x.phon.as_str(), x.groups);
            let floor = (p.min_pair, p.curve);
            lookup.similar(word, floor, &mut memo.lookups, finds);
        }
        // Prepared words are about a kilobyte each: their vectors are
        // reused from query to query (see `recycle`).
        let mut runs = emptied(&mut memo.spare.runs);
        for len in 2..=3 {
            for start in 0..t.len().saturating_sub(len - 1) {
                let parts = &t[start..start + len];
                if !parts.iter().all(|w| joins_runs(w.class)) {
                    continue;
                }
                let text: String = parts.iter().map(|w| w.text.as_str()).collect();
                let phon = phonetic(&text);
                let group = variant_group(&text);
                let initials: String = parts.iter().filter_map(|w| w.text.chars().next()).collect();
                let no_particle = parts.iter().all(|w| w.class != TokenClass::Particle);
                if !compares_all {
                    let lookup = &index.lookup;
                    let floor = (p.compound_min, p.curve);
                    let word = (text.as_str(), phon.as_str(), group);
                    memo.finds.by = span(start, len) as u32;
                    lookup.similar(word, floor, &mut memo.lookups, &mut memo.finds);
                    if no_particle {
                        lookup.exact(&initials, &mut memo.finds);
                    }
                }
                runs.push(QueryRun {
                    start,
                    len,
                    total: text.len(),
                    first: parts[0].first,
                    word: PreparedWord::new(
                        &text,
                        &phon,
                        group,
                        p.curve,
                        p.short_penalty,
                        p.compound_min,
                    ),
                    initials,
                    no_particle,
                    substantive: parts.iter().any(|w| is_substantive(w.class)),
                });
            }
        }
        let acronym = acronym(t).map(|(start, len, text)| (span(start, len), text));
        if let Some((run, a)) = acronym.as_ref().filter(|_| !compares_all) {
            memo.finds.by = *run as u32;
            index.lookup.exact(a, &mut memo.finds);
        }
        // Bit sets hold 64 words; longer queries are not bounded.
        let singles: Vec<usize> = (0..t.len().min(64))
            .filter(|&i| takes_compound(t[i].class, t[i].exact_only))
            .collect();
        let classes = class_weights(p);
        let weights: Vec<(f64, f64)> = t
            .iter()
            .map(|x| {
                let class = &classes[x.class as usize];
                (class.paired.weigh(x.rarity), class.unpaired.weigh(x.rarity))
            })
            .collect();
        let sets = if weights.len() <= SUMMED {
            1 << SUMMED
        } else {
            0
        };
        let sums = reuse(
            &mut memo.spare.sums,
            (0..sets).map(|set| query_sums(&weights, set)),
        );
        for &i in &singles {
            letters.add_single(i, t[i].first, t[i].text.len());
        }
        let stub = t
            .last()
            .filter(|w| may_be_stub(t.len(), w.class, w.exact_only, w.text.len()))
            .map(|w| w.text.as_str());
        if let Some(s) = stub.filter(|_| !compares_all) {
            memo.finds.by = 1 << (t.len() - 1);
            index.lookup.prefixed(s, &index.words, &mut memo.finds);
        }
        QueryBound {
            query,
            p,
            runs,
            acronym,
            stub,
            substantive_singles: singles
                .iter()
                .filter(|&&i| is_substantive(t[i].class))
                .fold(0, |m, &i| m | 1 << i),
            telling: singles
                .iter()
                .filter(|&&i| t[i].text.len() >= 3 || t.len() == 1)
                .fold(0, |m, &i| m | 1 << i),
            singles,
            spelling: spelling_hash(t),
            org: query.kind != NameKind::Person,
            weights,
            sums,
            conflicting: t
                .iter()
                .enumerate()
                .filter(|(_, x)| classes[x.class as usize].conflicting)
                .fold(0, |m, (i, _)| m | 1u64.checked_shl(i as u32).unwrap_or(0)),
            classes,
            conflict_powers: std::array::from_fn(|k| p.conflict_factor.powi(k as i32)),
            // Pairs are kept as bit sets of 64 words and 64 runs.
            unbounded: t.len() > 32,
            compares_all,
            tabled,
            letters,
            reach: pair_reach(p).into_owned(),
            run_outlines: reuse(
                &mut memo.spare.run_outlines,
                t.iter().map(|x| Outline {
                    len: x.text.len(),
                    letters: u64::from(fold_mask(x.letters)),
                    phon_len: x.phon.len(),
                    phon_letters: u64::from(fold_mask(x.phon_letters)),
                }),
            ),
            run_reach: Reach::reaching(p.compound_min, p.curve),
            spellings: reuse(
                &mut memo.spare.spellings,
                t.iter()
                    .map(|x| SpellingFilter::new(&x.text, &x.phon, p.curve, p.min_pair)),
            ),
            compounds: reuse(
                &mut memo.spare.compounds,
                t.iter().map(|x| {
                    takes_compound(x.class, x.exact_only).then(|| {
                        PreparedWord::new(
                            &x.text,
                            &x.phon,
                            x.groups,
                            p.curve,
                            p.short_penalty,
                            p.compound_min,
                        )
                    })
                }),
            ),
        }
    }

    /// Hand the query's prepared words back to `memo` for the next query.
    pub fn recycle(self, memo: &mut BoundMemo) {
        let mut letters = self.letters;
        letters.clear(self.query);
        memo.spare = Spare {
            letters: Some(letters),
            runs: self.runs,
            run_outlines: self.run_outlines,
            sums: self.sums,
            spellings: self.spellings,
            compounds: self.compounds,
        };
    }

    /// What the listed word `v` pairs with, `(pair, strong)` being what
    /// the pair table says (`Known::get`). Its key rules out most other
    /// pairs; the full word is read only for the rest.
    fn row(&self, index: &Index, v: usize, (pair, strong): (u64, bool)) -> Row {
        let p = self.p;
        let key = &index.keys[v];
        let w = &index.words[v];
        let mut row = Row {
            pair,
            strong,
            ..Row::default()
        };
        // The table leaves out the words compared by more than spelling.
        let judged = if index.lookup.is_special(v) {
            0
        } else {
            self.tabled
        };
        for (i, x) in self.query.tokens.iter().enumerate() {
            if judged >> i & 1 != 0 {
                continue;
            }
            if let Some(strong) = word_pair(x, &self.spellings[i], key, w, p, &self.reach) {
                row.pair |= 1 << i;
                row.strong |= strong;
            }
        }
        let len = usize::from(key.len);
        if takes_compound(key.class, key.exact_only) {
            for (r, run) in self.runs.iter().enumerate() {
                let joined = could_join(len, key.first, run.total, run.first)
                    && run.word.reaches(&w.text, &w.phon, || w.groups);
                let initials = run.no_particle
                    && len == run.initials.len()
                    && key.first == run.first
                    && w.text == run.initials;
                if joined || initials {
                    row.runs |= 1 << r;
                }
            }
        }
        row.acronym = self
            .acronym
            .as_ref()
            .is_some_and(|(_, a)| a.len() >= 2 && len == a.len() && w.text == *a);
        row.truncated = self.stub.is_some_and(|s| {
            s.as_bytes().first() == Some(&key.first) && completes_stub(key.class, &w.text, s)
        });
        row
    }

    /// Whether the listed word `w` could pair with the query at all: the
    /// lookup marked it, an initial could pair with it, or it lies outside
    /// the vocabulary (left to `memo_row`).
    fn compares(&self, index: &Index, w: &WordSketch, finds: &Finds) -> bool {
        self.compares_all || self.finders(index, w, finds) != 0
    }

    /// The query words and runs the listed word `w` could pair with,
    /// found by the lookup or by its first letter (all of them for a word
    /// the lookup cannot search, or outside the vocabulary).
    fn finders(&self, index: &Index, w: &WordSketch, finds: &Finds) -> u64 {
        let v = w.vocab as usize;
        let by_letter = match w.class {
            TokenClass::Name => self.letters.initials[usize::from(w.first)],
            TokenClass::Initial => self.letters.names[usize::from(w.first)],
            _ => 0,
        };
        if index.lookup.is_special(v) {
            return u64::MAX;
        }
        finds.get(v) | by_letter
    }

    /// The row of a listed word, or `None` for a word outside the index's
    /// vocabulary (not bounded).
    fn memo_row(&self, index: &Index, vocab: u32, memo: &mut BoundMemo) -> Option<Row> {
        let v = vocab as usize;
        let row = memo.rows.get_mut(v).filter(|_| v < index.keys.len())?;
        if row.stamp != memo.generation {
            *row = self.row(index, v, memo.known.get(v));
            row.stamp = memo.generation;
        }
        Some(*row)
    }

    /// Whether `rough` bounds anything (the query was looked up).
    pub fn is_rough(&self) -> bool {
        !self.compares_all && !self.unbounded
    }

    /// Ask for what `bound` reads of name `id` beyond its sketch: the row
    /// and key of each of its words.
    pub fn prefetch_rows(&self, index: &Index, id: u32, memo: &BoundMemo) {
        let Some(sketch) = index.sketches.get(id as usize) else {
            return;
        };
        index.prefetch_run_slots(sketch);
        let (start, len) = (sketch.start as usize, sketch.len as usize);
        for w in index.sketch_words.get(start..start + len).unwrap_or(&[]) {
            let v = w.vocab as usize;
            if let Some(row) = memo.rows.get(v) {
                prefetch(row);
            }
            if let Some(key) = index.keys.get(v) {
                prefetch(key);
            }
            // A row not filled yet reads the word itself.
            if self.compares(index, w, &memo.finds) {
                if let Some(word) = index.words.get(v) {
                    prefetch(word);
                }
            }
        }
    }

    /// A looser upper bound than `bound`, read from what the lookup found
    /// and from the name's sketch alone, comparing no word: most
    /// candidates fall below a threshold here already. It takes each
    /// listed word to pair with every query word that found it, and each
    /// listed run with every query word of its first letter and length,
    /// and assumes a distinctive pair. 1 when the query was not looked up.
    pub fn rough(&self, index: &Index, id: u32, memo: &BoundMemo) -> f64 {
        let sketch = &index.sketches[id as usize];
        let words =
            &index.sketch_words[sketch.start as usize..(sketch.start + sketch.len) as usize];
        if self.compares_all || self.unbounded || sketch.long || words.len() > 64 {
            return 1.0;
        }
        if sketch.spelling == self.spelling && words.len() == self.query.tokens.len() {
            return 1.0;
        }
        let (mut ma, mut mb) = (0u64, 0u64);
        for (j, w) in words.iter().enumerate() {
            let found = self.finders(index, w, &memo.finds);
            if found != 0 {
                ma |= found;
                mb |= 1 << j;
            }
        }
        self.fitting_runs(words, |start, len| {
            let reached = self.rough_run(index, sketch, words, start, len);
            if reached != 0 {
                ma |= reached;
                mb |= span(start, len);
            }
        });
        // A stub is completed only by a name word of its first letter.
        if let Some(stub) = Self::listed_stub(words) {
            let names = self.letters.names[usize::from(stub.first)];
            if names != 0 {
                ma |= names;
                mb |= 1 << (words.len() - 1);
            }
        }
        if let Some(acronym) = self.listed_acronym(words, self.org && sketch.org) {
            ma |= 1;
            mb |= acronym;
        }
        self.finish(words, ma, mb, true)
    }

    /// The single query words the listed run of `len` words from `start`
    /// could equal, as `listed_runs` asks (all where a first letter is
    /// not ASCII), judged without reading the run: written together by
    /// its outline (`index::RunSketch`), as initials by its first letters.
    fn rough_run(
        &self,
        index: &Index,
        sketch: &Sketch,
        words: &[WordSketch],
        start: usize,
        len: usize,
    ) -> u64 {
        let parts = &words[start..start + len];
        if !parts.iter().all(|w| w.first.is_ascii()) {
            return u64::MAX;
        }
        let first = parts[0].first;
        let total: usize = parts.iter().map(|w| usize::from(w.len)).sum();
        let no_particle = parts.iter().all(|w| w.class != TokenClass::Particle);
        let run = index.run(sketch, start, len);
        let q = &self.query.tokens;
        let mut reached = 0;
        let mut left = self.letters.singles[usize::from(first)];
        while left != 0 {
            let i = left.trailing_zeros() as usize;
            left &= left - 1;
            let t = &q[i];
            let fits = if could_join(t.text.len(), t.first, total, first) {
                // A word of a variant group may equal a run spelled
                // otherwise.
                t.groups.any() || run.could_reach(&self.run_outlines[i], &self.run_reach)
            } else {
                no_particle && spells(&t.text, parts.iter())
            };
            if fits {
                reached |= 1 << i;
            }
        }
        reached
    }

    /// Call `each` with the (start, length) of every listed run that could
    /// be written together or stand as initials, and that some single
    /// query word begins as and is of a length it could equal. Written
    /// together or as initials, a run keeps its first letter and about its
    /// length (initials: one byte a word): most fit no single query word,
    /// most by their first letter alone, and the rest by the lengths kept
    /// in the first word's sketch, before the run is read.
    fn fitting_runs(&self, words: &[WordSketch], mut each: impl FnMut(usize, usize)) {
        if words.len() < 2 || self.singles.is_empty() {
            return;
        }
        for (start, w) in words.iter().enumerate() {
            let first = w.first;
            let lengths = if first.is_ascii() {
                self.letters.single_lengths[usize::from(first)]
            } else {
                u64::MAX
            };
            if lengths == 0 {
                continue;
            }
            for len in 2..=3 {
                if self.letters.fits_run(w, len, lengths) {
                    each(start, len);
                }
            }
        }
    }

    /// The last listed word, where it may be a name cut short.
    fn listed_stub(words: &[WordSketch]) -> Option<&WordSketch> {
        words
            .last()
            .filter(|w| may_be_stub(words.len(), w.class, w.exact_only, w.len as usize))
    }

    /// The listed words a one-word query spells the acronym of, between
    /// names that are not persons' (`org`). Inlined: the bounds ask for
    /// every candidate, and most queries have more than one word.
    #[inline]
    fn listed_acronym(&self, words: &[WordSketch], org: bool) -> Option<u64> {
        let ([only], true) = (self.query.tokens.as_slice(), org) else {
            return None;
        };
        spelled_acronym(only, words)
    }

    /// An upper bound of `compare::align(query, name).score` for the
    /// indexed name `id`.
    pub fn bound(&self, index: &Index, id: u32, memo: &mut BoundMemo) -> f64 {
        let sketch = &index.sketches[id as usize];
        let words =
            &index.sketch_words[sketch.start as usize..(sketch.start + sketch.len) as usize];
        let q = &self.query.tokens;
        if self.unbounded || sketch.long || words.len() > 64 {
            return 1.0;
        }
        if sketch.spelling == self.spelling && words.len() == q.len() {
            return 1.0; // the same name (or a hash collision: no harm)
        }
        let org = self.org && sketch.org;
        // The runs that will be read written together: ask for them
        // before the words are judged.
        self.fitting_runs(words, |start, len| {
            index.prefetch_run_entry(sketch, start, len);
        });
        let (mut ma, mut mb, mut strong) = (0u64, 0u64, false);
        for (j, w) in words.iter().enumerate() {
            if !self.compares(index, w, &memo.finds) {
                continue; // it pairs with nothing
            }
            let Some(row) = self.memo_row(index, w.vocab, memo) else {
                return 1.0;
            };
            let bit = 1u64 << j;
            if row.pair != 0 {
                ma |= row.pair;
                mb |= bit;
                strong |= row.strong;
            }
            // `compare::align` counts initials as an acronym, distinctive
            // only between names that are not persons', and of two letters
            // only as a whole name. A word written together is at least 4
            // bytes long (`join_lengths`), so a shorter one equals
            // initials only; a longer one may be either, and is taken to
            // be written together.
            let telling = w.len >= 3 || words.len() == 1;
            let distinctive = (w.len >= 4 || (org && telling)) && is_substantive(w.class);
            let mut runs = row.runs;
            while runs != 0 {
                let run = &self.runs[runs.trailing_zeros() as usize];
                runs &= runs - 1;
                ma |= span(run.start, run.len);
                mb |= bit;
                strong |= distinctive && run.substantive;
            }
            // A name cut short pairs, but never distinctively.
            if row.truncated {
                ma |= 1 << (q.len() - 1);
                mb |= bit;
            }
            if let Some((run, _)) = self
                .acronym
                .as_ref()
                .filter(|_| row.acronym && org && words.len() == 1)
            {
                ma |= run;
                mb |= bit;
                strong = true;
            }
        }
        let (sa, sb, distinctive) = self.listed_runs(index, sketch, words, org, memo);
        ma |= sa;
        mb |= sb;
        strong |= distinctive;
        self.finish(words, ma, mb, strong)
    }

    /// Pairs whose several words are on the listed side: its runs written
    /// together or as initials, its last word cut short, its acronym; and
    /// whether one of them could be distinctive, as `compare::align`
    /// judges it (initials only between names that are not persons', and
    /// of two letters only as a whole name; a stub never). Where a first letter outside ASCII leaves initials
    /// unclear, this claims the pair: a bound may err upward, never
    /// downward.
    fn listed_runs(
        &self,
        index: &Index,
        sketch: &Sketch,
        words: &[WordSketch],
        org: bool,
        memo: &mut BoundMemo,
    ) -> (u64, u64, bool) {
        let q = &self.query.tokens;
        let (mut ma, mut mb, mut strong) = (0u64, 0u64, false);
        self.fitting_runs(words, |start, len| {
            let first = words[start].first;
            let parts = &words[start..start + len];
            let total: usize = parts.iter().map(|w| w.len as usize).sum();
            // Every word begins with an ASCII byte: initials are one
            // byte a word.
            let plain = parts.iter().all(|w| w.first.is_ascii());
            let no_particle = parts.iter().all(|w| w.class != TokenClass::Particle);
            let mut initials = 0u64;
            let mut joinable = 0u64;
            for &i in &self.singles {
                let t = &q[i];
                // Written together or as plain initials, the run
                // begins as the word does.
                if plain && t.first != first {
                    continue;
                }
                if could_join(t.text.len(), t.first, total, first) {
                    joinable |= 1 << i;
                } else if no_particle && spells(&t.text, parts.iter()) {
                    initials |= 1 << i;
                }
            }
            let joined = if joinable != 0 {
                let kept = || index.run_text(sketch, start, len);
                self.joins(index, parts, kept, joinable, memo)
            } else {
                0
            };
            if joined | initials != 0 {
                ma |= joined | initials;
                mb |= span(start, len);
                let substantive = parts.iter().any(|w| is_substantive(w.class));
                let distinctive = (joined & self.substantive_singles != 0)
                    || (initials & self.telling != 0 && org);
                strong |= substantive && distinctive;
            }
        });
        let stub = Self::listed_stub(words).and_then(|w| index.words.get(w.vocab as usize));
        if let Some(stub) = stub {
            for (i, t) in q.iter().enumerate() {
                if completes_stub(t.class, &t.text, &stub.text) {
                    ma |= 1 << i;
                    mb |= 1 << (words.len() - 1);
                }
            }
        }
        if let Some(acronym) = self.listed_acronym(words, org) {
            ma |= 1;
            mb |= acronym;
            strong = true;
        }
        (ma, mb, strong)
    }

    /// Which of the query words `candidates` (a first letter and length
    /// apart from the run) a listed run equals written together: judged
    /// once per distinct run and query. `kept` gives the run written
    /// together and its phonetic key, where the index keeps them.
    fn joins<'i>(
        &self,
        index: &'i Index,
        parts: &[WordSketch],
        kept: impl FnOnce() -> Option<(&'i str, &'i str)>,
        candidates: u64,
        memo: &mut BoundMemo,
    ) -> u64 {
        let key = [
            parts[0].vocab,
            parts[1].vocab,
            parts.get(2).map_or(NO_VOCAB, |w| w.vocab),
        ];
        if let Some(&known) = memo.runs.get(&key) {
            return known & candidates;
        }
        let (text, phon) = match kept() {
            Some(kept) => kept,
            None => {
                let text = &mut memo.run_text;
                text.clear();
                for w in parts {
                    match index.words.get(w.vocab as usize) {
                        Some(t) => text.push_str(&t.text),
                        None => return candidates, // not in the vocabulary: assume it joins
                    }
                }
                phonetic_into(text, &mut memo.run_phon);
                (
                    text.as_str(),
                    std::str::from_utf8(&memo.run_phon).unwrap_or(text),
                )
            }
        };
        let group = std::cell::OnceCell::new();
        let group = || *group.get_or_init(|| variant_group(text));
        let mut found = 0u64;
        let mut left = candidates;
        while left != 0 {
            let i = left.trailing_zeros() as usize;
            left &= left - 1;
            // Only singles are asked about, and each has its prepared word.
            if self.compounds[i]
                .as_ref()
                .is_some_and(|w| w.reaches(text, phon, group))
            {
                found |= 1 << i;
            }
        }
        // The candidates depend on the run alone (its first letter and
        // length), so the same run always asks about the same words.
        memo.runs.insert(key, found);
        found
    }

    /// `P / (P + U)` and the conflict factor, as in `compare::align`.
    fn finish(&self, words: &[WordSketch], ma: u64, mb: u64, strong: bool) -> f64 {
        let p = self.p;
        // Bits beyond the query's words count for nothing either way.
        let (pa, ua) = match self.sums.get((ma & ((1 << SUMMED) - 1)) as usize) {
            Some(&sums) => sums,
            None => query_sums(&self.weights, ma),
        };
        let ca = (self.conflicting & !ma).count_ones();
        let (mut pb, mut ub, mut cb) = (0.0, 0.0, 0);
        for (j, w) in words.iter().enumerate() {
            let class = &self.classes[w.class as usize];
            if mb >> j & 1 != 0 {
                pb += class.paired.weigh(f64::from(w.rarity));
            } else {
                ub += class.unpaired.weigh(f64::from(w.rarity));
                cb += u32::from(class.conflicting);
            }
        }
        let paired = pa + pb;
        let total = if ua > 0.0 && ub > 0.0 {
            paired + ua + ub
        } else {
            paired + p.extra_factor.min(1.0) * (ua + ub)
        };
        let mut bound = if total > 0.0 { paired / total } else { 0.0 };
        let conflicts = ca.min(cb);
        if p.conflict_factor <= 1.0 && conflicts > 0 {
            bound *= match self.conflict_powers.get(conflicts as usize) {
                Some(&power) => power,
                None => p.conflict_factor.powi(conflicts as i32),
            };
        }
        if !strong {
            bound = bound.min(0.5);
        }
        bound
    }
}

/// A word's weight as `scale * rarity + base`: one of the two is 0, so
/// this is exactly `compare::paired_weight` (or `unpaired_weight`).
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    scale: f64,
    base: f64,
}

impl Weight {
    fn of(weight: impl Fn(f64) -> f64) -> Weight {
        let base = weight(0.0);
        Weight {
            scale: weight(1.0) - base,
            base,
        }
    }

    fn weigh(self, rarity: f64) -> f64 {
        self.scale * rarity + self.base
    }
}

/// What a word of one class weighs paired and left unpaired (a title
/// weighs nothing), and whether left unpaired on both sides it makes a
/// conflicting name part.
#[derive(Debug, Clone, Copy, Default)]
struct ClassWeights {
    paired: Weight,
    unpaired: Weight,
    conflicting: bool,
}

fn class_weights(p: &Params) -> [ClassWeights; 7] {
    use TokenClass::*;
    let mut table = [ClassWeights::default(); 7];
    for class in [Name, Particle, LegalForm, Generic, Title, Number, Initial] {
        table[class as usize] = ClassWeights {
            paired: Weight::of(|r| paired_weight(class, r)),
            unpaired: Weight::of(|r| unpaired_weight(class, r, p)),
            conflicting: is_conflicting(class),
        };
    }
    table
}

/// The listed words the query word `only` spells the acronym of.
fn spelled_acronym(only: &Token, words: &[WordSketch]) -> Option<u64> {
    let (start, len) = acronym_span(words, |w| w.class)?;
    let content = words.iter().filter(|w| is_acronym_content(w.class));
    (spells(&only.text, content) && only.text.len() >= 2).then(|| span(start, len))
}

/// Whether `text` is the first letters of `parts`, one byte each. A word
/// beginning with a letter outside ASCII may spell more than one byte:
/// then say yes (a bound may only err upward).
fn spells<'w>(text: &str, parts: impl Iterator<Item = &'w WordSketch> + Clone) -> bool {
    if parts.clone().any(|w| !w.first.is_ascii()) {
        return true;
    }
    let b = text.as_bytes();
    b.len() == parts.clone().count() && parts.zip(b).all(|(w, c)| w.first == *c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::names::compare::join_lengths;

    /// `fits_run` lets through every run a single could be written as or
    /// be the initials of, and exactly those below 60 bytes.
    #[test]
    fn a_run_fits_the_singles_its_lengths_allow() {
        for single in 1..=80usize {
            let mut letters = Letters::emptied(None);
            letters.add_single(0, b'a', single);
            let lengths = letters.single_lengths[usize::from(b'a')];
            for total in 2..=300usize {
                for len in 2..=3 {
                    for plain in [true, false] {
                        let mut runs = [0; 2];
                        runs[len - 2] = u8::try_from(total).unwrap_or(u8::MAX);
                        let w = WordSketch {
                            vocab: 0,
                            len: 1,
                            rarity: 1.0,
                            class: TokenClass::Name,
                            exact_only: false,
                            first: b'a',
                            runs,
                            runs_plain: u8::from(plain) << (len - 2),
                        };
                        let could =
                            !plain || single == len || join_lengths(total).contains(&single);
                        let fits = letters.fits_run(&w, len, lengths);
                        assert!(fits || !could, "{single} bytes, run of {total}");
                        if total < 60 && single < 60 {
                            assert_eq!(fits, could, "{single} bytes, run of {total}");
                        }
                    }
                }
            }
        }
    }
}
