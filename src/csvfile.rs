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

/// The line on which a quoted field opens that the file never closes.
/// The csv crate reads such a field to the end of the file as one value,
/// silently swallowing every row after it.
pub fn unterminated_quote(data: &[u8]) -> Option<u64> {
    let mut line = 1u64;
    let mut opened = 0u64;
    let mut in_quotes = false;
    let mut field_start = true;
    let mut bytes = data.iter().peekable();
    while let Some(&b) = bytes.next() {
        if b == b'\n' {
            line += 1;
        }
        if in_quotes {
            if b == b'"' {
                if bytes.peek() == Some(&&b'"') {
                    bytes.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match b {
            b'"' if field_start => {
                in_quotes = true;
                opened = line;
                field_start = false;
            }
            b',' | b'\n' | b'\r' => field_start = true,
            _ => field_start = false,
        }
    }
    in_quotes.then_some(opened)
}

/// The first header that appears twice (compared as `column` does).
pub fn duplicate_header(headers: &[String]) -> Option<&str> {
    headers.iter().enumerate().find_map(|(i, h)| {
        headers[..i]
            .iter()
            .any(|x| x.trim().eq_ignore_ascii_case(h.trim()))
            .then_some(h.as_str())
    })
}

pub fn read(path: &Path) -> Result<Table> {
    let data = crate::input::read(path, crate::input::BATCH_FILE)?;
    if let Some(line) = unterminated_quote(&data) {
        return Err(Error::list(
            path,
            Some(line),
            None,
            "a quoted field opens here and is never closed",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(data.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::list(path, Some(1), None, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if let Some(h) = duplicate_header(&headers) {
        return Err(Error::list(
            path,
            Some(1),
            Some(&crate::untrusted::excerpt(h)),
            "the column appears twice",
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_quote_never_closed() {
        assert_eq!(unterminated_quote(b"a,b\n1,\"x\"\n"), None);
        assert_eq!(unterminated_quote(b"a,b\n1,\"x\"\"y\"\n"), None);
        assert_eq!(unterminated_quote(b"a,b\n1,ab\"c\n"), None);
        assert_eq!(unterminated_quote(b"a,b\n1,2\n3,\"open\n4,5\n"), Some(3));
        assert_eq!(unterminated_quote(b"\"a"), Some(1));
    }
}
