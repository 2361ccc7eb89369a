//! What the server does, whichever door a request came in by: the JSON
//! API and the desk's pages both screen, decide and read the log through
//! these.

use axum::http::StatusCode;
use std::sync::Arc;

use serde::Serialize;
use serde_json::value::RawValue;

use super::failure::{Failure, Reply};
use super::log_writer::Pending;
use super::users::User;
use super::{App, Served};
use crate::audit::append::Appended;
use crate::audit::records;
use crate::audit::verify::{verify, Report};
use crate::dispositions::{decide, Disposition, Dispositions};
use crate::error::Error;
use crate::evidence::{Evidence, EvidenceFile};
use crate::lists::diff::Diff;
use crate::screen::{screen, Inputs};
use crate::verdict::Level;

/// A screening, logged.
pub struct Screened {
    pub level: Level,
    pub logged: Appended,
    /// The verdict document (`vetter screen --format json`), as JSON text.
    pub verdict: Box<RawValue>,
}

/// Run blocking work (files, matching) off the threads that answer
/// requests.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Reply<T> + Send + 'static,
) -> Reply<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(Failure::internal)?
}

/// Refuse a user who may not screen or decide.
pub fn may_decide(user: &User) -> Reply<()> {
    if user.role.decides() {
        return Ok(());
    }
    Err(Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!(
            "user `{}` is an auditor: auditors read and verify, they do not screen or decide",
            user.name
        ),
    ))
}

/// A verdict level as a filter names it (`PASS`, `REVIEW`, `FAIL`).
pub fn verdict_level(v: &str) -> Reply<Level> {
    Level::parse(v).ok_or_else(|| {
        Failure::new(
            StatusCode::BAD_REQUEST,
            "bad-value",
            "verdict is PASS, REVIEW or FAIL",
        )
    })
}

/// Wait for a screening slot (at most the queue timeout).
async fn screening_slot(app: &App) -> Reply<tokio::sync::SemaphorePermit<'_>> {
    tokio::time::timeout(app.options.queue_timeout, app.screenings.acquire())
        .await
        .map_err(|_| {
            Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "every screening slot stayed taken; try again",
            )
        })?
        .map_err(|_| {
            Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "stopping",
                "the server is stopping",
            )
        })
}

/// Evidence to screen, and the files it was read from.
pub type Read = Reply<(Evidence, Vec<EvidenceFile>)>;

/// Screen the evidence `read` gives against the lists served now, with
/// the current dispositions, and log the verdict under `user`: a verdict
/// that could not be logged is an error, never an answer. A screening slot
/// is held while the verdict is made, not while it waits for the disk, so
/// that screening goes on while the log is flushed.
pub async fn screen_and_log(
    app: &Arc<App>,
    read: impl FnOnce() -> Read + Send + 'static,
    user: String,
) -> Reply<Screened> {
    let started = std::time::Instant::now();
    let done = async {
        let slot = screening_slot(app).await?;
        let worker = Arc::clone(app);
        let made = on_screening_threads(move || {
            let (evidence, files) = read()?;
            make_verdict(&worker, &evidence, files, user)
        })
        .await?;
        drop(slot);
        let logged = app
            .log_writer
            .append(made.pending)
            .await
            .map_err(|e| Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "log-failed", e))?;
        Ok(Screened {
            level: made.level,
            logged,
            verdict: made.document,
        })
    }
    .await;
    match &done {
        Ok(s) => app.metrics.screened(s.level, started.elapsed()),
        Err(_) => app.metrics.failed(),
    }
    done
}

/// Run `work` on the threads that screen customers in parallel, so that
/// a screening and its customers' searches share them without handing
/// work between pools. A panic is an error answer, never a stopped server.
async fn on_screening_threads<T: Send + 'static>(
    work: impl FnOnce() -> Reply<T> + Send + 'static,
) -> Reply<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        let _ = done.send(outcome);
    });
    match result.await {
        Ok(Ok(reply)) => reply,
        Ok(Err(_)) => Err(Failure::internal("the screening failed unexpectedly")),
        Err(_) => Err(Failure::internal("the screening stopped")),
    }
}

/// A verdict made, to be logged.
struct Made {
    level: Level,
    document: Box<RawValue>,
    pending: Pending,
}

fn make_verdict(
    app: &App,
    evidence: &Evidence,
    files: Vec<EvidenceFile>,
    user: String,
) -> Reply<Made> {
    let served = app.served();
    let dispositions = Dispositions::load_or_new(&app.dispositions)?;
    let now = chrono::Utc::now();
    let verdict = screen(&Inputs {
        evidence,
        evidence_files: &files,
        matcher: served.matcher(),
        policy: &app.policy,
        dispositions: &dispositions,
        as_of: now.date_naive(),
        timestamp: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })?;
    let document = serde_json::value::to_raw_value(&verdict).map_err(Failure::internal)?;
    Ok(Made {
        level: verdict.verdict,
        document,
        pending: Pending {
            verdict,
            evidence: files,
            dispositions: dispositions.file,
            user,
            lists: served.snapshot().lists.clone(),
        },
    })
}

/// The evidence log record `seq` screened, and its files.
pub fn logged_evidence(app: &App, seq: u64) -> Reply<(Evidence, Vec<EvidenceFile>)> {
    let record = record(app, seq)?;
    let files: Vec<EvidenceFile> =
        serde_json::from_value(record.body["evidence_files"].clone()).map_err(Failure::internal)?;
    Ok((crate::evidence::parse::from_files(&files)?, files))
}

