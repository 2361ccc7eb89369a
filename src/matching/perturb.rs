//! Listed names as an officer meets them in a vendor's customer list:
//! misspelt, reordered, run together, with the legal form written out,
//! romanised another way, written in Cyrillic, or shortened to an
//! acronym. For the screening benchmark (`cargo bench --bench screening`),
//! which measures whether screening still finds the listed entity.
//!
//! Deterministic: the same snapshot and seed give the same queries.

use super::names::normalize::{normalize, NameKind};
use super::sample::Rng;
use crate::lists::model::{Entity, EntityKind};
use crate::lists::Snapshot;

/// One perturbed listed name and the entity it came from.
#[derive(Debug, Clone)]
pub struct Perturbed {
    /// What was done to the name (`typo`, `word-order`, ...).
    pub class: &'static str,
    pub query: String,
    pub kind: NameKind,
    pub list: String,
    pub entity_id: String,
}

/// Every class, with the kind of listed entity it applies to.
pub const CLASSES: &[&str] = &[
    "exact",
    "typo",
    "word-order",
    "joined",
    "legal-form-written-out",
    "arabic-article",
    "vowel-variant",
    "hyphen-variant",
    "korean-romanisation",
    "cyrillic-script",
    "acronym",
];

/// Up to `per_class` queries of each class, from the snapshot's primary
/// names and strong aliases of organisations and persons.
pub fn perturbed(snapshot: &Snapshot, per_class: usize, seed: u64) -> Vec<Perturbed> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    let entities: Vec<&Entity> = snapshot
        .entities
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Entity | EntityKind::Individual))
        .collect();
    for &class in CLASSES {
        let mut made = 0;
        // Many names do not take a given perturbation: try a bounded
        // number of entities, in a seeded order.
        for _ in 0..per_class * 200 {
            if made == per_class || entities.is_empty() {
                break;
            }
            let e = entities[rng.below(entities.len())];
            let names: Vec<&str> = std::iter::once(e.name.as_str())
                .chain(e.strong_aliases().map(|a| a.name.as_str()))
                .collect();
            let name = names[rng.below(names.len())];
            let kind = if e.kind == EntityKind::Individual {
                NameKind::Person
            } else {
                NameKind::Organization
            };
            if let Some(query) = apply(class, name, kind, e, &mut rng) {
                if normalize(&query, kind).tokens.is_empty() {
                    continue;
                }
                out.push(Perturbed {
                    class,
                    query,
                    kind,
                    list: e.list.clone(),
                    entity_id: e.id.clone(),
                });
                made += 1;
            }
        }
    }
    out
}

fn words(name: &str) -> Vec<String> {
    name.split_whitespace().map(str::to_owned).collect()
}

/// `Given Family` for a person listed `FAMILY, Given`.
fn natural_order(name: &str) -> String {
    match name.split_once(',') {
        Some((family, given)) if !given.trim().is_empty() => {
            format!("{} {}", given.trim(), family.trim())
        }
        _ => name.to_owned(),
    }
}

fn title_case(w: &str) -> String {
    let lower = w.to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn apply(class: &str, name: &str, kind: NameKind, e: &Entity, rng: &mut Rng) -> Option<String> {
    let natural = natural_order(name);
    match class {
        "exact" => Some(natural),
        "typo" => typo(&natural, rng),
        "word-order" => {
            let mut w = words(&natural);
            if w.len() < 2 {
                return None;
            }
            let i = rng.below(w.len() - 1);
            w.swap(i, i + 1);
            Some(w.join(" "))
        }
        "joined" => {
            // Written as one CamelCase word, as in a domain or handle.
            let w = words(&natural.replace(['-', ',', '.', '\''], " "));
            (w.len() >= 2 && w.len() <= 4).then(|| w.iter().map(|x| title_case(x)).collect())
        }
        "legal-form-written-out" => written_out(name, rng),
        "arabic-article" => arabic_article(&natural),
        "vowel-variant" => vowel_variant(&natural, rng),
        "hyphen-variant" => hyphen_variant(&natural),
        "korean-romanisation" => {
            let korean = e.programs.iter().any(|p| p.starts_with("DPRK"));
            if !korean {
                return None;
            }
            korean_rr(&natural)
        }
        "cyrillic-script" => {
            let russian = e.programs.iter().any(|p| {
                p.starts_with("RUSSIA") || p.starts_with("UKRAINE") || p.starts_with("CYBER")
            }) || e.countries.iter().any(|c| c == "Russia");
            if !russian || (kind == NameKind::Organization && !russian_company(name)) {
                return None;
            }
            Some(cyrillic(&natural))
        }
        "acronym" => {
            if kind != NameKind::Organization {
                return None;
            }
            acronym(name)
        }
        _ => None,
    }
}

fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let w = words(name);
    let long: Vec<usize> = (0..w.len())
        .filter(|&i| w[i].chars().count() >= 6 && w[i].chars().all(char::is_alphabetic))
        .collect();
    if long.is_empty() {
        return None;
    }
    let i = long[rng.below(long.len())];
    let mut chars: Vec<char> = w[i].chars().collect();
    let at = 1 + rng.below(chars.len() - 2);
    match rng.below(3) {
        0 => {
            chars.remove(at);
        }
        1 => chars.swap(at, at + 1),
        _ => {
            let to = if chars[at].eq_ignore_ascii_case(&'e') {
                'a'
            } else {
                'e'
            };
            chars[at] = if chars[at].is_uppercase() {
                to.to_ascii_uppercase()
            } else {
                to
            };
        }
    }
    let mut w = w;
    w[i] = chars.into_iter().collect();
    Some(w.join(" "))
}

