//! The desk's pages, rendered on the server with maud (which escapes
//! every value). They work without JavaScript; `desk.js` only adds copy
//! buttons.

use maud::{html, Markup, DOCTYPE};

use super::session::Session;
use crate::audit::records::Summary;
use crate::audit::verify::Report;
use crate::dispositions::Disposition;
use crate::lists::identity::ListIdentity;
use crate::report::{Doc, Logged};
use crate::serve::ops::SourceChange;
use crate::untrusted::terminal_safe;

fn shown(s: &str) -> String {
    terminal_safe(s).into_owned()
}

/// The desk's own style, after the report's.
pub const STYLE: &str = "
nav { display: flex; gap: 4mm; align-items: baseline; flex-wrap: wrap; border-bottom: 2px solid #111; padding: 2mm 0; margin-bottom: 4mm; }
nav .brand { font-weight: 700; font-size: 13pt; margin-right: 4mm; }
nav .who { margin-left: auto; }
nav form { display: inline; }
button, input[type=submit] { font: inherit; padding: 1mm 3mm; border: 1px solid #333; border-radius: 1mm; background: #fff; cursor: pointer; }
button.primary { background: #1f4e8c; color: #fff; border-color: #1f4e8c; }
input[type=text], input[type=password], input[type=date], select, textarea { font: inherit; padding: 1mm; border: 1px solid #888; border-radius: 1mm; box-sizing: border-box; max-width: 100%; }
textarea { width: 100%; }
label { display: block; margin: 2mm 0 1mm; font-weight: 600; }
label.inline { display: inline; font-weight: 400; margin-right: 3mm; }
fieldset { border: 1px solid #ccc; margin: 3mm 0; padding: 2mm 3mm; }
.notice { border-left: 4px solid #2e7d32; background: #eef6ee; padding: 2mm 3mm; }
.banner { padding: 2mm 3mm; border-radius: 1mm; margin: 2mm 0 4mm; }
.banner.ok { background: #eef6ee; border: 1px solid #2e7d32; }
.banner.bad { background: #fbeaea; border: 1px solid #b3261e; }
.error { border-left: 4px solid #b3261e; background: #fbeaea; padding: 2mm 3mm; }
.review { border: 1px solid #ccc; padding: 2mm 3mm; margin: 2mm 0; break-inside: avoid; }
.filters { display: flex; gap: 3mm; flex-wrap: wrap; align-items: end; }
.filters label { margin: 0; }
.copy { font-size: 9pt; margin-left: 2mm; }
main { overflow-wrap: break-word; }
.error pre { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 9pt; margin: 1mm 0 0; }
@media (max-width: 600px) { nav .who { margin-left: 0; } }
";

/// A page of the desk: navigation for the signed-in user, then `content`.
pub fn page(title: &str, session: Option<&Session>, content: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (shown(title)) " · vetter" }
                link rel="stylesheet" href="/desk.css";
                script src="/desk.js" defer {}
            }
            body {
                nav {
                    span class="brand" { "vetter" }
                    @if let Some(s) = session {
                        @if s.user.role.decides() { a href="/screen" { "Screen" } }
                        a href="/log" { "Log" }
                        a href="/lists" { "Lists" }
                        span class="who" {
                            (shown(&s.user.name)) " (" (role(s)) ") "
                            form method="post" action="/sign-out" {
                                input type="hidden" name="csrf" value=(s.csrf);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
    .into_string()
}

fn role(s: &Session) -> &'static str {
    match s.user.role {
        crate::serve::users::Role::Officer => "officer",
        crate::serve::users::Role::Auditor => "auditor",
        crate::serve::users::Role::Admin => "admin",
    }
}

pub fn sign_in(problem: Option<&str>) -> String {
    page(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(p) = problem { p class="error" { (p) } }
            form method="post" action="/sign-in" {
                label for="token" { "Your API token" }
                input type="password" id="token" name="token" size="70" autocomplete="current-password" required;
                p class="muted" { "The token `vetter users add` printed for you. The desk keeps you signed in for eight hours without use." }
                button class="primary" type="submit" { "Sign in" }
            }
        },
    )
}

/// A refusal or failure, as a page.
pub fn failure(session: Option<&Session>, code: &str, message: &str) -> String {
    page(
        "Not done",
        session,
        html! {
            h1 { "Not done" }
            div class="error" id="failure" { strong { (code) } pre { (shown(message)) } }
            p { a href="/" { "Start" } }
        },
    )
}

pub fn screen(session: &Session) -> String {
    let content = if !session.user.role.decides() {
        html! {
            h1 { "Screen a vendor" }
            p class="error" id="refused" { "You are signed in as an auditor: auditors read and verify the log, they do not screen or decide." }
        }
    } else {
        html! {
            h1 { "Screen a vendor" }
            p { "The verdict is logged before it is shown, under your name, against the lists in " a href="/lists" { "Lists" } "." }
            fieldset {
                legend { "Upload evidence" }
                form method="post" action="/screen/upload" enctype="multipart/form-data" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    label for="evidence" { "Evidence file (TOML, docs/evidence.md)" }
                    input type="file" id="evidence" name="evidence" accept=".toml,text/plain" required;
                    label for="customers" { "Its customers CSV, if it names one (customers_csv)" }
                    input type="file" id="customers" name="customers" accept=".csv,text/csv";
                    p { button class="primary" type="submit" id="upload" { "Screen" } }
                }
            }
            fieldset {
                legend { "Or describe the vendor" }
                form method="post" action="/screen/form" {
                    input type="hidden" name="csrf" value=(session.csrf);
                    label for="vendor" { "Vendor's name" }
                    input type="text" id="vendor" name="vendor" size="50" required;
                    label for="kind" { "Kind" }
                    select id="kind" name="kind" {
                        option value="organization" { "organization" }
                        option value="person" { "person" }
                        option value="vessel" { "vessel" }
                        option value="any" { "any" }
                    }
                    label for="country" { "Country (ISO code or name)" }
                    input type="text" id="country" name="country" size="20";
                    label for="websites" { "Websites" }
                    input type="text" id="websites" name="websites" size="50" placeholder="example.com, www.example.org";
                    label { "The vendor's terms" }
                    label class="inline" { input type="checkbox" name="prohibits_sanctioned_parties"; " bar sanctioned parties" }
                    label class="inline" { input type="checkbox" name="prohibits_designated_terrorists"; " bar designated terrorist organisations" }
                    label for="customers-box" { "Customers, one a line: name, website, country" }
                    textarea id="customers-box" name="customers" rows="6" placeholder="Riverside Cycling Club, riversidecycling.example, GB" {}
                    p { button class="primary" type="submit" { "Screen" } }
                }
            }
        }
    };
    page("Screen", Some(session), content)
}

/// A hit of a logged verdict that a reviewer may decide on.
pub struct ReviewHit {
    /// `vendor` or the customer's id, as a decision names the party.
    pub party: String,
    pub party_label: String,
    /// `LIST:ENTITY`.
    pub hit: String,
    pub listed_name: String,
    pub score: f64,
    pub basis: String,
    /// The decision the dispositions file holds now, if any.
    pub decided: Option<Disposition>,
}

pub struct RecordPage<'a> {
    pub session: &'a Session,
    pub doc: &'a Doc,
    pub logged: &'a Logged,
    pub screened_by: Option<&'a str>,
    pub review: &'a [ReviewHit],
    pub notice: Option<&'a str>,
}

pub fn record(r: &RecordPage<'_>) -> String {
    let s = r.session;
    let seq = r.logged.seq;
    let content = html! {
        @if let Some(n) = r.notice { p class="notice" id="notice" { (n) } }
        p class="muted" {
            "Record " (seq)
            @if let Some(by) = r.screened_by { ", screened by " (shown(by)) }
            " · " a href={ "/vendor?name=" (urlencode(&r.doc.vendor)) } { "the vendor's history" }
            " · " a href={ "/records/" (seq) "/report" } { "printable report" }
        }
        (crate::report::html::sections(r.doc, Some(r.logged), Some(actions(r))))
    };
    page(&format!("Record {seq}"), Some(s), content)
}

/// The officer's forms on a record: decide its hits, screen it again.
fn actions(r: &RecordPage<'_>) -> Markup {
    let s = r.session;
    let seq = r.logged.seq;
    html! {
        @if !r.review.is_empty() && s.user.role.decides() {
            section id="review" {
                h2 { "Review the hits" }
                p class="muted" { "Decide each hit: a false positive (the party is not the listed entity) or confirmed. The decision is checked against the lists served now, recorded under your name, and applies from the next screening." }
                @for h in r.review {
                    div class="review" {
                        p {
                            strong { (shown(&h.party_label)) } " ~ "
                            code { (shown(&h.hit)) } " " (shown(&h.listed_name))
                            span class="muted" { " (" (format!("{:.3}", h.score)) ", " (shown(&h.basis)) ")" }
                        }
                        @if let Some(d) = &h.decided {
                            p class="decided" {
                                "Decided " strong { (d.decision.as_str()) } " by " (shown(&d.by)) " at " (d.at.to_string()) ": " (shown(&d.reason))
                            }
                        }
                        @if h.decided.is_some() {
                            details { summary { "Change the decision" } (decide_form(s, seq, h)) }
                        } @else {
                            (decide_form(s, seq, h))
                        }
                    }
                }
            }
        }
        @if s.user.role.decides() {
            form method="post" action={ "/records/" (seq) "/rescreen" } id="rescreen" {
                input type="hidden" name="csrf" value=(s.csrf);
                button class="primary" type="submit" { "Screen again now" }
                span class="muted" { " with the lists served and the decisions recorded now; the new verdict is a new log record." }
            }
        }
    }
}

fn decide_form(s: &Session, seq: u64, h: &ReviewHit) -> Markup {
    html! {
        form method="post" action={ "/records/" (seq) "/decide" } class="decide" {
            input type="hidden" name="csrf" value=(s.csrf);
            input type="hidden" name="party" value=(h.party);
            input type="hidden" name="hit" value=(h.hit);
            label class="inline" { input type="radio" name="decision" value="false-positive" required; " false positive" }
            label class="inline" { input type="radio" name="decision" value="confirmed"; " confirmed" }
            label { "Reason" }
            textarea name="reason" rows="2" required {}
            label { "Expires (optional)" }
            input type="date" name="expires";
            p { button type="submit" { "Record decision" } }
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether the log verifies, and its head to copy.
pub fn chain_banner(report: &Report) -> Markup {
    html! {
        @if let Some(p) = &report.problem {
            div class="banner bad" id="chain" {
                strong { "The log does not verify." } " Line " (p.line) ", " (p.kind) ": " (shown(&p.message))
                br; "Records up to " (report.head_seq) " verified; nothing after them can be trusted. Run `vetter log verify`."
            }
        } @else if report.records == 0 {
            div class="banner ok" id="chain" { "The log is empty." }
        } @else {
            div class="banner ok" id="chain" {
                strong { "The chain verifies" } ": " (report.records) " record(s), up to the head, record " (report.head_seq) "."
                @if report.macs_unchecked { " Its records carry MACs the server has no key to check." }
                br; "Head hash: " code class="hash" id="head-hash" { (report.head_hash) }
                button type="button" class="copy" data-copy="head-hash" hidden { "Copy" }
            }
        }
    }
}

/// Rows a log page shows at most, newest first.
pub const MAX_ROWS: usize = 500;

/// The records kept by a page's filters, newest first; `kept` counts them
/// all, of which the first `MAX_ROWS` are in `rows`.
pub fn records_table(rows: &[Summary], screened_by: &[Option<String>], kept: usize) -> Markup {
    html! {
        @if kept > rows.len() {
            p class="muted" id="truncated" { "The newest " (rows.len()) " of " (kept) " records; narrow the filters to see older ones." }
        }
        @if rows.is_empty() {
            p id="no-records" { "No record." }
        } @else {
            table id="records" {
                thead { tr { th { "#" } th { "Screened" } th { "Vendor" } th { "Verdict" } th { "By" } th { "Findings" } } }
                tbody {
                    @for (r, by) in rows.iter().zip(screened_by) {
                        tr {
                            td { a href={ "/records/" (r.seq) } { (r.seq) } }
                            td { (shown(&r.timestamp)) }
                            td { a href={ "/vendor?name=" (urlencode(&r.vendor)) } { (shown(&r.vendor)) } }
                            td { span class={ "verdict " (r.verdict) } { (r.verdict) } }
                            td { (shown(by.as_deref().unwrap_or(""))) }
                            td { (shown(&r.findings.join(", "))) }
                        }
                    }
                }
            }
        }
    }
}

/// The filters of the log page, as given.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub verdict: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
}

pub fn log(session: &Session, q: &LogQuery, banner: Markup, table: Markup) -> String {
    let content = html! {
        h1 { "Verdict log" }
        (banner)
        form method="get" action="/log" class="filters" {
            div { label for="f-vendor" { "Vendor contains" } input type="text" id="f-vendor" name="vendor" value=(q.vendor); }
            div {
                label for="f-verdict" { "Verdict" }
                select id="f-verdict" name="verdict" {
                    @for v in ["", "PASS", "REVIEW", "FAIL"] {
                        option value=(v) selected[q.verdict == v] { @if v.is_empty() { "any" } @else { (v) } }
                    }
                }
            }
            div { label for="f-since" { "Since" } input type="date" id="f-since" name="since" value=(q.since); }
            div { label for="f-until" { "Until" } input type="date" id="f-until" name="until" value=(q.until); }
            div { button type="submit" { "Filter" } }
        }
        (table)
    };
    page("Log", Some(session), content)
}

pub fn vendor(session: &Session, name: &str, banner: Markup, table: Markup) -> String {
    let content = html! {
        h1 { "History of " (shown(name)) }
        (banner)
        (table)
    };
    page(name, Some(session), content)
}

pub fn lists(
    session: &Session,
    lists: &[ListIdentity],
    ages: &[Option<i64>],
    changes: &[SourceChange],
) -> String {
    /// At most this many entities of each kind of change are listed.
    const SHOWN: usize = 50;
    let content = html! {
        h1 { "Lists served" }
        table id="lists" {
            thead { tr { th { "List" } th { "Published" } th { "Age" } th { "Entities" } th { "State" } th { "Files (SHA-256)" } } }
            tbody {
                @for (l, age) in lists.iter().zip(ages) {
                    tr {
                        td { strong { (shown(&l.name)) } @if let Some(p) = &l.publisher { br; span class="muted" { (shown(p)) } } }
                        td { (l.publication_date.map_or("unknown".to_owned(), |d| d.to_string())) }
                        td { @if let Some(a) = age { (a) " day(s)" } @else { "unknown" } }
                        td { (l.counts.total) }
                        td { @if l.complete { "complete" } @else { strong { "incomplete" } } }
                        td { @for f in &l.files { (shown(&f.name)) " " code class="hash" title=(f.sha256) { (f.sha256.get(..16).unwrap_or(&f.sha256)) "…" } br; } }
                    }
                }
            }
        }
        h2 { "The last update" }
        @if changes.is_empty() { p { "No list of the store has an earlier snapshot." } }
        @for c in changes {
            section class="change" {
                h3 { (shown(&c.source)) ": " (shown(c.previous.as_deref().unwrap_or("(first snapshot)"))) " → " (shown(&c.current)) }
                @if let Some(p) = &c.problem { p class="error" { (shown(p)) } }
                @if let Some(d) = &c.diff {
                    p { (d.added.len()) " added, " (d.removed.len()) " removed, " (d.changed.len()) " changed, " (d.unchanged) " unchanged." }
                    ul {
                        @for e in d.added.iter().take(SHOWN) { li { "added " code { (shown(&e.id)) } " " (shown(&e.name)) } }
                        @for e in d.removed.iter().take(SHOWN) { li { "removed " code { (shown(&e.id)) } " " (shown(&e.name)) } }
                        @for e in d.changed.iter().take(SHOWN) {
                            li { "changed " code { (shown(&e.entity.id)) } " " (shown(&e.entity.name)) ": "
                                (e.changes.iter().map(|f| f.field.as_str()).collect::<Vec<_>>().join(", ")) }
                        }
                    }
                    @let more = d.added.len().saturating_sub(SHOWN) + d.removed.len().saturating_sub(SHOWN) + d.changed.len().saturating_sub(SHOWN);
                    @if more > 0 { p class="muted" { "... and " (more) " more; `vetter lists diff` shows them all." } }
                } @else if c.previous.is_none() && c.problem.is_none() {
                    p class="muted" { "The store holds no earlier snapshot of this list." }
                }
            }
        }
    };
    page("Lists", Some(session), content)
}

/// Copy buttons: shown only where script runs, as the only thing it does.
pub const SCRIPT: &str = "document.querySelectorAll('[data-copy]').forEach(function (b) {
  b.hidden = false;
  b.addEventListener('click', function () {
    var t = document.getElementById(b.dataset.copy);
    if (t && navigator.clipboard) { navigator.clipboard.writeText(t.textContent).then(function () { b.textContent = 'Copied'; }); }
  });
});
";
