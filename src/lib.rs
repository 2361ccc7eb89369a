//! vetter: compliance screening for procurement decisions.
//!
//! Lists are loaded into an immutable [`lists::Snapshot`]; the command
//! layer in [`commands`] reads the clock and the files, the rest is pure.

pub mod allocator;
pub mod audit;
pub mod cli;
pub mod commands;
pub mod config;
pub mod csvfile;
pub mod diag;
pub mod dispositions;
pub mod embedded;
pub mod error;
pub mod evidence;
pub mod files;
pub mod input;
pub mod lists;
pub mod matching;
pub mod output;
pub mod report;
pub mod rules;
pub mod screen;
pub mod serve;
pub mod store;
pub mod tomlwalk;
pub mod untrusted;
pub mod verdict;

pub use error::{Error, Result};

/// How a command ended, mapped to the documented exit codes by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The command did what was asked (or the verdict is PASS): exit 0.
    Success,
    /// Screening verdict REVIEW: exit 10.
    Review,
    /// Screening verdict FAIL: exit 20.
    Fail,
    /// The command ran but found a problem it reports (a broken log, a
    /// failing rule test): exit 1.
    Problem,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Review => 10,
            Outcome::Fail => 20,
            Outcome::Problem => 1,
        }
    }
}

/// Run a parsed command line, writing results to `out`.
pub fn run(cli: cli::Cli, out: &mut dyn std::io::Write) -> Result<Outcome> {
    commands::run(cli, out)
}
