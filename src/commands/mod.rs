//! The command layer: reads files and the clock, calls the library, and
//! renders results as text or JSON.

mod lists;

use std::io::Write;

use crate::cli::Command;
use crate::{Outcome, Result};

pub fn run(command: Command, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        Command::Lists(cmd) => lists::run(cmd, out),
    }
}
