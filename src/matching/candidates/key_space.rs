//! Trigram postings of one key space (a spelling, a phonetic key, a
//! consonant skeleton), found by edit budget: `Space::count_filter` returns
//! every key that could lie within a share of the longer length in unit
//! edits of a probe, and a few more for the caller to verify (see the
//! index's module comment for why the counts hold).

use super::prefetch::prefetch;
use crate::matching::names::vocab::FastMap;

type Gram = [u8; 3];

/// One trigram's postings per key length: (length, start, count) into the
/// space's ids, lengths ascending.
type GramLengths<'s> = &'s [(u32, u32, u32)];

/// Trigram postings of one key space, split by key length: a probe only
/// visits the lengths an entry within its edit budget can have.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Space {
    /// (trigram, key length, entry) as added; `freeze` files them.
    /// Packed (`pack_gram`) where they fit: integers sort in a fraction of
    /// the time tuples take, and take less room.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    pending: Vec<u64>,
    /// Those that do not fit (a key of 64K bytes or more, an entry beyond
    /// 2^24).
    #[serde(with = "crate::matching::candidates::exact_vec")]
    pending_wide: Vec<(Gram, u32, u32)>,
    /// Trigram → its run of `lengths`: one (key length, start, count) per
    /// length of key holding it, ascending by length; each names a run of
    /// `ids`, the entries of that length holding the trigram, ascending.
    /// One buffer instead of a vector per key builds and frees in a
    /// fraction of the time, and a probe hashes each trigram once.
    postings: FastMap<Gram, (u32, u32)>,
    #[serde(with = "crate::matching::candidates::packed_vec")]
    lengths: Vec<(u32, u32, u32)>,
    #[serde(with = "crate::matching::candidates::packed_vec")]
    ids: Vec<u32>,
    /// Entries by key length, for the rare probe whose budget leaves no
    /// trigram it must share.
    by_len: FastMap<u32, Vec<u32>>,
    /// Every key and every key less one byte, as the upper half of its
    /// hash beside the entry (`pack_near`), sorted. Two keys within one
    /// edit share one of these, so a probe allowed at most one edit at a
    /// length looks up its own instead of counting trigrams. Half a hash
    /// keeps 8 bytes an item; a collision only adds an entry to verify.
    near: NearTable,
    /// Some entry of at most `NEAR_MAX` bytes is missing from `near`
    /// (its id is too large to pack): probes count trigrams instead.
    near_partial: bool,
    /// Where built (`Space::with_two_edits`), every key of at most
    /// `TWO_MAX` bytes less two bytes, kept as in `near`: two keys within
    /// two edits share a key less at most two bytes each, so lengths
    /// allowed two edits are looked up too.
    two: Option<NearTable>,
    /// Where built (`Space::screened`), what keys within one edit of a
    /// probe must share with it (see `Screen`): a probe allowed at most
    /// one edit finds most keys missing there, without a lookup in
    /// `near`. Spaces probed often by words that are seldom listed keep
    /// one (about 40 bytes a key).
    screen: Option<Screen>,
    /// Where set (`Space::probed_at`), the only shares probes ask for:
    /// only what such probes can look up is filed. A phonetic key of
    /// words written together is allowed an edit only from 27 bytes on,
    /// so most such keys need neither their deletions nor their trigrams.
    shares: Option<Vec<f64>>,
}

/// How `Space::count_filter` finds the entries of one key length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    /// No entry of that length is within the budget.
    Beyond,
    /// Looked up in `near`: allowed no edit, or one.
    Equal,
    OneEdit,
    /// Looked up in `near` and `two`.
    TwoEdits,
    /// Trigrams counted in the postings (or every entry of the length,
    /// when the budget leaves none that must be shared).
    Counted,
}

/// The route of entries of `le` bytes for a probe of `len` bytes, allowed
/// `share` of the longer length in edits, in a space that files two-byte
/// deletions (`two`) and whose `near` is complete (not `near_partial`).
fn route(len: usize, le: usize, share: f64, two: bool, near_complete: bool) -> Route {
    let k = budget(share, len.max(le));
    if le.abs_diff(len) > k {
        Route::Beyond
    } else if k <= 1 && len <= NEAR_MAX && le <= NEAR_MAX && near_complete {
        if k == 0 {
            Route::Equal
        } else {
            Route::OneEdit
        }
    } else if k == 2 && two && len <= TWO_MAX && le <= TWO_MAX && near_complete {
        Route::TwoEdits
    } else {
        Route::Counted
    }
}

/// Edits allowed between keys whose longer is `longer` bytes.
fn budget(share: f64, longer: usize) -> usize {
    (share * longer as f64 + 1e-9).floor() as usize
}

