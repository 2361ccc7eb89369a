//! Name and identifier matching against loaded lists, in three rooms with
//! dependencies that run one way:
//!
//! - [`names`]: comparing two names. Normalisation, word lists, word
//!   similarity and the aligned, explained score of a pair. Knows nothing
//!   of lists or indexes.
//! - [`candidates`]: finding, among every listed name, the few that can
//!   reach the threshold for a query: the index, its key spaces and word
//!   lookups, and the score bounds that rule names out unaligned. Builds
//!   on `names`; its results must equal scoring every name (the
//!   completeness test).
//! - [`identifiers`]: websites, e-mail and crypto addresses, aircraft and
//!   vessel identifiers: exact identities, and how hosts relate.
//!
//! [`search`] puts them together (one query against a snapshot: hits with
//! explanations); [`countries`] and the qualifiers it applies sit beside.

pub mod candidates;
pub mod countries;
pub mod identifiers;
pub mod names;
pub mod perturb;
pub mod sample;
pub mod search;

pub use names::compare::{Rarity, Uniform};

/// Default threshold: a score at or above it is "worth a human look".
pub const DEFAULT_THRESHOLD: f64 = 0.7;
