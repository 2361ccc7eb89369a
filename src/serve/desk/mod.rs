//! The desk: web pages for officers and auditors (docs/desk.md). Sign in
//! with an API token; a session cookie (HttpOnly, SameSite=Strict) carries
//! the user, and every form carries the session's CSRF token. Pages are
//! rendered on the server and work without JavaScript.

mod entry;
mod pages;
mod session;

use std::sync::Arc;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

pub use session::Sessions;

use super::failure::{Failure, Reply};
use super::{ops, App};
use crate::audit::records;
use crate::evidence::EvidenceFile;
use session::Session;

type Shared = State<Arc<App>>;

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(start))
        .route("/sign-in", get(sign_in_page).post(sign_in))
        .route("/sign-out", post(sign_out))
        .route("/screen", get(screen_page))
        .route("/screen/upload", post(screen_upload))
        .route("/screen/form", post(screen_form))
        .route("/records/{seq}", get(record_page))
        .route("/records/{seq}/report", get(record_report))
        .route("/records/{seq}/decide", post(decide))
        .route("/records/{seq}/rescreen", post(rescreen))
        .route("/log", get(log_page))
        .route("/vendor", get(vendor_page))
        .route("/lists", get(lists_page))
        .route("/desk.css", get(style))
        .route("/desk.js", get(script))
        .layer(axum::middleware::map_response(guard_headers))
        .with_state(app)
}

/// Pages load nothing from elsewhere, run no inline script and cannot be
/// framed.
async fn guard_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn style() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        format!("{}{}", crate::report::html::STYLE, pages::STYLE),
    )
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        pages::SCRIPT,
    )
}

/// A failure as a page, with its status.
fn failure_page(session: Option<&Session>, f: Failure) -> Response {
    (f.status, Html(pages::failure(session, f.code, &f.message))).into_response()
}

/// The signed-in session, or the way to the sign-in page.
fn signed_in(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    app.sessions
        .find(headers)
        .ok_or_else(|| Redirect::to("/sign-in").into_response())
}

/// A form may change something only when it comes from a page of this
/// server (its Origin, when the browser sends one, is this host) and
/// carries the session's CSRF token.
fn form_session(app: &App, headers: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    let session = signed_in(app, headers)?;
    if !same_origin(headers) || !session::csrf_matches(&session, csrf) {
        return Err(failure_page(
            Some(&session),
            Failure::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "the form did not come from this desk's page, or the page is older than your session; open it again",
            ),
        ));
    }
    Ok(session)
}

/// Whether a form comes from a page of this server: its `Origin`, when
/// the browser sends one, names this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, a)| a);
    host.is_some_and(|h| authority == Some(h))
}

/// The session's user must screen and decide.
fn officer(session: &Session) -> Result<(), Response> {
    ops::may_decide(&session.user).map_err(|f| failure_page(Some(session), f))
}

/// A form only an officer may send, with its checks (`form_session`).
fn officer_form(app: &App, headers: &HeaderMap, csrf: &str) -> Result<Session, Response> {
    let session = form_session(app, headers, csrf)?;
    officer(&session)?;
    Ok(session)
}

/// Run blocking work (screening, files) off the threads that answer
/// requests; a failure becomes a page.
async fn blocking<T: Send + 'static>(
    session: &Session,
    work: impl FnOnce() -> Reply<T> + Send + 'static,
) -> Result<T, Response> {
    ops::blocking(work)
        .await
        .map_err(|f| failure_page(Some(session), f))
}

fn either(r: Result<Response, Response>) -> Response {
    r.unwrap_or_else(|e| e)
}

async fn start(State(app): Shared, headers: HeaderMap) -> Response {
    match app.sessions.find(&headers) {
        Some(s) if s.user.role.decides() => Redirect::to("/screen").into_response(),
        Some(_) => Redirect::to("/log").into_response(),
        None => Redirect::to("/sign-in").into_response(),
    }
}

async fn sign_in_page() -> Html<String> {
    Html(pages::sign_in(None))
}

#[derive(Deserialize)]
struct SignIn {
    token: String,
}

