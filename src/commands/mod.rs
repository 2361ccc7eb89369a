//! The command layer: reads files and the clock, calls the library, and
//! renders results as text or JSON.

mod lists;
mod log;
mod matching;
mod rules;
mod screen;

use std::io::Write;

use crate::cli::Command;
use crate::{Outcome, Result};

pub fn run(command: Command, out: &mut dyn Write) -> Result<Outcome> {
    match command {
        Command::Lists(cmd) => lists::run(cmd, out),
        Command::Match(args) => matching::run_match(args, out),
        Command::Compare(args) => matching::run_compare(args, out),
        Command::Screen(args) => screen::run(args, out),
        Command::Rules(cmd) => rules::run(cmd, out),
        Command::Log(cmd) => log::run(cmd, out),
    }
}
