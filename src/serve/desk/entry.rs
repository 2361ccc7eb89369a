//! Evidence from the desk's short form: a vendor and its customers typed
//! in, written as an evidence file (so that it is parsed, checked and
//! logged exactly as an uploaded one is).

use serde::{Deserialize, Serialize};

/// The short form, as the browser sends it.
#[derive(Debug, Deserialize)]
pub struct Entry {
    pub csrf: String,
    pub vendor: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub country: String,
    /// Websites, separated by commas, spaces or lines.
    #[serde(default)]
    pub websites: String,
    #[serde(default)]
    pub prohibits_sanctioned_parties: Option<String>,
    #[serde(default)]
    pub prohibits_designated_terrorists: Option<String>,
    /// One customer a line: `name, website, country` (CSV quoting for a
    /// name with a comma; website and country may be left out).
    #[serde(default)]
    pub customers: String,
}

#[derive(Serialize)]
struct File {
    vendor: Party,
    #[serde(skip_serializing_if = "Option::is_none")]
    policies: Option<Policies>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    customers: Vec<Party>,
}

#[derive(Serialize)]
struct Party {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    websites: Vec<String>,
}

#[derive(Serialize)]
struct Policies {
    #[serde(skip_serializing_if = "Option::is_none")]
    prohibits_sanctioned_parties: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prohibits_designated_terrorists: Option<bool>,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn given(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The customers box as parties `c1`, `c2`, ...; a line that is not CSV
/// is refused with its number.
fn customers(text: &str) -> Result<Vec<Party>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("customers, line {}: {e}", i + 1))?;
        let cell = |n: usize| row.get(n).and_then(given);
        let Some(name) = cell(0) else { continue };
        if row.len() > 3 {
            return Err(format!(
                "customers, line {}: write `name, website, country`; quote a name that holds a comma",
                i + 1
            ));
        }
        out.push(Party {
            id: Some(format!("c{}", out.len() + 1)),
            name,
            kind: None,
            country: cell(2),
            websites: cell(1).map(|w| words(&w)).unwrap_or_default(),
        });
    }
    Ok(out)
}

impl Entry {
    /// The evidence file the form describes.
    pub fn evidence_toml(&self) -> Result<String, String> {
        let ticked = |v: &Option<String>| v.as_ref().map(|_| true);
        let policies = Policies {
            prohibits_sanctioned_parties: ticked(&self.prohibits_sanctioned_parties),
            prohibits_designated_terrorists: ticked(&self.prohibits_designated_terrorists),
        };
        let file = File {
            vendor: Party {
                id: None,
                name: self.vendor.trim().to_owned(),
                kind: given(&self.kind),
                country: given(&self.country),
                websites: words(&self.websites),
            },
            policies: (policies.prohibits_sanctioned_parties.is_some()
                || policies.prohibits_designated_terrorists.is_some())
            .then_some(policies),
            customers: customers(&self.customers)?,
        };
        let body = toml::to_string(&file).map_err(|e| e.to_string())?;
        Ok(format!("# Entered in the vetter desk's form.\n{body}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(customers: &str) -> Entry {
        Entry {
            csrf: String::new(),
            vendor: "Acme \"Hosting\" Ltd".to_owned(),
            kind: "organization".to_owned(),
            country: "GB".to_owned(),
            websites: "acme.example, www.acme.example".to_owned(),
            prohibits_sanctioned_parties: Some("on".to_owned()),
            prohibits_designated_terrorists: None,
            customers: customers.to_owned(),
        }
    }

    #[test]
    fn the_form_becomes_evidence_that_parses() {
        let e = entry("\"Smith, Jones and Co\", smith.example, US\n\nRiver Club\n");
        let text = e.evidence_toml().unwrap();
        let ev =
            crate::evidence::parse::parse(std::path::Path::new("form.toml"), &text, &mut |_| {
                Err("no files".to_owned())
            })
            .unwrap();
        assert_eq!(ev.vendor.name, "Acme \"Hosting\" Ltd");
        assert_eq!(ev.customers.len(), 2);
        assert_eq!(ev.customers[0].party.name, "Smith, Jones and Co");
        assert_eq!(ev.customers[1].party.id, "c2");
    }

    #[test]
    fn a_line_with_too_many_cells_is_refused_by_number() {
        let err = entry("ok\na, b, c, d").evidence_toml().unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
