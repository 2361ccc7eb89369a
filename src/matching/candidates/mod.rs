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

/// A vector of integers stored as one run of little-endian bytes: read
/// back with one copy instead of a call per integer, a stored index's
/// largest vectors decode at memory speed. A length that is no whole
/// number of items is an error.
pub(crate) mod packed_vec {
    use std::marker::PhantomData;

    use serde::de::{Deserializer, Error, Visitor};
    use serde::ser::Serializer;

    pub trait Packed: Sized {
        const BYTES: usize;
        fn put(&self, out: &mut Vec<u8>);
        /// From exactly `BYTES` bytes.
        fn take(bytes: &[u8]) -> Self;
    }

    fn word(bytes: &[u8]) -> u32 {
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    impl Packed for u32 {
        const BYTES: usize = 4;
        fn put(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.to_le_bytes());
        }
        fn take(b: &[u8]) -> Self {
            word(b)
        }
    }

    impl Packed for u64 {
        const BYTES: usize = 8;
        fn put(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.to_le_bytes());
        }
        fn take(b: &[u8]) -> Self {
            u64::from(word(b)) | u64::from(word(&b[4..])) << 32
        }
    }

    impl Packed for (u32, u32, u32) {
        const BYTES: usize = 12;
        fn put(&self, out: &mut Vec<u8>) {
            for x in [self.0, self.1, self.2] {
                x.put(out);
            }
        }
        fn take(b: &[u8]) -> Self {
            (word(b), word(&b[4..]), word(&b[8..]))
        }
    }

    pub fn serialize<S: Serializer, T: Packed>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut out = Vec::with_capacity(v.len() * T::BYTES);
        for x in v {
            x.put(&mut out);
        }
        s.serialize_bytes(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Packed>(d: D) -> Result<Vec<T>, D::Error> {
        struct Bytes<T>(PhantomData<T>);
        impl<T: Packed> Visitor<'_> for Bytes<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("packed integers")
            }
            fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<Vec<T>, E> {
                if !bytes.len().is_multiple_of(T::BYTES) {
                    return Err(E::custom("packed integers of a broken length"));
                }
                let mut v = Vec::new();
                v.try_reserve_exact(bytes.len() / T::BYTES)
                    .map_err(|_| E::custom("a stored length larger than memory"))?;
                v.extend(bytes.chunks_exact(T::BYTES).map(T::take));
                Ok(v)
            }
            fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<Vec<T>, E> {
                self.visit_bytes(&bytes)
            }
        }
        d.deserialize_byte_buf(Bytes(PhantomData))
    }
}
