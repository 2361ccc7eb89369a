//! Search indexes kept in the list store, one per set of list snapshots
//! and engine version: a command against the same lists reads the index
//! back instead of building it again (about half a second for the full
//! lists).
//!
//! A stored index is a header line, then the index (`Index::to_bytes`):
//!
//! ```text
//! vetter-index LAYOUT ENGINE-VERSION KEY PAYLOAD-CRC32 PAYLOAD-BYTES
//! ```
//!
//! The key names the lists by content. An index whose header, length or
//! checksum does not match is built again and replaced, never used: a
//! damaged or stale file costs time, not results. The checksum guards
//! against damage (a torn write, a bad disk), as a cryptographic hash in
//! the same file could not guard against tampering either: whoever can
//! write the store can write the header too. CRC-32 reads at memory
//! speed, where SHA-256 took a tenth of `vetter match`.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::lists::identity::sha256_hex;
use crate::lists::Snapshot;
use crate::matching::candidates::index::{Index, STORED_LAYOUT};
use crate::matching::search::Matcher;

const MAGIC: &str = "vetter-index";

/// The folder of the list store that holds the indexes.
pub const FOLDER: &str = "index";

/// The key of a snapshot's index: its lists by name and content.
pub fn key(snapshot: &Snapshot) -> String {
    let mut text = String::new();
    for l in &snapshot.lists {
        text.push_str(&format!("{} {}\n", l.name, l.content_id()));
    }
    sha256_hex(text.as_bytes())
}

fn header(key: &str, payload: &[u8]) -> String {
    format!(
        "{MAGIC} {STORED_LAYOUT} {} {key} {:08x} {}\n",
        env!("CARGO_PKG_VERSION"),
        crc32fast::hash(payload),
        payload.len()
    )
}

fn path(dir: &Path, key: &str) -> PathBuf {
    dir.join(format!("{key}.idx"))
}

/// Reads a stored payload, summing what passes.
struct Summing<R> {
    inner: R,
    hasher: crc32fast::Hasher,
    read: u64,
}

impl<R: Read> Read for Summing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// The stored index of `key` in `dir`, if there is a whole one. The payload
/// is decoded as it is read, never held whole, and its checksum and length
/// checked at the end.
fn read(dir: &Path, key: &str) -> Result<Option<Index>, String> {
    let p = path(dir, key);
    let at = |e: std::io::Error| format!("{}: {e}", p.display());
    let mut file = match std::fs::File::open(&p) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(at(e)),
    };
    // The header, read unbuffered so that the payload starts where it ends.
    let mut start = [0u8; 512];
    let n = file.read(&mut start).map_err(at)?;
    let Some(end) = start[..n].iter().position(|b| *b == b'\n') else {
        return Err(format!("{}: no header", p.display()));
    };
    file.seek(SeekFrom::Start(end as u64 + 1)).map_err(at)?;
    let head = String::from_utf8_lossy(&start[..end]).into_owned();
    let fields: Vec<&str> = head.split_whitespace().collect();
    let expected = format!(
        "{MAGIC} {STORED_LAYOUT} {} {key}",
        env!("CARGO_PKG_VERSION")
    );
    let (Some(sum), Some(len)) = (
        fields.get(4),
        fields.get(5).and_then(|l| l.parse::<u64>().ok()),
    ) else {
        return Err(format!("{}: no valid header", p.display()));
    };
    if fields[..4].join(" ") != expected {
        return Err(format!(
            "{}: stored for another engine version or lists",
            p.display()
        ));
    }
    // Summed in the large reads the buffer makes, not the decoder's small ones.
    let summing = Summing {
        inner: file.take(len),
        hasher: crc32fast::Hasher::new(),
        read: 0,
    };
    let mut reader = BufReader::with_capacity(1 << 20, summing);
    let index = Index::read_from(&mut reader, len).map_err(|e| format!("{}: {e}", p.display()))?;
    // Whatever the decoder left unread still counts.
    std::io::copy(&mut reader, &mut std::io::sink()).map_err(at)?;
    let summing = reader.into_inner();
    if summing.read != len || format!("{:08x}", summing.hasher.finalize()) != *sum {
        return Err(format!(
            "{}: damaged (length or checksum differs)",
            p.display()
        ));
    }
    Ok(Some(index))
}

/// Store an index: written beside, flushed, then renamed into place.
fn write(dir: &Path, key: &str, index: &Index) -> Result<(), String> {
    let payload = index.to_bytes()?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let header = header(key, &payload);
    crate::files::replace(&path(dir, key), &[header.as_bytes(), &payload])
        .map_err(|e| e.to_string())
}

/// The index stored in `dir` for `snapshot`: `Ok(None)` when there is
/// none, an error when the stored one is stale or damaged.
pub fn stored(dir: &Path, snapshot: &Snapshot) -> Result<Option<Index>, String> {
    read(dir, &key(snapshot))
}

/// Stored indexes kept: those of the lists in use and a few before them.
const KEEP: usize = 4;

/// Remove all but the `KEEP` most recently written indexes.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, p) in found.into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(p);
    }
}

/// A matcher for `snapshot`, its index read from `dir` when stored there,
/// else built and stored for next time. Problems with the stored copy are
/// said on stderr and cost only the build.
pub fn matcher<'s>(snapshot: &'s Snapshot, dir: &Path) -> Matcher<'s> {
    let key = key(snapshot);
    match read(dir, &key) {
        Ok(Some(index)) => return Matcher::with_index(snapshot, index),
        Ok(None) => {}
        Err(e) => eprintln!("warning: building the search index again: {e}"),
    }
    let matcher = Matcher::new(snapshot);
    match write(dir, &key, &matcher.index) {
        Ok(()) => prune(dir),
        Err(e) => eprintln!("warning: the search index could not be stored: {e}"),
    }
    matcher
}
