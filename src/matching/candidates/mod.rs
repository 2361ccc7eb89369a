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

/// A vector of integers stored as little-endian bytes, in chunks of at
/// most `CHUNK` bytes after the count: read back with a copy per chunk
/// instead of a call per integer, into a vector reserved once, through one
/// chunk-sized buffer (a buffer as large as the vector would double the
/// memory a stored index takes to read). A count the chunks do not give
/// exactly is an error.
pub(crate) mod packed_vec {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{DeserializeSeed, Deserializer, Error, SeqAccess, Visitor};
    use serde::ser::{SerializeSeq, SerializeTuple, Serializer};
    use serde::Serialize;

    /// Bytes per stored chunk.
    const CHUNK: usize = 64 * 1024;

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

    /// The chunks of a vector, as a sequence of byte strings.
    struct Chunks<'a, T>(&'a [T]);

    impl<T: Packed> Serialize for Chunks<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let per = (CHUNK / T::BYTES).max(1);
            let mut seq = s.serialize_seq(Some(self.0.len().div_ceil(per)))?;
            let mut bytes = Vec::with_capacity(CHUNK);
            for chunk in self.0.chunks(per) {
                bytes.clear();
                for x in chunk {
                    x.put(&mut bytes);
                }
                seq.serialize_element(&Bytes(&bytes))?;
            }
            seq.end()
        }
    }

    struct Bytes<'a>(&'a [u8]);

    impl Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    pub fn serialize<S: Serializer, T: Packed>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&(v.len() as u64))?;
        t.serialize_element(&Chunks(v))?;
        t.end()
    }

    /// Appends one chunk's integers to the vector.
    struct ChunkInto<'v, T>(&'v mut Vec<T>);

    impl<'de, T: Packed> DeserializeSeed<'de> for ChunkInto<'_, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_byte_buf(self)
        }
    }

    impl<T: Packed> Visitor<'_> for ChunkInto<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a chunk of packed integers")
        }
        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<(), E> {
            if !bytes.len().is_multiple_of(T::BYTES) {
                return Err(E::custom("packed integers of a broken length"));
            }
            if self.0.capacity() - self.0.len() < bytes.len() / T::BYTES {
                return Err(E::custom("more packed integers than their count"));
            }
            self.0.extend(bytes.chunks_exact(T::BYTES).map(T::take));
            Ok(())
        }
        fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<(), E> {
            self.visit_bytes(&bytes)
        }
    }

    /// Appends every chunk to the vector.
    struct ChunksInto<'v, T>(&'v mut Vec<T>);

    impl<'de, T: Packed> DeserializeSeed<'de> for ChunksInto<'_, T> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de, T: Packed> Visitor<'de> for ChunksInto<'_, T> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("chunks of packed integers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(ChunkInto(&mut *self.0))?.is_some() {}
            Ok(())
        }
    }

    struct Whole<T>(PhantomData<T>);

    impl<'de, T: Packed> Visitor<'de> for Whole<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a count and chunks of packed integers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let count: u64 = seq
                .next_element()?
                .ok_or_else(|| A::Error::custom("no count of packed integers"))?;
            let mut v = Vec::new();
            // No index holds 2^32 of anything: a larger count is damage.
            usize::try_from(count)
                .ok()
                .filter(|_| count <= u64::from(u32::MAX))
                .and_then(|n| v.try_reserve_exact(n).ok())
                .ok_or_else(|| A::Error::custom("a stored length larger than memory"))?;
            seq.next_element_seed(ChunksInto(&mut v))?
                .ok_or_else(|| A::Error::custom("no chunks of packed integers"))?;
            if v.len() as u64 != count {
                return Err(A::Error::custom("fewer packed integers than their count"));
            }
            Ok(v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Packed>(d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_tuple(2, Whole(PhantomData))
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Held {
            #[serde(with = "super")]
            small: Vec<u32>,
            #[serde(with = "super")]
            large: Vec<u64>,
            #[serde(with = "super")]
            triples: Vec<(u32, u32, u32)>,
        }

        fn options() -> impl bincode::Options {
            use bincode::Options;
            bincode::DefaultOptions::new().with_fixint_encoding()
        }

        #[test]
        fn vectors_of_every_size_read_back_and_a_broken_count_is_refused() {
            use bincode::Options;
            let held = Held {
                small: vec![7, 8],
                // Several chunks, the last one partial.
                large: (0..20_000u64).map(|x| x * 0x1_0000_0001).collect(),
                triples: vec![(1, 2, 3); 6_000],
            };
            let bytes = options().serialize(&held).unwrap();
            assert_eq!(options().deserialize::<Held>(&bytes).unwrap(), held);
            // The count says one more than the chunks hold.
            let mut broken = bytes.clone();
            broken[0] = 3;
            assert!(options().deserialize::<Held>(&broken).is_err());
            let empty = Held {
                small: vec![],
                large: vec![],
                triples: vec![],
            };
            let bytes = options().serialize(&empty).unwrap();
            assert_eq!(options().deserialize::<Held>(&bytes).unwrap(), empty);
        }
    }
}
