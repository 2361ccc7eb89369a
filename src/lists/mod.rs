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
        check_ofac_folder(dir, manifest.as_ref(), &manifest_path)?;
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
            let loaded = ofac::load_set(dir, set, strict, &read_list_file)?;
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
                complete: false,
                missing_files: loaded.missing_files,
                counts: count(&loaded.entities),
                skipped_rows: loaded.warnings.len(),
                cut_remarks: loaded.cut_remarks,
                sample: manifest.as_ref().is_some_and(|m| m.sample),
            };
            self.push_list(dir, identity, loaded.entities)?;
            self.warnings.extend(loaded.warnings);
        }
        Ok(())
    }

    fn add_custom_file(&mut self, path: &Path, options: &LoadOptions) -> Result<()> {
        let data = crate::input::read(path, crate::input::LIST_FILE)?;
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
        if name.starts_with(OFFICIAL_PREFIX) {
            return Err(Error::list(
                path,
                None,
                None,
                format!(
                    "a custom watchlist cannot be called `{}`: names beginning `{OFFICIAL_PREFIX}` belong to lists read by the official OFAC loader. Rename the file or set `name` in {}",
                    crate::untrusted::excerpt(&name),
                    manifest_path.display()
                ),
            ));
        }
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
            complete: false,
            counts: count(&entities),
            skipped_rows: 0,
            cut_remarks: Vec::new(),
            sample: manifest.as_ref().is_some_and(|m| m.sample),
        };
        self.push_list(path, identity, entities)
    }

    fn push_list(
        &mut self,
        path: &Path,
        mut identity: ListIdentity,
        entities: Vec<Entity>,
    ) -> Result<()> {
        identity.complete = identity.is_whole();
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

fn read_list_file(path: &Path) -> Result<Option<Vec<u8>>> {
    crate::input::read_optional(path, crate::input::LIST_FILE)
}

/// List names that only the official loader gives.
pub const OFFICIAL_PREFIX: &str = "ofac-";

/// The names of the lists the official loader can produce; a policy's
/// `official_lists` may name only these.
pub fn official_list_names() -> [&'static str; 2] {
    [ofac::SDN.list, ofac::CONSOLIDATED.list]
}

/// Whether the loader that read a list makes it an official publication
/// (a custom CSV never is, whatever it is called).
pub fn is_official_format(identity: &ListIdentity) -> bool {
    identity.format == ofac::FORMAT
}

/// A folder's files must make whole sets: companion files without their
/// primary file, or files the manifest names that are not there, mean a
/// download went wrong and a list would silently go unscreened.
fn check_ofac_folder(dir: &Path, manifest: Option<&Manifest>, manifest_path: &Path) -> Result<()> {
    let present = |name: &str| dir.join(name).is_file();
    for set in [ofac::SDN, ofac::CONSOLIDATED] {
        let companions: Vec<&str> = set.companions().filter(|n| present(n)).collect();
        if !present(set.primary) && !companions.is_empty() {
            return Err(Error::list(
                dir,
                None,
                None,
                format!(
                    "holds {} but not {}: the {} list would not be screened. Restore {} (or remove its companion files)",
                    companions.join(", "),
                    set.primary,
                    set.list,
                    set.primary
                ),
            ));
        }
    }
    if let Some(m) = manifest {
        let known = |name: &str| {
            [ofac::SDN, ofac::CONSOLIDATED]
                .iter()
                .any(|s| s.companions().any(|c| c == name))
        };
        for name in m.files.keys() {
            // A missing companion is reported by the loader (and accepted
            // with --allow-partial); any other missing file is an error.
            if !present(name) && !known(name) {
                return Err(Error::list(
                    manifest_path,
                    None,
                    Some(name),
                    format!("the manifest names {}, which is not in the folder: the snapshot is incomplete", crate::untrusted::excerpt(name)),
                ));
            }
        }
    }
    Ok(())
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
