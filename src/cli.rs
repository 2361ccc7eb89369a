//! Command-line interface (clap derive). Everything here is parsing; the
//! work happens in `commands`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "vetter",
    version,
    about = "Screen vendors and their customers against sanctions and watch lists",
    after_help = "Exit codes: 0 PASS or success, 10 REVIEW, 20 FAIL, \
                  1 could not complete (bad input, lists, rules or log), 2 usage error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect, compare and archive list snapshots.
    #[command(subcommand)]
    Lists(ListsCommand),
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Counts per list and in total, with each snapshot's identity.
    Stats {
        #[command(flatten)]
        lists: ListArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Everything known about one entity.
    Show {
        /// The list's own id (OFAC ent_num), optionally as LIST:ID.
        id: String,
        #[command(flatten)]
        lists: ListArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Entities added, removed and changed between two snapshots.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Which lists to load.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// An OFAC list folder (sdn.csv and/or cons_prim.csv with companions) or
    /// a custom watchlist CSV file. Repeat for several lists.
    #[arg(long = "lists", value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// How to load lists.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Accept an OFAC folder that lacks alt/add/comments files; the
    /// snapshot identity then names the missing files.
    #[arg(long)]
    pub allow_partial: bool,
    /// Skip malformed rows in official files with a counted warning
    /// instead of failing. Empty or truncated files still fail.
    #[arg(long)]
    pub tolerant: bool,
    /// Publication date for lists whose folder has no manifest date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub list_date: Option<NaiveDate>,
}

impl LoadArgs {
    pub fn options(&self) -> crate::lists::LoadOptions {
        crate::lists::LoadOptions {
            allow_partial: self.allow_partial,
            tolerant: self.tolerant,
            publication_date: self.list_date,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
