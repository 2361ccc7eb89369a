//! `vetter init`: an editable copy of what is built in.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::{out, Outcome};

pub fn run(dir: Option<&Path>, force: bool, w: &mut dyn Write) -> Result<Outcome> {
    let dir = dir.unwrap_or(Path::new("."));
    let mut files: Vec<(String, &str)> = crate::embedded::all()
        .map(|(path, content)| (path.to_owned(), content))
        .collect();
    files.push((
        crate::config::CONFIG_FILE.to_owned(),
        crate::config::TEMPLATE,
    ));
    // Check everything before writing anything: no half-written folder.
    if !force {
        let existing: Vec<&str> = files
            .iter()
            .filter(|(p, _)| dir.join(p).exists())
            .map(|(p, _)| p.as_str())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "{} already holds {} (and {} more): nothing written. Pass --force to overwrite",
                dir.display(),
                existing[0],
                existing.len() - 1
            )));
        }
    }
    for (path, content) in &files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, content).map_err(|e| Error::io(&target, e))?;
    }
    out!(
        w,
        "wrote {} files into {}: rules/ (the built-in policy and its tests), examples/, \
         lists/ (the sample lists the examples and tests use) and vetter.toml",
        files.len(),
        dir.display()
    );
    out!(
        w,
        "use its settings with `export VETTER_CONFIG={}` (or copy it into your config \
         folder), then `vetter lists fetch`",
        dir.join(crate::config::CONFIG_FILE).display()
    );
    Ok(Outcome::Success)
}