async fn sign_in(State(app): Shared, headers: HeaderMap, Form(f): Form<SignIn>) -> Response {
    // Another site must not sign a browser in as a user it chose.
    if !same_origin(&headers) {
        return failure_page(
            None,
            Failure::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "sign in from this desk's own page",
            ),
        );
    }
    let user = tokio::task::block_in_place(|| app.users.authenticate(f.token.trim()).cloned());
    let Some(user) = user else {
        return (
            StatusCode::UNAUTHORIZED,
            Html(pages::sign_in(Some("That token is not valid."))),
        )
            .into_response();
    };
    match app.sessions.start(&user) {
        Ok(id) => (
            [(header::SET_COOKIE, session::set_cookie(Some(&id)))],
            Redirect::to("/"),
        )
            .into_response(),
        Err(e) => failure_page(None, Failure::from(e)),
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: String,
}

async fn sign_out(State(app): Shared, headers: HeaderMap, Form(f): Form<CsrfOnly>) -> Response {
    either((|| {
        form_session(&app, &headers, &f.csrf)?;
        app.sessions.end(&headers);
        Ok((
            [(header::SET_COOKIE, session::set_cookie(None))],
            Redirect::to("/sign-in"),
        )
            .into_response())
    })())
}

async fn screen_page(State(app): Shared, headers: HeaderMap) -> Response {
    either(signed_in(&app, &headers).map(|s| Html(pages::screen(&s)).into_response()))
}

/// Screen evidence and show the logged verdict's page.
async fn screen_and_show(
    app: Arc<App>,
    session: Session,
    read: impl FnOnce() -> ops::Read + Send + 'static,
) -> Response {
    match ops::screen_and_log(&app, read, session.user.name.clone()).await {
        Ok(s) => {
            Redirect::to(&format!("/records/{}?notice=screened", s.logged.seq)).into_response()
        }
        Err(f) => failure_page(Some(&session), f),
    }
}

async fn screen_upload(State(app): Shared, headers: HeaderMap, multipart: Multipart) -> Response {
    // Nobody's upload is read before they are known to be signed in.
    if let Err(page) = signed_in(&app, &headers) {
        return page;
    }
    let form = match upload(multipart).await {
        Ok(f) => f,
        Err(f) => return failure_page(app.sessions.find(&headers).as_ref(), f),
    };
    let session = match officer_form(&app, &headers, &form.csrf) {
        Ok(s) => s,
        Err(page) => return page,
    };
    screen_and_show(app, session, move || form.evidence()).await
}

/// An uploaded evidence file and the customers CSV it may name.
#[derive(Default)]
struct Upload {
    csrf: String,
    evidence: Option<(String, String)>,
    customers: Option<(String, String)>,
}

fn text_of(field: &str, bytes: &[u8]) -> Reply<String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-utf8",
            format!(
                "the {field} file is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

async fn upload(mut multipart: Multipart) -> Reply<Upload> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        Failure::new(e.status(), "bad-upload", e.body_text())
    };
    let mut form = Upload::default();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field
            .file_name()
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_owned())
            .unwrap_or_default();
        let bytes = field.bytes().await.map_err(bad)?;
        match name.as_str() {
            "csrf" => form.csrf = text_of("csrf", &bytes)?,
            "evidence" => form.evidence = Some((file_name, text_of("evidence", &bytes)?)),
            "customers" if !bytes.is_empty() => {
                form.customers = Some((file_name, text_of("customers", &bytes)?))
            }
            _ => {}
        }
    }
    Ok(form)
}

impl Upload {
    /// Parse the evidence; the customers CSV it names is the uploaded one,
    /// recorded under the name the evidence gives it.
    fn evidence(self) -> ops::Read {
        let (name, text) = self.evidence.ok_or_else(|| {
            Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no-evidence",
                "choose an evidence file to upload",
            )
        })?;
        let name = if name.is_empty() {
            "evidence.toml".to_owned()
        } else {
            name
        };
        let mut files = vec![file(&name, text.clone())];
        let mut customers = self.customers;
        let evidence = crate::evidence::parse::parse(
            std::path::Path::new(&name),
            &text,
            &mut |csv| {
                let (_, content) = customers.take().ok_or_else(|| {
                    format!("the evidence names the customers file `{csv}`: upload it beside the evidence")
                })?;
                files.push(file(csv, content.clone()));
                Ok((std::path::PathBuf::from(csv), content))
            },
        )?;
        Ok((evidence, files))
    }
}

fn file(name: &str, content: String) -> EvidenceFile {
    EvidenceFile {
        name: name.to_owned(),
        sha256: crate::lists::identity::sha256_hex(content.as_bytes()),
        content,
    }
}

