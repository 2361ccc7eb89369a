//! The list store: verified snapshots of the official lists, kept for
//! replay, and a pointer to the current one of each source.
//!
//! ```text
//! STORE/current.toml                      which snapshot of each source is current
//! STORE/snapshots/ofac-sdn/2021-06-29-<id>/  sdn.csv alt.csv add.csv sdn_comments.csv manifest.toml
//! STORE/staging/                          downloads and imports being verified
//! ```
//!
//! Nothing becomes current before the strict loader has read every file
//! whole and the entity count has been compared with the current
//! snapshot's. The pointer is replaced by an atomic rename, so a reader
//! sees the old snapshot or the new one, never a mix; older snapshots stay
//! for `log replay`.

pub mod fetch;
pub mod index_cache;
pub mod sources;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::lists::identity::{EntityCounts, ListIdentity, Manifest, ManifestFile};
use crate::lists::{LoadOptions, Snapshot};

const SNAPSHOTS: &str = "snapshots";
const STAGING: &str = "staging";
const CURRENT: &str = "current.toml";

/// An entity count falling by more than this share is refused unless the
/// user allows it: an error page or a cut file must not replace a list.
pub const MAX_SHRINK: f64 = 0.05;

pub struct Store {
    root: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pointer {
    /// Source name → snapshot folder, relative to the store.
    #[serde(default)]
    current: BTreeMap<String, String>,
}

/// Files of one source gathered in a staging folder, with what is known of
/// where they came from.
pub struct Staged {
    pub source: String,
    pub publisher: String,
    pub dir: PathBuf,
    /// File name → where it came from (a URL or a path).
    pub files: BTreeMap<String, String>,
    pub published: Option<NaiveDate>,
    /// Where `published` was read, or why it is unknown.
    pub date_basis: String,
}

/// A verified snapshot, installed but not yet current.
#[derive(Debug, Clone)]
pub struct Installed {
    pub source: String,
    pub path: PathBuf,
    pub identity: ListIdentity,
    /// The current snapshot of the source before this one.
    pub previous: Option<PathBuf>,
}

impl Installed {
    /// Whether it is the snapshot already current.
    pub fn unchanged(&self) -> bool {
        self.previous.as_deref() == Some(self.path.as_path())
    }
}

/// A snapshot in the store, as `lists ls` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    pub source: String,
    pub path: PathBuf,
    pub published: Option<NaiveDate>,
    pub date_basis: Option<String>,
    pub fetched: Option<String>,
    pub counts: Option<EntityCounts>,
    pub current: bool,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Flush a folder's entries (a rename in it) to disk.
fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))
}

