//! The JSON API (docs/api.md). Every error is `{"error": {"code",
//! "message"}}` with the CLI's diagnostic codes where there are some.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::failure::{Failure, Reply};
use super::ops;
use super::users::User;
use super::App;
use crate::audit::records;
use crate::evidence::EvidenceFile;
use crate::matching::names::normalize::NameKind;
use crate::matching::search::{Query as MatchQuery, Settings as MatchSettings};

type Shared = State<Arc<App>>;

pub fn router(app: Arc<App>) -> Router {
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
        .route("/api/v1/openapi.json", get(openapi))
        .with_state(app)
}

/// The user a request's bearer token names.
fn user<'a>(app: &'a App, headers: &HeaderMap) -> Reply<&'a User> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            Failure::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send `Authorization: Bearer TOKEN` (a token from `vetter users add`)",
            )
        })?;
    // argon2 costs tens of milliseconds the first time a token is seen.
    tokio::task::block_in_place(|| app.users.authenticate(token.trim())).ok_or_else(|| {
        Failure::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the token is not valid",
        )
    })
}

/// The user, who must be one who screens and decides.
fn officer<'a>(app: &'a App, headers: &HeaderMap) -> Reply<&'a User> {
    let u = user(app, headers)?;
    ops::may_decide(u)?;
    Ok(u)
}

fn body(b: Result<Bytes, BytesRejection>, limit: usize) -> Reply<Bytes> {
    b.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("the request body is larger than {limit} bytes"),
        ),
        status => Failure::new(status, "bad-request", e.body_text()),
    })
}

/// A JSON request body of the shape docs/api.md gives `what`.
fn json_request<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Reply<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "json-syntax",
            format!("not {what} (docs/api.md): {e}"),
        )
    })
}

/// Evidence as TOML, or the same structure as JSON (written as TOML so
/// that one parser, with its located diagnostics, reads both).
fn evidence_text(headers: &HeaderMap, bytes: &[u8]) -> Reply<String> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Failure::new(
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
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "json-syntax",
            format!("the body is not JSON: {e}"),
        )
    })?;
    let table = toml::Value::try_from(value).map_err(|e| {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong-type",
            format!("the JSON does not have the evidence's shape (docs/evidence.md): {e}"),
        )
    })?;
    toml::to_string(&table).map_err(|e| {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "wrong-type",
            format!("the JSON does not have the evidence's shape (docs/evidence.md): {e}"),
        )
    })
}

/// The answer to a screening: where it was logged, who asked, and the
/// verdict as `vetter screen --format json` gives it.
#[derive(serde::Serialize)]
struct ScreenAnswer<'a> {
    log: &'a crate::audit::append::Appended,
    screened_by: &'a str,
    verdict: &'a serde_json::value::RawValue,
}

