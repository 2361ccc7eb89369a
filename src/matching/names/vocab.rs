//! Word lists that give name tokens their class. Kept apart from the
//! algorithms so that a reviewer can read (and extend) them at a glance.

/// Multi-word legal forms, rewritten to one canonical token before
/// classification (`limited liability company` → `llc`).
pub const LEGAL_PHRASES: &[(&str, &str)] = &[
    ("gesellschaft mit beschrankter haftung", "gmbh"),
    // Written out in the languages of the countries most on the lists,
    // transliterated as normalisation leaves them (docs/matching.md).
    ("publichnoe aktsionernoe obshchestvo", "pjsc"),
    ("publichnoe aktsionernoe obshestvo", "pjsc"),
    ("otkrytoe aktsionernoe obshchestvo", "ojsc"),
    ("zakrytoe aktsionernoe obshchestvo", "cjsc"),
    ("aktsionernoe obshchestvo", "jsc"),
    ("aktsionernoe obshestvo", "jsc"),
    ("obshchestvo s ogranichennoi otvetstvennostiu", "ooo"),
    ("obshchestvo s ogranichennoj otvetstvennostju", "ooo"),
    ("obshchestvo s ogranichennoy otvetstvennostiyu", "ooo"),
    // OFAC's own spellings, the first by far the most common.
    ("obshchestvo s ogranichennoi otvetstvennostyu", "ooo"),
    ("obshchestvo s ogranichennoj otvetstvennostyu", "ooo"),
    ("obshestvo s ogranichennoj otvetstvennostyu", "ooo"),
    ("obshestvo s ogranichennoy otvetstvennostyu", "ooo"),
    ("obshestvo s ogranichennoi otvetstvennostyu", "ooo"),
    ("tovarystvo z obmezhenoyu vidpovidalnistyu", "ooo"),
    ("tovaristvo z obmezhenoiu vidpovidalnistiu", "ooo"),
    ("aktsionerne tovarystvo", "jsc"),
    ("publichne aktsionerne tovarystvo", "pjsc"),
    ("tavarystva z abmezhavanai adkaznastsiu", "ooo"),
    ("ednolichno druzhestvo s ogranichena otgovornost", "eood"),
    ("druzhestvo s ogranichena otgovornost", "ooo"),
    ("aktsionerno druzhestvo", "jsc"),
    ("spolka z ograniczona odpowiedzialnoscia", "spzoo"),
    ("spolka akcyjna", "sa"),
    ("spolecnost s rucenim omezenym", "sro"),
    ("spolocnost s rucenim obmedzenym", "sro"),
    ("akciova spolecnost", "as"),
    ("korlatolt felelossegu tarsasag", "kft"),
    ("zartkoruen mukodo reszvenytarsasag", "zrt"),
    ("nyilvanosan mukodo reszvenytarsasag", "nyrt"),
    ("anonim sirketi", "as"),
    ("limited sirketi", "ltd"),
    ("sociedad anonima de capital variable", "sa"),
    ("sociedad anonima", "sa"),
    ("sociedad de responsabilidad limitada", "srl"),
    ("sociedade anonima", "sa"),
    ("sociedade limitada", "ltda"),
    ("societe anonyme", "sa"),
    ("societe par actions simplifiee", "sas"),
    ("societa a responsabilita limitata", "srl"),
    ("societa per azioni", "spa"),
    ("societate pe actiuni", "sa"),
    ("anonymi etaireia", "sa"),
    ("etaireia periorismenis efthynis", "llc"),
    ("kommanditgesellschaft", "kg"),
    ("free zone establishment", "fze"),
    ("free zone company", "fzco"),
    ("sherkat sahami khass", "pjsc"),
    ("sherkate sahami khass", "pjsc"),
    ("private limited company", "ltd"),
    ("private limited", "ltd"),
    ("societatea cu raspundere limitata", "srl"),
    ("societe a responsabilite limitee", "sarl"),
    ("obshchestvo s ogranichennoi otvetstvennostiu", "ooo"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "ooo"),
    ("public joint stock company", "pjsc"),
    ("open joint stock company", "ojsc"),
    ("closed joint stock company", "cjsc"),
    ("limited liability company", "llc"),
    ("limited liability partnership", "llp"),
    ("limited partnership", "lp"),
    ("joint stock company", "jsc"),
    ("public limited company", "plc"),
    ("sp z o o", "spzoo"),
    // Polish partnerships: limited, registered, civil; and the Romanian
    // commercial company.
    ("sp k", "spk"),
    ("sp j", "spj"),
    ("s c", "sc"),
    ("s k a", "ska"),
    ("s c s", "scs"),
    ("s de rl de cv", "srl"),
    ("sa de cv", "sa"),
    ("l l c", "llc"),
    ("l p", "lp"),
    ("s a", "sa"),
    ("p l c", "plc"),
    ("n a", "na"),
    ("o o o", "ooo"),
    ("b v", "bv"),
    ("n v", "nv"),
    ("s r l", "srl"),
];

