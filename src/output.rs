//! Writing results: JSON with a trailing newline, and IO errors mapped to
//! `Error::Io` on standard output.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, Result};

pub fn stdout_err(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Usage(e.to_string()))?;
    writeln!(out, "{text}").map_err(stdout_err)
}

/// `write!` to the command's output, mapping IO errors.
#[macro_export]
macro_rules! out {
    ($w:expr, $($arg:tt)*) => {
        writeln!($w, $($arg)*).map_err($crate::output::stdout_err)?
    };
}