async fn screen_vendor(
    State(app): Shared,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Reply<Response> {
    let bytes = body(b, app.options.max_body)?;
    let user = officer(&app, &headers)?.name.clone();
    let text = evidence_text(&headers, &bytes)?;
    let done = ops::screen_and_log(&app, move || request_evidence(text), user.clone()).await?;
    Ok(Json(ScreenAnswer {
        log: &done.logged,
        screened_by: &user,
        verdict: &done.verdict,
    })
    .into_response())
}

/// Evidence sent in a request body: it carries its customers, for a
/// screening over the API reads no files.
fn request_evidence(text: String) -> ops::Read {
    let name = "request.toml";
    let evidence = crate::evidence::parse::parse(std::path::Path::new(name), &text, &mut |csv| {
        Err(format!(
            "`{csv}`: a screening over the API carries its customers in the evidence ([[customers]]); it reads no files"
        ))
    })?;
    let files = vec![EvidenceFile {
        name: name.to_owned(),
        sha256: crate::lists::identity::sha256_hex(text.as_bytes()),
        content: text,
    }];
    Ok((evidence, files))
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
    fn query(self) -> Reply<MatchQuery> {
        let kind = match self.kind.as_deref() {
            None => NameKind::Any,
            Some(k) => NameKind::parse(k).ok_or_else(|| {
                Failure::new(
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
) -> Reply<Json<Value>> {
    let bytes = body(b, app.options.max_body)?;
    user(&app, &headers)?;
    let parsed: MatchBody = json_request(&bytes, "a match request")?;
    let (batch, requests) = match parsed {
        MatchBody::Batch { queries } => (true, queries),
        MatchBody::One(q) => (false, vec![q]),
    };
    if requests.len() > MATCH_BATCH_LIMIT {
        return Err(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!("a batch holds at most {MATCH_BATCH_LIMIT} queries"),
        ));
    }
    let queries = requests
        .into_iter()
        .map(MatchRequest::query)
        .collect::<Reply<Vec<_>>>()?;
    let settings = MatchSettings {
        threshold: app.policy.settings.matching.threshold,
        limit: 0,
    };
    let served = app.served();
    let results = ops::blocking(move || {
        let mut scratch = served.matcher().scratch();
        let results = queries
            .iter()
            .map(|q| served.matcher().search(q, &settings, &mut scratch))
            .collect::<Vec<_>>();
        Ok(results)
    })
    .await?;
    let value = if batch {
        json!({ "results": results.iter().map(|hits| json!({ "hits": hits })).collect::<Vec<_>>() })
    } else {
        json!({ "hits": results.first() })
    };
    Ok(Json(value))
}

async fn lists(State(app): Shared, headers: HeaderMap) -> Reply<Json<Value>> {
    user(&app, &headers)?;
    let served = app.served();
    let ages = ops::list_ages(&served);
    let lists: Vec<Value> = served
        .snapshot()
        .lists
        .iter()
        .zip(ages)
        .map(|(l, (_, age))| json!({ "identity": l, "age_days": age }))
        .collect();
    Ok(Json(json!({ "lists": lists })))
}

/// The API described for machines (OpenAPI 3.1; docs/openapi.json).
async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../docs/openapi.json"),
    )
}

async fn metrics(State(app): Shared) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(&ops::list_ages(&app.served())),
    )
}

async fn ready(State(app): Shared) -> Response {
    let writable = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&app.log)
        .is_ok();
    if writable && !app.served().snapshot().lists.is_empty() {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        Failure::new(
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

async fn log(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<LogFilter>,
) -> Reply<Json<Value>> {
    user(&app, &headers)?;
    let verdict = match q.verdict.as_deref() {
        None => None,
        Some(v) => Some(ops::verdict_level(&v.to_uppercase())?),
    };
    let filter = records::Filter {
        vendor: q.vendor,
        verdict,
        since: q.since,
        until: q.until,
        seq: None,
    };
    let found = tokio::task::block_in_place(|| ops::read_log(&app, &filter))?;
    let rows: Vec<records::Summary> = found.iter().map(records::Logged::summary).collect();
    Ok(Json(json!({ "records": rows })))
}

async fn log_record(
    State(app): Shared,
    headers: HeaderMap,
    Path(seq): Path<u64>,
) -> Reply<Response> {
    user(&app, &headers)?;
    let r = tokio::task::block_in_place(|| ops::record(&app, seq))?;
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if wants_html {
        let (doc, logged) = crate::report::of_record(&app.log, &r)?;
        return Ok(Html(crate::report::html::render(&doc, Some(&logged))).into_response());
    }
    Ok(Json(json!({ "seq": r.seq, "hash": r.hash, "record": r.body })).into_response())
}

async fn verify_log(State(app): Shared, headers: HeaderMap) -> Reply<Json<Value>> {
    user(&app, &headers)?;
    let report = tokio::task::block_in_place(|| ops::verify_log(&app))?;
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
) -> Reply<Json<Value>> {
    let bytes = body(b, app.options.max_body)?;
    let by = officer(&app, &headers)?.name.clone();
    let r: DisposeRequest = json_request(&bytes, "a disposition request")?;
    let app = Arc::clone(&app);
    ops::blocking(move || {
        let decision = ops::Decision {
            seq: r.seq,
            request: crate::dispositions::decide::Request {
                party: &r.party,
                hit: &r.hit,
                decision: &r.decision,
                reason: &r.reason,
                by: &by,
                expires: r.expires,
            },
        };
        let (disposition, replaced) = ops::record_decision(&app, &decision)?;
        Ok(Json(
            json!({ "disposition": disposition, "replaced": replaced }),
        ))
    })
    .await
}