/// The probe lengths that can reach an entry of `le` bytes at `share`
/// (below one half): within `k <= share * longer` bytes of it.
fn probe_lengths(le: usize) -> std::ops::RangeInclusive<usize> {
    1..=2 * le + 2
}

/// Keys shorter than this are not screened: their parts are too common to
/// tell much.
const SCREENED_MIN: usize = 6;

/// Nor are longer ones: keys of more than 64 bytes are not filed, and a
/// probe of 63 could be an edit from one of 64.
const SCREENED_MAX: usize = 63;

/// Parts of the keys of a space as probes of about their length cut them,
/// hashed into a bit set: for a probe of `len` bytes and its thirds cut at
/// `len / 3` and `2 * len / 3`, its first two thirds, its last two (less
/// the byte after the first cut), and its first third with its last (less
/// the byte after the second cut). One edit (a transposition included)
/// falls in one third and leaves one of the three alike: the first two
/// thirds when it falls in the last, and so on. So a probe none of whose
/// parts is filed at its length finds nothing within one edit: most words
/// written together (`sultanmoney`) are no listed word. Whole keys are
/// filed too, for probes allowed no edit. A set bit can be another's (the
/// bits are hashed): a probe then searches as if the screen was not
/// there.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Screen {
    #[serde(with = "crate::matching::candidates::packed_vec")]
    pending: Vec<u64>,
    #[serde(with = "crate::matching::candidates::packed_vec")]
    bits: Vec<u64>,
}

/// The part of `Screen` that is the whole key, for probes allowed no edit.
const WHOLE: usize = 3;

/// Bits of `Screen` per part filed: about 3% of the bits are set.
const SCREEN_BITS_PER_PART: usize = 32;

impl Screen {
    /// The three parts of a probe of `len` bytes, as the lengths of a
    /// start and an end.
    fn parts(len: usize) -> [(usize, usize); 3] {
        let (first, second) = (len / 3, 2 * len / 3);
        [(second, 0), (0, len - first - 1), (first, len - second - 1)]
    }

    /// The hash of `part`, of a key's start and end (as `Deletions::start`
    /// and `Deletions::end` hash them), cut as from a probe of `len` bytes.
    fn hash(part: usize, start: u64, end: u64, len: usize) -> u64 {
        let tag = (part as u64) << 56 | len as u64;
        finish_hash(start ^ finish_hash(end ^ tag))
    }

    /// File the parts of the key `d` hashes.
    fn add(&mut self, d: &Deletions) {
        let n = d.len;
        if n >= SCREENED_MIN {
            self.pending.push(Screen::hash(WHOLE, d.start(n), 0, n));
        }
        for len in n.saturating_sub(1).max(SCREENED_MIN)..=n + 1 {
            for (i, (start, end)) in Screen::parts(len).into_iter().enumerate() {
                self.pending
                    .push(Screen::hash(i, d.start(start), d.end(end), len));
            }
        }
    }

    fn freeze(&mut self) {
        let items = std::mem::take(&mut self.pending);
        let words = (items.len() * SCREEN_BITS_PER_PART)
            .div_ceil(64)
            .next_power_of_two();
        self.bits = vec![0; words];
        for h in items {
            let bit = h as usize % (words * 64);
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn has(&self, h: u64) -> bool {
        let bits = self.bits.len() * 64;
        bits == 0 || {
            let bit = h as usize % bits;
            self.bits[bit / 64] >> (bit % 64) & 1 != 0
        }
    }

    /// Whether `key` could be filed (`one` false) or some key within one
    /// edit of it (always for keys shorter than `SCREENED_MIN` or longer
    /// than `SCREENED_MAX`). Hashes only the parts it reads.
    fn may_hold(&self, key: &[u8], one: bool) -> bool {
        let len = key.len();
        if !(SCREENED_MIN..=SCREENED_MAX).contains(&len) {
            return true;
        }
        if !one {
            return self.has(Screen::hash(WHOLE, start_hash(key, len), 0, len));
        }
        Screen::parts(len)
            .into_iter()
            .enumerate()
            .any(|(i, (start, end))| {
                self.has(Screen::hash(
                    i,
                    start_hash(key, start),
                    end_hash(key, end),
                    len,
                ))
            })
    }
}

/// Hashes of keys less some bytes beside their entries (`pack_near`),
/// sorted, with a directory by the top bits of the hash.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct NearTable {
    #[serde(with = "crate::matching::candidates::packed_vec")]
    items: Vec<u64>,
    /// Where each run of `items` with the same top `bits` bits of the
    /// hash begins (one more at the end): a lookup reads a short run.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    dir: Vec<u32>,
    bits: u32,
}

impl NearTable {
    fn freeze(&mut self) {
        self.items.sort_unstable();
        self.items.dedup();
        self.items.shrink_to_fit();
        // About two items a run.
        self.bits = (self.items.len() / 2).max(1).ilog2().clamp(1, 31);
        let runs = 1usize << self.bits;
        self.dir = Vec::with_capacity(runs + 1);
        let mut at = 0;
        for run in 0..=runs as u64 {
            while at < self.items.len() && self.items[at] >> (64 - self.bits) < run {
                at += 1;
            }
            self.dir.push(at as u32);
        }
    }