/// Single-word legal forms and their canonical spelling.
pub const LEGAL_WORDS: &[(&str, &str)] = &[
    ("aktiengesellschaft", "ag"),
    ("compania", "co"),
    ("cia", "co"),
    ("companhia", "co"),
    ("compagnie", "co"),
    ("cie", "co"),
    ("limitada", "ltda"),
    ("sro", "sro"),
    ("zrt", "zrt"),
    ("nyrt", "nyrt"),
    ("eood", "eood"),
    ("ood", "ooo"),
    ("ead", "jsc"),
    ("aps", "aps"),
    ("oyj", "oy"),
    ("bvba", "bvba"),
    ("sac", "sac"),
    ("saa", "sa"),
    ("eirl", "eirl"),
    ("slu", "sl"),
    ("pvt", "pvt"),
    ("tbk", "tbk"),
    ("kgaa", "kgaa"),
    ("aktiengeselschaft", "ag"),
    ("incorporated", "inc"),
    ("corporation", "corp"),
    ("company", "co"),
    ("limited", "ltd"),
    ("llc", "llc"),
    ("ltd", "ltd"),
    ("inc", "inc"),
    ("corp", "corp"),
    ("co", "co"),
    ("plc", "plc"),
    ("ag", "ag"),
    ("gmbh", "gmbh"),
    ("sa", "sa"),
    ("sas", "sas"),
    ("sarl", "sarl"),
    ("srl", "srl"),
    ("spa", "spa"),
    ("jsc", "jsc"),
    ("ojsc", "ojsc"),
    ("cjsc", "cjsc"),
    ("pjsc", "pjsc"),
    ("oao", "ojsc"),
    ("zao", "cjsc"),
    ("pao", "pjsc"),
    ("ao", "jsc"),
    ("ooo", "ooo"),
    ("tov", "ooo"),
    ("llp", "llp"),
    ("lp", "lp"),
    ("bv", "bv"),
    ("nv", "nv"),
    ("ab", "ab"),
    ("oy", "oy"),
    ("as", "as"),
    ("asa", "asa"),
    ("kg", "kg"),
    ("pte", "pte"),
    ("pty", "pty"),
    ("bhd", "bhd"),
    ("sdn", "sdn"),
    ("spzoo", "spzoo"),
    ("na", "na"),
    ("ou", "ou"),
    ("lda", "lda"),
    ("ltda", "ltda"),
    ("sl", "sl"),
    ("kft", "kft"),
    ("doo", "doo"),
    ("fze", "fze"),
    ("fzco", "fzco"),
    ("fzc", "fzc"),
    ("spk", "spk"),
    ("spj", "spj"),
    ("ska", "ska"),
    ("scs", "scs"),
    ("sc", "sc"),
    // Dubai Multi Commodities Centre: a free-zone company's suffix.
    ("dmcc", "dmcc"),
];

/// Legal forms that name the same kind of company in different languages;
/// a pair from one family is not a disagreement.
pub const LEGAL_FAMILIES: &[&[&str]] = &[
    &["jsc", "ojsc", "cjsc", "pjsc"],
    &[
        "llc", "ooo", "gmbh", "srl", "sarl", "spzoo", "ltd", "sl", "kft", "doo", "sro", "eood",
        "aps", "ltda", "sac", "pvt", "bvba",
    ],
    &["inc", "corp", "co", "ltd", "plc"],
    &[
        "ag", "sa", "spa", "nv", "as", "asa", "ab", "oy", "plc", "zrt", "nyrt", "tbk", "kgaa",
    ],
];

