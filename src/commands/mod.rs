//! The command layer: reads files and the clock, calls the library, and
//! renders results as text or JSON.

mod dispose;
mod init;
mod lists;
mod log;
mod matching;
mod portfolio;
mod rescreen;
mod rules;
mod screen;
mod store;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use screen::render as render_verdict;

use crate::cli::{Cli, Command, ListsCommand};
use crate::config::Config;
use crate::dispositions::Dispositions;
use crate::lists::{LoadOptions, Snapshot};
use crate::rules::Policy;
use crate::{Error, Outcome, Result};

pub fn run(cli: Cli, out: &mut dyn Write) -> Result<Outcome> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Lists(args) => {
            let cmd = args.command.unwrap_or(ListsCommand::Ls {
                format: crate::cli::Format::Text,
            });
            lists::run(cmd, &config, out)
        }
        Command::Match(args) => matching::run_match(args, &config, out),
        Command::Compare(args) => matching::run_compare(args, out),
        Command::Screen(args) => screen::run(args, &config, out),
        Command::Rules(cmd) => rules::run(cmd, &config, out),
        Command::Log(cmd) => log::run(cmd, &config, out),
        Command::Rescreen(args) => rescreen::run(&args, &config, out),
        Command::Serve(args) => {
            let options = crate::serve::Options {
                listen: args.listen,
                max_body: args.max_body,
                queue_timeout: std::time::Duration::from_secs(args.queue_timeout),
                max_screenings: args.max_screenings,
                request_timeout: std::time::Duration::from_secs(args.request_timeout),
                reload_every: std::time::Duration::from_secs(args.reload_every),
            };
            crate::serve::run(crate::serve::App::load(&config, options)?, out)?;
            Ok(Outcome::Success)
        }
        Command::Users(crate::cli::UsersCommand::Add { name, role }) => {
            let role = crate::serve::users::Role::parse(&role).ok_or_else(|| {
                Error::Usage(format!("--role `{role}`: say officer, auditor or admin"))
            })?;
            let file = crate::serve::users_file(&config)?;
            let token = crate::serve::users::add(&file, &name, role)?;
            crate::out!(out, "{token}");
            eprintln!(
                "user `{name}` added to {}; the token above is shown once and kept nowhere",
                file.display()
            );
            Ok(Outcome::Success)
        }
        Command::Dispose(args) => dispose::run_dispose(&args, &config, out),
        Command::Dispositions(cmd) => dispose::run_dispositions(&cmd, &config, out),
        Command::Init { dir, force } => init::run(dir.as_deref(), force, out),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "vetter", out);
            Ok(Outcome::Success)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .map_err(|e| Error::io("(standard output)", e))?;
            Ok(Outcome::Success)
        }
    }
}

/// The policy a command uses: the folder given (flag or VETTER_RULES),
/// else the config file's, else the one built into the binary.
pub fn load_policy(dir: Option<&Path>, config: &Config) -> Result<Policy> {
    match dir.or(config.rules.as_deref()) {
        Some(dir) => Policy::load(dir),
        None => Policy::built_in(),
    }
}

/// Write a verdict as an HTML or Markdown report.
pub fn write_report(
    w: &mut dyn Write,
    doc: &crate::report::Doc,
    logged: Option<&crate::report::Logged>,
    html: bool,
) -> Result<()> {
    let text = if html {
        crate::report::html::render(doc, logged)
    } else {
        crate::report::markdown::render(doc, logged)
    };
    w.write_all(text.as_bytes())
        .map_err(|e| Error::io("(standard output)", e))
}

/// A matcher for the loaded lists, its index read from the list store when
/// it was built before (`store::index_cache`).
pub fn matcher<'s>(
    snapshot: &'s Snapshot,
    config: &Config,
) -> crate::matching::search::Matcher<'s> {
    match config.index_dir() {
        Some(dir) => crate::store::index_cache::matcher(snapshot, &dir),
        None => crate::matching::search::Matcher::new(snapshot),
    }
}

/// The lists a command screens against: those given, else the store's
/// current snapshots and the configured watchlists. Never the sample.
pub fn list_paths(given: &[PathBuf], config: &Config) -> Result<Vec<PathBuf>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let store = config.store()?;
    // In catalogue order (SDN first), as a user would name them.
    let order: Vec<String> = crate::store::sources::fetched()?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let mut current: Vec<(String, PathBuf)> = store.current()?.into_iter().collect();
    current.sort_by_key(|(name, _)| order.iter().position(|n| n == name));
    let mut paths: Vec<PathBuf> = current.into_iter().map(|(_, p)| p).collect();
    if paths.is_empty() {
        return Err(Error::Usage(format!(
            "no lists to screen against: the list store {} has no current snapshot. \
             Run `vetter lists fetch` (or `vetter lists import PATH` with files obtained \
             elsewhere), or pass --lists PATH",
            store.root().display()
        )));
    }
    paths.extend(config.watchlists.iter().cloned());
    Ok(paths)
}

/// The decisions a screening applies: those of `--dispositions` (which
/// must exist), else of the config file's `dispositions` (none yet when it
/// does not exist), else none.
pub fn load_dispositions(given: Option<&Path>, config: &Config) -> Result<Dispositions> {
    match (given, config.dispositions.as_deref()) {
        (Some(path), _) => Dispositions::load(path),
        (None, Some(path)) => Dispositions::load_or_new(path),
        (None, None) => Ok(Dispositions::none()),
    }
}

/// At most this many skipped-row lines go to stderr; the count is always
/// in the snapshot identity.
const MAX_ROW_WARNINGS: usize = 20;

/// Load the lists a command names, and say on stderr what the snapshot
/// misses (a sample, missing files, skipped rows, cut remarks): a person
/// running the command sees it even when the output is piped elsewhere.
pub fn load_lists(given: &[PathBuf], options: &LoadOptions, config: &Config) -> Result<Snapshot> {
    let paths = list_paths(given, config)?;
    let snapshot = Snapshot::load(&paths, options)?;
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
