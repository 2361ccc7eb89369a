//! `vetter screen`: the one place that reads the clock.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{Format, ScreenArgs, DEFAULT_LISTS};
use crate::evidence;
use crate::lists::Snapshot;
use crate::matching::search::Matcher;
use crate::output::write_json;
use crate::rules::Policy;
use crate::screen::{screen, Inputs};
use crate::verdict::Verdict;
use crate::{out, Outcome, Result};

pub fn run(args: ScreenArgs, w: &mut dyn Write) -> Result<Outcome> {
    let now = chrono::Utc::now();
    let timestamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let as_of = args.as_of.unwrap_or_else(|| now.date_naive());
    // Validate everything before any work: bad input never yields a verdict.
    let (evidence, files) = evidence::parse::load(&args.evidence)?;
    let policy = Policy::load(&args.rules)?;
    let paths: Vec<PathBuf> = if args.lists.is_empty() {
        DEFAULT_LISTS.iter().map(PathBuf::from).collect()
    } else {
        args.lists.clone()
    };
    let snapshot = Snapshot::load(&paths, &args.load.options())?;
    let matcher = Matcher::new(&snapshot);
    let verdict = screen(&Inputs {
        evidence: &evidence,
        evidence_files: &files,
        matcher: &matcher,
        policy: &policy,
        as_of,
        timestamp,
    })?;
    if let Some(log) = &args.log {
        // A verdict that could not be logged was not given.
        crate::audit::append::append_screening(
            log,
            args.log_key_file.as_deref(),
            &verdict,
            &files,
            &policy,
            &snapshot,
        )?;
    }
    match args.format {
        Format::Json => write_json(w, &verdict)?,
        Format::Text => render(w, &verdict)?,
    }
    Ok(if args.exit_zero {
        Outcome::Success
    } else {
        verdict.verdict.outcome()
    })
}

pub fn render(w: &mut dyn Write, v: &Verdict) -> Result<()> {
    out!(w, "{}  {}", v.verdict.as_str(), v.vendor);
    out!(
        w,
        "screened the vendor and {} customer(s) as of {}: {} hit(s) on {} part(ies); {} FAIL and {} REVIEW finding(s)",
        v.summary.customers, v.as_of, v.summary.hits, v.summary.parties_with_hits, v.summary.fail_findings, v.summary.review_findings
    );
    if !v.findings.is_empty() {
        out!(w, "");
        out!(w, "findings:");
    }
    for f in &v.findings {
        out!(w, "  {:<6} {}  [{}]", f.verdict.as_str(), f.code, f.rule);
        out!(w, "         {}", f.message);
        if !f.evidence.is_empty() {
            out!(w, "         rests on: {}", f.evidence.join(", "));
        }
        if !f.sources.is_empty() {
            out!(w, "         sources: {}", f.sources.join(", "));
        }
    }
    let with_hits: Vec<_> = v.parties.iter().filter(|p| !p.hits.is_empty()).collect();
    if !with_hits.is_empty() {
        out!(w, "");
        out!(w, "hits:");
    }
    for p in with_hits {
        out!(w, "  {} {} ({})", p.role, p.id, p.name);
        for h in &p.hits {
            out!(
                w,
                "    {:.3}  {}:{}  {}  [{}]",
                h.score,
                h.list,
                h.entity_id,
                h.name,
                h.programs.join(", ")
            );
            out!(w, "           {}", h.why.summary);
        }
    }
    out!(w, "");
    out!(w, "identity:");
    out!(
        w,
        "  engine {} {}; policy {} {}",
        v.identity.engine,
        v.identity.engine_version,
        v.identity.policy,
        v.identity.policy_version
    );
    for l in &v.identity.lists {
        let date = l
            .publication_date
            .map_or_else(|| "date unknown".to_owned(), |d| d.to_string());
        let partial = if l.complete {
            String::new()
        } else {
            format!(", PARTIAL (missing {})", l.missing_files.join(", "))
        };
        out!(
            w,
            "  list {} published {date}{partial}, content {}",
            l.name,
            &l.content_id()[..16]
        );
    }
    for r in &v.identity.rules {
        out!(w, "  rule {} {}", r.name, &r.sha256[..16]);
    }
    for e in &v.identity.evidence {
        out!(w, "  evidence {} {}", e.name, &e.sha256[..16]);
    }
    out!(w, "  timestamp {}", v.timestamp);
    Ok(())
}