    /// Ask for the runs of many hashes before any is read: each lookup is
    /// two reads at random places (the directory, then the run), and a
    /// probe looks up dozens of hashes at once.
    fn prefetch(&self, hashes: &[u64]) {
        for &h in hashes {
            if let Some(at) = self.dir.get(self.run_of(h)) {
                prefetch(at);
            }
        }
        for &h in hashes {
            if let Some(item) = self
                .dir
                .get(self.run_of(h))
                .and_then(|&at| self.items.get(at as usize))
            {
                prefetch(item);
            }
        }
    }

    /// The run of `items` (its index in `dir`) that `hash` is filed in.
    fn run_of(&self, hash: u64) -> usize {
        ((hash & HASH_HALF) >> (64 - self.bits)) as usize
    }

    /// The packed entries filed under the upper half of `hash`.
    fn find(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let h = hash & HASH_HALF;
        let run = self.run_of(hash);
        let items = match (self.dir.get(run), self.dir.get(run + 1)) {
            (Some(&from), Some(&to)) => &self.items[from as usize..to as usize],
            _ => &[],
        };
        items
            .iter()
            .filter(move |&&x| x & HASH_HALF == h)
            .map(|&x| x as u32)
    }
}

/// Keys longer than this have no two-byte deletions filed.
const TWO_MAX: usize = 16;

/// Keys longer than this are left to trigram counting.
const NEAR_MAX: usize = 48;

/// The upper half of a `Deletions` hash, as kept in `Space::near`.
const HASH_HALF: u64 = !0 << 32;

/// Entry ids that fit beside a key length in one `u32`.
const NEAR_ENTRIES: u32 = 1 << 24;

fn pack_near(len: usize, entry: u32) -> u32 {
    (len as u32) << 24 | entry
}

/// The multiplier of `Deletions`' polynomial hash (odd, so that every
/// power is too).
const BASE: u64 = 0x0000_0100_0000_01b3;

/// `BASE` to the powers 0..=64.
const POWERS: [u64; 65] = {
    let mut p = [1u64; 65];
    let mut i = 1;
    while i < 65 {
        p[i] = p[i - 1].wrapping_mul(BASE);
        i += 1;
    }
    p
};

/// Hashes of a key of at most 64 bytes and of the keys it leaves with one
/// or two bytes deleted, each in constant time: a polynomial hash over
/// the bytes kept, from the key's prefix and suffix sums. The same bytes
/// kept give the same hash whichever key they were deleted from.
struct Deletions {
    len: usize,
    /// `prefix[i]`: the hash of the first `i` bytes.
    prefix: [u64; 65],
    /// `suffix[i]`: the bytes from `i` on, each at the power it holds in
    /// the whole key.
    suffix: [u64; 66],
}

impl Deletions {
    fn new(key: &[u8]) -> Option<Deletions> {
        let len = key.len();
        if len > 64 {
            return None;
        }
        let mut d = Deletions {
            len,
            prefix: [0; 65],
            suffix: [0; 66],
        };
        for (i, &b) in key.iter().enumerate() {
            d.prefix[i + 1] = d.prefix[i]
                .wrapping_mul(BASE)
                .wrapping_add(u64::from(b) + 1);
        }
        for (i, &b) in key.iter().enumerate().rev() {
            let term = (u64::from(b) + 1).wrapping_mul(POWERS[len - 1 - i]);
            d.suffix[i] = d.suffix[i + 1].wrapping_add(term);
        }
        Some(d)
    }

    /// The hash of the first `n` bytes (as `start_hash`).
    fn start(&self, n: usize) -> u64 {
        self.prefix[n]
    }

    /// The hash of the last `n` bytes (as `end_hash`).
    fn end(&self, n: usize) -> u64 {
        self.suffix[self.len - n]
    }

    /// The hashes of the key and of its distinct one-byte deletions
    /// (deleting any byte of a run of equal bytes gives the same key).
    fn push_near(&self, key: &[u8], out: &mut Vec<u64>) {
        out.reserve(key.len() + 1);
        out.push(self.whole());
        for i in 0..key.len() {
            if i == 0 || key[i] != key[i - 1] {
                out.push(self.less(i));
            }
        }
    }

    /// The hashes of the key less two bytes, some perhaps more than once.
    fn push_two(&self, out: &mut Vec<u64>) {
        for i in 0..self.len {
            for j in i + 1..self.len {
                out.push(self.less_two(i, j));
            }
        }
    }

