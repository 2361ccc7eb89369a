//! The JSON API (docs/api.md). Every error is `{"error": {"code",
//! "message"}}` with the CLI's diagnostic codes where there are some.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::users::User;
use super::App;
use crate::audit::records;
use crate::dispositions::Dispositions;
use crate::error::Error;
use crate::evidence::EvidenceFile;
use crate::matching::candidates::Scratch;
use crate::matching::names::normalize::NameKind;
use crate::matching::search::{Query as MatchQuery, Settings as MatchSettings};
use crate::screen::{screen, Inputs};

type Shared = State<Arc<App>>;

pub fn router(app: Arc<App>) -> Router {
    let limit = app.options.max_body;
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route("/api/v1/screen", post(screen_vendor))
        .route("/api/v1/match", post(match_names))
        .route("/api/v1/dispositions", post(dispose))
        .route("/api/v1/lists", get(lists))
        .route("/api/v1/log", get(log))
        .route("/api/v1/log/verify", get(verify_log))
        .route("/api/v1/log/{seq}", get(log_record))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(app)
}

/// An error answer.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    diagnostics: Option<Box<Value>>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            diagnostics: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(d) = self.diagnostics {
            error["diagnostics"] = *d;
        }
        (self.status, Json(json!({ "error": error }))).into_response()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let message = e.to_string();
        match e {
            Error::Invalid(diags) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: diags.first().map_or("invalid", |d| d.code.as_str()),
                message,
                diagnostics: serde_json::to_value(&diags).ok().map(Box::new),
            },
            Error::Usage(_) => ApiError::new(StatusCode::BAD_REQUEST, "bad-request", message),
            Error::Log { .. } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "log-failed", message)
            }
            Error::Rule { .. } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "rule-failed", message)
            }
            Error::Io { .. } | Error::List { .. } => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            }
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Run `work` on the blocking pool: screening, matching and file I/O would
/// hold up the threads that answer requests.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

/// The user a request's bearer token names.
fn user<'a>(app: &'a App, headers: &HeaderMap) -> ApiResult<&'a User> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send `Authorization: Bearer TOKEN` (a token from `vetter users add`)",
            )
        })?;
    // argon2 costs tens of milliseconds the first time a token is seen.
    tokio::task::block_in_place(|| app.users.authenticate(token.trim())).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the token is not valid",
        )
    })
}

/// The user, who must be one who screens and decides.
fn officer<'a>(app: &'a App, headers: &HeaderMap) -> ApiResult<&'a User> {
    let u = user(app, headers)?;
    if !u.role.decides() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "user `{}` is an auditor: auditors read and verify, they do not screen or decide",
                u.name
            ),
        ));
    }
    Ok(u)
}

fn body(b: Result<Bytes, BytesRejection>, limit: usize) -> ApiResult<Bytes> {
    b.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("the request body is larger than {limit} bytes"),
        ),
        status => ApiError::new(status, "bad-request", e.body_text()),
    })
}

/// A JSON request body of the shape docs/api.md gives `what`.
fn json_request<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "json-syntax",
            format!("not {what} (docs/api.md): {e}"),
        )
    })
}

/// Evidence as TOML, or the same structure as JSON (written as TOML so
/// that one parser, with its located diagnostics, reads both).
fn evidence_text(headers: &HeaderMap, bytes: &[u8]) -> ApiResult<String> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-utf8",
            "the body is not UTF-8",
        )
    })?;
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/toml");
    if !kind.starts_with("application/json") {
        return Ok(text.to_owned());
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "json-syntax",
            format!("the body is not JSON: {e}"),
        )
    })?;
    let table = toml::Value::try_from(value).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong-type",
            format!("the JSON does not have the evidence's shape (docs/evidence.md): {e}"),
        )
    })?;
    toml::to_string(&table).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong-type",
            format!("the JSON does not have the evidence's shape (docs/evidence.md): {e}"),
        )
    })
}

async fn screen_vendor(
    State(app): Shared,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let started = Instant::now();
    let result = screen_request(&app, &headers, b).await;
    match &result {
        Ok((level, _)) => app.metrics.screened(*level, started.elapsed()),
        Err(_) => app.metrics.failed(),
    }
    result.map(|(_, v)| Json(v))
}

async fn screen_request(
    app: &Arc<App>,
    headers: &HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> ApiResult<(crate::verdict::Level, Value)> {
    let bytes = body(b, app.options.max_body)?;
    let user = officer(app, headers)?.name.clone();
    let text = evidence_text(headers, &bytes)?;
    let _slot = tokio::time::timeout(app.options.queue_timeout, app.screenings.acquire())
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "every screening slot stayed taken; try again",
            )
        })?
        .map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "stopping",
                "the server is stopping",
            )
        })?;
    let app = Arc::clone(app);
    blocking(move || screen_and_log(&app, &text, &user)).await?
}

