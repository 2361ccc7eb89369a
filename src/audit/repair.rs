//! Repairing a log after a crash: an unfinished final line is removed
//! (after a backup), a final record that is whole but lacks its newline is
//! completed, and nothing else is ever touched.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::verify::verify;
use crate::error::{Error, Result};

pub enum Repaired {
    Nothing,
    /// An unfinished final line was removed; the file before is kept.
    Removed {
        bytes: usize,
        backup: PathBuf,
    },
    /// The final record was whole (valid hash, in the chain) but lacked
    /// its newline, which was added.
    Completed {
        seq: u64,
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
    // Only the final line may be repaired: anything wrong before it is
    // tampering or corruption, for an auditor to see, not to tidy away.
    let whole = verify(&data[..keep], None, None);
    if let Some(p) = &whole.problem {
        return Err(Error::Log {
            path: path.to_owned(),
            line: Some(p.line as u64),
            message: format!(
                "{} ({}): repair only removes an unfinished final line, and the log fails verification before it; nothing was changed",
                p.message, p.kind
            ),
        });
    }
    if keep == data.len() {
        return Ok(Repaired::Nothing);
    }
    // A final line that is a whole record in the chain is kept: complete it.
    let mut completed = data.clone();
    completed.push(b'\n');
    let report = verify(&completed, None, None);
    if report.intact() && report.records == whole.records + 1 {
        file.write_all(b"\n").map_err(|e| Error::io(path, e))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        return Ok(Repaired::Completed {
            seq: report.head_seq,
        });
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
