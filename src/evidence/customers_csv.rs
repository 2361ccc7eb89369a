//! Many customers of one vendor as CSV (named from the evidence TOML by
//! `customers_csv`). Header columns: `id,name` required; optional `kind`,
//! `aliases`, `country`, `websites`, `emails`, `crypto`, `service`,
//! `first_seen`, `last_seen`, `still_served`, `sources`; several values in
//! one cell are separated by `|`.

use std::path::Path;

use chrono::NaiveDate;

use super::parse::KINDS;
use super::{Customer, Party};
use crate::diag::{Code, Diagnostic};

const COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "aliases",
    "country",
    "websites",
    "emails",
    "crypto",
    "service",
    "first_seen",
    "last_seen",
    "still_served",
    "sources",
];

pub fn parse(path: &Path, text: &str) -> Result<Vec<Customer>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    if let Some(line) = crate::csvfile::unterminated_quote(text.as_bytes()) {
        return Err(vec![Diagnostic::new(
            Code::CsvSyntax,
            path,
            "a quoted field opens here and is never closed: the rows after it would be read as one value",
        )
        .at(line as usize, 1)]);
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|x| x.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return Err(vec![Diagnostic::new(
                Code::CsvSyntax,
                path,
                format!("unreadable header: {e}"),
            )
            .at(1, 1)])
        }
    };
    for (i, h) in headers.iter().enumerate() {
        if !COLUMNS.contains(&h.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::UnknownKey,
                    path,
                    format!(
                        "unknown column `{}`; expected some of: {}",
                        crate::untrusted::excerpt(h),
                        COLUMNS.join(", ")
                    ),
                )
                .at(1, column_of(text, 0, i)),
            );
        } else if headers[..i].contains(h) {
            diags.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    path,
                    format!("the column `{h}` appears twice"),
                )
                .at(1, column_of(text, 0, i)),
            );
        }
    }
    for required in ["id", "name"] {
        if !headers.iter().any(|h| h == required) {
            diags.push(
                Diagnostic::new(
                    Code::MissingField,
                    path,
                    format!("the required column `{required}` is missing"),
                )
                .at(1, 1),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let col = |n: &str| headers.iter().position(|h| h == n);
    let mut out = Vec::new();
    let mut lines = crate::lists::ofac::LineCounter::new(text.as_bytes());
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(
                    Diagnostic::new(Code::CsvSyntax, path, format!("unreadable row: {e}"))
                        .at(line, 1),
                );
                continue;
            }
        };
        let start = record.position().map_or(0, |p| p.byte());
        let line = lines.line_at(start) as usize;
        let field = |n: &str| {
            col(n)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .unwrap_or("")
        };
        let at = |n: &str| column_of(text, start as usize, col(n).unwrap_or(0));
        let many = |n: &str| {
            field(n)
                .split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let date = |n: &str, diags: &mut Vec<Diagnostic>| -> Option<NaiveDate> {
            let v = field(n);
            if v.is_empty() {
                return None;
            }
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if d.is_none() {
                diags.push(
                    Diagnostic::new(
                        Code::BadDate,
                        path,
                        format!(
                            "`{n}` is `{}`, expected a date such as 2024-07-02",
                            crate::untrusted::excerpt(v)
                        ),
                    )
                    .at(line, at(n)),
                );
            }
            d
        };
        let first_seen = date("first_seen", &mut diags);
        let last_seen = date("last_seen", &mut diags);
        if let (Some(a), Some(b)) = (first_seen, last_seen) {
            if a > b {
                diags.push(
                    Diagnostic::new(
                        Code::BadDate,
                        path,
                        format!("first_seen {a} is after last_seen {b}"),
                    )
                    .at(line, at("last_seen")),
                );
            }
        }
        let still_served = match field("still_served").to_ascii_lowercase().as_str() {
            "" => None,
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            other => {
                diags.push(
                    Diagnostic::new(
                        Code::WrongType,
                        path,
                        format!(
                            "`still_served` is `{}`, expected true or false",
                            crate::untrusted::excerpt(other)
                        ),
                    )
                    .at(line, at("still_served")),
                );
                None
            }
        };
        let kind = match field("kind").to_lowercase() {
            k if k.is_empty() => "any".to_owned(),
            k if KINDS.contains(&k.as_str()) => k,
            k => {
                diags.push(
                    Diagnostic::new(
                        Code::BadValue,
                        path,
                        format!(
                            "`kind` is `{}`; expected one of {}",
                            crate::untrusted::excerpt(&k),
                            KINDS.join(", ")
                        ),
                    )
                    .at(line, at("kind")),
                );
                k
            }
        };
        for required in ["id", "name"] {
            if field(required).is_empty() {
                diags.push(
                    Diagnostic::new(Code::MissingField, path, format!("`{required}` is empty"))
                        .at(line, at(required)),
                );
            }
        }
        let customer = Customer {
            party: Party {
                id: field("id").to_owned(),
                name: field("name").to_owned(),
                kind,
                aliases: many("aliases"),
                country: Some(field("country").to_owned()).filter(|s| !s.is_empty()),
                websites: many("websites"),
                emails: many("emails"),
                crypto: many("crypto"),
                identifiers: Default::default(),
                sources: many("sources"),
            },
            service: Some(field("service").to_owned()).filter(|s| !s.is_empty()),
            first_seen,
            last_seen,
            still_served,
        };
        if !customer.party.name.is_empty() {
            for alias in &customer.party.aliases {
                if !super::is_screenable(alias) {
                    diags.push(
                        Diagnostic::new(
                            Code::BadValue,
                            path,
                            format!(
                                "alias `{}` has no letters or digits to screen",
                                crate::untrusted::excerpt(alias)
                            ),
                        )
                        .at(line, at("aliases")),
                    );
                }
            }
            if let Some(why) = customer.party.unscreenable() {
                diags.push(Diagnostic::new(Code::Unscreenable, path, why).at(line, at("name")));
            }
        }
        out.push(customer);
    }
    if diags.is_empty() {
        Ok(out)
    } else {
        Err(diags)
    }
}

/// 1-based column where field `index` of the row starting at `start` begins.
fn column_of(text: &str, start: usize, index: usize) -> usize {
    let line = text[start.min(text.len())..].lines().next().unwrap_or("");
    let mut col = 1;
    let mut in_quotes = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        if field == index {
            return i + 1;
        }
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => field += 1,
            _ => {}
        }
        col = i + 2;
    }
    col
}
