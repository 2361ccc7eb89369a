//! Custom watchlists: lists that are not OFAC's, such as extremist sites no
//! government designates. A UTF-8 CSV with a header row; the format is
//! documented in docs/watchlist-format.md.

use std::collections::HashSet;
use std::path::Path;

use super::model::{Alias, AliasKind, Entity, EntityKind};
use super::ofac::split_programs;
use crate::error::{Error, Result};

/// Columns a custom list may have. `id` and `name` are required.
pub const COLUMNS: &[&str] = &[
    "id",
    "name",
    "kind",
    "aliases",
    "websites",
    "emails",
    "crypto",
    "countries",
    "programs",
    "source",
    "note",
];

/// Separator for multi-valued cells.
const MULTI: char = '|';

pub fn load(list: &str, path: &Path, data: &[u8]) -> Result<Vec<Entity>> {
    let text = std::str::from_utf8(data).map_err(|e| {
        Error::list(
            path,
            None,
            None,
            format!("not UTF-8 text (byte {})", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Error::list(path, None, None, "the file is empty"));
    }
    if let Some(line) = crate::csvfile::unterminated_quote(text.as_bytes()) {
        return Err(Error::list(
            path,
            Some(line),
            None,
            "a quoted field opens here and is never closed (truncated file?)",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Error::list(path, Some(1), None, format!("unreadable header: {e}")))?
        .clone();
    let mut col = std::collections::HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_ascii_lowercase();
        if !COLUMNS.contains(&h.as_str()) {
            return Err(Error::list(
                path,
                Some(1),
                Some(&crate::untrusted::excerpt(&h)),
                format!("unknown column; expected some of: {}", COLUMNS.join(", ")),
            ));
        }
        if col.insert(h.clone(), i).is_some() {
            return Err(Error::list(path, Some(1), Some(&h), "column appears twice"));
        }
    }
    for required in ["id", "name"] {
        if !col.contains_key(required) {
            return Err(Error::list(
                path,
                Some(1),
                Some(required),
                "required column is missing",
            ));
        }
    }

    let mut entities = Vec::new();
    let mut seen = HashSet::new();
    let mut lines = super::ofac::LineCounter::new(text.as_bytes());
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line());
            Error::list(path, line, None, format!("unreadable row: {e}"))
        })?;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        let get = |name: &str| -> &str {
            col.get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or("")
                .trim()
        };
        let many = |name: &str| -> Vec<String> {
            get(name)
                .split(MULTI)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let id = get("id");
        if id.is_empty() {
            return Err(Error::list(path, Some(line), Some("id"), "the id is empty"));
        }
        if !seen.insert(id.to_owned()) {
            return Err(Error::list(
                path,
                Some(line),
                Some("id"),
                format!("id `{}` appears twice", crate::untrusted::excerpt(id)),
            ));
        }
        let name = get("name");
        if name.is_empty() {
            return Err(Error::list(
                path,
                Some(line),
                Some("name"),
                "the name is empty",
            ));
        }
        let kind = match get("kind") {
            "" => EntityKind::Entity,
            k => EntityKind::parse(k).ok_or_else(|| {
                Error::list(
                    path,
                    Some(line),
                    Some("kind"),
                    format!(
                        "`{}` is not one of person, organization, vessel, aircraft",
                        crate::untrusted::excerpt(k)
                    ),
                )
            })?,
        };
        let mut entity = Entity::new(list, id, name, kind);
        entity.aliases = many("aliases")
            .into_iter()
            .map(|name| Alias {
                name,
                kind: AliasKind::Aka,
                id: None,
            })
            .collect();
        entity.facts.websites = many("websites");
        entity.facts.emails = many("emails");
        for item in many("crypto") {
            let Some((currency, address)) = item.split_once(':') else {
                return Err(Error::list(
                    path,
                    Some(line),
                    Some("crypto"),
                    format!(
                        "`{}` should be CURRENCY:ADDRESS, e.g. XBT:1abc...",
                        crate::untrusted::excerpt(&item)
                    ),
                ));
            };
            entity
                .facts
                .crypto_addresses
                .push(super::model::CryptoAddress {
                    currency: currency.trim().to_owned(),
                    address: address.trim().to_owned(),
                });
        }
        entity.countries = many("countries");
        entity.programs = many("programs")
            .iter()
            .flat_map(|p| split_programs(p))
            .collect();
        entity.source = Some(get("source"))
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        entity.note = Some(get("note"))
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        entity.derive_countries();
        entities.push(entity);
    }
    if entities.is_empty() {
        return Err(Error::list(
            path,
            None,
            None,
            "the list has a header but no entries",
        ));
    }
    Ok(entities)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_multi_valued_cells() {
        let csv = "id,name,kind,aliases,websites,countries,programs,source,note\n\
                   x1,Example Hate Forum,organization,EHF|Hate Forum,www.ehf.example|forum.example/ehf,US,EXTREMIST-SITE,Report 2024,\n";
        let e = load("watch", Path::new("w.csv"), csv.as_bytes()).unwrap();
        assert_eq!(e[0].aliases.len(), 2);
        assert_eq!(e[0].facts.websites.len(), 2);
        assert!(e[0].has_program("EXTREMIST-SITE"));
        assert_eq!(e[0].source.as_deref(), Some("Report 2024"));
    }

    #[test]
    fn bad_rows_name_file_line_and_field() {
        let csv = "id,name,kind\nx1,Good,org\nx2,Bad,martian\n";
        let err = load("watch", Path::new("w.csv"), csv.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "w.csv:3: field `kind`: `martian` is not one of person, organization, vessel, aircraft"
        );
        let err = load("watch", Path::new("w.csv"), b"id,nmae\nx,y\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("w.csv:1: field `nmae`: unknown column"),
            "{err}"
        );
        let err = load("watch", Path::new("w.csv"), b"id,name\nx,y\nx,z\n").unwrap_err();
        assert_eq!(err.to_string(), "w.csv:3: field `id`: id `x` appears twice");
        let err = load("watch", Path::new("w.csv"), b"id,name\nx,y,z\n").unwrap_err();
        assert!(
            err.to_string().starts_with("w.csv:2: unreadable row"),
            "{err}"
        );
    }
}
