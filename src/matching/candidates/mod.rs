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

/// A vector stored as serde stores one, read back into exactly the room
/// its stated length needs: serde's own reading grows large vectors by
/// doubling, which copies them and touches twice the memory. A stated
/// length the allocator refuses is an error, never an abort.
pub(crate) mod exact_vec {
    use std::marker::PhantomData;

    use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};
    use serde::ser::{Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        struct Exact<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Exact<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut v = Vec::new();
                v.try_reserve_exact(seq.size_hint().unwrap_or(0))
                    .map_err(|_| A::Error::custom("a stored length larger than memory"))?;
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(v)
            }
        }
        d.deserialize_seq(Exact(PhantomData))
    }
}
