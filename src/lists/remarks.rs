//! Parses OFAC's free-text Remarks into typed facts.
//!
//! Remarks are `;`-separated facts such as `DOB 26 Dec 1992`,
//! `Website www.example.com`, `a.k.a. 'NAME'` or
//! `Digital Currency Address - XBT 1abc...`. Each fact becomes a typed
//! value where vetter knows its shape; everything else is kept verbatim in
//! `Facts::other`, and the raw text is kept on the entity as well.

use chrono::NaiveDate;

use super::model::{Alias, AliasKind, CryptoAddress, DatePrecision, Facts, FuzzyDate, IdDocument};

/// Identity-document labels, longest first so that `National ID No.` wins
/// over `National ID`.
const DOCUMENT_LABELS: &[&str] = &[
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Vessel Registration Identification",
    "Unified Social Credit Code (USCC)",
    "Business Registration Document #",
    "Business Registration Number",
    "Registration Certificate Number",
    "Government Gazette Number",
    "Aircraft Tail Number",
    "Residency Number",
    "Identification Number",
    "Driver's License No.",
    "Commercial Registry Number",
    "Public Registration Number",
    "Legal Entity Number",
    "Trade License No.",
    "Registration Number",
    "National ID No.",
    "Company Number",
    "Registration ID",
    "V.A.T. Number",
    "Economic Register Number (CBLS)",
    "Folio Mercantil No.",
    "Cedula No.",
    "Tax ID No.",
    "C.R. No.",
    "D-U-N-S Number",
    "SWIFT/BIC",
    "Matricula Mercantil No",
    "Passport",
    "National ID",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "Birth Certificate Number",
    "Kenyan ID No.",
    "Identification Card",
    "Personal ID Card",
    "NIT #",
    "RFC",
    "CURP",
    "SSN",
    "MMSI",
    "IMO",
    "LEI",
];

/// What one remarks text holds, split into facts and weak aliases.
#[derive(Debug, Default)]
pub struct ParsedRemarks {
    pub facts: Facts,
    pub weak_aliases: Vec<Alias>,
}

pub fn parse(remarks: &str) -> ParsedRemarks {
    let mut out = ParsedRemarks::default();
    // OFAC ends the whole remarks text with a period; it is not part of the
    // last fact's value.
    let text = remarks.trim();
    let text = text.strip_suffix('.').unwrap_or(text);
    for fact in split_facts(text) {
        parse_fact(fact.trim(), &mut out);
    }
    out
}

/// Split on `;`, except inside a quoted weak alias (`a.k.a. 'A; B'`).
fn split_facts(text: &str) -> Vec<&str> {
    let mut facts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let fact = rest.trim_start();
        let end = if is_quoted_alias_start(fact) {
            closing_quote(fact).and_then(|close| fact[close..].find(';').map(|s| close + s))
        } else {
            fact.find(';')
        };
        match end {
            Some(end) => {
                facts.push(&fact[..end]);
                rest = &fact[end + 1..];
            }
            None => {
                facts.push(fact);
                break;
            }
        }
    }
    facts
}

/// Byte offset just past the quote that closes an alias: the first `'`
/// after the opening one that is followed by `;` or the end of the text.
/// Names may contain apostrophes (`SA'ID`), so the first quote is not enough.
fn closing_quote(fact: &str) -> Option<usize> {
    let mut from = fact.find('\'')? + 1;
    while let Some(q) = fact[from..].find('\'') {
        let pos = from + q;
        let after = fact[pos + 1..].trim_start();
        if after.is_empty() || after.starts_with(';') {
            return Some(pos + 1);
        }
        from = pos + 1;
    }
    // No closing quote: fall back to splitting at the next `;`.
    Some(fact.find('\'')? + 1)
}

fn is_quoted_alias_start(s: &str) -> bool {
    ["a.k.a. '", "f.k.a. '", "n.k.a. '"]
        .iter()
        .any(|p| s.starts_with(p))
}