    /// The whole key.
    fn whole(&self) -> u64 {
        finish_hash(self.prefix[self.len])
    }

    /// The key less the byte at `i`.
    fn less(&self, i: usize) -> u64 {
        let before = self.prefix[i].wrapping_mul(POWERS[self.len - 1 - i]);
        finish_hash(before.wrapping_add(self.suffix[i + 1]))
    }

    /// The key less the bytes at `i < j`.
    fn less_two(&self, i: usize, j: usize) -> u64 {
        let before = self.prefix[i].wrapping_mul(POWERS[self.len - 2 - i]);
        let between = self.prefix[j]
            .wrapping_sub(self.prefix[i + 1].wrapping_mul(POWERS[j - i - 1]))
            .wrapping_mul(POWERS[self.len - 1 - j]);
        finish_hash(
            before
                .wrapping_add(between)
                .wrapping_add(self.suffix[j + 1]),
        )
    }
}

/// Mix every byte into the top bits, which pick the run.
fn finish_hash(h: u64) -> u64 {
    let h = (h ^ h >> 33).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ h >> 33
}

/// (trigram, key length, entry) in one integer, in the same order, where
/// the length is below 2^16 and the entry below 2^24.
fn pack_gram(g: Gram, len: u32, e: u32) -> Option<u64> {
    (len < 1 << 16 && e < 1 << 24).then(|| {
        u64::from(u32::from_be_bytes([0, g[0], g[1], g[2]])) << 40
            | u64::from(len) << 24
            | u64::from(e)
    })
}

fn unpack_gram(x: u64) -> (Gram, u32, u32) {
    let g = ((x >> 40) as u32).to_be_bytes();
    (
        [g[1], g[2], g[3]],
        (x >> 24) as u32 & 0xffff,
        x as u32 & 0xff_ffff,
    )
}

/// `Deletions::start` of `key`'s first `n` bytes, without the tables.
fn start_hash(key: &[u8], n: usize) -> u64 {
    key[..n].iter().fold(0, |h, &b| {
        h.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1)
    })
}

/// `Deletions::end` of `key`'s last `n` bytes, without the tables.
fn end_hash(key: &[u8], n: usize) -> u64 {
    key[key.len() - n..]
        .iter()
        .rev()
        .zip(POWERS.iter())
        .fold(0, |h: u64, (&b, &power)| {
            h.wrapping_add((u64::from(b) + 1).wrapping_mul(power))
        })
}

/// The hashes of `key` and of its distinct one-byte deletions. Keys are
/// at most `NEAR_MAX` bytes.
fn near_hashes(key: &[u8], out: &mut Vec<u64>) {
    out.clear();
    if let Some(d) = Deletions::new(key) {
        d.push_near(key, out);
    }
}

/// The hashes of `key` less two bytes, some perhaps more than once. Keys
/// are at most `TWO_MAX` bytes.
fn two_deletion_hashes(key: &[u8], out: &mut Vec<u64>) {
    if let Some(d) = Deletions::new(key) {
        d.push_two(out);
    }
}

impl Space {
    /// A space that also files its keys less two bytes, for probes allowed
    /// two edits (more memory: about `len²/2` items a key).
    pub(crate) fn with_two_edits() -> Space {
        Space {
            two: Some(NearTable::default()),
            ..Space::default()
        }
    }

    /// A space that screens probes allowed at most one edit (see
    /// `Screen`).
    pub(crate) fn screened(mut self) -> Space {
        self.screen = Some(Screen::default());
        self
    }

    /// A space probed at these shares only (each below one half): it
    /// files only what such probes can look up (see `route`). A smaller
    /// share is no subset of a larger: it may look up by deletions where
    /// the larger counts trigrams.
    pub(crate) fn probed_at(mut self, shares: &[f64]) -> Space {
        if shares.iter().all(|s| *s < 0.5) {
            self.shares = Some(shares.to_vec());
        }
        self
    }

    /// Whether a probe of the space may route keys of `le` bytes one way
    /// of `routes` (with `near` complete or as it is).
    fn may_route(&self, le: usize, routes: &[Route], near_complete: bool) -> bool {
        let two = self.two.is_some();
        self.shares.as_ref().is_none_or(|shares| {
            shares.iter().any(|&share| {
                probe_lengths(le)
                    .any(|len| routes.contains(&route(len, le, share, two, near_complete)))
            })
        })
    }

