//! The report as one self-contained HTML page: inline CSS, no script,
//! printable on A4. maud escapes every value written into the page;
//! `shown` also makes control and bidirectional characters visible.

use maud::{html, Markup, DOCTYPE};

use super::{age_days, list_state, Doc, DocDecision, DocDisposition, DocHit, DocParty, Logged};
use crate::untrusted::terminal_safe;

/// Evidence and list text as it is shown: escaped by maud, with invisible
/// and direction-changing characters spelled out.
fn shown(s: &str) -> String {
    terminal_safe(s).into_owned()
}

/// The report's style sheet (also the base of the desk's).
pub const STYLE: &str = "
@page { size: A4; margin: 16mm 14mm; }
body { font: 10.5pt/1.4 system-ui, sans-serif; color: #111; max-width: 182mm; margin: 0 auto; padding: 0 3mm; }
@media print { body { padding: 0; } }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1px solid #bbb; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 1mm 2mm; border-bottom: 1px solid #ddd; }
th { font-weight: 600; background: #f3f3f3; }
code, .hash { font-family: ui-monospace, monospace; font-size: 9pt; word-break: break-all; }
.verdict { display: inline-block; padding: 1mm 3mm; border-radius: 2mm; font-weight: 700; }
.FAIL { background: #b3261e; color: #fff; } .REVIEW { background: #f2b705; color: #111; } .PASS { background: #2e7d32; color: #fff; }
.level { font-weight: 700; } .muted { color: #555; }
.warn { border-left: 3px solid #f2b705; padding-left: 3mm; }
section, tr { break-inside: avoid; }
@media (max-width: 480px) { th, td { padding: 1mm 1mm; } }
";

pub fn render(doc: &Doc, logged: Option<&Logged>) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "vetter verdict: " (shown(&doc.vendor)) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body { (sections(doc, logged, None)) }
        }
    };
    page.into_string()
}

/// The report's content, for a page of its own or inside another (which
/// may put `after_findings` in, e.g. the forms that decide the hits).
pub fn sections(doc: &Doc, logged: Option<&Logged>, after_findings: Option<Markup>) -> Markup {
    html! {
        (header(doc, logged))
        (findings(doc))
        @if let Some(m) = after_findings { (m) }
        (hits(doc))
        (evidence(doc))
        (identity(doc, logged))
    }
}

fn header(doc: &Doc, logged: Option<&Logged>) -> Markup {
    let s = &doc.summary;
    html! {
        header {
            h1 { span class={ "verdict " (doc.verdict) } { (doc.verdict) } " " (shown(&doc.vendor)) }
            p {
                "Screened the vendor and " (s.customers) " customer(s) as of " (doc.as_of)
                ": " (s.hits) " hit(s) on " (s.parties_with_hits) " part(ies); "
                @if s.cleared_hits > 0 { (s.cleared_hits) " hit(s) cleared by reviewers; " }
                (s.fail_findings) " FAIL and " (s.review_findings) " REVIEW finding(s)."
            }
            p class="muted" {
                "Screened at " (doc.timestamp)
                @if let Some(l) = logged { "; record " (l.seq) " of " (shown(&l.log)) }
                "."
            }
            @if !doc.warnings.is_empty() {
                div class="warn" {
                    h3 { "Incomplete screening" }
                    ul { @for w in &doc.warnings { li { (shown(w)) } } }
                }
            }
        }
    }
}

fn findings(doc: &Doc) -> Markup {
    html! {
        section id="findings" {
            h2 { "Findings" }
            @if doc.findings.is_empty() {
                p { "No rule found anything to report." }
            } @else {
                table {
                    thead { tr { th { "Level" } th { "Finding" } th { "Rests on" } } }
                    tbody {
                        @for f in &doc.findings {
                            tr class="finding" {
                                td class={ "level " (f.verdict) } { (f.verdict) }
                                td {
                                    strong { (shown(&f.code)) } " "
                                    span class="muted" { "(" (shown(&f.rule)) ")" }
                                    br;
                                    (shown(&f.message))
                                }
                                td {
                                    (shown(&f.evidence.join(", ")))
                                    @if !f.sources.is_empty() {
                                        br; span class="muted" { "sources: " (shown(&f.sources.join(", "))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hits(doc: &Doc) -> Markup {
    let with_hits: Vec<&DocParty> = doc.parties.iter().filter(|p| !p.hits.is_empty()).collect();
    let with_cleared: Vec<&DocParty> = doc
        .parties
        .iter()
        .filter(|p| !p.cleared.is_empty())
        .collect();
    html! {
        section id="hits" {
            h2 { "Hits" }
            @if with_hits.is_empty() {
                p { "No party matched any listed name or identifier"
                    @if !with_cleared.is_empty() { " that a reviewer has not cleared" } "." }
            }
            @for p in with_hits {
                h3 { (shown(&p.role)) " " (shown(&p.id)) ": " (shown(&p.name)) }
                @for h in &p.hits { (hit(h, p.decision(h).map(decision))) }
            }
        }
        @if !with_cleared.is_empty() {
            section id="cleared" {
                h2 { "Cleared hits" }
                p class="muted" { "Reviewers decided these are not the listed entity (docs/dispositions.md); they raise no finding while the listing, the party and the match stay as decided." }
                @for p in with_cleared {
                    h3 { (shown(&p.role)) " " (shown(&p.id)) ": " (shown(&p.name)) }
                    @for c in &p.cleared { (hit(&c.hit, Some(disposition(&c.disposition, None)))) }
                }
            }
        }
    }
}

/// A decision on a hit that counts, as a row of its table.
fn decision(d: &DocDecision) -> Markup {
    disposition(
        &d.disposition,
        (d.status != "confirmed").then_some(d.note.as_str()),
    )
}

/// Who decided what and why; with `lapsed`, why it no longer holds.
fn disposition(d: &DocDisposition, lapsed: Option<&str>) -> Markup {
    html! {
        tr class="decision" {
            td { "decision" }
            td {
                @if let Some(why) = lapsed {
                    strong { "No longer holds: " } (shown(why)) br;
                }
                strong { (shown(&d.decision)) } " by " (shown(&d.by)) " at " (shown(&d.at))
                @if let Some(e) = &d.expires { ", until " (shown(e)) }
                ": " (shown(&d.reason))
            }
        }
    }
}

fn hit(h: &DocHit, decided: Option<Markup>) -> Markup {
    html! {
        table class="hit" {
            tr {
                th style="width:22%" { (format!("{:.3}", h.score)) " " (shown(&h.basis)) }
                th {
                    (shown(&h.list)) ":" (shown(&h.entity_id)) " " (shown(&h.name))
                    @if !h.programs.is_empty() { " [" (shown(&h.programs.join(", "))) "]" }
                }
            }
            @if let Some(d) = decided { (d) }
            tr { td { "why" } td { (shown(&h.why.summary)) } }
            @if let Some(r) = &h.relation { tr { td { "relation" } td { (shown(r)) } } }
            @if let Some(n) = &h.why.name {
                tr {
                    td { "words" }
                    td {
                        @for pair in &n.pairs {
                            code { (shown(&pair.query)) } " ~ " code { (shown(&pair.candidate)) }
                            " " (pair.how) " " (format!("{:.2}", pair.similarity)) br;
                        }
                        @if !n.unmatched_query.is_empty() {
                            span class="muted" { "unmatched in the query: " (shown(&n.unmatched_query.join(" "))) } br;
                        }
                        @if !n.unmatched_candidate.is_empty() {
                            span class="muted" { "unmatched in the listed name: " (shown(&n.unmatched_candidate.join(" "))) } br;
                        }
                        @for note in &n.notes { span class="muted" { (shown(note)) } br; }
                    }
                }
            }
            @for i in &h.why.identifiers {
                tr { td { (shown(&i.kind)) } td { code { (shown(&i.query)) } " ~ " code { (shown(&i.listed)) } " (" (shown(&i.relation)) ")" } }
            }
            @for q in &h.why.qualifiers {
                tr { td { (shown(&q.factor)) " " (format!("{:+.2}", q.effect)) } td { (shown(&q.detail)) } }
            }
            @if !h.why.weak_aliases.is_empty() {
                tr { td { "weak aliases" } td { (shown(&h.why.weak_aliases.join("; "))) } }
            }
            @if !h.also_listed_on.is_empty() {
                tr { td { "also on" } td { (shown(&h.also_listed_on.join(", "))) } }
            }
        }
    }
}

fn evidence(doc: &Doc) -> Markup {
    html! {
        section id="evidence" {
            h2 { "Evidence" }
            p { "Parties screened: the vendor and " (doc.summary.customers) " customer(s)." }
            @if !doc.sources.is_empty() {
                table {
                    thead { tr { th { "Source" } th { "Title and publisher" } th { "Date" } } }
                    tbody {
                        @for s in &doc.sources {
                            tr {
                                td { code { (shown(&s.id)) } }
                                td {
                                    (shown(&s.title))
                                    @if let Some(p) = &s.publisher { br; span class="muted" { (shown(p)) } }
                                    @if let Some(u) = &s.url { br; code { (shown(u)) } }
                                }
                                td { (s.date.as_deref().map_or(String::new(), shown)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn identity(doc: &Doc, logged: Option<&Logged>) -> Markup {
    let id = &doc.identity;
    html! {
        section id="identity" {
            h2 { "What the verdict rests on" }
            p {
                "Engine " (shown(&id.engine)) " " (shown(&id.engine_version))
                "; policy " (shown(&id.policy)) " " (shown(&id.policy_version)) "."
            }
            table {
                thead { tr { th { "List" } th { "Published" } th { "Age at screening" } th { "State" } } }
                tbody {
                    @for l in &id.lists {
                        tr class="list" {
                            td { (shown(&l.name)) @if let Some(p) = &l.publisher { br; span class="muted" { (shown(p)) } } }
                            td { (l.publication_date.as_deref().map_or("unknown".to_owned(), shown)) }
                            td {
                                (age_days(l.publication_date.as_deref(), &doc.as_of)
                                    .map_or("unknown".to_owned(), |d| format!("{d} days")))
                            }
                            td { (list_state(l)) }
                        }
                    }
                }
            }
            table {
                thead { tr { th { "File" } th { "sha256" } } }
                tbody {
                    @for l in &id.lists { @for f in &l.files {
                        tr { td { "list " (shown(&l.name)) ": " (shown(&f.name)) } td class="hash" { (f.sha256) } }
                    } }
                    @for f in &id.rules { tr { td { "rule " (shown(&f.name)) } td class="hash" { (f.sha256) } } }
                    @for f in &id.evidence { tr { td { "evidence " (shown(&f.name)) } td class="hash" { (f.sha256) } } }
                    @if let Some(f) = &id.dispositions { tr { td { "dispositions " (shown(&f.name)) } td class="hash" { (f.sha256) } } }
                }
            }
            @if let Some(l) = logged {
                p id="logged" {
                    "Logged as record " (l.seq) " of " code { (shown(&l.log)) } ", record hash "
                    span class="hash" { (l.hash) } ". "
                    @if l.chain_verified { "The log's chain verified up to this record." }
                    @else { strong { "The log's chain did NOT verify." } }
                }
            }
        }
    }
}

/// One vendor's line on the portfolio page.
pub struct PortfolioRow {
    pub file: String,
    pub vendor: String,
    pub verdict: String,
    pub fail_findings: usize,
    pub review_findings: usize,
    pub hits: usize,
    /// The vendor's report, relative to the page.
    pub report: Option<String>,
    pub error: Option<String>,
}

/// The portfolio summary page: one row per vendor, linking its report.
pub fn portfolio(rows: &[PortfolioRow], as_of: &str) -> String {
    let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "vetter portfolio screening " (as_of) }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                h1 { "Portfolio screening as of " (as_of) }
                p {
                    (rows.len()) " vendor(s): " (count("FAIL")) " FAIL, " (count("REVIEW")) " REVIEW, "
                    (count("PASS")) " PASS, " (rows.iter().filter(|r| r.error.is_some()).count())
                    " could not be screened."
                }
                table {
                    thead { tr { th { "Verdict" } th { "Vendor" } th { "FAIL" } th { "REVIEW" } th { "Hits" } th { "Evidence file" } } }
                    tbody {
                        @for r in rows {
                            tr class="vendor" {
                                td class={ "level " (r.verdict) } {
                                    @if r.error.is_some() { "ERROR" } @else { (r.verdict) }
                                }
                                td {
                                    @if let Some(link) = &r.report { a href=(link) { (shown(&r.vendor)) } }
                                    @else { (shown(&r.vendor)) }
                                    @if let Some(e) = &r.error { br; span class="muted" { (shown(e)) } }
                                }
                                td { (r.fail_findings) } td { (r.review_findings) } td { (r.hits) }
                                td { code { (shown(&r.file)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    page.into_string()
}
