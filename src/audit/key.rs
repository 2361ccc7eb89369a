//! The optional log key: from a key file or the `VETTER_LOG_KEY`
//! environment variable, never from the command line (where it would show
//! in process listings and shell history).

use std::path::Path;

use crate::error::{Error, Result};

pub const ENV: &str = "VETTER_LOG_KEY";

pub fn load(key_file: Option<&Path>) -> Result<Option<Vec<u8>>> {
    if let Some(path) = key_file {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let trimmed: Vec<u8> = data.trim_ascii().to_vec();
        if trimmed.len() < 16 {
            return Err(Error::Usage(format!(
                "{}: a log key needs at least 16 bytes",
                path.display()
            )));
        }
        return Ok(Some(trimmed));
    }
    match std::env::var(ENV) {
        Ok(k) if k.len() >= 16 => Ok(Some(k.into_bytes())),
        Ok(_) => Err(Error::Usage(format!(
            "{ENV}: a log key needs at least 16 bytes"
        ))),
        Err(_) => Ok(None),
    }
}
