//! The command layer: reads files and the clock, calls the library, and
//! renders results as text or JSON.

mod lists;
mod log;
mod matching;
mod rules;
mod screen;

use std::io::Write;
use std::path::PathBuf;

pub use screen::render as render_verdict;

use crate::cli::Command;
use crate::lists::{LoadOptions, Snapshot};
use crate::{Error, Outcome, Result};

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

/// At most this many skipped-row lines go to stderr; the count is always
/// in the snapshot identity.
const MAX_ROW_WARNINGS: usize = 20;

/// Load the lists a command names, and say on stderr what the snapshot
/// misses (a sample, missing files, skipped rows, cut remarks): a person
/// running the command sees it even when the output is piped elsewhere.
pub fn load_lists(paths: &[PathBuf], options: &LoadOptions) -> Result<Snapshot> {
    if paths.is_empty() {
        return Err(Error::Usage(
            "no lists to screen against: pass --lists PATH (an OFAC list folder or a watchlist CSV; repeat for several)".to_owned(),
        ));
    }
    let snapshot = Snapshot::load(paths, options)?;
    warn_incomplete(&snapshot);
    Ok(snapshot)
}

pub fn warn_incomplete(snapshot: &Snapshot) {
    for line in snapshot.warnings.iter().take(MAX_ROW_WARNINGS) {
        eprintln!("warning: {}", crate::untrusted::terminal_safe(line));
    }
    if snapshot.warnings.len() > MAX_ROW_WARNINGS {
        eprintln!(
            "warning: ... and {} more skipped row(s)",
            snapshot.warnings.len() - MAX_ROW_WARNINGS
        );
    }
    for list in &snapshot.lists {
        for problem in list.problems() {
            eprintln!(
                "warning: {}: no screening against it can pass",
                crate::untrusted::terminal_safe(&problem)
            );
        }
    }
}
