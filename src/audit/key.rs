//! The optional log key: from a key file or the `VETTER_LOG_KEY`
//! environment variable, never from the command line (where it would show
//! in process listings and shell history).

use std::path::Path;

use crate::error::{Error, Result};

pub const ENV: &str = "VETTER_LOG_KEY";

pub fn load(key_file: Option<&Path>) -> Result<Option<Vec<u8>>> {
    let from_env = match std::env::var(ENV) {
        Ok(k) if k.len() >= 16 => Some(k.into_bytes()),
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{ENV}: a log key needs at least 16 bytes"
            )))
        }
        Err(_) => None,
    };
    let Some(path) = key_file else {
        return Ok(from_env);
    };
    let data = crate::input::read(path, crate::input::KEY_FILE)?;
    let trimmed: Vec<u8> = data.trim_ascii().to_vec();
    if trimmed.len() < 16 {
        return Err(Error::Usage(format!(
            "{}: a log key needs at least 16 bytes",
            path.display()
        )));
    }
    // Two different keys: which one the log was written with cannot be
    // guessed, and a wrong guess would mix keys in one log.
    if from_env.as_ref().is_some_and(|k| *k != trimmed) {
        return Err(Error::Usage(format!(
            "the key in {} differs from {ENV}: give one key only",
            path.display()
        )));
    }
    Ok(Some(trimmed))
}
