//! Repairing a torn final line left by a crash: keep a backup, remove the
//! unfinished bytes, and nothing else.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub enum Repaired {
    Nothing,
    Removed { bytes: usize, backup: PathBuf },
}

pub fn repair(path: &Path) -> Result<Repaired> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.lock().map_err(|e| Error::io(path, e))?;
    let mut data = Vec::new();
    file.read_to_end(&mut data)
        .map_err(|e| Error::io(path, e))?;
    let keep = data.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    if keep == data.len() {
        return Ok(Repaired::Nothing);
    }
    // The torn tail must not hide a newline-free but complete record: a
    // complete record ends in `"}`; refuse to cut one.
    let tail = &data[keep..];
    if tail.ends_with(b"\"}")
        && super::record::unseal(std::str::from_utf8(tail).unwrap_or("")).is_ok()
    {
        return Err(Error::Log { path: path.to_owned(), line: None, message: "the last record is complete but lacks its newline; not removing it (append a newline by hand after checking)".to_owned() });
    }
    let mut backup = PathBuf::from(format!("{}.bak", path.display()));
    let mut n = 1;
    while backup.exists() {
        backup = PathBuf::from(format!("{}.bak{n}", path.display()));
        n += 1;
    }
    std::fs::write(&backup, &data).map_err(|e| Error::io(&backup, e))?;
    file.set_len(keep as u64).map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))?;
    Ok(Repaired::Removed {
        bytes: data.len() - keep,
        backup,
    })
}