/// Screen evidence and log the verdict: a verdict that could not be
/// logged is an error, never an answer.
fn screen_and_log(app: &App, text: &str, user: &str) -> ApiResult<(crate::verdict::Level, Value)> {
    let name = "request.toml";
    let evidence = crate::evidence::parse::parse(std::path::Path::new(name), text, &mut |csv| {
        Err(format!(
            "`{csv}`: a screening over the API carries its customers in the evidence ([[customers]]); it reads no files"
        ))
    })?;
    let files = [EvidenceFile {
        name: name.to_owned(),
        sha256: crate::lists::identity::sha256_hex(text.as_bytes()),
        content: text.to_owned(),
    }];
    let dispositions = Dispositions::load_or_new(&app.dispositions)?;
    let now = chrono::Utc::now();
    let verdict = screen(&Inputs {
        evidence: &evidence,
        evidence_files: &files,
        matcher: app.matcher(),
        policy: &app.policy,
        dispositions: &dispositions,
        as_of: now.date_naive(),
        timestamp: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })?;
    let (level, document) = (
        verdict.verdict,
        serde_json::to_value(&verdict).map_err(|e| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
        })?,
    );
    // A verdict that could not be logged is an error, never an answer.
    let logged = app
        .log_writer
        .append(super::log_writer::Pending {
            verdict,
            evidence: files.to_vec(),
            dispositions: dispositions.file,
            user: user.to_owned(),
        })
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "log-failed", e))?;
    Ok((
        level,
        json!({ "log": logged, "screened_by": user, "verdict": document }),
    ))
}

/// One name to match, or a batch.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    birth_date: Option<chrono::NaiveDate>,
    #[serde(default)]
    websites: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    crypto: Vec<String>,
    #[serde(default)]
    codes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MatchBody {
    Batch { queries: Vec<MatchRequest> },
    One(MatchRequest),
}

/// The most queries one batch may hold.
pub const MATCH_BATCH_LIMIT: usize = 1_000;

impl MatchRequest {
    fn query(self) -> ApiResult<MatchQuery> {
        let kind = match self.kind.as_deref() {
            None => NameKind::Any,
            Some(k) => NameKind::parse(k).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad-value",
                    format!("kind `{k}`: say person, organization, vessel, aircraft or any"),
                )
            })?,
        };
        Ok(MatchQuery {
            name: self.name,
            kind,
            countries: self.country.into_iter().collect(),
            birth_date: self.birth_date,
            websites: self.websites,
            emails: self.emails,
            crypto: self.crypto,
            codes: self.codes,
        })
    }
}

async fn match_names(
    State(app): Shared,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let bytes = body(b, app.options.max_body)?;
    user(&app, &headers)?;
    let parsed: MatchBody = json_request(&bytes, "a match request")?;
    let (batch, requests) = match parsed {
        MatchBody::Batch { queries } => (true, queries),
        MatchBody::One(q) => (false, vec![q]),
    };
    if requests.len() > MATCH_BATCH_LIMIT {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("a batch holds at most {MATCH_BATCH_LIMIT} queries"),
        ));
    }
    let queries = requests
        .into_iter()
        .map(MatchRequest::query)
        .collect::<ApiResult<Vec<_>>>()?;
    let settings = MatchSettings {
        threshold: app.policy.settings.matching.threshold,
        limit: 0,
    };
    let app2 = Arc::clone(&app);
    let results = blocking(move || {
        let mut scratch = Scratch::default();
        queries
            .iter()
            .map(|q| app2.matcher().search(q, &settings, &mut scratch))
            .collect::<Vec<_>>()
    })
    .await?;
    let value = if batch {
        json!({ "results": results.iter().map(|hits| json!({ "hits": hits })).collect::<Vec<_>>() })
    } else {
        json!({ "hits": results.first() })
    };
    Ok(Json(value))
}

fn list_ages(app: &App) -> Vec<(String, Option<i64>)> {
    let today = chrono::Utc::now().date_naive();
    app.snapshot()
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

async fn lists(State(app): Shared, headers: HeaderMap) -> ApiResult<Json<Value>> {
    user(&app, &headers)?;
    let ages = list_ages(&app);
    let lists: Vec<Value> = app
        .snapshot()
        .lists
        .iter()
        .zip(ages)
        .map(|(l, (_, age))| json!({ "identity": l, "age_days": age }))
        .collect();
    Ok(Json(json!({ "lists": lists })))
}

async fn metrics(State(app): Shared) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(&list_ages(&app)),
    )
}

async fn ready(State(app): Shared) -> Response {
    let writable = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&app.log)
        .is_ok();
    if writable && !app.snapshot().lists.is_empty() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            if writable {
                "no lists loaded"
            } else {
                "the verdict log cannot be written"
            },
        )
        .into_response()
    }
}