/// Legal forms and how they are written out, in the language of the form.
const WRITTEN_OUT: &[(&str, &[&str])] = &[
    ("LLC", &["Limited Liability Company"]),
    (
        "OOO",
        &[
            "Obshchestvo s Ogranichennoy Otvetstvennostyu",
            "Общество с ограниченной ответственностью",
        ],
    ),
    (
        "PAO",
        &[
            "Publichnoe Aktsionernoe Obshchestvo",
            "Публичное акционерное общество",
        ],
    ),
    (
        "PJSC",
        &[
            "Public Joint Stock Company",
            "Publichnoe Aktsionernoe Obshchestvo",
        ],
    ),
    (
        "OAO",
        &[
            "Otkrytoe Aktsionernoe Obshchestvo",
            "Open Joint Stock Company",
        ],
    ),
    (
        "OJSC",
        &[
            "Open Joint Stock Company",
            "Otkrytoe Aktsionernoe Obshchestvo",
        ],
    ),
    (
        "ZAO",
        &[
            "Zakrytoe Aktsionernoe Obshchestvo",
            "Closed Joint Stock Company",
        ],
    ),
    ("CJSC", &["Closed Joint Stock Company"]),
    ("AO", &["Aktsionernoe Obshchestvo", "Joint Stock Company"]),
    ("JSC", &["Joint Stock Company", "Aktsionernoe Obshchestvo"]),
    ("TOV", &["Tovarystvo z Obmezhenoyu Vidpovidalnistyu"]),
    ("GMBH", &["Gesellschaft mit beschränkter Haftung"]),
    ("AG", &["Aktiengesellschaft"]),
    ("LTD", &["Limited"]),
    ("LIMITED", &["Ltd"]),
    ("CO", &["Company"]),
    ("CORP", &["Corporation"]),
    ("INC", &["Incorporated"]),
    ("SA", &["Sociedad Anónima", "Société Anonyme"]),
    ("S.A.", &["Sociedad Anónima", "Société Anonyme"]),
    (
        "SRL",
        &[
            "Sociedad de Responsabilidad Limitada",
            "Società a responsabilità limitata",
        ],
    ),
    ("S.R.L.", &["Società a responsabilità limitata"]),
    ("SARL", &["Société à responsabilité limitée"]),
    ("SPA", &["Società per Azioni"]),
    ("S.P.A.", &["Società per Azioni"]),
    ("LTDA", &["Limitada"]),
    ("CIA", &["Compañía"]),
    ("A.S.", &["Anonim Şirketi"]),
    ("AS", &["Anonim Şirketi"]),
    ("KFT", &["Korlátolt Felelősségű Társaság"]),
    ("SP. Z O.O.", &["Spółka z ograniczoną odpowiedzialnością"]),
    ("EOOD", &["Ednolichno Druzhestvo s Ogranichena Otgovornost"]),
    ("FZE", &["Free Zone Establishment"]),
    ("FZCO", &["Free Zone Company"]),
];

fn written_out(name: &str, rng: &mut Rng) -> Option<String> {
    let upper = name.to_uppercase();
    let trimmed = upper.trim_end_matches(['.', ' ', ',']);
    for (form, full) in WRITTEN_OUT {
        let matches_end = trimmed.ends_with(&format!(" {form}"))
            || trimmed.ends_with(&format!(" {}", form.trim_end_matches('.')));
        let starts = trimmed.starts_with(&format!("{form} "));
        let choice = full[rng.below(full.len())];
        if matches_end {
            let cut = trimmed.rfind(' ').unwrap_or(0);
            let base = name[..cut.min(name.len())].trim_end_matches([',', ' ']);
            return Some(format!("{base} {choice}"));
        }
        if starts {
            let rest = &name[form.len().min(name.len())..];
            return Some(format!("{choice} {}", rest.trim()));
        }
    }
    None
}

