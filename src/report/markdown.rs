//! The report as Markdown, for pasting into a ticket: the verdict, its
//! findings, the hits with their explanations and what the verdict rests
//! on. Every value is escaped so that no vendor name can become a link,
//! an image, a table cell break, a heading or raw HTML.

use std::fmt::Write;

use super::{age_days, list_state, Doc, DocDisposition, DocHit, Logged};
use crate::untrusted::terminal_safe;

/// Text from evidence or lists, safe in Markdown: control characters made
/// visible, line breaks folded, and every character Markdown reads as
/// markup backslash-escaped. Values never start a line, so `-` and digits
/// cannot start a list.
pub fn escape(s: &str) -> String {
    let visible = terminal_safe(s);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            // `.` and `:` too: GitHub links `www.x.org` and `http://x` bare.
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '.' | '!'
            | '|' | '<' | '>' | '~' | '&' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn render(doc: &Doc, logged: Option<&Logged>) -> String {
    let mut m = String::new();
    let s = &doc.summary;
    let _ = writeln!(m, "## {} {}\n", doc.verdict, escape(&doc.vendor));
    let _ = writeln!(
        m,
        "Screened the vendor and {} customer(s) as of {}: {} hit(s) on {} part(ies); {} FAIL and {} REVIEW finding(s). Screened at {}{}.\n",
        s.customers,
        escape(&doc.as_of),
        s.hits,
        s.parties_with_hits,
        s.fail_findings,
        s.review_findings,
        escape(&doc.timestamp),
        logged.map_or(String::new(), |l| format!("; record {} of {}", l.seq, escape(&l.log)))
    );
    if !doc.warnings.is_empty() {
        let _ = writeln!(m, "**Incomplete screening:**\n");
        for w in &doc.warnings {
            let _ = writeln!(m, "- {}", escape(w));
        }
        m.push('\n');
    }
    let _ = writeln!(m, "### Findings\n");
    if doc.findings.is_empty() {
        let _ = writeln!(m, "No rule found anything to report.\n");
    } else {
        let _ = writeln!(m, "| Level | Finding | Rests on |\n|---|---|---|");
        for f in &doc.findings {
            let _ = writeln!(
                m,
                "| **{}** | **{}** ({}): {} | {} |",
                escape(&f.verdict),
                escape(&f.code),
                escape(&f.rule),
                escape(&f.message),
                escape(&f.evidence.join(", "))
            );
        }
        m.push('\n');
    }
    let _ = writeln!(m, "### Hits\n");
    let mut any = false;
    for p in doc.parties.iter().filter(|p| !p.hits.is_empty()) {
        any = true;
        let _ = writeln!(
            m,
            "**{} {}: {}**\n",
            escape(&p.role),
            escape(&p.id),
            escape(&p.name)
        );
        for h in &p.hits {
            hit(&mut m, h);
            if let Some(d) = p.decision(h) {
                let lapsed = (d.status != "confirmed").then_some(d.note.as_str());
                disposition(&mut m, &d.disposition, lapsed);
            }
        }
        m.push('\n');
    }
    if !any {
        let _ = writeln!(
            m,
            "No party matched any listed name or identifier that a reviewer has not cleared.\n"
        );
    }
    let cleared: Vec<_> = doc
        .parties
        .iter()
        .filter(|p| !p.cleared.is_empty())
        .collect();
    if !cleared.is_empty() {
        let _ = writeln!(m, "### Cleared hits\n");
        for p in cleared {
            let _ = writeln!(
                m,
                "**{} {}: {}**\n",
                escape(&p.role),
                escape(&p.id),
                escape(&p.name)
            );
            for c in &p.cleared {
                hit(&mut m, &c.hit);
                disposition(&mut m, &c.disposition, None);
            }
            m.push('\n');
        }
    }
    let id = &doc.identity;
    let _ = writeln!(m, "### What the verdict rests on\n");
    let _ = writeln!(
        m,
        "Engine {} {}; policy {} {}.\n",
        escape(&id.engine),
        escape(&id.engine_version),
        escape(&id.policy),
        escape(&id.policy_version)
    );
    let _ = writeln!(m, "| List | Published | Age | State |\n|---|---|---|---|");
    for l in &id.lists {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} |",
            escape(&l.name),
            l.publication_date
                .as_deref()
                .map_or("unknown".to_owned(), escape),
            age_days(l.publication_date.as_deref(), &doc.as_of)
                .map_or("unknown".to_owned(), |d| format!("{d} days")),
            list_state(l)
        );
    }
    m.push('\n');
    for f in id.rules.iter().chain(&id.evidence).chain(&id.dispositions) {
        let _ = writeln!(m, "- {} {}", escape(&f.name), escape(&f.sha256));
    }
    if let Some(l) = logged {
        let _ = writeln!(
            m,
            "\nLogged as record {} of {}, record hash {}; the chain {}.",
            l.seq,
            escape(&l.log),
            escape(&l.hash),
            if l.chain_verified {
                "verified"
            } else {
                "did NOT verify"
            }
        );
    }
    m
}

fn hit(m: &mut String, h: &DocHit) {
    let _ = writeln!(
        m,
        "- {:.3} {} {}:{} {} \\[{}\\]: {}",
        h.score,
        escape(&h.basis),
        escape(&h.list),
        escape(&h.entity_id),
        escape(&h.name),
        escape(&h.programs.join(", ")),
        escape(&h.why.summary)
    );
    if let Some(n) = &h.why.name {
        let pairs: Vec<String> = n
            .pairs
            .iter()
            .map(|p| {
                format!(
                    "{} \\~ {} {} {:.2}",
                    escape(&p.query),
                    escape(&p.candidate),
                    escape(&p.how),
                    p.similarity
                )
            })
            .collect();
        if !pairs.is_empty() {
            let _ = writeln!(m, "  - words: {}", pairs.join("; "));
        }
    }
    for q in &h.why.qualifiers {
        let _ = writeln!(
            m,
            "  - {} {:+.2}: {}",
            escape(&q.factor),
            q.effect,
            escape(&q.detail)
        );
    }
}

/// Who decided what about a hit and why; with `lapsed`, why the decision
/// no longer holds.
fn disposition(m: &mut String, d: &DocDisposition, lapsed: Option<&str>) {
    if let Some(why) = lapsed {
        let _ = writeln!(m, "  - **decision no longer holds:** {}", escape(why));
    }
    let _ = writeln!(
        m,
        "  - **{}** by {} at {}{}: {}",
        escape(&d.decision),
        escape(&d.by),
        escape(&d.at),
        d.expires
            .as_deref()
            .map_or(String::new(), |e| format!(", until {}", escape(e))),
        escape(&d.reason)
    );
}