#[derive(Deserialize)]
struct LogFilter {
    vendor: Option<String>,
    verdict: Option<String>,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
}

/// The records of the server's log that `filter` keeps.
fn read_log(app: &App, filter: &records::Filter) -> ApiResult<Vec<records::Logged>> {
    if !app.log.exists() {
        return Ok(Vec::new());
    }
    let data = std::fs::read(&app.log).map_err(|e| Error::io(&app.log, e))?;
    let key = crate::audit::key::load(app.log_key.as_deref())?;
    Ok(records::read(
        &app.log,
        &data,
        key.as_deref(),
        false,
        filter,
    )?)
}

async fn log(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<LogFilter>,
) -> ApiResult<Json<Value>> {
    user(&app, &headers)?;
    let verdict = match q.verdict.as_deref() {
        None => None,
        Some(v) => Some(
            crate::verdict::Level::parse(&v.to_uppercase()).ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad-value",
                    "verdict is PASS, REVIEW or FAIL",
                )
            })?,
        ),
    };
    let filter = records::Filter {
        vendor: q.vendor,
        verdict,
        since: q.since,
        until: q.until,
        seq: None,
    };
    let found = tokio::task::block_in_place(|| read_log(&app, &filter))?;
    let rows: Vec<records::Summary> = found.iter().map(records::Logged::summary).collect();
    Ok(Json(json!({ "records": rows })))
}

async fn log_record(
    State(app): Shared,
    headers: HeaderMap,
    Path(seq): Path<u64>,
) -> ApiResult<Response> {
    user(&app, &headers)?;
    let filter = records::Filter {
        seq: Some(seq),
        ..records::Filter::default()
    };
    let found = tokio::task::block_in_place(|| read_log(&app, &filter))?;
    let Some(r) = found.into_iter().next() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no record {seq}"),
        ));
    };
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html {
        let logged = crate::report::Logged {
            log: app.log.display().to_string(),
            seq: r.seq,
            hash: r.hash.clone(),
            chain_verified: true,
        };
        let doc = crate::report::Doc::from_value(&r.body["result"])?;
        return Ok(Html(crate::report::html::render(&doc, Some(&logged))).into_response());
    }
    Ok(Json(json!({ "seq": r.seq, "hash": r.hash, "record": r.body })).into_response())
}

async fn verify_log(State(app): Shared, headers: HeaderMap) -> ApiResult<Json<Value>> {
    user(&app, &headers)?;
    let report = tokio::task::block_in_place(|| -> ApiResult<_> {
        let data = if app.log.exists() {
            std::fs::read(&app.log).map_err(|e| Error::io(&app.log, e))?
        } else {
            Vec::new()
        };
        let key = crate::audit::key::load(app.log_key.as_deref())?;
        Ok(crate::audit::verify::verify(&data, key.as_deref(), None))
    })?;
    Ok(Json(json!({ "intact": report.intact(), "report": report })))
}

/// A decision on a hit of a logged screening.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisposeRequest {
    /// The log record whose evidence gave the hit.
    seq: u64,
    party: String,
    hit: String,
    decision: String,
    reason: String,
    #[serde(default)]
    expires: Option<chrono::NaiveDate>,
}

async fn dispose(
    State(app): Shared,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let bytes = body(b, app.options.max_body)?;
    let by = officer(&app, &headers)?.name.clone();
    let r: DisposeRequest = json_request(&bytes, "a disposition request")?;
    let app = Arc::clone(&app);
    blocking(move || record_disposition(&app, &r, &by))
        .await?
        .map(Json)
}

/// Check the decision against the current lists, with the evidence the
/// record `r.seq` screened, and write it to the dispositions file.
fn record_disposition(app: &App, r: &DisposeRequest, by: &str) -> ApiResult<Value> {
    let filter = records::Filter {
        seq: Some(r.seq),
        ..records::Filter::default()
    };
    let record = read_log(app, &filter)?.into_iter().next().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no record {}", r.seq),
        )
    })?;
    let files: Vec<EvidenceFile> = serde_json::from_value(record.body["evidence_files"].clone())
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let evidence = crate::evidence::parse::from_files(&files)?;
    let request = crate::dispositions::decide::Request {
        party: &r.party,
        hit: &r.hit,
        decision: &r.decision,
        reason: &r.reason,
        by,
        expires: r.expires,
    };
    let threshold = app.policy.settings.matching.threshold;
    let d = crate::dispositions::decide::decide(
        &evidence,
        &request,
        app.matcher(),
        threshold,
        chrono::Utc::now(),
    )?;
    let answer = Dispositions::update(&app.dispositions, |all| {
        let replaced = all.find(&d.party, &d.list, &d.entity).is_some();
        let answer = json!({ "disposition": d, "replaced": replaced });
        all.record(d);
        answer
    })?;
    Ok(answer)
}
