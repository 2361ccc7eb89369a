//! The catalogue of official list sources (`lists/sources.toml`, built in).

use serde::Deserialize;

use crate::error::{Error, Result};

/// The catalogue as shipped.
pub const CATALOGUE: &str = include_str!("../../lists/sources.toml");

/// The one format `lists fetch` installs; other sources are references.
pub const FETCHED_FORMAT: &str = "ofac-legacy-csv";

#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub name: String,
    pub title: String,
    pub publisher: String,
    pub format: String,
    pub files: Vec<SourceFile>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub url: String,
    pub role: String,
}

impl Source {
    /// The file the publication date is read from.
    pub fn primary(&self) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.role == "primary")
    }
}

#[derive(Deserialize)]
struct Catalogue {
    source: Vec<Source>,
}

/// The sources `lists fetch` downloads, in catalogue order.
pub fn fetched() -> Result<Vec<Source>> {
    let catalogue: Catalogue = toml::from_str(CATALOGUE)
        .map_err(|e| Error::Usage(format!("lists/sources.toml: {}", e.message())))?;
    Ok(catalogue
        .source
        .into_iter()
        .filter(|s| s.format == FETCHED_FORMAT)
        .collect())
}

/// The sources named by `--source` (all when none is named).
pub fn select(names: &[String]) -> Result<Vec<Source>> {
    let all = fetched()?;
    for n in names {
        if !all.iter().any(|s| &s.name == n) {
            let known: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::Usage(format!(
                "no list source `{}` (known: {})",
                crate::untrusted::excerpt(n),
                known.join(", ")
            )));
        }
    }
    Ok(all
        .into_iter()
        .filter(|s| names.is_empty() || names.contains(&s.name))
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalogue_names_the_sdn_and_consolidated_files() {
        let sources = super::fetched().unwrap();
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ofac-sdn", "ofac-consolidated"]);
        for s in &sources {
            assert_eq!(s.files.len(), 4, "{}", s.name);
            assert!(s.primary().is_some());
            assert!(s.files.iter().all(|f| f.url.starts_with("https://")));
        }
    }
}
