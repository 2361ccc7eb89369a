//! Finding the candidates for a query among every listed name: the index
//! of listed words and runs (`index`), the key spaces and lookups that
//! find words within a few edits (`key_space`, `word_lookup`), which listed
//! words pair with which (`word_pairs`), and the upper bounds on a score
//! that rule candidates out before they are aligned (`bound`). Built on
//! `names`; whatever it rules out must score below the threshold.

pub mod bound;
pub mod index;
mod key_space;
mod prefetch;
mod word_key;
mod word_lookup;
mod word_pairs;

use crate::matching::names::vocab::FastMap;
use key_space::Counts;

/// Reusable per-thread buffers for probing.
#[derive(Default)]
pub struct Scratch {
    pub(super) counting: Counts,
    /// Names the current query's probes found, one bit each: read in
    /// order, they give the candidates sorted.
    pub(super) seen_names: Vec<u64>,
    pub(super) seen_entry: Vec<bool>,
    /// Entries a probe looked at and turned down (to reset `seen_entry`).
    pub(super) marked: Vec<u32>,
    pub candidates: Vec<u32>,
    /// Word similarities of the current query (see `compare::PairMemo`).
    pub pairs: crate::matching::names::compare::PairMemo,
    /// What each listed word pairs with in the current query (see `bound`).
    pub bounds: bound::BoundMemo,
    /// Verified entries per probe: probing is a pure function of the probe,
    /// and batches repeat words (`trading`, `mohammed`) often.
    pub(super) cache: FastMap<(String, u8), Vec<u32>>,
}