fn parse_fact(fact: &str, out: &mut ParsedRemarks) {
    if fact.is_empty() {
        return;
    }
    let facts = &mut out.facts;
    // `alt. X` carries the same fact types as `X`.
    let body = fact.strip_prefix("alt. ").unwrap_or(fact);

    for prefix in ["a.k.a. ", "f.k.a. ", "n.k.a. "] {
        if let Some(rest) = fact.strip_prefix(prefix) {
            let name = rest.trim().trim_matches('\'').trim();
            if !name.is_empty() {
                out.weak_aliases.push(Alias {
                    name: name.to_owned(),
                    kind: AliasKind::Weak,
                    id: None,
                });
                return;
            }
        }
    }
    if let Some(rest) = body.strip_prefix("DOB ") {
        match parse_fuzzy_date(rest.trim()) {
            Some(d) => facts.birth_dates.push(d),
            None => facts.other.push(fact.to_owned()),
        }
    } else if let Some(rest) = body.strip_prefix("POB ") {
        facts.birth_places.push(rest.trim().to_owned());
    } else if let Some(rest) = body.strip_prefix("nationality ") {
        facts.nationalities.push(rest.trim().to_owned());
    } else if let Some(rest) = body.strip_prefix("citizen ") {
        facts.citizenships.push(rest.trim().to_owned());
    } else if let Some(rest) = body.strip_prefix("Gender ") {
        facts.gender = Some(rest.trim().trim_end_matches('.').to_owned());
    } else if let Some(rest) = body.strip_prefix("Email Address ") {
        facts.emails.push(rest.trim().to_owned());
    } else if let Some(rest) = body
        .strip_prefix("Website ")
        .or_else(|| body.strip_prefix("Website:"))
    {
        // A few entries run prose on after the address ("www.x.org. More").
        let site = rest.split_whitespace().next().unwrap_or("");
        let site = site.trim_end_matches(['.', ',']);
        if !site.is_empty() {
            facts.websites.push(site.to_owned());
        }
    } else if let Some(rest) = body.strip_prefix("Digital Currency Address - ") {
        let mut parts = rest.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some(currency), Some(address)) => facts.crypto_addresses.push(CryptoAddress {
                currency: currency.to_owned(),
                address: address.to_owned(),
            }),
            _ => facts.other.push(fact.to_owned()),
        }
    } else if let Some(rest) = body.strip_prefix("Linked To: ") {
        let name = rest.trim().trim_end_matches('.');
        facts.linked_to.push(name.to_owned());
    } else if body.starts_with("Secondary sanctions risk")
        || body.starts_with("Additional Sanctions Information")
        || body.starts_with("Transactions Prohibited")
    {
        facts.secondary_sanctions.push(body.to_owned());
    } else if let Some(doc) = parse_document(body) {
        facts.documents.push(doc);
    } else {
        facts.other.push(fact.to_owned());
    }
}