/// Words common in organisation names that carry little identity: they
/// must never make a hit by themselves.
pub const GENERIC_ORG_WORDS: &[&str] = &[
    "group",
    "trading",
    "holding",
    "holdings",
    "hldgs",
    "international",
    "intl",
    "global",
    "services",
    "service",
    "enterprise",
    "enterprises",
    "industries",
    "industry",
    "industrial",
    "solutions",
    "systems",
    "technologies",
    "technology",
    "tech",
    "partners",
    "management",
    "mgmt",
    "investment",
    "investments",
    "capital",
    "general",
    "national",
    "natl",
    "foundation",
    "association",
    "assn",
    "assoc",
    "society",
    "organization",
    "organisation",
    "institute",
    "center",
    "centre",
    "office",
    "agency",
    "bank",
    "fund",
    "trust",
    "ventures",
    "resources",
    "logistics",
    "shipping",
    "import",
    "export",
    "consulting",
    "development",
    "commercial",
    "business",
    "gruppe",
    "firm",
    "establishment",
    "movement",
    "front",
    "army",
    "brigade",
    "brigades",
    "party",
];

/// Connecting words and name particles: they align names but are weak
/// evidence (`al`, `bin`, `de`, `the`, `of`).
pub const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ibn", "ben", "bint", "binti", "abu", "abou", "ould", "de", "da",
    "das", "do", "dos", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den", "ter",
    "ten", "y", "e", "the", "of", "and", "for", "in", "at", "on", "et", "und", "a", "an", "to",
];

/// Patronymic markers: the token after one names the father.
pub const PATRONYMIC_MARKERS: &[&str] = &["bin", "ibn", "ben", "bint", "binti", "ould", "walad"];

/// Titles and honorifics: not part of the name.
pub const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "president",
    "prasident",
    "monsieur",
    "madame",
    "mme",
    "herr",
    "frau",
    "senor",
    "senora",
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "hajji",
    "haji",
    "mullah",
    "maulana",
    "imam",
    "general",
    "gen",
    "colonel",
    "col",
    "capt",
    "captain",
    "minister",
    "king",
    "prince",
    "princess",
    "queen",
    "emir",
    "amir",
    "mv",
    "mt",
    "ms",
    "hon",
    "rev",
    "st",
];

/// Number words, for `Brigade Forty-Four` ↔ `Brigade 44`.
pub const UNITS: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
];

