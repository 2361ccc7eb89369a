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
    /// Config file (default: VETTER_CONFIG, else vetter.toml in VETTER_HOME,
    /// else in the platform's config folder). docs/configuration.md.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch, import and inspect list snapshots (`vetter lists` alone lists
    /// the stored snapshots).
    Lists(ListsArgs),
    /// Match a name (or a CSV of names and identifiers) against the lists.
    Match(MatchArgs),
    /// Score two names, or a CSV of name pairs, with explanations.
    Compare(CompareArgs),
    /// Screen a vendor: evidence + lists + policy → PASS, REVIEW or FAIL.
    Screen(ScreenArgs),
    /// Check and test a policy (settings and rule scripts).
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Verify, inspect, replay and repair a verdict log.
    #[command(subcommand)]
    Log(LogCommand),
    /// Screen each vendor's latest logged verdict again, with its recorded
    /// evidence and rules, against the current lists; say what changed.
    /// Exit 0 when no verdict changed, 10 when one needs review, 20 when
    /// one became FAIL.
    Rescreen(RescreenArgs),
    /// Record a reviewer's decision on one hit (false positive or
    /// confirmed) in a dispositions file, after checking that a screening
    /// of the evidence against the lists gives that hit.
    Dispose(DisposeArgs),
    /// Show a dispositions file, and which decisions no longer hold.
    #[command(subcommand)]
    Dispositions(DispositionsCommand),
    /// Serve the screening workflow over HTTP: a JSON API for procurement
    /// systems (docs/api.md). Loopback only unless told otherwise.
    Serve(ServeArgs),
    /// Manage the server's users and their API tokens.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Write an editable copy of the built-in policy, the example evidence,
    /// the sample lists and a commented vetter.toml into DIR.
    Init {
        /// Folder to write into (created if missing; default: the current one).
        dir: Option<PathBuf>,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) for `man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct RescreenArgs {
    /// The verdict log (default: `log` of the config file).
    #[arg(long, value_name = "FILE", env = "VETTER_LOG")]
    pub log: Option<PathBuf>,
    /// Apply the decisions in this dispositions file instead of those
    /// each verdict recorded (default: `dispositions` of the config file).
    #[arg(long, value_name = "FILE")]
    pub dispositions: Option<PathBuf>,
    #[command(flatten)]
    pub key: LogKeyArgs,
    #[command(flatten)]
    pub lists: ListArgs,
    /// Append the new verdicts to the log.
    #[arg(long)]
    pub append: bool,
    /// Screening date the rules see (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Output: text for people, json for programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ListsArgs {
    #[command(subcommand)]
    pub command: Option<ListsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Check every hash, link, MAC and sequence number; exit 0 only when intact.
    Verify {
        /// The verdict log (one JSON record per line).
        file: std::path::PathBuf,
        #[command(flatten)]
        key: LogKeyArgs,
        /// A head recorded earlier (`SEQ:HASH` or `HASH`, from `log head`):
        /// a log that no longer contains it was truncated or rewritten.
        #[arg(long, value_name = "HEAD")]
        expect_head: Option<String>,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the last sequence number and hash, to record elsewhere.
    Head {
        /// The verdict log (one JSON record per line).
        file: std::path::PathBuf,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List records, optionally filtered.
    Show {
        /// The verdict log (one JSON record per line).
        file: std::path::PathBuf,
        #[command(flatten)]
        key: LogKeyArgs,
        /// Vendor name contains this (case-insensitive).
        #[arg(long)]
        vendor: Option<String>,
        /// PASS, REVIEW or FAIL (any case).
        #[arg(long, value_parser = parse_level)]
        verdict: Option<crate::verdict::Level>,
        /// Records screened as of this date or later.
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<NaiveDate>,
        /// Records screened as of this date or earlier.
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<NaiveDate>,
        /// Only the record with this sequence number: with --format html or
        /// markdown, its verdict as a report.
        #[arg(long)]
        seq: Option<u64>,
        /// text or json: one line per record; html or markdown: the report
        /// of the record named by --seq.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Re-evaluate each record; with --rescreen, against the given newer lists.
    Replay {
        /// The verdict log (one JSON record per line).
        file: std::path::PathBuf,
        #[command(flatten)]
        key: LogKeyArgs,
        /// Where to look for the recorded lists (or, with --rescreen, the new lists).
        #[arg(long = "lists", value_name = "PATH")]
        lists: Vec<std::path::PathBuf>,
        /// Archive written by `vetter lists archive` (default: STORE/archive).
        #[arg(long, value_name = "DIR")]
        archive: Option<std::path::PathBuf>,
        /// Screen the recorded evidence and rules against --lists instead,
        /// and report which verdicts would change and why.
        #[arg(long)]
        rescreen: bool,
        #[command(flatten)]
        load: LoadArgs,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Remove a torn final line left by a crash (a backup is kept).
    Repair {
        /// The verdict log (one JSON record per line).
        file: std::path::PathBuf,
    },
}

/// The key of a verdict log, for the commands that read one.
#[derive(Debug, Clone, Args)]
pub struct LogKeyArgs {
    /// File holding the log's HMAC key (or set VETTER_LOG_KEY).
    #[arg(long, value_name = "FILE", env = "VETTER_LOG_KEY_FILE")]
    pub key_file: Option<std::path::PathBuf>,
    /// Accept a keyed log without its key: only the hash chain is checked,
    /// not the MACs (said in the output).
    #[arg(long)]
    pub no_key: bool,
}

fn parse_level(s: &str) -> Result<crate::verdict::Level, String> {
    crate::verdict::Level::parse(&s.to_ascii_uppercase())
        .ok_or_else(|| format!("`{s}` is not PASS, REVIEW or FAIL"))
}

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// Evidence file (TOML, docs/evidence.md); several files or folders of
    /// them screen a portfolio: one summary line per vendor.
    #[arg(required = true, num_args = 1..)]
    pub evidence: Vec<std::path::PathBuf>,
    /// Lists to screen against: an OFAC list folder or a watchlist CSV;
    /// repeat for several (default: the list store's current snapshots and
    /// the configured watchlists).
    #[arg(long = "lists", value_name = "PATH")]
    pub lists: Vec<std::path::PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Policy folder: policy.toml and *.rhai (default: `rules` of the
    /// config file, else the built-in policy).
    #[arg(long, value_name = "DIR", env = "VETTER_RULES")]
    pub rules: Option<std::path::PathBuf>,
    /// text, json, html or markdown for one vendor; text, jsonl or csv for
    /// a portfolio.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Screening date the rules see (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Append the verdict to this verdict log (docs/verdict-log.md;
    /// default: `log` of the config file).
    #[arg(long, value_name = "FILE", env = "VETTER_LOG")]
    pub log: Option<std::path::PathBuf>,
    /// File holding the log's HMAC key (default: `log_key_file` of the
    /// config file).
    #[arg(long, value_name = "FILE", env = "VETTER_LOG_KEY_FILE")]
    pub log_key_file: Option<std::path::PathBuf>,
    /// Exit 0 for any completed screening, whatever the verdict (for
    /// pipelines that read the printed verdict). Errors still exit 1.
    #[arg(long)]
    pub exit_zero: bool,
    /// For a portfolio: write each vendor's HTML report into DIR, with an
    /// index.html summary page linking them.
    #[arg(long, value_name = "DIR")]
    pub reports: Option<std::path::PathBuf>,
    /// Apply the decisions on reviewed hits in this file
    /// (docs/dispositions.md; default: `dispositions` of the config file).
    #[arg(long, value_name = "FILE")]
    pub dispositions: Option<std::path::PathBuf>,
}

/// `vetter serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free one, printed).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// The largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub max_body: usize,
    /// Screenings run at once; more wait for a slot.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_screenings: usize,
    /// Seconds a screening may wait for a slot before the answer is 503.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub queue_timeout: u64,
    /// Seconds a request may take in all before the answer is 503.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub request_timeout: u64,
    /// Seconds between looks at the list store for a newer current
    /// snapshot, which then replaces the one served (0: never look).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub reload_every: u64,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a user and print their API token (shown this once; only its
    /// argon2 hash is kept, in the users file).
    Add {
        /// The user's name, as log records and decisions will carry it.
        name: String,
        /// officer (screens, decides), auditor (reads, verifies) or admin.
        #[arg(long, default_value = "officer")]
        role: String,
    },
}