/// The Arabic article before a sun letter written as pronounced
/// (`AL-DIN` → `ad-Din`, `AL-SHAMS` → `ash-Shams`), or `al` as `el`.
fn arabic_article(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let mut out = String::new();
    let mut changed = false;
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("al-") {
        let at_word = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphabetic();
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let sun = ["sh", "th", "dh", "t", "d", "r", "z", "s", "n"]
            .iter()
            .find(|s| after.starts_with(**s));
        match (at_word, sun) {
            (true, Some(s)) => {
                out.push_str(&format!("a{s}-"));
                changed = true;
            }
            (true, None) if after.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                out.push_str("el-");
                changed = true;
            }
            _ => out.push_str("al-"),
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then(|| out.split(' ').map(title_case).collect::<Vec<_>>().join(" "))
}

/// One vowel of a word of at least five letters changed as another
/// romanisation writes it (`Hizballah` ↔ `Hezbollah`).
fn vowel_variant(name: &str, rng: &mut Rng) -> Option<String> {
    let w = words(name);
    let long: Vec<usize> = (0..w.len()).filter(|&i| w[i].len() >= 5).collect();
    if long.is_empty() {
        return None;
    }
    let i = long[rng.below(long.len())];
    let lower = w[i].to_lowercase();
    let swaps = [("i", "e"), ("e", "i"), ("u", "o"), ("o", "u"), ("a", "e")];
    for (from, to) in swaps {
        if let Some(at) = lower[1..].find(from) {
            let mut changed = lower.clone();
            changed.replace_range(at + 1..at + 2, to);
            let mut w = w;
            w[i] = title_case(&changed);
            return Some(w.join(" "));
        }
    }
    None
}

/// A hyphenated part written as one word (`ABDUL-RAHMAN` → `Abdulrahman`)
/// with its linking vowel changed (`Abdelrahman`), or a compound split.
fn hyphen_variant(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    if let Some(i) = lower.find('-') {
        let (a, b) = (&lower[..i], &lower[i + 1..]);
        let a = a
            .strip_suffix("ul")
            .map_or(a.to_owned(), |s| format!("{s}el"));
        return Some(title_case(&format!("{a}{b}")));
    }
    let w = words(&lower);
    let long = w.iter().position(|x| x.len() >= 10)?;
    let mut w = w;
    let word = w[long].clone();
    let cut = word.len() / 2;
    if !word.is_char_boundary(cut) {
        return None;
    }
    w[long] = format!("{}-{}", &word[..cut], &word[cut..]);
    Some(w.join(" "))
}

/// McCune-Reischauer syllables as the Revised Romanisation writes them.
const MR_TO_RR: &[(&str, &str)] = &[
    ("pak", "park"),
    ("chong", "jeong"),
    ("ch'oe", "choi"),
    ("choe", "choi"),
    ("yi", "lee"),
    ("ri", "lee"),
    ("u'n", "eun"),
    ("ch'in", "jin"),
    ("chin", "jin"),
    ("kang", "gang"),
    ("ko", "go"),
    ("chu", "ju"),
    ("song", "seong"),
    ("o", "oh"),
    ("hyon", "hyeon"),
    ("chol", "cheol"),
    ("yong", "yeong"),
    ("kwang", "gwang"),
    ("kyong", "gyeong"),
    ("hak", "hak"),
];

fn korean_rr(name: &str) -> Option<String> {
    let mut changed = false;
    let out: Vec<String> = name
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_lowercase();
            match MR_TO_RR.iter().find(|(mr, _)| *mr == lower) {
                Some((_, rr)) => {
                    changed = true;
                    title_case(rr)
                }
                None => title_case(&lower),
            }
        })
        .collect();
    changed.then(|| out.join(" "))
}

