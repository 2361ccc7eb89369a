//! What the bounds and the pair table read of a vocabulary word before
//! its full token.

use super::word_lookup::is_special;
use crate::matching::names::normalize::{Token, TokenClass};
use crate::matching::names::similarity::Outline;
use crate::matching::names::vocab::Groups;

/// What the score bound reads of a vocabulary word before its full token:
/// lengths, letter masks and flags in half a cache line. Most listed words
/// pair with no query word, and these rule that out without following the
/// token's strings.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct WordKey {
    pub letters: u64,
    pub phon_letters: u64,
    pub groups: Groups,
    /// Bytes of the text and of the phonetic key.
    pub len: u16,
    pub phon_len: u16,
    pub class: TokenClass,
    pub first: u8,
    pub exact_only: bool,
    /// Compared by more than its spelling: exact-only, syllabic-script
    /// or abjad words (and words too long for the lengths above).
    pub special: bool,
}

impl WordKey {
    pub fn of(t: &Token) -> WordKey {
        WordKey {
            letters: t.letters,
            phon_letters: t.phon_letters,
            groups: t.groups,
            len: u16::try_from(t.text.len()).unwrap_or(u16::MAX),
            phon_len: u16::try_from(t.phon.len()).unwrap_or(u16::MAX),
            class: t.class,
            first: t.first,
            exact_only: t.exact_only,
            special: is_special(t) || t.text.len() > usize::from(u16::MAX),
        }
    }

    pub fn outline(&self) -> Outline {
        Outline {
            len: usize::from(self.len),
            letters: self.letters,
            phon_len: usize::from(self.phon_len),
            phon_letters: self.phon_letters,
        }
    }
}