async fn screen_form(
    State(app): Shared,
    headers: HeaderMap,
    Form(entry): Form<entry::Entry>,
) -> Response {
    let session = match officer_form(&app, &headers, &entry.csrf) {
        Ok(s) => s,
        Err(page) => return page,
    };
    screen_and_show(app, session, move || {
        let text = entry
            .evidence_toml()
            .map_err(|e| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "bad-form", e))?;
        let name = "desk-form.toml";
        let evidence =
            crate::evidence::parse::parse(std::path::Path::new(name), &text, &mut |_| {
                Err("the form names no customers file".to_owned())
            })?;
        Ok((evidence, vec![file(name, text)]))
    })
    .await
}

#[derive(Deserialize)]
struct Notice {
    notice: Option<String>,
}

/// What the notice of a redirect says.
fn notice_text(n: Option<&str>) -> Option<&'static str> {
    match n? {
        "screened" => Some("Screened and logged."),
        "decided" => Some("Decision recorded. Screen again to apply it."),
        _ => None,
    }
}

async fn record_page(
    State(app): Shared,
    headers: HeaderMap,
    Path(seq): Path<u64>,
    Query(n): Query<Notice>,
) -> Response {
    either(
        async {
            let session = signed_in(&app, &headers)?;
            let worker = Arc::clone(&app);
            let (record, dispositions) = blocking(&session, move || {
                let record = ops::record(&worker, seq)?;
                let dispositions =
                    crate::dispositions::Dispositions::load_or_new(&worker.dispositions)?;
                Ok((record, dispositions))
            })
            .await?;
            let (doc, logged) = crate::report::of_record(&app.log, &record)
                .map_err(|e| failure_page(Some(&session), e.into()))?;
            let review = review_hits(&doc, &dispositions);
            Ok(Html(pages::record(&pages::RecordPage {
                session: &session,
                doc: &doc,
                logged: &logged,
                screened_by: record.body["screened_by"].as_str(),
                review: &review,
                notice: notice_text(n.notice.as_deref()),
            }))
            .into_response())
        }
        .await,
    )
}

/// The hits of a verdict that count, each with the decision on it the
/// dispositions file holds now.
fn review_hits(
    doc: &crate::report::Doc,
    dispositions: &crate::dispositions::Dispositions,
) -> Vec<pages::ReviewHit> {
    let mut out = Vec::new();
    for p in &doc.parties {
        let party = if p.role == "vendor" { "vendor" } else { &p.id };
        for h in &p.hits {
            out.push(pages::ReviewHit {
                party: party.to_owned(),
                party_label: format!("{} {}: {}", p.role, p.id, p.name),
                hit: format!("{}:{}", h.list, h.entity_id),
                listed_name: h.name.clone(),
                score: h.score,
                basis: h.basis.clone(),
                decided: dispositions.find(party, &h.list, &h.entity_id).cloned(),
            });
        }
    }
    out
}

/// The record's report as one printable page, to hand over.
async fn record_report(State(app): Shared, headers: HeaderMap, Path(seq): Path<u64>) -> Response {
    either(
        async {
            let session = signed_in(&app, &headers)?;
            let worker = Arc::clone(&app);
            let record = blocking(&session, move || ops::record(&worker, seq)).await?;
            let (doc, logged) = crate::report::of_record(&app.log, &record)
                .map_err(|e| failure_page(Some(&session), e.into()))?;
            Ok(Html(crate::report::html::render(&doc, Some(&logged))).into_response())
        }
        .await,
    )
}

#[derive(Deserialize)]
struct DecideForm {
    csrf: String,
    party: String,
    hit: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expires: String,
}

async fn decide(
    State(app): Shared,
    headers: HeaderMap,
    Path(seq): Path<u64>,
    Form(f): Form<DecideForm>,
) -> Response {
    either(
        async {
            let session = officer_form(&app, &headers, &f.csrf)?;
            let expires = match f.expires.trim() {
                "" => None,
                d => Some(
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                        failure_page(
                            Some(&session),
                            Failure::new(
                                StatusCode::UNPROCESSABLE_ENTITY,
                                "bad-date",
                                format!("expiry `{d}`: write a date as 2027-06-30"),
                            ),
                        )
                    })?,
                ),
            };
            let (worker, by) = (Arc::clone(&app), session.user.name.clone());
            blocking(&session, move || {
                let decision = ops::Decision {
                    seq,
                    request: crate::dispositions::decide::Request {
                        party: &f.party,
                        hit: &f.hit,
                        decision: &f.decision,
                        reason: &f.reason,
                        by: &by,
                        expires,
                    },
                };
                ops::record_decision(&worker, &decision)
            })
            .await?;
            Ok(Redirect::to(&format!("/records/{seq}?notice=decided#review")).into_response())
        }
        .await,
    )
}

