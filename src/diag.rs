//! Diagnostics for files people write (evidence, rules, settings): each has
//! a stable kebab-case code, a location and a message, so that a policy
//! author can fix every problem from one run.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Stable diagnostic codes. The code is what documentation and scripts
/// key on, so a code is never renamed once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    TomlSyntax,
    UnknownKey,
    WrongType,
    MissingField,
    BadDate,
    BadValue,
    UnknownSource,
    UnknownCustomer,
    DuplicateId,
    CsvSyntax,
    RuleSyntax,
    RuleMissingFunction,
    RuleRuntime,
    RuleBadFinding,
    SettingsInvalid,
    RuleTestFailed,
    RuleTestInvalid,
    FileUnreadable,
    Unscreenable,
    AsOfBeforeEvidence,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::TomlSyntax,
        Code::UnknownKey,
        Code::WrongType,
        Code::MissingField,
        Code::BadDate,
        Code::BadValue,
        Code::UnknownSource,
        Code::UnknownCustomer,
        Code::DuplicateId,
        Code::CsvSyntax,
        Code::RuleSyntax,
        Code::RuleMissingFunction,
        Code::RuleRuntime,
        Code::RuleBadFinding,
        Code::SettingsInvalid,
        Code::RuleTestFailed,
        Code::RuleTestInvalid,
        Code::FileUnreadable,
        Code::Unscreenable,
        Code::AsOfBeforeEvidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::TomlSyntax => "toml-syntax",
            Code::UnknownKey => "unknown-key",
            Code::WrongType => "wrong-type",
            Code::MissingField => "missing-field",
            Code::BadDate => "bad-date",
            Code::BadValue => "bad-value",
            Code::UnknownSource => "unknown-source",
            Code::UnknownCustomer => "unknown-customer",
            Code::DuplicateId => "duplicate-id",
            Code::CsvSyntax => "csv-syntax",
            Code::RuleSyntax => "rule-syntax",
            Code::RuleMissingFunction => "rule-missing-function",
            Code::RuleRuntime => "rule-runtime",
            Code::RuleBadFinding => "rule-bad-finding",
            Code::SettingsInvalid => "settings-invalid",
            Code::RuleTestFailed => "rule-test-failed",
            Code::RuleTestInvalid => "rule-test-invalid",
            Code::FileUnreadable => "file-unreadable",
            Code::Unscreenable => "unscreenable",
            Code::AsOfBeforeEvidence => "as-of-before-evidence",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Code::TomlSyntax => "the file is not valid TOML",
            Code::UnknownKey => "a key that the format does not define (often a typo)",
            Code::WrongType => "a value of the wrong type, e.g. a string where a list is expected",
            Code::MissingField => "a required field is absent",
            Code::BadDate => "a date that is not YYYY-MM-DD or does not exist",
            Code::BadValue => "a value outside the allowed set or range",
            Code::UnknownSource => "a fact cites a source id that the file does not define",
            Code::UnknownCustomer => "a notification names a customer the file does not define",
            Code::DuplicateId => "two records share an id that must be unique",
            Code::CsvSyntax => "a CSV row that cannot be read",
            Code::RuleSyntax => "a rule script that does not compile",
            Code::RuleMissingFunction => "a rule script without the `check(ctx)` entry point",
            Code::RuleRuntime => "a rule script failed while running or hit a sandbox limit",
            Code::RuleBadFinding => {
                "a rule returned a finding without a valid verdict, code or message"
            }
            Code::SettingsInvalid => "the policy settings file is invalid",
            Code::RuleTestFailed => "a rule test case did not give the expected verdict or codes",
            Code::RuleTestInvalid => "a rule test case file is malformed",
            Code::FileUnreadable => "a file could not be read",
            Code::Unscreenable => {
                "a party whose name has no letters or digits and that has no identifier to screen"
            }
            Code::AsOfBeforeEvidence => {
                "the screening date is earlier than a date the evidence states"
            }
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in one file, with a 1-based line and column where known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Locate by byte offset into `text` (for serde/toml spans).
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, col) = line_col(text, offset);
        self.at(line, col)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}",
            crate::untrusted::terminal_safe(&self.file.display().to_string())
        )?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(
            f,
            ": error[{}]: {}",
            self.code,
            crate::untrusted::terminal_safe(&self.message)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(!code.description().is_empty());
            // serde name must equal the documented name
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 4));
    }
}
