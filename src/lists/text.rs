//! Byte-to-text decoding for list files.

/// Decode bytes as Windows-1252, the encoding OFAC's legacy files use.
/// ASCII (every byte of today's files) passes through unchanged; valid
/// UTF-8 is accepted as such, since custom lists are usually UTF-8.
pub fn decode_windows_1252(bytes: &[u8]) -> String {
    let mut out = String::new();
    decode_windows_1252_into(bytes, &mut out);
    out
}

/// `decode_windows_1252`, appended to `out`.
pub fn decode_windows_1252_into(bytes: &[u8], out: &mut String) {
    match std::str::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => out.extend(bytes.iter().map(|&b| cp1252_char(b))),
    }
}

fn cp1252_char(b: u8) -> char {
    // 0x80-0x9F differ from Latin-1; five code points are undefined and
    // map to the C1 control of the same number, as browsers do.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_high_bytes_as_windows_1252() {
        assert_eq!(decode_windows_1252(b"ABC"), "ABC");
        assert_eq!(decode_windows_1252(b"Jos\xe9 \x80"), "José €");
        assert_eq!(decode_windows_1252("José".as_bytes()), "José");
    }
}
