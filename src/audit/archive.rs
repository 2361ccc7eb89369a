//! Storing list snapshots by content so that a verdict-log replay can find
//! the exact lists a record names: `ARCHIVE/<content id>/` holds the list's
//! files and a manifest.toml.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::lists::identity::{sha256_hex, ListIdentity};
use crate::lists::{LoadOptions, Snapshot};

/// The archive's folder inside the list store, where commands look by default.
pub const IN_STORE: &str = "archive";

/// Copy each list of `paths` into the archive; returns the folders written.
pub fn archive(
    paths: &[PathBuf],
    options: &LoadOptions,
    dir: &Path,
) -> Result<Vec<(ListIdentity, PathBuf)>> {
    let mut out = Vec::new();
    for path in paths {
        let snapshot = Snapshot::load(std::slice::from_ref(path), options)?;
        for list in snapshot.lists {
            let target = dir.join(list.content_id());
            std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
            for f in &list.files {
                let src = if path.is_dir() {
                    path.join(&f.name)
                } else {
                    path.clone()
                };
                let data = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
                if sha256_hex(&data) != f.sha256 {
                    return Err(Error::list(
                        &src,
                        None,
                        None,
                        "changed while being archived",
                    ));
                }
                let dst = target.join(&f.name);
                std::fs::write(&dst, &data).map_err(|e| Error::io(&dst, e))?;
            }
            let mut manifest = String::from("# Written by `vetter lists archive`.\n");
            if list.format == "vetter-watchlist-csv" {
                manifest.push_str(&format!("name = {:?}\n", list.name));
            }
            if let Some(d) = list.publication_date {
                manifest.push_str(&format!("published = {d}\n"));
            }
            if let Some(p) = &list.publisher {
                manifest.push_str(&format!("publisher = {p:?}\n"));
            }
            for f in &list.files {
                manifest.push_str(&format!(
                    "\n[files.{:?}]\nsha256 = {:?}\n",
                    f.name, f.sha256
                ));
            }
            let manifest_path = if list.format == "vetter-watchlist-csv" {
                let stem = list.files[0].name.trim_end_matches(".csv");
                target.join(format!("{stem}.manifest.toml"))
            } else {
                target.join(crate::lists::identity::MANIFEST_NAME)
            };
            std::fs::write(&manifest_path, manifest).map_err(|e| Error::io(&manifest_path, e))?;
            out.push((list, target));
        }
    }
    Ok(out)
}

/// Where a recorded list can be loaded from: an archive folder named by its
/// content id, or one of `candidates` whose files hash the same.
pub fn locate(list: &ListIdentity, candidates: &[PathBuf], archive: &Path) -> Option<PathBuf> {
    let id = list.content_id();
    let archived = archive.join(&id);
    let hashes_match = |folder: &Path| {
        list.files
            .iter()
            .all(|f| std::fs::read(folder.join(&f.name)).is_ok_and(|d| sha256_hex(&d) == f.sha256))
    };
    if archived.is_dir() && hashes_match(&archived) {
        return Some(path_for(list, &archived));
    }
    for c in candidates {
        if c.is_dir() && hashes_match(c) {
            return Some(path_for(list, c));
        }
        if c.is_file()
            && list.files.len() == 1
            && std::fs::read(c).is_ok_and(|d| sha256_hex(&d) == list.files[0].sha256)
        {
            return Some(c.clone());
        }
    }
    None
}

fn path_for(list: &ListIdentity, folder: &Path) -> PathBuf {
    if list.format == "vetter-watchlist-csv" {
        folder.join(&list.files[0].name)
    } else {
        folder.to_owned()
    }
}
