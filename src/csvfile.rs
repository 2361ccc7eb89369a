//! Reading a CSV file with a header, keeping each row's exact line number
//! for error messages (the csv crate's own count lags under CRLF).

use std::path::Path;

use crate::error::{Error, Result};
use crate::lists::ofac::LineCounter;

pub struct Table {
    pub headers: Vec<String>,
    /// (1-based line, row)
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Index of the first header equal (ignoring case) to one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    }
}

pub fn read(path: &Path) -> Result<Table> {
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(data.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| Error::list(path, Some(1), None, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut lines = LineCounter::new(&data);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| lines.line_at(p.byte()));
            Error::list(path, line, None, format!("unreadable row: {e}"))
        })?;
        rows.push((
            lines.line_at(record.position().map_or(0, |p| p.byte())),
            record,
        ));
    }
    Ok(Table { headers, rows })
}
