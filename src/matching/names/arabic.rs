//! Names written in the Arabic script (Arabic, Persian, Urdu), and their
//! comparison with romanised spellings.
//!
//! The script writes consonants and long vowels, not short vowels: `حماس`
//! is h-m-ā-s, romanised `Hamas`. A word is transliterated letter by
//! letter into a form that keeps that distinction: consonants as Latin
//! letters (`sh`, `kh`, `th`, `dh`, `gh`, `zh`, `ch` for one letter each),
//! and the long-vowel letters as `a` (alif), `u` (waw) and `i` (ya), which
//! a romanisation must show as a vowel (or as `w`, `y`, `v`). The article
//! `ال` is its own word, `al`, as romanised lists write it (`AL-SHABAAB`).
//!
//! Comparing such a word with a Latin one aligns the two letter sequences:
//! consonants must meet (`q`/`k`, `th`/`s`, `p`/`b` are near), a long
//! vowel must meet a vowel of the right colour, and the Latin side may add
//! short vowels, which the script does not write. So `حسین` (h-s-ī-n)
//! meets `Hussein` and `Husayn`, not `Hasan`; `محمود` (m-h-m-ū-d) meets
//! `Mahmoud`, not `Muhammad`.

/// Whether a character belongs to the Arabic script blocks.
pub fn is_arabic_script(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
}

/// The letters of an Arabic-script word in the form above. Diacritics
/// (short-vowel marks, shadda, sukun), the tatweel and `ع`/`ء` (which
/// romanisations drop or write `'`) give nothing.
pub fn transliterate_char(c: char) -> &'static str {
    match c {
        'ا' | 'آ' | 'أ' | 'ٱ' | 'ى' | 'ة' | 'ۃ' | 'ۀ' => "a",
        'إ' | 'ئ' | 'ي' | 'ی' | 'ے' | 'ې' | 'ێ' => "i",
        'ؤ' | 'و' | 'ۆ' | 'ۇ' => "u",
        'ب' => "b",
        'پ' => "p",
        'ت' | 'ط' | 'ٹ' => "t",
        'ث' => "th",
        'ج' => "j",
        'چ' => "ch",
        'ح' | 'ه' | 'ہ' | 'ھ' | 'ۂ' => "h",
        'خ' => "kh",
        'د' | 'ض' | 'ڈ' => "d",
        'ذ' => "dh",
        'ر' | 'ڑ' => "r",
        'ز' | 'ظ' => "z",
        'ژ' => "zh",
        'س' | 'ص' => "s",
        'ش' => "sh",
        'غ' => "gh",
        'ف' | 'ڤ' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'گ' => "g",
        'ل' => "l",
        'م' => "m",
        'ن' | 'ں' => "n",
        '٠'..='٩' => DIGITS[(c as u32 - '٠' as u32) as usize],
        '۰'..='۹' => DIGITS[(c as u32 - '۰' as u32) as usize],
        _ => "",
    }
}

const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// A transliterated word split at the article: `الشباب` → `al` + `shbab`.
/// The article is split only from a word long enough to be a word
/// without it; `الله` (Allah) stays whole.
pub fn split_article(word: &str) -> Option<&str> {
    let rest = word.strip_prefix("al")?;
    (rest.len() >= 3 && word != "allh").then_some(rest)
}

/// The Latin spelling of a particle written in the script, as the lists
/// write it: `آل` (family of) and the article `ال` as `al`, `بن` as `bin`,
/// `ابن` as `ibn`, `بنت` as `bint`, `أبو` as `abu`, `عبد` as `abd`.
pub fn particle(word: &str) -> Option<&'static str> {
    Some(match word {
        "al" => "al",
        "bn" => "bin",
        "abn" => "ibn",
        "bnt" => "bint",
        "abu" => "abu",
        "abd" => "abd",
        "um" => "umm",
        _ => return None,
    })
}

/// One sound of a word: a consonant (with its letters) or a vowel of a
/// colour (`a`, `i`, `u`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sound<'a> {
    Consonant(&'a str),
    /// A vowel (or a run of vowels); `long` when written (in the script)
    /// or doubled (in Latin).
    Vowel {
        colour: u8,
        long: bool,
    },
}

