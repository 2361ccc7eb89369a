//! Screening precision against the full lists: each class of false alert
//! and missed listing named in the screening issue, as regression tests
//! named after the problem. The lists are the real SDN (2021-06-29) and
//! consolidated (2025-12-19) snapshots.

mod common;

use std::sync::OnceLock;

use common::{shared_lists, stderr, stdout, vetter};
use vetter::lists::{LoadOptions, Snapshot};
use vetter::matching::candidates::Scratch;
use vetter::matching::names::compare::score_strings;
use vetter::matching::names::normalize::NameKind;
use vetter::matching::search::{Hit, Matcher, Query, Settings};
use vetter::matching::Uniform;

fn matcher() -> &'static Matcher<'static> {
    static M: OnceLock<Matcher<'static>> = OnceLock::new();
    M.get_or_init(|| {
        let snapshot = Snapshot::load(
            &[
                shared_lists().join("2021-06-29"),
                shared_lists().join("2025-12-19"),
            ],
            &LoadOptions::default(),
        )
        .expect("real lists");
        Matcher::new(Box::leak(Box::new(snapshot)))
    })
}

fn search(q: Query) -> Vec<Hit> {
    matcher().search(
        &q,
        &Settings {
            threshold: 0.7,
            limit: 0,
        },
        &mut Scratch::default(),
    )
}

fn by_name(name: &str, kind: NameKind) -> Vec<Hit> {
    search(Query {
        name: Some(name.to_owned()),
        kind,
        ..Query::default()
    })
}