fn parse_document(body: &str) -> Option<IdDocument> {
    let label = DOCUMENT_LABELS
        .iter()
        .find(|l| body.starts_with(*l) && body[l.len()..].starts_with(' '))?;
    let rest = body[label.len()..].trim();
    // The number runs until a parenthesised country or a trailing clause.
    let cut = [" (", " issued", " expires", " Expiration"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
        .unwrap_or(rest.len());
    let number = rest[..cut].trim();
    if number.is_empty() {
        return None;
    }
    let tail = rest[cut..].trim();
    let (country, details) = match tail.strip_prefix('(') {
        Some(t) => match t.find(')') {
            Some(end) => (Some(t[..end].trim().to_owned()), t[end + 1..].trim()),
            None => (None, tail),
        },
        None => (None, tail),
    };
    Some(IdDocument {
        kind: (*label).to_owned(),
        number: number.to_owned(),
        country,
        details: (!details.is_empty()).then(|| details.to_owned()),
    })
}

/// Parses the date shapes OFAC uses: `26 Dec 1992`, `Dec 1992`, `1992`,
/// `circa 1992`, `1958 to 1960`, `01 Jan 1958 to 31 Dec 1960`.
pub fn parse_fuzzy_date(raw: &str) -> Option<FuzzyDate> {
    let text = raw.trim().trim_end_matches('.');
    if let Some(year) = text.strip_prefix("circa ") {
        let (earliest, latest) = parse_point(year.trim())?;
        return Some(FuzzyDate {
            precision: DatePrecision::Circa,
            earliest: shift_years(earliest, -2)?,
            latest: shift_years(latest, 2)?,
            raw: raw.to_owned(),
        });
    }
    if let Some((from, to)) = text.split_once(" to ") {
        let (earliest, _) = parse_point(from.trim())?;
        let (_, latest) = parse_point(to.trim())?;
        if earliest > latest {
            return None;
        }
        return Some(FuzzyDate {
            precision: DatePrecision::Range,
            earliest,
            latest,
            raw: raw.to_owned(),
        });
    }
    let (earliest, latest) = parse_point(text)?;
    let precision = match text.split_whitespace().count() {
        3 => DatePrecision::Day,
        2 => DatePrecision::Month,
        _ => DatePrecision::Year,
    };
    Some(FuzzyDate {
        precision,
        earliest,
        latest,
        raw: raw.to_owned(),
    })
}

/// One date as an interval of days: a year, a month or a day.
fn parse_point(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    match parts.as_slice() {
        [year] => {
            let y = parse_year(year)?;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }
        [month, year] => {
            let y = parse_year(year)?;
            let m = month_number(month)?;
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(y + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(y, m + 1, 1)?
            };
            Some((first, next.pred_opt()?))
        }
        [day, month, year] => {
            let d = NaiveDate::from_ymd_opt(
                parse_year(year)?,
                month_number(month)?,
                day.parse().ok()?,
            )?;
            Some((d, d))
        }
        _ => None,
    }
}

fn parse_year(s: &str) -> Option<i32> {
    if s.len() != 4 {
        return None;
    }
    s.parse().ok().filter(|y| (1000..=2999).contains(y))
}

fn month_number(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = s.to_ascii_lowercase();
    let key = lower.get(..3)?;
    MONTHS.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn shift_years(d: NaiveDate, years: i32) -> Option<NaiveDate> {
    use chrono::Datelike;
    d.with_year(d.year() + years)
        .or_else(|| NaiveDate::from_ymd_opt(d.year() + years, d.month(), 28))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_each_date_shape() {
        let d = parse_fuzzy_date("26 Dec 1992").unwrap();
        assert_eq!(
            (d.earliest, d.latest),
            (date("1992-12-26"), date("1992-12-26"))
        );
        assert_eq!(d.precision, DatePrecision::Day);
        let d = parse_fuzzy_date("Feb 1960").unwrap();
        assert_eq!(
            (d.earliest, d.latest),
            (date("1960-02-01"), date("1960-02-29"))
        );
        let d = parse_fuzzy_date("1960").unwrap();
        assert_eq!(
            (d.earliest, d.latest),
            (date("1960-01-01"), date("1960-12-31"))
        );
        let d = parse_fuzzy_date("circa 1960").unwrap();
        assert_eq!(d.precision, DatePrecision::Circa);
        assert_eq!(
            (d.earliest, d.latest),
            (date("1958-01-01"), date("1962-12-31"))
        );
        let d = parse_fuzzy_date("1958 to 1960").unwrap();
        assert_eq!(
            (d.earliest, d.latest),
            (date("1958-01-01"), date("1960-12-31"))
        );
        let d = parse_fuzzy_date("01 Jan 1958 to 31 Dec 1960").unwrap();
        assert_eq!(d.precision, DatePrecision::Range);
        assert!(parse_fuzzy_date("31 Feb 1960").is_none());
        assert!(parse_fuzzy_date("soon").is_none());
    }

    #[test]
    fn parses_a_realistic_remark() {
        let r = parse(
            "DOB 10 Mar 1957; alt. DOB 1958; POB Riyadh, Saudi Arabia; nationality Saudi Arabia; \
             Gender Male; Passport A123456 (Yemen) issued 01 Jan 2000 expires 01 Jan 2005; \
             Email Address info@example.org; Website www.example.org; alt. Website example.net; \
             Digital Currency Address - XBT 1Ljk8RNNabkZ9bfDYQBn98XfFozJhTjqcZ; \
             a.k.a. 'THE SHAYKH'; Linked To: AL-QA'IDA; \
             Secondary sanctions risk: section 1(b) of Executive Order 13224; Unknown thing 7.",
        );
        let f = &r.facts;
        assert_eq!(f.birth_dates.len(), 2);
        assert_eq!(f.birth_places, vec!["Riyadh, Saudi Arabia"]);
        assert_eq!(f.nationalities, vec!["Saudi Arabia"]);
        assert_eq!(f.gender.as_deref(), Some("Male"));
        assert_eq!(f.documents[0].kind, "Passport");
        assert_eq!(f.documents[0].number, "A123456");
        assert_eq!(f.documents[0].country.as_deref(), Some("Yemen"));
        assert_eq!(
            f.documents[0].details.as_deref(),
            Some("issued 01 Jan 2000 expires 01 Jan 2005")
        );
        assert_eq!(f.emails, vec!["info@example.org"]);
        assert_eq!(f.websites, vec!["www.example.org", "example.net"]);
        assert_eq!(f.crypto_addresses[0].currency, "XBT");
        assert_eq!(f.linked_to, vec!["AL-QA'IDA"]);
        assert_eq!(f.secondary_sanctions.len(), 1);
        assert_eq!(f.other, vec!["Unknown thing 7"]);
        assert_eq!(r.weak_aliases.len(), 1);
        assert_eq!(r.weak_aliases[0].name, "THE SHAYKH");
        assert!(r.weak_aliases[0].kind.is_weak());
    }

    #[test]
    fn weak_alias_may_hold_semicolon_and_apostrophe() {
        let r = parse("a.k.a. 'A; B'; a.k.a. 'SA'ID'.");
        let names: Vec<_> = r.weak_aliases.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["A; B", "SA'ID"]);
    }

    #[test]
    fn website_with_trailing_prose() {
        let r = parse("Website www.alturath.org. Revival of Islamic Heritage Society Offices.");
        assert_eq!(r.facts.websites, vec!["www.alturath.org"]);
    }
}