/// The sounds of a transliterated Arabic-script word: every vowel letter
/// is long (short vowels are not written).
fn script_sounds(word: &str) -> Vec<Sound<'_>> {
    let mut out = Vec::with_capacity(word.len());
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'a' | b'i' | b'u' => {
                out.push(Sound::Vowel {
                    colour: match b[i] {
                        b'a' => A,
                        b'i' => I,
                        _ => U,
                    },
                    long: true,
                });
                i += 1;
            }
            // A letter written twice (the article's lam before `الله`)
            // sounds as one doubled consonant, as a spelling's `ll`.
            _ => i += push_consonant(word, i, &mut out),
        }
    }
    out
}

/// The sounds of a Latin word: vowel runs (a doubled or diphthong run is
/// long), `y`/`w` between a vowel and a consonant or at the end as
/// vowels, doubled consonants once (the script writes them once).
fn latin_sounds(word: &str) -> Vec<Sound<'_>> {
    let b = word.as_bytes();
    let is_vowel = |x: u8| matches!(x, b'a' | b'e' | b'i' | b'o' | b'u');
    let mut out = Vec::with_capacity(word.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let glide = matches!(c, b'y' | b'w')
            && i > 0
            && is_vowel(b[i - 1])
            && b.get(i + 1).is_none_or(|n| !is_vowel(*n));
        if is_vowel(c) || glide {
            let start = i;
            while i < b.len()
                && (is_vowel(b[i])
                    || (matches!(b[i], b'y' | b'w')
                        && i > start
                        && b.get(i + 1).is_none_or(|n| !is_vowel(*n))))
            {
                i += 1;
            }
            let run = &b[start..i];
            out.push(Sound::Vowel {
                colour: colour(run),
                long: run.len() > 1,
            });
            continue;
        }
        i += push_consonant(word, i, &mut out);
    }
    out
}

/// Push the consonant at byte `i` of `word` unless it repeats the last
/// one (a doubled consonant sounds once); its length in bytes.
fn push_consonant<'a>(word: &'a str, i: usize, out: &mut Vec<Sound<'a>>) -> usize {
    let n = digraph(word.as_bytes(), i);
    let this = &word[i..i + n];
    if !matches!(out.last(), Some(Sound::Consonant(prev)) if *prev == this) {
        out.push(Sound::Consonant(this));
    }
    n
}

/// The colours a Latin vowel run may stand for, as a bit set of `A`, `I`,
/// `U`: `e` is both a (`Mellat`) and i (`Sheikh`), `ai`/`ay` too, `o` and
/// `ou` are u.
fn colour(run: &[u8]) -> u8 {
    match run {
        [b'e', b'e', ..] | [b'e', b'i', ..] | [b'i', ..] | [b'y', ..] | [b'e', b'y', ..] => I,
        [b'o', ..] | [b'u', ..] | [b'w', ..] => U,
        [b'a', b'w', ..] | [b'a', b'u', ..] => A | U,
        [b'e', ..] | [b'a', b'i', ..] | [b'a', b'y', ..] | [b'a', b'e', ..] => A | I,
        _ => A,
    }
}

const A: u8 = 1;
const I: u8 = 2;
const U: u8 = 4;

/// Bytes of the consonant starting at `i`: two for `sh`, `kh`, `th`, `dh`,
/// `gh`, `zh`, `ch`, `ph`, one otherwise.
fn digraph(b: &[u8], i: usize) -> usize {
    match (b[i], b.get(i + 1)) {
        (b's' | b'k' | b't' | b'd' | b'g' | b'z' | b'c' | b'p', Some(b'h')) => 2,
        _ => 1,
    }
}

/// What it costs to read consonant `x` of the script as `y` of the Latin
/// spelling: 0 for the same, a little for a romanisation's neighbours.
fn consonant_cost(x: &str, y: &str) -> f64 {
    if x == y {
        return 0.0;
    }
    let near = |a: &str, b: &str| (x == a && y == b) || (x == b && y == a);
    if near("q", "k")
        || near("q", "g")
        || near("k", "c")
        || near("q", "c")
        || near("th", "s")
        || near("th", "t")
        || near("dh", "z")
        || near("dh", "d")
        || near("p", "b")
        || near("f", "v")
        || near("f", "ph")
        || near("j", "g")
        || near("j", "dj")
        || near("zh", "j")
        || near("ch", "tch")
        || near("gh", "g")
        || near("kh", "h")
        || near("kh", "k")
        || near("z", "s")
        || near("s", "ts")
    {
        0.3
    } else {
        1.0
    }
}