pub const TENS: &[(&str, u32)] = &[
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fourty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// Spellings of one name or word that edit distance cannot see (`usama`,
/// `osama`; `intl`, `international`): two of a group are the same word.
/// Given names in other languages and nicknames are
/// `given_names::GIVEN_NAMES`.
pub const NAME_EQUIVALENTS: &[&[&str]] = &[
    &["bin", "ibn", "ben"],
    &["abd", "abdul", "abdel", "abdal", "abdil"],
    &[
        "mohammed", "muhammad", "mohamed", "mohammad", "muhammed", "mohamad", "mehmet",
    ],
    &["usama", "osama"],
    &["ibrahim", "abraham"],
    &["and", "und", "et", "y"],
    // Abbreviations of words common in organisation names.
    &["international", "intl"],
    &["national", "natl"],
    &["association", "assn", "assoc"],
    &["management", "mgmt"],
    &["technology", "technologies", "tech"],
    &["holdings", "hldgs"],
    &["manufacturing", "mfg"],
    &["brothers", "bros"],
    &["department", "dept"],
    &["university", "univ"],
    // Korean names: McCune-Reischauer (as the lists write North Korean
    // names), Revised Romanisation and common usage.
    &["pak", "park", "bak"],
    &["chong", "jeong", "jung", "cheong", "chung"],
    &["choe", "choi", "chwe"],
    &["ri", "yi", "lee", "rhee"],
    &["kim", "gim"],
    &["kang", "gang"],
    &["koh", "ko", "go"],
    &["cho", "jo", "joh"],
    &["chu", "ju", "joo"],
    &["chin", "jin"],
    &["un", "eun"],
    &["song", "seong", "sung"],
    &["hyon", "hyeon", "hyun"],
    &["chol", "cheol", "chul"],
    &["yong", "yeong", "young"],
    &["kwang", "gwang"],
    &["kyong", "gyeong", "kyung"],
    &["sok", "seok", "suk"],
    &["pyon", "byeon", "byun"],
    &["mun", "moon"],
    &["sin", "shin"],
    &["yun", "yoon"],
    &["rim", "lim", "im"],
    &["ryu", "yu", "yoo"],
    &["kye", "gye"],
    &["hui", "hee", "hwi"],
    &["chun", "jun", "joon"],
    &["chae", "jae"],
    &["tong", "dong"],
];

/// Wade-Giles syllables (apostrophes dropped) as Pinyin writes them, for
/// Chinese names romanised the older way (`Mao Tse-tung` = `Mao Zedong`,
/// `Teng Hsiao-ping` = `Deng Xiaoping`). Only syllables that read as
/// Wade-Giles and as nothing else common; both sides are rewritten alike.
pub const WADE_GILES: &[(&str, &str)] = &[
    ("chiang", "jiang"),
    ("chiao", "jiao"),
    ("chieh", "jie"),
    ("chien", "jian"),
    ("chih", "zhi"),
    ("chou", "zhou"),
    ("hsi", "xi"),
    ("hsia", "xia"),
    ("hsiao", "xiao"),
    ("hsieh", "xie"),
    ("hsien", "xian"),
    ("hsin", "xin"),
    ("hsing", "xing"),
    ("hsiu", "xiu"),
    ("hsiung", "xiong"),
    ("hsu", "xu"),
    ("hsuan", "xuan"),
    ("hsueh", "xue"),
    ("hsun", "xun"),
    ("jih", "ri"),
    ("kuang", "guang"),
    ("kuei", "gui"),
    ("kuo", "guo"),
    ("shih", "shi"),
    ("ssu", "si"),
    ("teng", "deng"),
    ("tsai", "cai"),
    ("tsang", "cang"),
    ("tsao", "cao"),
    ("tse", "ze"),
    ("tsen", "cen"),
    ("tseng", "zeng"),
    ("tso", "zuo"),
    ("tsou", "zou"),
    ("tsui", "cui"),
    ("tsung", "zong"),
    ("tung", "dong"),
    ("tzu", "zi"),
];

/// The Pinyin spelling of a Wade-Giles syllable (`WADE_GILES` is sorted).
pub fn wade_giles(word: &str) -> Option<&'static str> {
    // Every syllable in the table begins with one of these letters.
    if !matches!(
        word.as_bytes().first(),
        Some(b'c' | b'h' | b'j' | b'k' | b's' | b't')
    ) {
        return None;
    }
    WADE_GILES
        .binary_search_by(|(wg, _)| (*wg).cmp(word))
        .ok()
        .map(|i| WADE_GILES[i].1)
}

/// The equivalence groups a word belongs to (`NAME_EQUIVALENTS` first,
/// then `given_names::GIVEN_NAMES`), at most `Groups::MAX` of them: most
/// words belong to none, a few given names to two.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct Groups([u16; Groups::MAX]);

impl Groups {
    pub const MAX: usize = 3;
    const EMPTY: u16 = 0;

    /// Whether the word belongs to any group.
    pub fn any(self) -> bool {
        self.0[0] != Self::EMPTY
    }

    /// The groups, as indexes into `group_words`.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        self.0
            .into_iter()
            .take_while(|&g| g != Self::EMPTY)
            .map(|g| usize::from(g - 1))
    }

    /// The similarity two words of these groups have as equivalents: 1
    /// for spellings of one name, `GIVEN_NAME_SIM` for a given name in
    /// another language or a nickname, `None` if they share no group.
    pub fn shared(self, other: Groups) -> Option<f64> {
        if !self.any() || !other.any() {
            return None;
        }
        let spelling = NAME_EQUIVALENTS.len();
        self.iter()
            .filter(|g| other.iter().any(|h| h == *g))
            .map(|g| {
                if g < spelling {
                    1.0
                } else {
                    super::given_names::GIVEN_NAME_SIM
                }
            })
            .reduce(f64::max)
    }

    /// The groups of spellings alone, without given-name equivalents: in
    /// a company's name `Johann` is not `Ian`, nor `Jack` `John`.
    pub fn spellings_only(self) -> Groups {
        let mut out = Groups::default();
        for g in self.iter().filter(|&g| g < NAME_EQUIVALENTS.len()) {
            out.add(g);
        }
        out
    }

    /// Whether two words share a group.
    pub fn meet(self, other: Groups) -> bool {
        self.iter().any(|g| other.iter().any(|h| h == g))
    }

    fn add(&mut self, group: usize) -> bool {
        let id = u16::try_from(group + 1).unwrap_or(Self::EMPTY);
        match self.0.iter_mut().find(|g| **g == Self::EMPTY || **g == id) {
            Some(slot) => {
                *slot = id;
                true
            }
            None => false,
        }
    }
}