    pub(crate) fn add(&mut self, key: &str, entry: u32) {
        let len = key_len(key);
        let mut grams = grams(key);
        grams.sort_unstable();
        grams.dedup();
        for g in grams {
            match pack_gram(g, len, entry) {
                Some(packed) => self.pending.push(packed),
                None => self.pending_wide.push((g, len, entry)),
            }
        }
        self.by_len.entry(len).or_default().push(entry);
        self.near_partial |= key.len() <= NEAR_MAX && entry >= NEAR_ENTRIES;
        // Keys of more than 64 bytes are neither screened nor near.
        let Some(d) = Deletions::new(key.as_bytes()) else {
            return;
        };
        if let Some(screen) = self.screen.as_mut() {
            screen.add(&d);
        }
        if key.len() <= NEAR_MAX && entry < NEAR_ENTRIES {
            let mut hashes = Vec::with_capacity(key.len() + 1);
            if self.may_route(key.len(), &[Route::OneEdit, Route::TwoEdits], true) {
                d.push_near(key.as_bytes(), &mut hashes);
            } else {
                hashes.push(d.whole());
            }
            let packed = u64::from(pack_near(key.len(), entry));
            self.near
                .items
                .extend(hashes.iter().map(|h| h & HASH_HALF | packed));
            if let Some(two) = self.two.as_mut().filter(|_| key.len() <= TWO_MAX) {
                hashes.clear();
                d.push_two(&mut hashes);
                two.items
                    .extend(hashes.iter().map(|h| h & HASH_HALF | packed));
            }
        }
    }

    /// File (trigram, key length, entry) triples, sorted, as postings: per
    /// trigram a run of `lengths`, per length a run of `ids`.
    fn file_sorted(&mut self, n: usize, sorted: impl Iterator<Item = (Gram, u32, u32)>) {
        self.ids = Vec::with_capacity(n);
        let mut gram_at: Option<(Gram, u32)> = None;
        for (g, len, e) in sorted {
            let new_gram = gram_at.is_none_or(|(at, _)| at != g);
            if new_gram {
                if let Some((at, first)) = gram_at {
                    self.postings
                        .insert(at, (first, self.lengths.len() as u32 - first));
                }
                gram_at = Some((g, self.lengths.len() as u32));
            }
            if new_gram || self.lengths.last().map(|l| l.0) != Some(len) {
                self.lengths.push((len, self.ids.len() as u32, 0));
            }
            self.ids.push(e);
            if let Some(l) = self.lengths.last_mut() {
                l.2 += 1;
            }
        }
        if let Some((at, first)) = gram_at {
            self.postings
                .insert(at, (first, self.lengths.len() as u32 - first));
        }
    }

    pub(crate) fn freeze(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        let mut wide = std::mem::take(&mut self.pending_wide);
        if self.shares.is_some() {
            let complete = !self.near_partial;
            let mut needed: FastMap<u32, bool> = FastMap::default();
            let mut keep = |len: u32| {
                *needed
                    .entry(len)
                    .or_insert_with(|| self.may_route(len as usize, &[Route::Counted], complete))
            };
            pending.retain(|&p| keep(unpack_gram(p).1));
            wide.retain(|w| keep(w.1));
        }
        if wide.is_empty() {
            pending.sort_unstable();
            self.file_sorted(pending.len(), pending.into_iter().map(unpack_gram));
        } else {
            wide.extend(pending.into_iter().map(unpack_gram));
            wide.sort_unstable();
            self.file_sorted(wide.len(), wide.into_iter());
        }
        self.near.freeze();
        if let Some(screen) = self.screen.as_mut() {
            screen.freeze();
        }
        if let Some(two) = self.two.as_mut() {
            two.freeze();
        }
    }

    /// Entries within one unit edit of `key` whose key length is a bit of
    /// `one` (with `exact`, also the entry equal to `key`), each perhaps
    /// more than once; a few others may slip in by hash collision.
    pub(crate) fn near_entries(&self, key: &[u8], exact: bool, one: u64, out: &mut Vec<u32>) {
        let mut hashes = Vec::with_capacity(key.len() + 1);
        if one == 0 {
            hashes.extend(Deletions::new(key).map(|d| d.whole()));
        } else {
            near_hashes(key, &mut hashes);
        }
        self.near.prefetch(&hashes);
        for h in hashes {
            for packed in self.near.find(h) {
                let le = (packed >> 24) as usize;
                if (exact && le == key.len()) || one & (1 << le) != 0 {
                    out.push(packed & (NEAR_ENTRIES - 1));
                }
            }
        }
    }