impl Store {
    pub fn at(root: &Path) -> Store {
        Store {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn pointer(&self) -> Result<Pointer> {
        let path = self.root.join(CURRENT);
        let Some(data) = crate::input::read_optional(&path, crate::input::POLICY_FILE)? else {
            return Ok(Pointer::default());
        };
        let text = String::from_utf8(data)
            .map_err(|_| Error::list(&path, None, None, "not UTF-8 text"))?;
        toml::from_str(&text).map_err(|e| Error::list(&path, None, None, e.message()))
    }

    /// The current snapshot of each source.
    pub fn current(&self) -> Result<BTreeMap<String, PathBuf>> {
        let pointer = self.pointer()?;
        let mut out = BTreeMap::new();
        for (source, rel) in pointer.current {
            // Only a snapshot folder of this store can be current.
            let inside = Path::new(&rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
                && rel.starts_with(&format!("{SNAPSHOTS}/"));
            let path = self.root.join(&rel);
            if !inside || !path.is_dir() {
                return Err(Error::list(
                    self.root.join(CURRENT),
                    None,
                    Some(&source),
                    format!("names {rel}, which is not in the store"),
                ));
            }
            out.insert(source, path);
        }
        Ok(out)
    }

    /// A new, empty staging folder for `source`.
    pub fn staging(&self, source: &str) -> Result<PathBuf> {
        let base = self.root.join(STAGING);
        std::fs::create_dir_all(&base).map_err(io(&base))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = base.join(format!("{source}-{}-{stamp}", std::process::id()));
        std::fs::create_dir(&dir).map_err(io(&dir))?;
        Ok(dir)
    }

    /// Verify a staged source and move it into the store; the staging
    /// folder is gone either way. Does not make it current (`switch`).
    pub fn install(&self, staged: Staged, allow_shrink: bool) -> Result<Installed> {
        let dir = staged.dir.clone();
        let result = self.verify_and_move(staged, allow_shrink);
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        result
    }

    fn verify_and_move(&self, staged: Staged, allow_shrink: bool) -> Result<Installed> {
        let source = staged.source.clone();
        let refused = |why: String| {
            Error::Usage(format!(
                "{source}: not installed, the current snapshot stays: {why}"
            ))
        };
        let mut manifest = Manifest {
            published: staged.published.map(toml_date),
            publisher: Some(staged.publisher.clone()),
            fetched: Some(toml_now()),
            source: Some(source.clone()),
            date_basis: Some(staged.date_basis.clone()),
            ..Manifest::default()
        };
        // Files are hashed by the loader as it reads them (below); the
        // manifest records them once they verified.
        write_manifest(&staged.dir, &manifest)?;
        // The strict loader reads every file whole: a cut file, an HTML page
        // or a file of another list fails here, naming the file and line.
        // Errors name the file as downloaded, not the staging folder.
        let staging = format!("{}{}", staged.dir.display(), std::path::MAIN_SEPARATOR);
        let snapshot = Snapshot::load(std::slice::from_ref(&staged.dir), &LoadOptions::default())
            .map_err(|e| refused(e.to_string().replace(&staging, "")))?;
        let identity = match snapshot.lists.as_slice() {
            [one] if one.name == source && one.is_whole() => one.clone(),
            lists => {
                let found: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
                return Err(refused(format!(
                    "the files hold {} instead of the whole {source} list",
                    if found.is_empty() {
                        "no list".to_owned()
                    } else {
                        found.join(" and ")
                    }
                )));
            }
        };
        let previous = self.current()?.remove(&source);
        if let Some(prev) = &previous {
            let old = Manifest::read_optional(&prev.join(crate::lists::identity::MANIFEST_NAME))?
                .and_then(|m| m.counts)
                .map(|c| c.total);
            if let Some(old) = old {
                let new = identity.counts.total;
                if (new as f64) < old as f64 * (1.0 - MAX_SHRINK) && !allow_shrink {
                    return Err(refused(format!(
                        "it has {new} entities, {} fewer than the current snapshot's {old} \
                         (more than {:.0}%), as an error page or a cut download would. \
                         Pass --allow-shrink if the publisher really removed them",
                        old - new,
                        MAX_SHRINK * 100.0
                    )));
                }
            }
        }
        manifest.counts = Some(identity.counts.clone());
        for f in &identity.files {
            manifest.files.insert(
                f.name.clone(),
                ManifestFile {
                    sha256: Some(f.sha256.clone()),
                    url: staged.files.get(&f.name).cloned(),
                    size: Some(f.bytes),
                },
            );
        }
        write_manifest(&staged.dir, &manifest)?;
        let id = identity.content_id();
        let date = staged
            .published
            .map_or_else(|| "undated".to_owned(), |d| d.to_string());
        let parent = self.root.join(SNAPSHOTS).join(&source);
        std::fs::create_dir_all(&parent).map_err(io(&parent))?;
        let target = parent.join(format!("{date}-{}", &id[..12]));
        if target.is_dir() {
            // The same files, verified before: keep the stored copy.
            std::fs::remove_dir_all(&staged.dir).map_err(io(&staged.dir))?;
        } else {
            std::fs::rename(&staged.dir, &target).map_err(io(&target))?;
            sync_dir(&parent)?;
        }
        Ok(Installed {
            source,
            path: target,
            identity,
            previous,
        })
    }

    /// Make installed snapshots current, all at once.
    pub fn switch(&self, installed: &[Installed]) -> Result<()> {
        if installed.is_empty() {
            return Ok(());
        }
        let mut pointer = self.pointer()?;
        for i in installed {
            let rel = i
                .path
                .strip_prefix(&self.root)
                .unwrap_or(&i.path)
                .to_string_lossy()
                .replace('\\', "/");
            pointer.current.insert(i.source.clone(), rel);
        }
        let text = format!(
            "# The current snapshot of each source; replaced atomically by\n\
             # `vetter lists fetch`, `update` and `import`.\n{}",
            toml::to_string(&pointer).map_err(|e| Error::Usage(e.to_string()))?
        );
        crate::files::replace(&self.root.join(CURRENT), &[text.as_bytes()])
    }

    /// Every stored snapshot, by source and name.
    pub fn snapshots(&self) -> Result<Vec<Stored>> {
        let current: Vec<PathBuf> = self.current()?.into_values().collect();
        let mut out = Vec::new();
        let base = self.root.join(SNAPSHOTS);
        for source in sorted_dirs(&base)? {
            for path in sorted_dirs(&source)? {
                let manifest_path = path.join(crate::lists::identity::MANIFEST_NAME);
                let Some(m) = Manifest::read_optional(&manifest_path)? else {
                    continue;
                };
                out.push(Stored {
                    source: m.source.clone().unwrap_or_else(|| {
                        source
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    }),
                    published: m.published_date(&manifest_path)?,
                    date_basis: m.date_basis.clone(),
                    fetched: m.fetched.map(|f| f.to_string()),
                    counts: m.counts.clone(),
                    current: current.contains(&path),
                    path,
                });
            }
        }
        Ok(out)
    }
}

fn sorted_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    Ok(out)
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join(crate::lists::identity::MANIFEST_NAME);
    let text = format!(
        "# Written by vetter when this snapshot was verified and installed.\n{}",
        toml::to_string(manifest).map_err(|e| Error::Usage(e.to_string()))?
    );
    std::fs::write(&path, text).map_err(io(&path))
}

fn toml_date(d: NaiveDate) -> toml::value::Datetime {
    use chrono::Datelike;
    toml::value::Datetime {
        date: Some(toml::value::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

fn toml_now() -> toml::value::Datetime {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    now.parse()
        .unwrap_or_else(|_| toml_date(chrono::Utc::now().date_naive()))
}
