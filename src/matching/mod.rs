//! Name and identifier matching against loaded lists.

pub mod bound;
pub mod compare;
mod given_names;
pub mod normalize;
pub mod similarity;
pub mod vocab;

pub use compare::{Rarity, Uniform};

/// Default threshold: a score at or above it is "worth a human look".
pub const DEFAULT_THRESHOLD: f64 = 0.7;
pub mod countries;
pub mod identifiers;
pub mod index;
mod key_space;
mod prefetch;
pub mod sample;
pub mod search;
mod word_lookup;
mod word_pairs;
