//! Which listed words the common listed words pair with, judged once at
//! build. Whether two words pair depends on the two words alone, and a
//! common word turns up in many queries: a search reads what such a query
//! word pairs with instead of comparing it with every listed word it
//! meets, and instead of looking it up (see `bound`).
//!
//! A word is *tabled* when it is in `TABLED_NAMES` names or more, compared
//! by its spelling (no syllabic script, no abjad) and of a class that
//! pairs by it: names, generic words, particles, numbers. Its partners are
//! every listed word it pairs with as `bound::word_pair` judges, except
//! the words compared by more than their spelling
//! (`word_lookup::is_special`), which a search compares with every query
//! word as before. Rarer words are left out: judging every word would
//! double the build for a few per cent more of the search.

use rayon::prelude::*;

use super::key_space::Counts;
use super::word_key::WordKey;
use super::word_lookup::{is_special, WordLookup};
use crate::matching::names::compare::{is_substantive, pair_reach, single_sim_by, Params};
use crate::matching::names::normalize::{Token, TokenClass};
use crate::matching::names::similarity::{outline_could_reach, Reach, SpellingFilter};

/// A word in this many names or more is tabled: on the full lists 3,283
/// words of 19,539. Measured on 3,000 bench queries: words in 5 names or
/// more cut a search's instructions by 12% for about 100 ms of build, in
/// 4 or more by 1.7% more for about 40 ms more; 3 or more would add
/// 220 ms, every word 650 ms.
const TABLED_NAMES: u32 = 4;

/// Per tabled vocabulary word, its partners.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct WordPairs {
    /// Per vocabulary id, where its partners lie in `partners` (start,
    /// end of the distinctive ones, end), or `None` for a word that is
    /// not tabled.
    #[serde(with = "crate::matching::candidates::exact_vec")]
    spans: Vec<Option<[u32; 3]>>,
    /// Vocabulary ids, per word those it pairs with distinctively first.
    #[serde(with = "crate::matching::candidates::packed_vec")]
    partners: Vec<u32>,
    /// The parameters the pairs were judged with: a search with others
    /// compares instead.
    params: Option<Params>,
}

/// What a tabled word pairs with.
pub(crate) struct Partners<'t> {
    /// Distinctive pairs (`Params::strong_pair`, both words substantive).
    pub(crate) strong: &'t [u32],
    pub(crate) other: &'t [u32],
}

/// Whether the table could list the partners of `t`.
fn is_tableable(t: &Token) -> bool {
    use TokenClass::*;
    !is_special(t) && matches!(t.class, Name | Generic | Particle | Number)
}

impl WordPairs {
    /// Over the vocabulary `words` (their keys `keys`, searchable as
    /// `lookup`), tabling those in `names_with(text)` names or more, on
    /// all cores.
    pub(crate) fn build(
        words: &[Token],
        keys: &[WordKey],
        lookup: &WordLookup,
        p: &Params,
        names_with: impl Fn(&str) -> u32 + Sync,
    ) -> WordPairs {
        Self::build_from(words, keys, lookup, p, |t| {
            names_with(&t.text) >= TABLED_NAMES
        })
    }

    /// As `build`, tabling the tableable words `tabled` says.
    pub(crate) fn build_from(
        words: &[Token],
        keys: &[WordKey],
        lookup: &WordLookup,
        p: &Params,
        tabled: impl Fn(&Token) -> bool + Sync,
    ) -> WordPairs {
        // An initial pairs with every name it begins, and the lookup finds
        // words by spelling: initials are looked for by first letter.
        let mut initials: Vec<Vec<u32>> = vec![Vec::new(); 256];
        for (v, w) in words.iter().enumerate() {
            if w.class == TokenClass::Initial && !is_special(w) {
                initials[usize::from(w.first)].push(v as u32);
            }
        }
        let reach = pair_reach(p);
        let judged: Vec<Option<(Vec<u32>, usize)>> = words
            .par_iter()
            .map_init(
                || (Counts::default(), Vec::new()),
                |(counts, found), x| {
                    if !is_tableable(x) || !tabled(x) {
                        return None;
                    }
                    found.clear();
                    lookup.similar_into(x, (p.min_pair, p.curve), counts, found);
                    found.extend(&initials[usize::from(x.first)]);
                    found.sort_unstable();
                    found.dedup();
                    let spelling = SpellingFilter::new(&x.text, &x.phon, p.curve, p.min_pair);
                    let (mut strong, mut other) = (Vec::new(), Vec::new());
                    for &v in found.iter() {
                        let (key, w) = (&keys[v as usize], &words[v as usize]);
                        if is_special(w) {
                            continue; // compared by the search
                        }
                        match word_pair(x, &spelling, key, w, p, &reach) {
                            Some(true) => strong.push(v),
                            Some(false) => other.push(v),
                            None => {}
                        }
                    }
                    let n = strong.len();
                    strong.append(&mut other);
                    Some((strong, n))
                },
            )
            .collect();
        let mut table = WordPairs {
            spans: Vec::with_capacity(words.len()),
            partners: Vec::new(),
            params: Some(*p),
        };
        for found in judged {
            table.spans.push(found.map(|(ids, strong)| {
                let start = table.partners.len() as u32;
                table.partners.extend(ids);
                let end = table.partners.len() as u32;
                [start, start + strong as u32, end]
            }));
        }
        table.partners.shrink_to_fit();
        table
    }

