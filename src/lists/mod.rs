//! Loading sanctions and watch lists into one immutable `Snapshot`.

pub mod custom;
pub mod diff;
pub mod identity;
pub mod model;
pub mod ofac;
pub mod remarks;
pub mod stats;
pub mod text;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use identity::{DateSource, EntityCounts, FileIdentity, ListIdentity, Manifest, MANIFEST_NAME};
use model::{Entity, EntityKind};

/// How lists are loaded; each field is a documented command-line option.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--allow-partial`: accept an OFAC folder that lacks companion files.
    pub allow_partial: bool,
    /// `--tolerant`: skip malformed rows with a counted warning.
    pub tolerant: bool,
    /// `--list-date`: publication date for lists without a manifest date.
    pub publication_date: Option<NaiveDate>,
}

/// Every entity of every loaded list plus the lists' identities.
/// Loaded once, never mutated.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub lists: Vec<ListIdentity>,
    pub entities: Vec<Entity>,
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl Snapshot {
    /// Load every path (an OFAC folder or a custom list file), in order.
    pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Snapshot> {
        let mut snapshot = Snapshot {
            lists: Vec::new(),
            entities: Vec::new(),
            warnings: Vec::new(),
        };
        for path in paths {
            snapshot.add_path(path, options)?;
        }
        Ok(snapshot)
    }

    fn add_path(&mut self, path: &Path, options: &LoadOptions) -> Result<()> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            self.add_ofac_folder(path, options)
        } else {
            self.add_custom_file(path, options)
        }
    }

    fn add_ofac_folder(&mut self, dir: &Path, options: &LoadOptions) -> Result<()> {
        let manifest_path = dir.join(MANIFEST_NAME);
        let manifest = Manifest::read_optional(&manifest_path)?;
        let sets: Vec<ofac::OfacSet> = [ofac::SDN, ofac::CONSOLIDATED]
            .into_iter()
            .filter(|s| dir.join(s.primary).is_file())
            .collect();
        if sets.is_empty() {
            return Err(Error::list(
                dir,
                None,
                None,
                "holds neither sdn.csv nor cons_prim.csv: not an OFAC list folder",
            ));
        }
        for set in sets {
            let strict = ofac::Strictness {
                tolerant: options.tolerant,
            };
            let loaded = ofac::load_set(dir, set, strict, &read_if_exists)?;
            if !loaded.missing_files.is_empty() && !options.allow_partial {
                return Err(Error::list(
                    dir,
                    None,
                    None,
                    format!(
                        "{} lacks {}: aliases, addresses or remark continuations would be missing \
                         from screening. Pass --allow-partial to screen against a partial snapshot",
                        set.list,
                        loaded.missing_files.join(", ")
                    ),
                ));
            }
            if let Some(m) = &manifest {
                for file in &loaded.files {
                    m.verify(&manifest_path, file)?;
                }
            }
            let (date, source) = publication(manifest.as_ref(), &manifest_path, options)?;
            let identity = ListIdentity {
                name: set.list.to_owned(),
                format: "ofac-legacy-csv".to_owned(),
                publisher: Some(
                    manifest
                        .as_ref()
                        .and_then(|m| m.publisher.clone())
                        .unwrap_or_else(|| "US Treasury OFAC".to_owned()),
                ),
                publication_date: date,
                date_source: source,
                files: loaded.files,
                complete: loaded.missing_files.is_empty(),
                missing_files: loaded.missing_files,
                counts: count(&loaded.entities),
                skipped_rows: loaded.warnings.len(),
            };
            self.push_list(dir, identity, loaded.entities)?;
            self.warnings.extend(loaded.warnings);
        }
        Ok(())
    }

    fn add_custom_file(&mut self, path: &Path, options: &LoadOptions) -> Result<()> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let manifest_path = path.with_extension("manifest.toml");
        let manifest = Manifest::read_optional(&manifest_path)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = FileIdentity::of(&file_name, &data);
        if let Some(m) = &manifest {
            m.verify(&manifest_path, &file)?;
        }
        let name = manifest
            .as_ref()
            .and_then(|m| m.name.clone())
            .unwrap_or_else(|| {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "custom".to_owned())
            });
        let entities = custom::load(&name, path, &data)?;
        let (date, source) = publication(manifest.as_ref(), &manifest_path, options)?;
        let identity = ListIdentity {
            name,
            format: "vetter-watchlist-csv".to_owned(),
            publisher: manifest.as_ref().and_then(|m| m.publisher.clone()),
            publication_date: date,
            date_source: source,
            files: vec![file],
            missing_files: Vec::new(),
            complete: true,
            counts: count(&entities),
            skipped_rows: 0,
        };
        self.push_list(path, identity, entities)
    }

    fn push_list(
        &mut self,
        path: &Path,
        identity: ListIdentity,
        entities: Vec<Entity>,
    ) -> Result<()> {
        if self.lists.iter().any(|l| l.name == identity.name) {
            return Err(Error::list(
                path,
                None,
                None,
                format!(
                    "list `{}` is already loaded from another path",
                    identity.name
                ),
            ));
        }
        self.lists.push(identity);
        self.entities.extend(entities);
        Ok(())
    }

    /// Keep only the named lists (replay loads exactly what was recorded).
    pub fn retain_lists(&mut self, names: &[String]) {
        self.lists.retain(|l| names.contains(&l.name));
        self.entities.retain(|e| names.contains(&e.list));
    }

    pub fn find(&self, list: Option<&str>, id: &str) -> Vec<&Entity> {
        self.entities
            .iter()
            .filter(|e| e.id == id && list.is_none_or(|l| e.list == l))
            .collect()
    }
}

fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn publication(
    manifest: Option<&Manifest>,
    manifest_path: &Path,
    options: &LoadOptions,
) -> Result<(Option<NaiveDate>, DateSource)> {
    if let Some(date) = manifest
        .map(|m| m.published_date(manifest_path))
        .transpose()?
        .flatten()
    {
        return Ok((Some(date), DateSource::Manifest));
    }
    Ok(match options.publication_date {
        Some(d) => (Some(d), DateSource::Option),
        None => (None, DateSource::Unknown),
    })
}

pub fn count(entities: &[Entity]) -> EntityCounts {
    let mut c = EntityCounts {
        total: entities.len(),
        ..Default::default()
    };
    for e in entities {
        match e.kind {
            EntityKind::Individual => c.individual += 1,
            EntityKind::Entity => c.entity += 1,
            EntityKind::Vessel => c.vessel += 1,
            EntityKind::Aircraft => c.aircraft += 1,
        }
    }
    c
}
