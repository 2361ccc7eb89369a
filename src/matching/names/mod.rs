//! Comparing two names: normalisation (scripts, legal forms, word order),
//! the word lists that classify words, word similarity, and the aligned
//! score of two names with its explanation. Nothing here knows about lists
//! or the index.

pub mod arabic;
pub mod compare;
pub(crate) mod given_names;
pub mod normalize;
pub mod similarity;
pub mod vocab;
