//! `vetter serve`: the screening workflow behind one local HTTP server,
//! as a JSON API (`api`, docs/api.md) and as web pages for people
//! (`desk`, docs/desk.md). The lists and their index are loaded once and
//! shared, and replaced whole when the store's current snapshot changes;
//! every screening is logged before it is answered; each request names its
//! user, by an API token or a signed-in session (`vetter users add`).

mod api;
mod desk;
mod failure;
mod log_writer;
mod metrics;
mod ops;
pub mod users;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
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
    /// How long any request may take before it is answered 503.
    pub request_timeout: Duration,
    /// How often the store is looked at for a newer current snapshot
    /// (zero: never).
    pub reload_every: Duration,
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

/// The lists a request screens against: a snapshot, its matcher, the
/// files it was loaded from, and (worked out when first asked for) what
/// the store's last update of each source changed.
pub struct Served {
    lists: Lists,
    files: Vec<ListFile>,
    changes: OnceLock<Vec<ops::SourceChange>>,
}

/// A list folder or file served, and when it was last changed and its
/// size as the file system says: a new snapshot in the store is a new
/// folder, a watchlist edited in place a new time or size.
#[derive(PartialEq)]
struct ListFile {
    path: PathBuf,
    changed: Option<(std::time::SystemTime, u64)>,
}

fn list_files(paths: &[PathBuf]) -> Vec<ListFile> {
    paths
        .iter()
        .map(|p| ListFile {
            path: p.clone(),
            changed: std::fs::metadata(p)
                .and_then(|m| Ok((m.modified()?, m.len())))
                .ok(),
        })
        .collect()
}

impl Served {
    fn load(config: &Config, paths: Vec<PathBuf>) -> Result<Served> {
        let files = list_files(&paths);
        let snapshot = Snapshot::load(&paths, &LoadOptions::default())?;
        crate::commands::warn_incomplete(&snapshot);
        let index_dir = config.index_dir();
        let lists = Lists::new(snapshot, |s| match &index_dir {
            Some(dir) => crate::store::index_cache::matcher(s, dir),
            None => Matcher::new(s),
        });
        Ok(Served {
            lists,
            files,
            changes: OnceLock::new(),
        })
    }

    fn snapshot(&self) -> &Snapshot {
        self.lists.borrow_owner()
    }

    fn matcher(&self) -> &Matcher<'_> {
        self.lists.borrow_dependent()
    }
}

/// Everything the server's requests share.
pub struct App {
    config: Config,
    served: RwLock<Arc<Served>>,
    policy: Policy,
    users: users::Users,
    log: PathBuf,
    log_key: Option<PathBuf>,
    log_writer: log_writer::LogWriter,
    dispositions: PathBuf,
    screenings: tokio::sync::Semaphore,
    options: Options,
    metrics: metrics::Metrics,
    sessions: desk::Sessions,
    stopping: AtomicBool,
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
        let served = Served::load(config, crate::commands::list_paths(&[], config)?)?;
        let log_writer = log_writer::LogWriter::start(
            log.clone(),
            config.log_key_file.clone(),
            policy.files().into_iter().cloned().collect(),
        )
        .map_err(|e| Error::Usage(format!("the log writer could not start: {e}")))?;
        Ok(App {
            config: config.clone(),
            served: RwLock::new(Arc::new(served)),
            policy,
            users,
            log,
            log_key: config.log_key_file.clone(),
            log_writer,
            dispositions,
            screenings: tokio::sync::Semaphore::new(options.max_screenings.max(1)),
            options,
            metrics: metrics::Metrics::default(),
            sessions: desk::Sessions::default(),
            stopping: AtomicBool::new(false),
        })
    }

    /// The lists served now. A request keeps the ones it started with,
    /// even when newer ones replace them meanwhile.
    fn served(&self) -> Arc<Served> {
        match self.served.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Serve the store's current snapshots if they are no longer the ones
    /// served. Returns whether it switched.
    fn reload_if_changed(&self) -> Result<bool> {
        let paths = crate::commands::list_paths(&[], &self.config)?;
        if list_files(&paths) == self.served().files {
            return Ok(false);
        }
        let served = Arc::new(Served::load(&self.config, paths)?);
        let names: Vec<String> = served
            .snapshot()
            .lists
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l.name,
                    l.publication_date
                        .map_or("undated".to_owned(), |d| d.to_string())
                )
            })
            .collect();
        match self.served.write() {
            Ok(mut s) => *s = served,
            Err(poisoned) => *poisoned.into_inner() = served,
        }
        eprintln!("vetter serve: now serving {}", names.join(", "));
        Ok(true)
    }
}

/// Every route, the API's and the desk's, under the body size limit and
/// the request timeout.
fn router(app: &Arc<App>) -> axum::Router {
    api::router(Arc::clone(app))
        .merge(desk::router(Arc::clone(app)))
        .layer(axum::extract::DefaultBodyLimit::max(app.options.max_body))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(app),
            within_time,
        ))
}

/// Answer 503 when a request takes longer than the request timeout. A
/// screening already handed to the log writer is still logged: the log
/// may hold a verdict its client never saw, never the reverse.
async fn within_time(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(app.options.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => failure::Failure::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {} s",
                app.options.request_timeout.as_secs()
            ),
        )
        .into_response(),
    }
}

/// Look at the store every `every` until the server stops, and switch to
/// a newer current snapshot; a store that cannot be read keeps the lists
/// served as they are.
fn watch_store(app: Arc<App>, every: Duration) {
    let step = Duration::from_millis(200).min(every);
    let mut waited = Duration::ZERO;
    while !app.stopping.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        waited += step;
        if waited < every {
            continue;
        }
        waited = Duration::ZERO;
        if let Err(e) = app.reload_if_changed() {
            eprintln!("vetter serve: keeping the lists served: {e}");
        }
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
        let app = Arc::new(app);
        if !app.options.reload_every.is_zero() {
            let (watched, every) = (Arc::clone(&app), app.options.reload_every);
            std::thread::Builder::new()
                .name("store-watch".to_owned())
                .spawn(move || watch_store(watched, every))
                .map_err(|e| Error::Usage(format!("the store watcher could not start: {e}")))?;
        }
        let served = axum::serve(listener, router(&app))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| Error::Usage(format!("the server stopped: {e}")));
        app.stopping.store(true, Ordering::Relaxed);
        served
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
