//! Text that comes from third parties (evidence, lists, uploads): what to
//! strip before a name is matched, and how to show it on a terminal
//! without letting it forge output.
//!
//! A vendor name holding a newline could print a second `PASS  ...` line;
//! ANSI escapes could colour a FAIL green; a right-to-left override could
//! show `Al-Shabaab` while the bytes spell it backwards. Text output
//! escapes all of these ([`terminal_safe`]); matching strips them and also
//! screens the order a reader sees ([`screened_forms`]). JSON output keeps
//! the exact text.

use std::borrow::Cow;

/// Characters that change how text is laid out or read, without being
/// letters: C0 and C1 controls, DEL, line and paragraph separators, and
/// the bidirectional embeddings, overrides, isolates and marks.
pub fn is_layout_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Characters that are not seen: the layout controls above plus the
/// zero-width and other format characters (soft hyphen, zero-width space
/// and joiners, word joiner, invisible operators, byte-order mark, tags).
/// Matching ignores them: `Al<ZWSP>-Shaba<SHY>ab` reads `Al-Shabaab`.
pub fn is_invisible(c: char) -> bool {
    is_layout_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2065}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// The text with every layout control written as an escape (`\n`, `\t`,
/// `\u{202e}`), so that it prints on one line, in the order of its bytes,
/// with no terminal control sequences. Text without any is borrowed.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_layout_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_layout_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most this many characters of third-party text go into a message.
pub const EXCERPT_CHARS: usize = 60;

/// A short, escaped excerpt of third-party text for an error message.
pub fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(EXCERPT_CHARS).collect();
    let cut = out.len() < s.len();
    out = terminal_safe(&out).into_owned();
    if cut {
        out.push('…');
    }
    out
}

/// The forms of a name to screen: the name without invisible characters,
/// and, when it uses a directional override, also the order in which a
/// reader sees it (`\u{202E}baabahS-lA` is seen as `Al-Shabaab`).
pub fn screened_forms(name: &str) -> Vec<String> {
    let mut forms = vec![visible(name)];
    if name.chars().any(|c| matches!(c, '\u{202D}' | '\u{202E}')) {
        let seen = visible(&seen_order(name));
        if !forms.contains(&seen) {
            forms.push(seen);
        }
    }
    forms
}

/// The visible text: terminal escape sequences (`ESC [ ... m`) removed,
/// other controls read as spaces (a line break separates words), and
/// invisible characters dropped.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // Terminal escape sequences show nothing: a control sequence
        // (`ESC [` or CSI) ends at its first byte in @..~; a string
        // (`ESC ]` title, `ESC P`, `ESC X`, `ESC ^`, `ESC _`, or their C1
        // forms) at BEL or `ESC \`; any other escape is two characters.
        let kind = match (c, chars.peek()) {
            ('\u{1b}', Some('[')) | ('\u{9b}', _) => Some(true),
            ('\u{1b}', Some(']' | 'P' | 'X' | '^' | '_')) | ('\u{9d}' | '\u{90}', _) => Some(false),
            ('\u{1b}', Some(_)) => {
                chars.next();
                continue;
            }
            _ => None,
        };
        if let Some(control) = kind {
            if c == '\u{1b}' {
                chars.next();
            }
            while let Some(d) = chars.next() {
                if control && ('@'..='~').contains(&d) {
                    break;
                }
                if !control && (d == '\u{7}' || d == '\u{9c}') {
                    break;
                }
                if !control && d == '\u{1b}' && chars.peek() == Some(&'\\') {
                    chars.next();
                    break;
                }
            }
        } else if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push(' ');
        } else if !is_invisible(c) {
            out.push(c);
        }
    }
    out
}

/// The characters of `text` in the order a bidirectional display shows
/// them (Unicode Bidirectional Algorithm, paragraph by paragraph).
fn seen_order(text: &str) -> String {
    let info = unicode_bidi::BidiInfo::new(text, None);
    let mut out = String::with_capacity(text.len());
    for para in &info.paragraphs {
        out.push_str(&info.reorder_line(para, para.range.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_escapes_controls_and_overrides_only() {
        assert_eq!(terminal_safe("Acme GmbH"), "Acme GmbH");
        assert!(matches!(terminal_safe("Acme"), Cow::Borrowed(_)));
        assert_eq!(terminal_safe("a\nPASS  b"), "a\\nPASS  b");
        assert_eq!(terminal_safe("\u{1b}[32mPASS"), "\\u{1b}[32mPASS");
        assert_eq!(terminal_safe("x\u{202E}y"), "x\\u{202e}y");
        assert_eq!(terminal_safe("\u{85}"), "\\u{85}");
        // Letters of every script pass through.
        assert_eq!(terminal_safe("حزب الله 习近平"), "حزب الله 习近平");
    }

    #[test]
    fn excerpt_is_short_and_escaped() {
        let long = "x".repeat(500);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt("a\r\nb"), "a\\r\\nb");
    }

    #[test]
    fn screened_forms_strip_invisibles_and_read_overrides_as_seen() {
        assert_eq!(screened_forms("Al\u{200B}-Shaba\u{AD}ab"), ["Al-Shabaab"]);
        let reversed: String = "Al-Shabaab".chars().rev().collect();
        let forms = screened_forms(&format!("\u{202E}{reversed}\u{202C}"));
        assert!(forms.contains(&"Al-Shabaab".to_owned()), "{forms:?}");
        assert_eq!(screened_forms("HAMAS"), ["HAMAS"]);
        assert_eq!(screened_forms("\u{1b}[32mHAMAS\u{1b}[0m\nX"), ["HAMAS X"]);
        assert_eq!(
            screened_forms("\u{1b}]0;title\u{7}HAMAS\u{1b}]0;x\u{1b}\\"),
            ["HAMAS"]
        );
    }
}