fn summary(hits: &[Hit]) -> String {
    hits.iter()
        .map(|h| format!("{} {:.2} ({})", h.name, h.score, h.why.summary))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn a_customers_initials_do_not_meet_unrelated_listed_acronyms() {
    for name in [
        "Saudi Arabian Gas Company",
        "Copperfield Foods Kft.",
        "Silverline Printing PAO",
        "Holst ApS",
        "Konečná s.r.o.",
        "Ironbridge Construction EOOD",
    ] {
        let hits = by_name(name, NameKind::Organization);
        assert!(hits.is_empty(), "{name}: {}", summary(&hits));
    }
    // A person's initials meet no organisation's acronym.
    let hits = by_name("Bushra Shawkat", NameKind::Person);
    assert!(
        hits.iter().all(|h| h
            .why
            .name
            .as_ref()
            .is_none_or(|n| n.pairs.iter().all(|p| p.how != "acronym"))),
        "{}",
        summary(&hits)
    );
    // A listed organisation's whole acronym still finds it.
    let hits = by_name("PFLP", NameKind::Organization);
    assert!(
        hits.iter().any(|h| h.entity_id == "4709"),
        "{}",
        summary(&hits)
    );
}

#[test]
fn a_listed_vessel_does_not_alert_on_a_company_through_a_common_word() {
    for name in [
        "Sunrise Dental Clinic",
        "Oceanic Energy Kft.",
        "Horizon Travel Agency",
        "Atlantic Florist Oy",
    ] {
        let hits = by_name(name, NameKind::Organization);
        assert!(
            hits.iter()
                .all(|h| !matches!(h.entity_kind.as_str(), "vessel" | "aircraft")),
            "{name}: {}",
            summary(&hits)
        );
    }
    // A company of a vessel's very name is at most a possible match.
    for h in by_name("Oceanic", NameKind::Organization) {
        if h.entity_kind.as_str() == "vessel" {
            assert!(h.score <= 0.8, "{}", summary(&[h]));
        }
    }
}

#[test]
fn aircraft_registrations_are_identifiers_matched_whole() {
    // As a name, a registration is a code: the aircraft is found exactly.
    let hits = by_name("EP-GOM", NameKind::Any);
    assert!(
        hits.iter()
            .any(|h| h.entity_id == "15431" && h.basis == "identifier"),
        "{}",
        summary(&hits)
    );
    // Not fuzzily, nor as anyone's initials.
    assert!(by_name("EP-GOX1", NameKind::Any)
        .iter()
        .all(|h| h.entity_id != "15431"));
    assert!(by_name("Eagle Pacific Group Oy", NameKind::Organization).is_empty());
}

#[test]
fn designated_organisations_written_in_arabic_script_are_found_at_strong_level() {
    for (name, id) in [
        ("حماس", "4695"),
        ("حزب الله", "4697"),
        ("حركة الشباب المجاهدين", "10761"),
        ("القاعدة", "6366"),
        ("جبهة النصرة", "16937"),
        ("عصبة الأنصار", "6896"),
        ("بانک ملت", "25019"),
        ("طالبان", "6636"),
    ] {
        let hits = by_name(name, NameKind::Organization);
        let hit = hits.iter().find(|h| h.entity_id == id);
        assert!(
            hit.is_some_and(|h| h.score >= 0.8),
            "{name}: {}",
            summary(&hits)
        );
    }
}

#[test]
fn arabic_script_names_of_private_persons_do_not_meet_random_listed_persons() {
    for name in [
        "سارة العتيبي",
        "ريف آل سعود",
        "هاشم آل عايض",
        "فلاح آل جعفر",
        "سارا ملکیان",
        "نورة القحطاني",
        "خالد الزهراني",
    ] {
        let hits = by_name(name, NameKind::Person);
        assert!(hits.is_empty(), "{name}: {}", summary(&hits));
    }
}

#[test]
fn romanisation_variants_score_as_the_same_name() {
    let pair = |a: &str, b: &str, kind| score_strings(a, b, kind, &Uniform);
    assert_eq!(pair("Nasr ad-Din", "NASR AL-DIN", NameKind::Any), 1.0);
    assert_eq!(
        pair("Ash-Shabaab", "AL-SHABAAB", NameKind::Organization),
        1.0
    );
    assert!(pair("Hezbollah", "Hizballah", NameKind::Organization) >= 0.7);
    assert!(pair("Park Jung Ho", "PAK, Chong Ho", NameKind::Person) >= 0.9);
    assert!(pair("Choi Eun Hee", "CH'OE, U'n Hui", NameKind::Person) >= 0.8);
    assert!(pair("Mao Tse-tung", "Mao Zedong", NameKind::Person) >= 0.9);
    assert!(pair("Teng Hsiao-ping", "Deng Xiaoping", NameKind::Person) >= 0.9);
    assert!(pair("Abdul-Rahman", "Abdelrahman", NameKind::Person) >= 0.85);
}

#[test]
fn legal_forms_written_out_fold_to_their_abbreviation() {
    let pair = |a: &str, b: &str| score_strings(a, b, NameKind::Organization, &Uniform);
    for (written, short) in [
        ("Rosneft Publichnoe Aktsionernoe Obshchestvo", "ROSNEFT PAO"),
        (
            "Northwind Spółka z ograniczoną odpowiedzialnością",
            "NORTHWIND SP. Z O.O.",
        ),
        ("Northwind Korlátolt Felelősségű Társaság", "Northwind Kft."),
        ("Northwind Anonim Şirketi", "NORTHWIND A.S."),
        (
            "Northwind Gesellschaft mit beschränkter Haftung",
            "Northwind GmbH",
        ),
        ("Northwind Compañía", "Northwind Cía."),
        ("Northwind Sociedad Anónima", "Northwind S.A."),
        // OFAC's own most common spelling of the Russian LLC.
        (
            "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU NEOBIT",
            "OOO NEOBIT",
        ),
    ] {
        assert_eq!(pair(written, short), 1.0, "{written} / {short}");
    }
}

#[test]
fn a_name_written_as_one_camel_case_word_meets_its_spaced_form() {
    let score = score_strings(
        "NorthwindTradingCompany",
        "Northwind Trading Company",
        NameKind::Organization,
        &Uniform,
    );
    assert_eq!(score, 1.0);
    // And no score is ever negative zero.
    let out = vetter(&["compare", "NorthwindTradingCompany", "Zzyzx Qqq"]);
    assert!(!stdout(&out).contains("-0.0"), "{}", stdout(&out));
}

#[test]
fn a_longer_listed_name_is_a_possible_match_never_a_strong_one() {
    let hits = by_name(
        "Popular Front for the Liberation of Palestine",
        NameKind::Organization,
    );
    let pflp = hits.iter().find(|h| h.entity_id == "4709").expect("PFLP");
    assert!(pflp.score >= 0.9, "{}", summary(&hits));
    let gc = hits
        .iter()
        .find(|h| h.entity_id == "4710")
        .expect("PFLP-GC");
    assert!(gc.score < 0.9, "{}", summary(&hits));
}

#[test]
fn identifier_hits_are_not_weakened_by_name_qualifiers() {
    // An organisation whose bitcoin address is in a listed person's remarks.
    let hits = search(Query {
        name: Some("Harbor Street Trading".to_owned()),
        kind: NameKind::Organization,
        countries: vec!["NL".to_owned()],
        crypto: vec!["12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h".to_owned()],
        ..Query::default()
    });
    let hit = hits
        .iter()
        .find(|h| h.entity_id == "25308")
        .expect("the listed person");
    assert_eq!(
        (hit.basis, hit.score),
        ("identifier", 1.0),
        "{}",
        summary(&hits)
    );
}

/// `vetter screen` of one customer against the real lists and a watchlist.
fn screen_customer(customer: &str, watchlist: Option<&str>) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let ev = dir.path().join("e.toml");
    std::fs::write(
        &ev,
        format!(
            "[vendor]\nname = \"Tidewater Hosting\"\nkind = \"organization\"\n\
             [policies]\nprohibits_sanctioned_parties = true\nprohibits_designated_terrorists = true\n\
             [[customers]]\nid = \"c1\"\n{customer}\n"
        ),
    )
    .unwrap();
    let sdn = shared_lists().join("2021-06-29");
    let cons = shared_lists().join("2025-12-19");
    let mut args = vec![
        "screen".to_owned(),
        ev.display().to_string(),
        "--as-of".to_owned(),
        "2026-11-01".to_owned(),
        "--list-date".to_owned(),
        "2026-10-30".to_owned(),
        "--lists".to_owned(),
        sdn.display().to_string(),
        "--lists".to_owned(),
        cons.display().to_string(),
    ];
    if let Some(csv) = watchlist {
        let path = dir.path().join("platform-watch.csv");
        std::fs::write(&path, csv).unwrap();
        args.push("--lists".to_owned());
        args.push(path.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = vetter(&args);
    drop(dir);
    out
}

#[test]
fn an_organisation_with_a_listed_persons_bitcoin_address_fails() {
    let out = screen_customer(
        "name = \"Harbor Street Trading\"\nkind = \"organization\"\ncrypto = [\"12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h\"]",
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(20),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_sibling_tenant_of_a_listed_site_on_a_hosting_platform_passes() {
    let watch =
        "id,name,websites,programs\nw1,Dafos Exchange,dafos1990.business.site,EXTREMIST-SITE\n";
    let out = screen_customer(
        "name = \"Kebab House\"\nkind = \"organization\"\nwebsites = [\"kebab-house.business.site\"]",
        Some(watch),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The listed tenant itself is found.
    let out = screen_customer(
        "name = \"Kebab House\"\nkind = \"organization\"\nwebsites = [\"https://dafos1990.business.site/\"]",
        Some(watch),
    );
    assert_eq!(out.status.code(), Some(10), "{}", stdout(&out));
    assert!(stdout(&out).contains("watchlist-hit"), "{}", stdout(&out));
}

#[test]
fn the_pflp_customer_fails_only_for_pflp() {
    let out = screen_customer(
        "name = \"Popular Front for the Liberation of Palestine\"\nkind = \"organization\"",
        None,
    );
    assert_eq!(out.status.code(), Some(20), "{}", stdout(&out));
    let text = stdout(&out);
    let fails: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("findings:"))
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0].trim_start().starts_with("FAIL"))
        .map(|w| w[1])
        .collect();
    assert_eq!(fails.len(), 1, "{text}");
    assert!(fails[0].contains("(ofac-sdn:4709,"), "{text}");
    assert!(
        text.contains("may be POPULAR FRONT FOR THE LIBERATION OF PALESTINE - GENERAL COMMAND"),
        "{text}"
    );
}

fn hits_entity(hits: &[Hit], id: &str) -> bool {
    hits.iter().any(|h| h.entity_id == id)
}

#[test]
fn given_name_equivalents_do_not_pair_words_of_company_names() {
    // `Johann` is `Ian` in a person's name, not in a company's.
    let hits = by_name("Johann", NameKind::Organization);
    assert!(
        hits.iter().all(|h| !h.matched.contains("IAN")),
        "{}",
        summary(&hits)
    );
    let pair = |a: &str, b: &str, kind| score_strings(a, b, kind, &Uniform);
    assert!(
        pair(
            "Jack Construction",
            "John Construction",
            NameKind::Organization
        ) < 0.7
    );
    assert!(pair("Jack Smith", "John Smith", NameKind::Person) >= 0.9);
}

#[test]
fn a_listed_acronym_spelled_out_otherwise_does_not_meet_a_customers_initials() {
    // `APH` is listed as the short name of `AUTO PARTES HANDAL` (15182):
    // a hotel whose initials are APH is someone else.
    for name in ["Asia Pacific Hotel FZE", "Atlantic Printing House FZE"] {
        let hits = by_name(name, NameKind::Organization);
        assert!(
            hits.iter().all(|h| !h.name.contains("HANDAL")),
            "{name}: {}",
            summary(&hits)
        );
    }
    let hits = by_name("Auto Partes Handal", NameKind::Organization);
    assert!(
        hits.iter().any(|h| h.name.contains("HANDAL")),
        "{}",
        summary(&hits)
    );
}

#[test]
fn a_single_letter_in_a_company_name_is_a_name_not_an_initial() {
    let hits = by_name("Grupa Władyka", NameKind::Organization);
    assert!(
        hits.iter().all(|h| !h.name.starts_with("GRUPO W ")),
        "{}",
        summary(&hits)
    );
    let hits = by_name("Grupo W", NameKind::Organization);
    assert!(
        hits.iter().any(|h| h.name.starts_with("GRUPO W ")),
        "{}",
        summary(&hits)
    );
}

#[test]
fn a_conjunction_in_a_company_name_is_not_part_of_its_acronym() {
    // AGROPECUARIA Y REFORESTADORA HERREBE LTDA. (4268): `y` is `and`.
    let hits = by_name("ARH", NameKind::Organization);
    assert!(hits_entity(&hits, "4268"), "{}", summary(&hits));
}

#[test]
fn polish_partnership_forms_are_legal_forms_not_acronyms() {
    for name in ["Wawrzynowicz Sp.k.", "Groborz Sp. j.", "Grupa Fras s.c."] {
        let hits = by_name(name, NameKind::Organization);
        assert!(hits.is_empty(), "{name}: {}", summary(&hits));
    }
}

#[test]
fn a_word_in_arabic_script_is_not_an_acronym() {
    let hits = by_name("آل عايض LLC", NameKind::Organization);
    assert!(
        hits.iter().all(|h| h.name != "ALPHABET INTERNATIONAL DMCC"),
        "{}",
        summary(&hits)
    );
}

#[test]
fn a_family_name_that_reads_as_a_particle_still_counts() {
    // `DU, Yu Rong` (alias of 9340): `du` is the family name here, and a
    // query without it is not the same person.
    let hits = by_name("余荣", NameKind::Person);
    assert!(!hits_entity(&hits, "9340"), "{}", summary(&hits));
    let hits = by_name("Du Yu Rong", NameKind::Person);
    assert!(hits_entity(&hits, "9340"), "{}", summary(&hits));
}

#[test]
fn two_letters_are_too_few_for_a_sound_key() {
    assert!(score_strings("Jill", "Il", NameKind::Person, &Uniform) < 0.7);
}
