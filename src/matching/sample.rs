//! Deterministic synthetic queries drawn from a snapshot's own names, for
//! the index completeness test and the throughput benchmark: exact names,
//! typos, transpositions, dropped and reordered words, words run together,
//! and names stitched from words of different entries (hard negatives for
//! the index: every word is a listed word); and, apart, names with a word
//! swapped for a listed equivalent (`William` for `Bill`).

use crate::lists::Snapshot;

/// A small, seedable generator (SplitMix64): the same seed gives the same
/// queries on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// `count` query names derived from the snapshot's names and aliases.
pub fn queries(snapshot: &Snapshot, count: usize, seed: u64) -> Vec<String> {
    let names: Vec<&str> = snapshot
        .entities
        .iter()
        .flat_map(|e| {
            std::iter::once(e.name.as_str()).chain(e.strong_aliases().map(|a| a.name.as_str()))
        })
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let base = names[rng.below(names.len())];
        let mut words: Vec<String> = base.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            continue;
        }
        match rng.below(10) {
            0..=2 => {}
            3 | 4 => {
                // one character replaced
                let w = rng.below(words.len());
                let mut chars: Vec<char> = words[w].chars().collect();
                let i = rng.below(chars.len());
                chars[i] = char::from(b'a' + (rng.below(26) as u8));
                words[w] = chars.into_iter().collect();
            }
            5 => {
                // two neighbouring characters swapped
                let w = rng.below(words.len());
                let mut chars: Vec<char> = words[w].chars().collect();
                if chars.len() > 2 {
                    let i = rng.below(chars.len() - 1);
                    chars.swap(i, i + 1);
                }
                words[w] = chars.into_iter().collect();
            }
            6 if words.len() > 1 => {
                words.remove(rng.below(words.len()));
            }
            7 if words.len() > 1 => {
                words.rotate_left(1);
            }
            8 if words.len() > 1 => {
                let i = rng.below(words.len() - 1);
                let next = words.remove(i + 1);
                words[i].push_str(&next);
            }
            _ => {
                // words from three different names
                words = (0..3)
                    .filter_map(|_| {
                        let other: Vec<&str> =
                            names[rng.below(names.len())].split_whitespace().collect();
                        (!other.is_empty()).then(|| other[rng.below(other.len())].to_owned())
                    })
                    .collect();
            }
        }
        out.push(words.join(" "));
    }
    out
}

/// Up to `count` query names from the snapshot's names and aliases that
/// hold a word with listed equivalents (`vocab::Groups`), that word
/// swapped for another of one of its groups: what edit distance cannot
/// find, and the index must.
pub fn equivalent_swaps(snapshot: &Snapshot, count: usize, seed: u64) -> Vec<String> {
    use super::names::normalize::normalize_text;
    use super::names::vocab::{group_words, variant_group};
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(count);
    let names = snapshot.entities.iter().flat_map(|e| {
        std::iter::once(e.name.as_str()).chain(e.strong_aliases().map(|a| a.name.as_str()))
    });
    for name in names {
        if out.len() == count {
            break;
        }
        let mut words: Vec<String> = name.split_whitespace().map(str::to_owned).collect();
        let swappable: Vec<usize> = (0..words.len())
            .filter(|&i| variant_group(&normalize_text(&words[i])).any())
            .collect();
        if swappable.is_empty() {
            continue;
        }
        let i = swappable[rng.below(swappable.len())];
        let groups: Vec<usize> = variant_group(&normalize_text(&words[i])).iter().collect();
        let members = group_words(groups[rng.below(groups.len())]);
        words[i] = members[rng.below(members.len())].to_owned();
        out.push(words.join(" "));
    }
    out
}