/// The words of equivalence group `group` (see `Groups::iter`).
pub fn group_words(group: usize) -> &'static [&'static str] {
    let given = super::given_names::GIVEN_NAMES;
    NAME_EQUIVALENTS
        .get(group)
        .or_else(|| given.get(group - NAME_EQUIVALENTS.len()))
        .copied()
        .unwrap_or(&[])
}

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// foldhash with its fixed seed: the maps hold words and small integer
/// keys of our own lists, so a DoS-resistant hash buys nothing, and a
/// fixed seed keeps every run's iteration order, hence output, the same.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
pub type FastSet<K> = HashSet<K, foldhash::fast::FixedState>;

/// Everything the lists above say about one word, found with one lookup.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordInfo {
    /// `one` … `nineteen`, `first` …: its value.
    pub number: Option<u32>,
    /// `twenty` … `ninety`: its value.
    pub tens: Option<u32>,
    /// A legal form: its canonical spelling.
    pub legal: Option<&'static str>,
    pub title: bool,
    pub particle: bool,
    pub generic: bool,
    pub patronymic: bool,
    /// Its equivalence groups (spellings, given names).
    pub groups: Groups,
    /// The first word of some multi-word legal form.
    pub starts_legal_phrase: bool,
}

/// Hash views of the lists above, built once.
pub struct Lookup {
    /// Every listed word with all it is (one lookup per word).
    pub words: FastMap<&'static str, WordInfo>,
    /// Legal phrases split into words, longest first.
    pub legal_phrases: Vec<(Vec<&'static str>, &'static str)>,
}

/// The equivalence groups of a word (none for most).
pub fn variant_group(word: &str) -> Groups {
    LOOKUP.words.get(word).map(|w| w.groups).unwrap_or_default()
}

pub static LOOKUP: LazyLock<Lookup> = LazyLock::new(|| {
    let mut legal_phrases: Vec<(Vec<&'static str>, &'static str)> = LEGAL_PHRASES
        .iter()
        .map(|(p, c)| (p.split(' ').collect(), *c))
        .collect();
    legal_phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let mut words: FastMap<&'static str, WordInfo> = FastMap::default();
    for (w, v) in UNITS {
        words.entry(w).or_default().number = Some(*v);
    }
    for (w, v) in TENS {
        words.entry(w).or_default().tens = Some(*v);
    }
    for (w, c) in LEGAL_WORDS {
        words.entry(w).or_default().legal = Some(c);
    }
    for w in TITLES {
        words.entry(w).or_default().title = true;
    }
    for w in PARTICLES {
        words.entry(w).or_default().particle = true;
    }
    for w in GENERIC_ORG_WORDS {
        words.entry(w).or_default().generic = true;
    }
    for w in PATRONYMIC_MARKERS {
        words.entry(w).or_default().patronymic = true;
    }
    let all_groups = NAME_EQUIVALENTS
        .iter()
        .chain(super::given_names::GIVEN_NAMES);
    for (g, set) in all_groups.enumerate() {
        for w in *set {
            let added = words.entry(w).or_default().groups.add(g);
            // A word in more groups than a `Groups` holds is a table error.
            debug_assert!(added, "{w} is in more than {} groups", Groups::MAX);
        }
    }
    for (phrase, _) in &legal_phrases {
        words.entry(phrase[0]).or_default().starts_legal_phrase = true;
    }
    Lookup {
        words,
        legal_phrases,
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wade_giles_is_sorted_for_its_binary_search() {
        assert!(WADE_GILES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(wade_giles("tse"), Some("ze"));
        assert_eq!(wade_giles("hsiao"), Some("xiao"));
        assert_eq!(wade_giles("mao"), None);
    }
}
