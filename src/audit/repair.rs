//! Repairing a torn final line left by a crash: keep a backup, remove the
//! unfinished bytes, and nothing else.

use std::fs::OpenOptions;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub enum Repaired {
    Nothing,
    Removed {
        bytes: usize,
        backup: PathBuf,
        whole_record: bool,
    },
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
    // Even a tail that is a whole record but lacks its newline was never
    // acknowledged: the screening reports success only after the newline
    // is written and flushed. It goes too, into the backup.
    let whole_record =
        super::record::unseal(std::str::from_utf8(&data[keep..]).unwrap_or("")).is_ok();
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
        whole_record,
    })
}
