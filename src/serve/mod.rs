//! `vetter serve`: the screening workflow behind one local HTTP server
//! (docs/api.md). The lists and their index are loaded once and shared;
//! every screening is logged before it is answered; each request names
//! its user by an API token (`vetter users add`).

mod api;
mod log_writer;
mod metrics;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::lists::{LoadOptions, Snapshot};
use crate::matching::search::Matcher;
use crate::rules::Policy;

/// How the server runs (`vetter serve` flags).
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    /// The largest request body read, in bytes.
    pub max_body: usize,
    /// How long a screening may wait for a free slot.
    pub queue_timeout: Duration,
    /// Screenings run at once (each uses every core for its customers).
    pub max_screenings: usize,
}

self_cell::self_cell!(
    /// A list snapshot and its matcher, loaded once and shared by every
    /// request.
    pub struct Lists {
        owner: Snapshot,
        #[covariant]
        dependent: Matcher,
    }
);

/// Everything the server's requests share.
pub struct App {
    lists: Lists,
    policy: Policy,
    users: users::Users,
    log: PathBuf,
    log_key: Option<PathBuf>,
    log_writer: log_writer::LogWriter,
    dispositions: PathBuf,
    screenings: tokio::sync::Semaphore,
    options: Options,
    metrics: metrics::Metrics,
}

/// A file in vetter's data folder, where the config names none.
fn in_data(configured: Option<&PathBuf>, config: &Config, name: &str) -> Result<PathBuf> {
    configured
        .cloned()
        .or_else(|| config.data.as_ref().map(|d| d.join(name)))
        .ok_or_else(|| {
            Error::Usage(format!(
                "no folder for the server's {name}: set VETTER_HOME, or name it in vetter.toml"
            ))
        })
}

/// The users file of this configuration.
pub fn users_file(config: &Config) -> Result<PathBuf> {
    in_data(config.users.as_ref(), config, "users.toml")
}

impl App {
    /// Load the lists (the store's current snapshots and configured
    /// watchlists), their index, the policy and the users.
    pub fn load(config: &Config, options: Options) -> Result<App> {
        let log = in_data(config.log.as_ref(), config, "verdicts.jsonl")?;
        let dispositions = in_data(config.dispositions.as_ref(), config, "dispositions.toml")?;
        let users = users::Users::load(&users_file(config)?)?;
        if users.is_empty() {
            return Err(Error::Usage(format!(
                "no users in {}: add one with `vetter users add NAME --role officer`",
                users_file(config)?.display()
            )));
        }
        let policy = crate::commands::load_policy(None, config)?;
        let snapshot = crate::commands::load_lists(&[], &LoadOptions::default(), config)?;
        let index_dir = config.index_dir();
        let lists = Lists::new(snapshot, |s| match &index_dir {
            Some(dir) => crate::store::index_cache::matcher(s, dir),
            None => Matcher::new(s),
        });
        let metrics = metrics::Metrics::default();
        let log_writer = log_writer::LogWriter::start(
            log.clone(),
            config.log_key_file.clone(),
            policy.files().into_iter().cloned().collect(),
            lists.borrow_owner().lists.clone(),
        )
        .map_err(|e| Error::Usage(format!("the log writer could not start: {e}")))?;
        Ok(App {
            lists,
            policy,
            users,
            log,
            log_key: config.log_key_file.clone(),
            log_writer,
            dispositions,
            screenings: tokio::sync::Semaphore::new(options.max_screenings.max(1)),
            options,
            metrics,
        })
    }

    fn snapshot(&self) -> &Snapshot {
        self.lists.borrow_owner()
    }

    fn matcher(&self) -> &Matcher<'_> {
        self.lists.borrow_dependent()
    }
}

/// Serve until SIGINT or SIGTERM: requests already accepted finish.
/// Prints the address it listens on (port 0 picks a free one) first.
pub fn run(app: App, out: &mut dyn std::io::Write) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("the server could not start: {e}")))?;
    let listen = app.options.listen;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Error::Usage(format!("cannot listen on {listen}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Usage(e.to_string()))?;
        writeln!(out, "listening on http://{bound}").map_err(crate::output::stdout_err)?;
        out.flush().map_err(crate::output::stdout_err)?;
        axum::serve(listener, api::router(Arc::new(app)))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| Error::Usage(format!("the server stopped: {e}")))
    })?;
    eprintln!("vetter serve: stopped; every answered screening is in the log");
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    eprintln!("vetter serve: stopping; finishing the requests in flight");
}