async fn rescreen(
    State(app): Shared,
    headers: HeaderMap,
    Path(seq): Path<u64>,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let session = match officer_form(&app, &headers, &f.csrf) {
        Ok(s) => s,
        Err(page) => return page,
    };
    let reader = Arc::clone(&app);
    screen_and_show(app, session, move || ops::logged_evidence(&reader, seq)).await
}

/// The log's chain banner and the records `filter` keeps (none when the
/// chain does not verify: the banner says why).
fn log_view(
    app: &App,
    filter: &records::Filter,
    exact_vendor: Option<&str>,
) -> Reply<(maud::Markup, maud::Markup)> {
    let (report, found) = ops::verified_log(app, filter)?;
    let found: Vec<&records::Logged> = found
        .iter()
        .filter(|r| exact_vendor.is_none_or(|v| r.vendor() == v))
        .rev()
        .collect();
    let kept = found.len();
    let found = &found[..kept.min(pages::MAX_ROWS)];
    let rows: Vec<records::Summary> = found.iter().map(|r| r.summary()).collect();
    let by: Vec<Option<String>> = found
        .iter()
        .map(|r| r.body["screened_by"].as_str().map(str::to_owned))
        .collect();
    Ok((
        pages::chain_banner(&report),
        pages::records_table(&rows, &by, kept),
    ))
}

async fn log_page(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<pages::LogQuery>,
) -> Response {
    either(
        async {
            let session = signed_in(&app, &headers)?;
            let filter = log_filter(&q).map_err(|f| failure_page(Some(&session), f))?;
            let worker = Arc::clone(&app);
            let (banner, table) =
                blocking(&session, move || log_view(&worker, &filter, None)).await?;
            Ok(Html(pages::log(&session, &q, banner, table)).into_response())
        }
        .await,
    )
}

fn log_filter(q: &pages::LogQuery) -> Reply<records::Filter> {
    let date = |what: &str, s: &str| -> Reply<Option<chrono::NaiveDate>> {
        match s.trim() {
            "" => Ok(None),
            d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    Failure::new(
                        StatusCode::BAD_REQUEST,
                        "bad-date",
                        format!("{what} `{d}`: write a date as 2026-12-07"),
                    )
                }),
        }
    };
    Ok(records::Filter {
        vendor: Some(q.vendor.trim().to_owned()).filter(|v| !v.is_empty()),
        verdict: match q.verdict.as_str() {
            "" => None,
            v => Some(ops::verdict_level(v)?),
        },
        since: date("since", &q.since)?,
        until: date("until", &q.until)?,
        seq: None,
    })
}

#[derive(Deserialize)]
struct VendorQuery {
    name: String,
}

async fn vendor_page(
    State(app): Shared,
    headers: HeaderMap,
    Query(q): Query<VendorQuery>,
) -> Response {
    either(
        async {
            let session = signed_in(&app, &headers)?;
            let filter = records::Filter {
                vendor: Some(q.name.clone()),
                ..records::Filter::default()
            };
            let (worker, name) = (Arc::clone(&app), q.name.clone());
            let (banner, table) =
                blocking(&session, move || log_view(&worker, &filter, Some(&name))).await?;
            Ok(Html(pages::vendor(&session, &q.name, banner, table)).into_response())
        }
        .await,
    )
}

async fn lists_page(State(app): Shared, headers: HeaderMap) -> Response {
    either(
        async {
            let session = signed_in(&app, &headers)?;
            let worker = Arc::clone(&app);
            let page_session = session.clone();
            blocking(&session, move || {
                let served = worker.served();
                let ages: Vec<Option<i64>> = ops::list_ages(&served)
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect();
                let changes = ops::last_changes(&worker, &served);
                Ok(Html(pages::lists(
                    &page_session,
                    &served.snapshot().lists,
                    &ages,
                    changes,
                ))
                .into_response())
            })
            .await
        }
        .await,
    )
}