/// `vetter dispose`: one decision on one hit.
#[derive(Debug, Args)]
pub struct DisposeArgs {
    /// The dispositions file to record in (created if missing; default:
    /// `dispositions` of the config file).
    #[arg(long, value_name = "FILE")]
    pub dispositions: Option<PathBuf>,
    /// The evidence whose screening gave the hit.
    #[arg(long, value_name = "FILE")]
    pub evidence: PathBuf,
    /// The party: `vendor`, or a customer's id in the evidence.
    #[arg(long, value_name = "ID")]
    pub party: String,
    /// The hit: the list and the listed entity's id, as the verdict shows
    /// them (e.g. `ofac-sdn:12345`).
    #[arg(long, value_name = "LIST:ENTITY")]
    pub hit: String,
    /// `false-positive` (the party is not the listed entity) or
    /// `confirmed` (it is).
    #[arg(long, value_name = "DECISION")]
    pub decision: String,
    /// Why; clearing an identifier hit (same site, e-mail or crypto
    /// address) takes at least a sentence.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Who decided.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// The last day the decision holds (default: for good, while the
    /// listing, the party and the match stay as they are).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub expires: Option<NaiveDate>,
    #[command(flatten)]
    pub lists: ListArgs,
    /// Policy folder, for its matching threshold (default: `rules` of the
    /// config file, else the built-in policy).
    #[arg(long, value_name = "DIR", env = "VETTER_RULES")]
    pub rules: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DispositionsCommand {
    /// Every decision in a dispositions file.
    List {
        /// The dispositions file (default: `dispositions` of the config file).
        file: Option<PathBuf>,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Which decisions no longer hold against the current lists: expired,
    /// or the listing changed or was removed. Exit 10 when one does not.
    Check {
        /// The dispositions file (default: `dispositions` of the config file).
        file: Option<PathBuf>,
        #[command(flatten)]
        lists: ListArgs,
        /// The date to check expiry at (default: today, UTC).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Validate settings and scripts; report every problem with file:line:column.
    Check {
        /// Policy folder (default: `rules` of the config file, else the
        /// built-in policy).
        #[arg(env = "VETTER_RULES")]
        dir: Option<std::path::PathBuf>,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run the test cases in DIR/tests and report which fail.
    Test {
        /// Policy folder (default: `rules` of the config file).
        #[arg(env = "VETTER_RULES")]
        dir: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The name to screen (omit with --input).
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    pub name: Option<String>,
    /// CSV with a header: `name` required; optional `id`, `kind`, `country`,
    /// `website`, `email`, `crypto`, `code` (several values separated by `|`);
    /// other columns are carried through.
    #[arg(long, value_name = "FILE")]
    pub input: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub lists: ListArgs,
    /// person, organization (or org), vessel, aircraft or any.
    #[arg(long, default_value = "any")]
    pub kind: String,
    /// Country (ISO code or name) known for the query.
    #[arg(long)]
    pub country: Option<String>,
    /// Date of birth (YYYY-MM-DD) known for the query.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub dob: Option<NaiveDate>,
    /// A website or domain of the query (URL or host); repeat for several.
    #[arg(long, value_name = "URL")]
    pub website: Vec<String>,
    /// An e-mail address of the query; repeat for several.
    #[arg(long, value_name = "ADDRESS")]
    pub email: Vec<String>,
    /// A digital-currency address of the query; repeat for several.
    #[arg(long, value_name = "ADDRESS")]
    pub crypto: Vec<String>,
    /// An IMO or MMSI number, call sign or aircraft registration of the
    /// query, matched whole; repeat for several.
    #[arg(long, value_name = "CODE")]
    pub code: Vec<String>,
    /// Report hits scoring at least this (0 to 1).
    #[arg(long, default_value_t = crate::matching::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// At most this many hits per query (0 = all).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// text or json for one name; jsonl or csv for --input.
    #[arg(long)]
    pub format: Option<OutputFormat>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    /// The first name.
    pub left: Option<String>,
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    /// The second name.
    pub right: Option<String>,
    /// CSV with a header holding `name1,name2` (or `left,right`) and
    /// optionally `schema` or `kind`; every column is repeated in the output.
    #[arg(long, value_name = "FILE")]
    pub input: Option<std::path::PathBuf>,
    /// person, organization (or org), vessel, aircraft or any (for LEFT RIGHT).
    #[arg(long, default_value = "any")]
    pub kind: String,
    /// Threshold for the `match` column.
    #[arg(long, default_value_t = crate::matching::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// text or json for a pair; csv for --input.
    #[arg(long)]
    pub format: Option<OutputFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
    Csv,
    /// A self-contained HTML report (one vendor).
    Html,
    /// A Markdown report for a ticket (one vendor).
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
    Html,
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum ListsCommand {
    /// Counts per list and in total, with each snapshot's identity.
    Stats {
        #[command(flatten)]
        lists: ListArgs,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Everything known about one entity.
    Show {
        /// The list's own id (OFAC ent_num), optionally as LIST:ID.
        id: String,
        #[command(flatten)]
        lists: ListArgs,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Store list snapshots by content so that `log replay` can find them.
    Archive {
        #[command(flatten)]
        lists: ListArgs,
        /// Archive folder (default: STORE/archive).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
    },
    /// Download the official lists (lists/sources.toml), verify them and
    /// make them current in the list store.
    Fetch(FetchArgs),
    /// `fetch`, then show what changed against the previous current snapshot.
    Update(FetchArgs),
    /// Install list files obtained elsewhere (an air-gapped office), with
    /// the same checks as `fetch`.
    Import {
        /// A folder holding the files of one or more sources (sdn.csv, alt.csv,
        /// ..., cons_prim.csv, ...) and optionally their manifest.toml.
        path: PathBuf,
        /// Install even if the entity count falls by more than 5%.
        #[arg(long)]
        allow_shrink: bool,
        /// The publication date, when the folder has no manifest stating it.
        #[arg(long, value_name = "YYYY-MM-DD")]
        list_date: Option<NaiveDate>,
    },
    /// The stored snapshots with their dates and ages (the default).
    Ls {
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Entities added, removed and changed between two snapshots.
    Diff {
        /// The earlier snapshot: an OFAC list folder or a watchlist CSV.
        old: PathBuf,
        /// The later snapshot.
        new: PathBuf,
        #[command(flatten)]
        load: LoadArgs,
        /// Output: text for people, json for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// How `lists fetch` and `lists update` download.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Only this source (ofac-sdn, ofac-consolidated); repeat for several.
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Fetch every file from URL/<file name> instead of the publisher
    /// (default: VETTER_LISTS_MIRROR, else `mirror` of the config file).
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
    /// Install even if an entity count falls by more than 5%.
    #[arg(long)]
    pub allow_shrink: bool,
    /// Seconds a connection may stay silent before the attempt fails.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    /// Further attempts for a download that failed in a way that may pass.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
}

/// Which lists to load.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// An OFAC list folder (sdn.csv and/or cons_prim.csv with companions) or
    /// a custom watchlist CSV file. Repeat for several lists (default: the
    /// list store's current snapshots and the configured watchlists).
    #[arg(long = "lists", value_name = "PATH")]
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every command says what it is for.
    #[test]
    fn every_argument_has_help_text() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {} (command)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "vetter", &mut missing);
        assert!(missing.is_empty(), "without help text: {missing:#?}");
    }
}