/// How closely the Latin word `latin` spells the script word `script`
/// (transliterated), in [0, 1]: 1 when every consonant and long vowel
/// meets its spelling and the Latin adds only short vowels.
pub fn spelled_as(script: &str, latin: &str) -> f64 {
    let a = script_sounds(script);
    let b = latin_sounds(latin);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // Edit costs: a script sound the spelling lacks, a Latin sound the
    // script lacks (a short vowel costs little: the script never writes
    // it; an initial vowel costs more, since the script writes an alif).
    let skip_script = |s: &Sound<'_>| match s {
        Sound::Vowel { .. } => 1.0,
        Sound::Consonant("h") => 0.5,
        Sound::Consonant(_) => 1.0,
    };
    // A final `t` or `h` after a vowel is how romanisations write the
    // feminine ending `ة` (`Harakat`, `Hamzah`), which the script ends in.
    let last = b.len() - 1;
    // (A short vowel may begin the spelling too: the script's `ع`, which
    // transliterates to nothing, begins many names: `عصبة` ↔ `Asbat`.)
    let skip_latin = |s: &Sound<'_>, at: usize| match s {
        Sound::Vowel { long: false, .. } => 0.05,
        Sound::Vowel { .. } => 0.5,
        Sound::Consonant("t" | "h") if at == last && at > 0 => 0.3,
        Sound::Consonant("h") => 0.5,
        Sound::Consonant(_) => 1.0,
    };
    let meet = |x: &Sound<'_>, y: &Sound<'_>| match (x, y) {
        (Sound::Consonant(p), Sound::Consonant(q)) => consonant_cost(p, q),
        // A written long vowel must be spelled with a vowel of its colour.
        (Sound::Vowel { colour: c, .. }, Sound::Vowel { colour: d, .. }) => {
            if c & d != 0 {
                0.0
            } else {
                1.0
            }
        }
        // Waw and ya are also the consonants w/v and y.
        (Sound::Vowel { colour: U, .. }, Sound::Consonant("w" | "v")) => 0.0,
        (Sound::Vowel { colour: I, .. }, Sound::Consonant("y")) => 0.0,
        _ => f64::INFINITY,
    };
    let (n, m) = (a.len(), b.len());
    let mut prev: Vec<f64> = Vec::with_capacity(m + 1);
    prev.push(0.0);
    for j in 0..m {
        prev.push(prev[j] + skip_latin(&b[j], j));
    }
    let mut cur = vec![0.0; m + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = prev[0] + skip_script(x);
        for j in 0..m {
            let diag = prev[j] + meet(x, &b[j]);
            let up = prev[j + 1] + skip_script(x);
            let left = cur[j] + skip_latin(&b[j], if i == 0 { j } else { j.max(1) });
            cur[j + 1] = diag.min(up).min(left);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let cost = prev[m];
    // Measured against the sounds the script writes: a word of three
    // consonants that differs in one is a third wrong.
    let length = n.max(
        b.iter()
            .filter(|s| matches!(s, Sound::Consonant(_)))
            .count(),
    ) as f64;
    (1.0 - cost / length).max(0.0).powf(1.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(word: &str) -> String {
        word.chars().map(transliterate_char).collect()
    }

    #[test]
    fn transliteration_keeps_consonants_and_long_vowels() {
        assert_eq!(tr("حماس"), "hmas");
        assert_eq!(tr("محمود"), "mhmud");
        assert_eq!(tr("بانک"), "bank");
        assert_eq!(tr("الشباب"), "alshbab");
        assert_eq!(split_article("alshbab"), Some("shbab"));
        assert_eq!(split_article("allh"), None);
    }

    #[test]
    fn long_vowels_and_consonants_must_meet_their_spelling() {
        // (script, Latin, above, below): the same name meets its
        // spelling; different names do not.
        for (script, latin, min, max) in [
            ("حماس", "hamas", 0.9, 1.01),
            ("محمود", "mahmoud", 0.85, 1.01),
            ("محمد", "muhammad", 0.85, 1.01),
            ("حسین", "hussein", 0.85, 1.01),
            ("شباب", "shabaab", 0.9, 1.01),
            ("ملت", "mellat", 0.9, 1.01),
            ("محمود", "muhammad", -1.0, 0.75),
            ("حسین", "hasan", -1.0, 0.75),
            ("صیادی", "asad", -1.0, 0.6),
            ("سعود", "said", -1.0, 0.75),
        ] {
            let s = spelled_as(&tr(script), latin);
            assert!(s > min && s < max, "{script} / {latin}: {s}");
        }
    }
}