/// Whether a company's listed name is a Russian name romanised, which a
/// Russian customer list writes in Cyrillic: it has a Russian legal form
/// and no English words. `OPEN JOINT STOCK COMPANY ...` is a translation,
/// and nobody writes it back in Cyrillic letter by letter.
fn russian_company(name: &str) -> bool {
    const RUSSIAN: &[&str] = &[
        "OOO",
        "OAO",
        "ZAO",
        "PAO",
        "AO",
        "OBSHCHESTVO",
        "OBSHESTVO",
        "AKTSIONERNOE",
    ];
    const ENGLISH: &[&str] = &[
        "LLC",
        "LTD",
        "LIMITED",
        "COMPANY",
        "JOINT",
        "STOCK",
        "JSC",
        "OJSC",
        "CJSC",
        "PJSC",
        "CORPORATION",
        "INC",
        "OF",
        "THE",
        "AND",
        "FOR",
    ];
    let upper = name.to_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| RUSSIAN.contains(w)) && !words.iter().any(|w| ENGLISH.contains(w))
}

/// A Latin transliteration of a Russian name written back in Cyrillic.
fn cyrillic(name: &str) -> String {
    const DIGRAPHS: &[(&str, &str)] = &[
        ("shch", "щ"),
        ("zh", "ж"),
        ("kh", "х"),
        ("ts", "ц"),
        ("ch", "ч"),
        ("sh", "ш"),
        ("yu", "ю"),
        ("ya", "я"),
        ("ju", "ю"),
        ("ja", "я"),
        ("yo", "ё"),
        ("iy", "ий"),
        ("yy", "ый"),
    ];
    const SINGLE: &[(char, &str)] = &[
        ('a', "а"),
        ('b', "б"),
        ('v', "в"),
        ('g', "г"),
        ('d', "д"),
        ('e', "е"),
        ('z', "з"),
        ('i', "и"),
        ('y', "й"),
        ('k', "к"),
        ('l', "л"),
        ('m', "м"),
        ('n', "н"),
        ('o', "о"),
        ('p', "п"),
        ('r', "р"),
        ('s', "с"),
        ('t', "т"),
        ('u', "у"),
        ('f', "ф"),
        ('h', "х"),
        ('c', "к"),
        ('w', "в"),
        ('x', "кс"),
        ('q', "к"),
        ('j', "й"),
    ];
    let lower = name.to_lowercase();
    let mut out = String::new();
    let mut i = 0;
    'outer: while i < lower.len() {
        for (lat, cyr) in DIGRAPHS {
            if lower[i..].starts_with(lat) {
                out.push_str(cyr);
                i += lat.len();
                continue 'outer;
            }
        }
        let c = lower[i..].chars().next().unwrap_or(' ');
        match SINGLE.iter().find(|(l, _)| *l == c) {
            Some((_, cyr)) => out.push_str(cyr),
            None => out.push(c),
        }
        i += c.len_utf8();
    }
    // Capitalise each word again.
    out.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The initials of an organisation's name of three to six content words,
/// as the organisation is often called (`PFLP`).
fn acronym(name: &str) -> Option<String> {
    let n = normalize(name, NameKind::Organization);
    let content: Vec<&str> = n
        .tokens
        .iter()
        .filter(|t| {
            super::names::compare::is_acronym_content(t.class)
                && t.class != super::names::normalize::TokenClass::Initial
        })
        .map(|t| t.text.as_str())
        .collect();
    if !(3..=6).contains(&content.len()) || content.iter().any(|w| w.len() < 2) {
        return None;
    }
    Some(
        content
            .iter()
            .filter_map(|w| w.chars().next())
            .collect::<String>()
            .to_uppercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_perturbation_does_what_it_says() {
        assert_eq!(natural_order("NASRALLAH, Hasan"), "Hasan NASRALLAH");
        assert_eq!(
            arabic_article("NASR AL-DIN").as_deref(),
            Some("Nasr Ad-din")
        );
        assert_eq!(arabic_article("AL-SHABAAB").as_deref(), Some("Ash-shabaab"));
        assert_eq!(
            hyphen_variant("ABDUL-RAHMAN").as_deref(),
            Some("Abdelrahman")
        );
        assert_eq!(korean_rr("PAK Chol").as_deref(), Some("Park Cheol"));
        assert_eq!(cyrillic("Ivanov Sergey"), "Иванов Сергей");
        assert!(russian_company("GAZPROM TSENTRREMONT, OOO"));
        assert!(!russian_company(
            "OPEN JOINT STOCK COMPANY RUSSIAN RAILWAYS"
        ));
        assert_eq!(
            acronym("POPULAR FRONT FOR THE LIBERATION OF PALESTINE").as_deref(),
            Some("PFLP")
        );
        let mut rng = Rng::new(1);
        assert_eq!(
            written_out("ROSNEFT OOO", &mut rng).map(|s| s.starts_with("ROSNEFT ")),
            Some(true)
        );
    }
}
