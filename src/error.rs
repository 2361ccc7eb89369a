//! The library's error type. Every variant says *where* (file, line, field,
//! rule) and *what* was expected, because the people reading these messages
//! are procurement officers and auditors, not the authors of the code.

use std::path::PathBuf;

use crate::diag::Diagnostic;

/// Anything that stops a command from completing. A screening that ends in
/// an `Error` never yields a verdict (exit code 1).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {}", safe(&path.display().to_string()), safe(&source.to_string()))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A list file that could not be loaded as its format requires.
    #[error("{}", render_located(path, *line, field.as_deref(), message))]
    List {
        path: PathBuf,
        line: Option<u64>,
        field: Option<String>,
        message: String,
    },

    /// Problems found while validating a file a person wrote (evidence,
    /// rules, settings); all of them are reported at once.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),

    /// A rule script failed while it ran (runtime error, limit reached).
    #[error("rule {}: {}", safe(rule), safe(message))]
    Rule { rule: String, message: String },

    /// The verdict log could not be read or written.
    #[error("{}", render_located(path, *line, None, message))]
    Log {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },

    /// The command line asked for something that cannot be done.
    #[error("{}", safe(.0))]
    Usage(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn list(
        path: impl Into<PathBuf>,
        line: Option<u64>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Error::List {
            path: path.into(),
            line,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

fn render_located(
    path: &std::path::Path,
    line: Option<u64>,
    field: Option<&str>,
    message: &str,
) -> String {
    let mut out = safe(&path.display().to_string()).into_owned();
    if let Some(line) = line {
        out.push_str(&format!(":{line}"));
    }
    if let Some(field) = field {
        out.push_str(&format!(": field `{}`", safe(field)));
    }
    out.push_str(": ");
    out.push_str(&safe(message));
    out
}

/// Messages may quote third-party text: never let it control the terminal.
fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    crate::untrusted::terminal_safe(s)
}

fn render_diagnostics(diags: &[Diagnostic]) -> String {
    let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
    format!(
        "{} problem{} found:\n{}",
        diags.len(),
        if diags.len() == 1 { "" } else { "s" },
        lines.join("\n")
    )
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