/// The log's bytes (none while there is no log) and its key, if any.
fn log_data(app: &App) -> Reply<(Vec<u8>, Option<Vec<u8>>)> {
    let data = if app.log.exists() {
        std::fs::read(&app.log).map_err(|e| Error::io(&app.log, e))?
    } else {
        Vec::new()
    };
    Ok((data, crate::audit::key::load(app.log_key.as_deref())?))
}

/// The log's records that `filter` keeps (none while there is no log).
pub fn read_log(app: &App, filter: &records::Filter) -> Reply<Vec<records::Logged>> {
    if !app.log.exists() {
        return Ok(Vec::new());
    }
    let (data, key) = log_data(app)?;
    Ok(records::read(
        &app.log,
        &data,
        key.as_deref(),
        false,
        filter,
    )?)
}

/// The whole log verified once: what `verify` says of it, and, when it is
/// intact, the records `filter` keeps.
pub fn verified_log(app: &App, filter: &records::Filter) -> Reply<(Report, Vec<records::Logged>)> {
    let (data, key) = log_data(app)?;
    let report = verify(&data, key.as_deref(), None);
    let found = if report.intact() {
        records::read_verified(&app.log, &data, &report, key.is_some(), false, filter)?
    } else {
        Vec::new()
    };
    Ok((report, found))
}

/// Log record `seq`.
pub fn record(app: &App, seq: u64) -> Reply<records::Logged> {
    let filter = records::Filter {
        seq: Some(seq),
        ..records::Filter::default()
    };
    read_log(app, &filter)?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::not_found(format!("no record {seq}")))
}

/// Verify the whole log, with its key when it has one.
pub fn verify_log(app: &App) -> Reply<Report> {
    let (data, key) = log_data(app)?;
    Ok(verify(&data, key.as_deref(), None))
}

/// A reviewer's decision on a hit that log record `seq` gave.
pub struct Decision<'a> {
    pub seq: u64,
    pub request: decide::Request<'a>,
}

/// Check a decision against the lists served now, with the evidence that
/// record `seq` screened, and write it to the dispositions file. Returns
/// the disposition and whether it replaced an earlier one.
pub fn record_decision(app: &App, d: &Decision<'_>) -> Reply<(Disposition, bool)> {
    let (evidence, _) = logged_evidence(app, d.seq)?;
    let served = app.served();
    let threshold = app.policy.settings.matching.threshold;
    let disposition = decide::decide(
        &evidence,
        &d.request,
        served.matcher(),
        threshold,
        chrono::Utc::now(),
    )?;
    Ok(Dispositions::update(&app.dispositions, |all| {
        let replaced = all
            .find(&disposition.party, &disposition.list, &disposition.entity)
            .is_some();
        all.record(disposition.clone());
        (disposition, replaced)
    })?)
}

/// Each list served, with its age in days today when its date is known.
pub fn list_ages(served: &Served) -> Vec<(String, Option<i64>)> {
    let today = chrono::Utc::now().date_naive();
    served
        .snapshot()
        .lists
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                l.publication_date.map(|d| (today - d).num_days()),
            )
        })
        .collect()
}

/// What the store's last update of one source changed: the snapshot
/// served against the one before it.
#[derive(Serialize)]
pub struct SourceChange {
    pub source: String,
    pub previous: Option<String>,
    pub current: String,
    pub diff: Option<Diff>,
    /// Why the change could not be worked out.
    pub problem: Option<String>,
}

/// The last update's changes of each source served from the store,
/// worked out once per set of lists served.
pub fn last_changes<'s>(app: &App, served: &'s Served) -> &'s [SourceChange] {
    served.changes.get_or_init(|| match app.config.store() {
        Ok(store) => changes_in(&store),
        Err(_) => Vec::new(),
    })
}

fn changes_in(store: &crate::store::Store) -> Vec<SourceChange> {
    let (current, stored) = match (store.current(), store.snapshots()) {
        (Ok(c), Ok(s)) => (c, s),
        (Err(e), _) | (_, Err(e)) => {
            return vec![SourceChange {
                source: "store".to_owned(),
                previous: None,
                current: String::new(),
                diff: None,
                problem: Some(e.to_string()),
            }]
        }
    };
    let folder = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    current
        .into_iter()
        .map(|(source, path)| {
            // Snapshot folders are named by date first, so the one before
            // the current in name order is the one it replaced.
            let previous = stored
                .iter()
                .filter(|s| s.source == source && s.path < path)
                .map(|s| s.path.clone())
                .max();
            let options = crate::lists::LoadOptions::default();
            let diff = previous.as_ref().map(|prev| -> crate::error::Result<Diff> {
                let old = crate::lists::Snapshot::load(std::slice::from_ref(prev), &options)?;
                let new = crate::lists::Snapshot::load(std::slice::from_ref(&path), &options)?;
                Ok(crate::lists::diff::compute(&old, &new))
            });
            let (diff, problem) = match diff {
                None => (None, None),
                Some(Ok(d)) => (Some(d), None),
                Some(Err(e)) => (None, Some(e.to_string())),
            };
            SourceChange {
                source,
                previous: previous.as_deref().map(folder),
                current: folder(&path),
                diff,
                problem,
            }
        })
        .collect()
}