    /// The partners of the query word `t`, where it is a tabled listed
    /// word (`words` being the vocabulary) and `p` the parameters the
    /// table was judged with.
    pub(crate) fn of(
        &self,
        t: &Token,
        lookup: &WordLookup,
        words: &[Token],
        p: &Params,
    ) -> Option<Partners<'_>> {
        if self.params.as_ref() != Some(p) || !is_tableable(t) {
            return None;
        }
        let v = lookup.vocab_of(t, words)?;
        let [start, strong, end] = (*self.spans.get(v as usize)?)?.map(|i| i as usize);
        Some(Partners {
            strong: &self.partners[start..strong],
            other: &self.partners[strong..end],
        })
    }
}

/// Whether `single_sim(x, y)` could reach `p.min_pair` for the listed word
/// `y` of key `key`, judged from the key alone (`reach` is `pair_reach(p)`).
/// It follows `single_sim` case by case and answers yes wherever the key
/// cannot tell: a score bound may only err upward.
fn may_pair(x: &Token, key: &WordKey, reach: &Reach) -> bool {
    use TokenClass::*;
    if x.class == Title || key.class == Title {
        return false;
    }
    if x.class == LegalForm || key.class == LegalForm {
        return x.class == key.class;
    }
    if key.special || x.exact_only || x.script.is_some() || x.abjad || x.letters == key.letters {
        return true;
    }
    match (x.class, key.class) {
        (Initial, Initial) => false,
        // An initial pairs with a name it begins.
        (Initial, Name) | (Name, Initial) => x.first == key.first,
        (Initial, _) | (_, Initial) | (Number, _) | (_, Number) => false,
        _ if x.groups.meet(key.groups) => true,
        _ => {
            x.phon_letters == key.phon_letters
                || outline_could_reach(&x.shape().outline(), &key.outline(), reach)
        }
    }
}

/// Whether the query word `x` (its spelling prepared as `spelling`) pairs
/// with the listed word `w` of key `key`, reaching `p.min_pair`, and if so
/// whether the pair is distinctive: both words substantive and at least
/// `p.strong_pair`. The key rules out most pairs before `w` is read.
pub(crate) fn word_pair(
    x: &Token,
    spelling: &SpellingFilter,
    key: &WordKey,
    w: &Token,
    p: &Params,
    reach: &Reach,
) -> Option<bool> {
    if !may_pair(x, key, reach) {
        return None;
    }
    let (sim, _) = single_sim_by(x, w, p, |x, y| {
        spelling.could_reach(&y.text, &y.phon, x.phon == y.phon)
    });
    (sim >= p.min_pair)
        .then(|| sim >= p.strong_pair && is_substantive(x.class) && is_substantive(key.class))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::candidates::index::{Form, Index};
    use crate::matching::names::compare::PARAMS;
    use crate::matching::names::normalize::NameKind;

    /// The table holds exactly the pairs `word_pair` finds comparing every
    /// word with every other: the lookup it starts from misses none.
    #[test]
    fn the_table_holds_every_pair_and_no_other() {
        let names = [
            (
                "Mohammed Muhamad Mohamed Mohd bin Hassan Hasan",
                NameKind::Person,
            ),
            ("AL-SHABAAB Alshabaab Shabab", NameKind::Organization),
            ("J. Jo Johnson Jonson A. Ahmad Ahmed", NameKind::Person),
            (
                "Continental Continentale Kontinental Trading Group LLC",
                NameKind::Organization,
            ),
            ("11420 CORP 11421 Forty-Four", NameKind::Organization),
            (
                "Zeynabiyyun Zaynabiyoun Chamchamali Institution Institute",
                NameKind::Organization,
            ),
            ("محمد Путин Putin Pulin 习近平", NameKind::Person),
            ("de la Cruz del Rio van der Berg", NameKind::Person),
        ];
        let mut index = Index::build(
            names
                .iter()
                .enumerate()
                .map(|(i, (t, k))| (i as u32, Form::Primary, *t, *k)),
        );
        index.table_every_word();
        let (words, keys) = (&index.words, &index.keys);
        let reach = pair_reach(&PARAMS);
        let mut tabled = 0;
        for x in words {
            let Some(found) = index.pairs.of(x, &index.lookup, words, &PARAMS) else {
                assert!(!is_tableable(x), "{} is not tabled", x.text);
                continue;
            };
            tabled += 1;
            let spelling = SpellingFilter::new(&x.text, &x.phon, PARAMS.curve, PARAMS.min_pair);
            for (v, w) in words.iter().enumerate().filter(|(_, w)| !is_special(w)) {
                let v = v as u32;
                let listed = if found.strong.contains(&v) {
                    Some(true)
                } else {
                    found.other.contains(&v).then_some(false)
                };
                let judged = word_pair(x, &spelling, &keys[v as usize], w, &PARAMS, &reach);
                assert_eq!(listed, judged, "{} / {}", x.text, w.text);
            }
        }
        assert!(tabled > 30, "only {tabled} words tabled");
        // The parameters the table was judged with are the only ones it
        // answers for.
        let other = PARAMS.with_overrides("min_pair=0.5");
        let x = words
            .iter()
            .find(|x| index.pairs.of(x, &index.lookup, words, &PARAMS).is_some());
        assert!(x.is_some_and(|x| index.pairs.of(x, &index.lookup, words, &other).is_none()));
    }
}
