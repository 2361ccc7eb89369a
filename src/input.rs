//! Reading input files with a size limit, and keeping a file that another
//! file names inside that file's folder.
//!
//! Lists, evidence and rules come from third parties: a path such as
//! `/dev/zero` or a runaway pipe must end in a clear error, not in the
//! process eating all memory.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What a file is and how large it may be.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub what: &'static str,
    pub bytes: u64,
}

const MIB: u64 = 1024 * 1024;

/// An official or custom list file (OFAC's largest CSV is about 4 MB).
pub const LIST_FILE: Limit = Limit {
    what: "a list file",
    bytes: 256 * MIB,
};
/// An evidence TOML or customers CSV (a million customers fit).
pub const EVIDENCE_FILE: Limit = Limit {
    what: "an evidence file",
    bytes: 256 * MIB,
};
/// A policy settings file, rule script, rule test case or manifest.
pub const POLICY_FILE: Limit = Limit {
    what: "a policy, test case or manifest file",
    bytes: 16 * MIB,
};
/// A log key file.
pub const KEY_FILE: Limit = Limit {
    what: "a key file",
    bytes: 64 * 1024,
};
/// A CSV of names or name pairs for `match --input` / `compare --input`.
pub const BATCH_FILE: Limit = Limit {
    what: "an input CSV",
    bytes: 1024 * MIB,
};

fn too_large(path: &Path, limit: Limit) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than the {} limit for {} (an endless input such as /dev/zero?)",
                size(limit.bytes),
                limit.what
            ),
        ),
    }
}

fn size(bytes: u64) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes}-byte")
    }
}

/// Read at most `limit` bytes from `reader`; more is an error.
pub fn read_bounded(path: &Path, reader: impl Read, limit: Limit) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    reader
        .take(limit.bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::io(path, e))?;
    if data.len() as u64 > limit.bytes {
        return Err(too_large(path, limit));
    }
    Ok(data)
}

/// Read a whole file, failing on one larger than `limit`.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit.bytes {
            return Err(too_large(path, limit));
        }
    }
    read_bounded(path, file, limit)
}

/// Read a whole file, or `None` when it does not exist.
pub fn read_optional(path: &Path, limit: Limit) -> Result<Option<Vec<u8>>> {
    match read(path, limit) {
        Ok(d) => Ok(Some(d)),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Read a whole file as UTF-8 text.
pub fn read_text(path: &Path, limit: Limit) -> Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            ),
        )
    })
}

/// The file `name` refers to, relative to `base`, provided that it lies
/// inside `base` once `..` and symbolic links are resolved. The error
/// never quotes the file's content.
pub fn inside(base: &Path, name: &str) -> std::result::Result<PathBuf, String> {
    let shown = crate::untrusted::excerpt(name);
    let folder = base
        .canonicalize()
        .map_err(|e| format!("cannot resolve the folder {}: {e}", base.display()))?;
    let target = base
        .join(name)
        .canonicalize()
        .map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    if !target.starts_with(&folder) {
        return Err(format!(
            "`{shown}` is outside the evidence file's folder {}: only files beside the evidence (or below it) may be named",
            folder.display()
        ));
    }
    if !target.is_file() {
        return Err(format!("`{shown}` is not a regular file"));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_input_stops_at_the_limit() {
        let limit = Limit {
            what: "a test file",
            bytes: 1024,
        };
        let err = read_bounded(Path::new("/dev/zero"), std::io::repeat(0), limit).unwrap_err();
        assert!(
            err.to_string()
                .contains("larger than the 1 KiB limit for a test file"),
            "{err}"
        );
        let ok = read_bounded(Path::new("x"), &b"abc"[..], limit).unwrap();
        assert_eq!(ok, b"abc");
    }

    #[test]
    fn inside_rejects_escapes_from_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("ev");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("c.csv"), "id,name\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "root:x:0:0\n").unwrap();
        assert!(inside(&sub, "c.csv").is_ok());
        let err = inside(&sub, "../secret.txt").unwrap_err();
        assert!(err.contains("outside"), "{err}");
        assert!(!err.contains("root:x"), "{err}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), sub.join("link.csv"))
                .unwrap();
            assert!(inside(&sub, "link.csv").unwrap_err().contains("outside"));
        }
        assert!(inside(&sub, "/etc/passwd").unwrap_err().contains("outside"));
    }
}