    /// Entries within two unit edits of `key` whose key length is a bit of
    /// `two` (keys of at most `TWO_MAX` bytes, in a space built with two
    /// edits), each perhaps more than once; a few others may slip in by
    /// hash collision. Each edit deletes at most one byte from each side
    /// (a substitution or transposition one from both), so the two keys
    /// less at most two bytes each meet.
    fn two_edit_entries(&self, key: &[u8], two: u64, out: &mut Vec<u32>) {
        let Some(table) = self.two.as_ref() else {
            return;
        };
        let mut hashes = Vec::with_capacity(key.len() * key.len());
        near_hashes(key, &mut hashes);
        two_deletion_hashes(key, &mut hashes);
        hashes.sort_unstable();
        hashes.dedup();
        self.near.prefetch(&hashes);
        table.prefetch(&hashes);
        for &h in &hashes {
            for packed in self.near.find(h).chain(table.find(h)) {
                if two & (1 << (packed >> 24)) != 0 {
                    out.push(packed & (NEAR_ENTRIES - 1));
                }
            }
        }
    }

    /// Entries whose folded key could lie within `share` of the longer
    /// length in unit edits of `key`; the caller verifies every entry
    /// returned. For an entry of length `le` the budget is
    /// `k = floor(share * max(len, le))`, the lengths differ by
    /// `d <= k`, and the entry shares at least `len + 2 - broken(d, k)` of
    /// the probe's trigrams (see `broken`).
    pub(crate) fn count_filter(
        &self,
        key: &str,
        share: f64,
        counters: &mut Counts,
        out: &mut Vec<u32>,
    ) {
        let space = self;
        if key.is_empty() {
            return;
        }
        debug_assert!(
            self.shares.as_ref().is_none_or(|s| s.contains(&share)),
            "a probe at a share the space was not filed for"
        );
        let len = key.len();
        let budget = |le: usize| budget(share, len.max(le));
        let shortest = len - budget(len).min(len);
        let longest =
            (len as f64 / (1.0 - share).max(1e-9) + 1.0).min(f64::from(u32::MAX)) as usize;
        // Each trigram's postings by length, looked up once, and only when
        // some length is counted (most keys are short enough for none).
        let mut counting: Option<(Vec<GramLengths<'_>>, usize)> = None;
        let mut postings: Vec<&[u32]> = Vec::new();
        // Lengths allowed no edit (only `len` can be), one, or (where the
        // space files them) two: looked up among the key's deletions, not
        // counted.
        let (mut exact, mut one, mut two) = (false, 0u64, 0u64);
        let (two_filed, near_complete) = (space.two.is_some(), !space.near_partial);
        for le in shortest.max(1)..=longest {
            match route(len, le, share, two_filed, near_complete) {
                Route::Beyond => continue,
                Route::Equal => {
                    exact = true;
                    continue;
                }
                Route::OneEdit => {
                    one |= 1 << le;
                    continue;
                }
                Route::TwoEdits => {
                    two |= 1 << le;
                    continue;
                }
                Route::Counted => {}
            }
            let k = budget(le);
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
            count_shared(&mut postings, need, counters, out);
        }
        let screened_out = |one: bool| {
            space
                .screen
                .as_ref()
                .is_some_and(|s| !s.may_hold(key.as_bytes(), one))
        };
        if (exact || one != 0) && !screened_out(one != 0) {
            space.near_entries(key.as_bytes(), exact, one, out);
        }
        if two != 0 {
            space.two_edit_entries(key.as_bytes(), two, out);
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

pub(crate) fn key_len(key: &str) -> u32 {
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
            .map(|b| char::from(crate::matching::names::similarity::fold_byte(b))),
    );
    out
}

/// Per-key counters for `Space::count_filter`, reused across probes.
#[derive(Default)]
pub(crate) struct Counts {
    counts: Vec<u16>,
    touched: Vec<u32>,
}

impl Counts {
    /// Make room for keys numbered below `keys`.
    pub(crate) fn ready(&mut self, keys: usize) {
        if self.counts.len() < keys {
            self.counts.resize(keys, 0);
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
fn count_shared(postings: &mut [&[u32]], need: usize, counting: &mut Counts, out: &mut Vec<u32>) {
    postings.sort_by_key(|p| p.len());
    let scan = postings.len() - need + 1;
    let counts = &mut counting.counts;
    let alive = &mut counting.touched;
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

    use crate::matching::names::similarity::unit_distance;
    use crate::matching::sample::Rng;

    /// A key of up to `longest` bytes over four letters: many lie within
    /// an edit or two of each other.
    fn random_key(rng: &mut Rng, longest: usize) -> String {
        let len = 1 + rng.below(longest);
        (0..len)
            .map(|_| char::from(b"abcd"[rng.below(4)]))
            .collect()
    }

    /// 400 random keys (less repeats) filed in `space`, frozen.
    fn filed(rng: &mut Rng, longest: usize, space: &mut Space) -> Vec<String> {
        let mut keys: Vec<String> = (0..400).map(|_| random_key(rng, longest)).collect();
        keys.sort();
        keys.dedup();
        for (e, k) in keys.iter().enumerate() {
            space.add(k, e as u32);
        }
        space.freeze();
        keys
    }

    #[test]
    fn packed_triples_sort_as_the_triples_do() {
        let mut rng = Rng::new(5);
        let mut triples: Vec<(Gram, u32, u32)> = (0..2_000)
            .map(|_| {
                let g = [b"^ab$"[rng.below(4)], b"abz"[rng.below(3)], 0xff];
                (g, rng.below(70_000) as u32, rng.below(1 << 24) as u32)
            })
            .collect();
        triples.retain(|&(g, l, e)| pack_gram(g, l, e).is_some());
        let mut packed: Vec<u64> = triples
            .iter()
            .filter_map(|&(g, l, e)| pack_gram(g, l, e))
            .collect();
        assert!(triples.len() > 500);
        triples.sort_unstable();
        packed.sort_unstable();
        let unpacked: Vec<_> = packed.into_iter().map(unpack_gram).collect();
        assert_eq!(unpacked, triples);
    }

    #[test]
    fn a_key_too_long_to_pack_is_filed_with_the_rest() {
        let mut space = Space::default();
        space.add("mahammad", 0);
        space.add(&"q".repeat(70_000), 1);
        space.add("mahamad", 2);
        space.add("zzzzzzzz", 3);
        space.freeze();
        // A share of 0.3 allows two edits at these lengths: counted on the
        // trigram postings, not looked up among deletions.
        let mut counts = Counts::default();
        counts.ready(4);
        let mut out = Vec::new();
        space.count_filter("mahammad", 0.3, &mut counts, &mut out);
        out.sort_unstable();
        out.dedup();
        assert_eq!(out, vec![0, 2]);
        let mut long = Vec::new();
        space.count_filter(&"q".repeat(70_000), 0.01, &mut counts, &mut long);
        assert!(long.contains(&1));
    }

    #[test]
    fn a_deletion_hashes_as_the_key_it_leaves() {
        let mut rng = Rng::new(3);
        for _ in 0..300 {
            let key = random_key(&mut rng, 20).into_bytes();
            let d = Deletions::new(&key).unwrap();
            let whole = |k: &[u8]| Deletions::new(k).unwrap().whole();
            assert_eq!(d.whole(), whole(&key));
            for i in 0..key.len() {
                let mut less = key.clone();
                less.remove(i);
                assert_eq!(d.less(i), whole(&less));
                for j in i + 1..key.len() {
                    let mut less_two = less.clone();
                    less_two.remove(j - 1);
                    assert_eq!(d.less_two(i, j), whole(&less_two));
                }
            }
        }
        assert!(Deletions::new(&[b'a'; 65]).is_none());
    }

    #[test]
    fn deletions_find_every_key_within_one_edit() {
        let mut rng = Rng::new(11);
        let mut space = Space::default();
        let keys = filed(&mut rng, 7, &mut space);
        for _ in 0..2_000 {
            let probe = random_key(&mut rng, 7);
            let mut found = Vec::new();
            // Every length: one edit allowed; and the equal key alone.
            space.near_entries(probe.as_bytes(), false, u64::MAX >> 1, &mut found);
            let mut equal = Vec::new();
            space.near_entries(probe.as_bytes(), true, 0, &mut equal);
            for (e, k) in keys.iter().enumerate() {
                let d = unit_distance(probe.as_bytes(), k.as_bytes());
                let e = e as u32;
                if d <= 1 {
                    assert!(found.contains(&e), "{probe} misses {k}");
                }
                assert_eq!(equal.contains(&e), d == 0, "{probe} / {k}");
            }
        }
    }

    #[test]
    fn the_screen_keeps_every_key_within_one_edit_and_screens_out_most_others() {
        let mut rng = Rng::new(13);
        let letters = b"abcdefgh";
        let word = |rng: &mut Rng, len: usize| -> Vec<u8> {
            (0..len)
                .map(|_| letters[rng.below(letters.len())])
                .collect()
        };
        // Some keys about as long as `Deletions` takes.
        let keys: Vec<Vec<u8>> = (0..300)
            .map(|_| {
                let len = match rng.below(10) {
                    0 => 60 + rng.below(8),
                    _ => 1 + rng.below(16),
                };
                word(&mut rng, len)
            })
            .collect();
        let mut screen = Screen::default();
        // As `Space::add` files them: longer keys are not screened.
        for d in keys.iter().filter_map(|k| Deletions::new(k)) {
            screen.add(&d);
        }
        screen.freeze();
        let mut screened = 0;
        for _ in 0..20_000 {
            let mut probe = keys[rng.below(keys.len())].clone();
            // One edit of a listed key, or an unrelated key.
            let at = rng.below(probe.len());
            match rng.below(5) {
                0 => probe[at] = letters[rng.below(letters.len())],
                1 => probe.insert(at, letters[rng.below(letters.len())]),
                2 => drop(probe.remove(at)),
                3 if at + 1 < probe.len() => probe.swap(at, at + 1),
                _ => {
                    let len = 1 + rng.below(16);
                    probe = word(&mut rng, len);
                }
            }
            if !screen.may_hold(&probe, false) {
                assert!(!keys.contains(&probe), "{probe:?} screened out as it is");
            }
            if screen.may_hold(&probe, true) {
                continue;
            }
            screened += 1;
            for k in &keys {
                assert!(unit_distance(&probe, k) > 1, "{probe:?} screens out {k:?}");
            }
        }
        assert!(screened > 2_000, "only {screened} probes screened out");
    }

    #[test]
    fn a_space_filing_only_its_reach_finds_every_key_within_it() {
        let mut rng = Rng::new(29);
        for reach in [0.037, 0.103, 0.154, 0.212] {
            // Lengths up to 70 take every route: equal, one edit, counted
            // (two edits or more, and keys too long for `near`).
            let mut space = Space::default().probed_at(&[reach, reach / 2.0]);
            let keys = filed(&mut rng, 70, &mut space);
            let mut counts = Counts::default();
            counts.ready(keys.len());
            for _ in 0..500 {
                let mut probe = keys[rng.below(keys.len())].clone().into_bytes();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(probe.len() + 1);
                    match rng.below(3) {
                        0 if at < probe.len() => probe[at] = b"abcd"[rng.below(4)],
                        1 => probe.insert(at, b"abcd"[rng.below(4)]),
                        _ if at < probe.len() && probe.len() > 1 => drop(probe.remove(at)),
                        _ => {}
                    }
                }
                let probe = String::from_utf8(probe).unwrap();
                for share in [reach, reach / 2.0] {
                    let mut found = Vec::new();
                    space.count_filter(&probe, share, &mut counts, &mut found);
                    for (e, k) in keys.iter().enumerate() {
                        let allowed = budget(share, probe.len().max(k.len()));
                        if unit_distance(probe.as_bytes(), k.as_bytes()) <= allowed {
                            assert!(found.contains(&(e as u32)), "{probe} misses {k} at {share}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_screened_space_finds_every_key_within_its_budget() {
        let mut rng = Rng::new(17);
        let letters = b"abcdefgh";
        let word = |rng: &mut Rng, len: usize| -> String {
            (0..len)
                .map(|_| char::from(letters[rng.below(letters.len())]))
                .collect()
        };
        let mut keys: Vec<String> = (0..400)
            .map(|_| {
                let len = 4 + rng.below(18);
                word(&mut rng, len)
            })
            .collect();
        keys.sort();
        keys.dedup();
        let mut space = Space::default().screened();
        for (e, k) in keys.iter().enumerate() {
            space.add(k, e as u32);
        }
        space.freeze();
        let mut counts = Counts::default();
        counts.ready(keys.len());
        for _ in 0..3_000 {
            let mut probe = keys[rng.below(keys.len())].clone().into_bytes();
            let at = rng.below(probe.len());
            match rng.below(4) {
                0 => probe[at] = letters[rng.below(letters.len())],
                1 => probe.insert(at, letters[rng.below(letters.len())]),
                2 => drop(probe.remove(at)),
                _ => {
                    let len = 4 + rng.below(18);
                    probe = word(&mut rng, len).into_bytes();
                }
            }
            let probe = String::from_utf8(probe).unwrap();
            // Shares that allow no edit or one at these lengths.
            for share in [0.037, 0.103, 0.15] {
                let mut found = Vec::new();
                space.count_filter(&probe, share, &mut counts, &mut found);
                for (e, k) in keys.iter().enumerate() {
                    let longer = probe.len().max(k.len()) as f64;
                    let budget = (share * longer + 1e-9).floor() as usize;
                    if unit_distance(probe.as_bytes(), k.as_bytes()) <= budget {
                        assert!(found.contains(&(e as u32)), "{probe} misses {k} at {share}");
                    }
                }
            }
        }
    }

    #[test]
    fn two_deletions_find_every_key_within_two_edits() {
        let mut rng = Rng::new(12);
        let mut space = Space::with_two_edits();
        let keys = filed(&mut rng, 9, &mut space);
        for _ in 0..2_000 {
            let probe = random_key(&mut rng, 9);
            let mut found = Vec::new();
            space.two_edit_entries(probe.as_bytes(), u64::MAX >> 1, &mut found);
            for (e, k) in keys.iter().enumerate() {
                if unit_distance(probe.as_bytes(), k.as_bytes()) <= 2 {
                    assert!(found.contains(&(e as u32)), "{probe} misses {k}");
                }
            }
        }
    }

    #[test]
    fn edits_break_no_more_trigrams_than_counted() {
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
}
