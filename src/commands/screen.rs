//! `vetter screen`: the one place that reads the clock.

use std::io::Write;

use crate::audit::append::Made;
use crate::cli::{OutputFormat, ScreenArgs};
use crate::config::Config;
use crate::evidence;
use crate::output::write_json;
use crate::screen::{screen, Inputs};
use crate::untrusted::terminal_safe as safe;
use crate::verdict::Verdict;
use crate::{out, Outcome, Result};

pub fn run(args: ScreenArgs, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    let now = chrono::Utc::now();
    let timestamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let as_of = args.as_of.unwrap_or_else(|| now.date_naive());
    let portfolio = args.evidence.len() > 1 || args.evidence.iter().any(|p| p.is_dir());
    if portfolio {
        return super::portfolio::run(&args, config, as_of, &timestamp, w);
    }
    if args.reports.is_some() {
        return Err(crate::Error::Usage(
            "--reports is for a portfolio (several evidence files); for one vendor use --format html".to_owned(),
        ));
    }
    if args.format == OutputFormat::Csv {
        return Err(crate::Error::Usage(
            "--format csv is for a portfolio (several evidence files); one vendor prints text, json, html or markdown".to_owned(),
        ));
    }
    // Validate everything before any work: bad input never yields a verdict.
    let (evidence, files) = evidence::parse::load(&args.evidence[0])?;
    let policy = super::load_policy(args.rules.as_deref(), config)?;
    let dispositions = super::load_dispositions(args.dispositions.as_deref(), config)?;
    let snapshot = super::load_lists(&args.lists, &args.load.options(), config)?;
    let matcher = super::matcher(&snapshot, config);
    let verdict = screen(&Inputs {
        evidence: &evidence,
        evidence_files: &files,
        matcher: &matcher,
        policy: &policy,
        dispositions: &dispositions,
        as_of,
        timestamp,
    })?;
    if let Some(log) = args.log.as_ref().or(config.log.as_ref()) {
        // A verdict that could not be logged was not given.
        crate::audit::append::append_record(
            log,
            args.log_key_file
                .as_deref()
                .or(config.log_key_file.as_deref()),
            &verdict,
            Made::screening(&files, &policy, &snapshot, dispositions.file.as_ref()),
        )?;
    }
    match args.format {
        OutputFormat::Json | OutputFormat::Jsonl => write_json(w, &verdict)?,
        OutputFormat::Html | OutputFormat::Markdown => {
            let doc = crate::report::Doc::of_verdict(&verdict)?;
            super::write_report(w, &doc, None, args.format == OutputFormat::Html)?;
        }
        _ => render(w, &verdict)?,
    }
    Ok(if args.exit_zero {
        Outcome::Success
    } else {
        verdict.verdict.outcome()
    })
}

pub fn render(w: &mut dyn Write, v: &Verdict) -> Result<()> {
    // Names, ids and messages come from evidence and lists: escaped, so
    // that no input can forge a line or a colour (JSON keeps them exact).
    out!(w, "{}  {}", v.verdict.as_str(), safe(&v.vendor));
    out!(
        w,
        "screened the vendor and {} customer(s) as of {}: {} hit(s) on {} part(ies); {} FAIL and {} REVIEW finding(s)",
        v.summary.customers, v.as_of, v.summary.hits, v.summary.parties_with_hits, v.summary.fail_findings, v.summary.review_findings
    );
    if !v.warnings.is_empty() {
        out!(w, "");
        out!(w, "incomplete screening:");
        for warning in &v.warnings {
            out!(w, "  {}", safe(warning));
        }
    }
    if !v.findings.is_empty() {
        out!(w, "");
        out!(w, "findings:");
    }
    for f in &v.findings {
        out!(
            w,
            "  {:<6} {}  [{}]",
            f.verdict.as_str(),
            f.code,
            safe(&f.rule)
        );
        out!(w, "         {}", safe(&f.message));
        if !f.evidence.is_empty() {
            out!(w, "         rests on: {}", safe(&f.evidence.join(", ")));
        }
        if !f.sources.is_empty() {
            out!(w, "         sources: {}", safe(&f.sources.join(", ")));
        }
    }
    let with_hits: Vec<_> = v.parties.iter().filter(|p| !p.hits.is_empty()).collect();
    if !with_hits.is_empty() {
        out!(w, "");
        out!(w, "hits:");
    }
    for p in with_hits {
        out!(w, "  {} {} ({})", p.role, safe(&p.id), safe(&p.name));
        for h in &p.hits {
            out!(
                w,
                "    {:.3}  {}:{}  {}  [{}]",
                h.score,
                safe(&h.list),
                safe(&h.entity_id),
                safe(&h.name),
                safe(&h.programs.join(", "))
            );
            out!(w, "           {}", safe(&h.why.summary));
        }
    }
    out!(w, "");
    out!(w, "identity:");
    out!(
        w,
        "  engine {} {}; policy {} {}",
        v.identity.engine,
        v.identity.engine_version,
        safe(&v.identity.policy),
        safe(&v.identity.policy_version)
    );
    for l in &v.identity.lists {
        let date = l
            .publication_date
            .map_or_else(|| "date unknown".to_owned(), |d| d.to_string());
        let state = if l.sample {
            ", SAMPLE"
        } else if l.complete {
            ""
        } else {
            ", INCOMPLETE"
        };
        out!(
            w,
            "  list {} published {date}{state}, content {}",
            safe(&l.name),
            &l.content_id()[..16]
        );
    }
    for r in &v.identity.rules {
        out!(w, "  rule {} {}", safe(&r.name), &r.sha256[..16]);
    }
    for e in &v.identity.evidence {
        out!(w, "  evidence {} {}", safe(&e.name), &e.sha256[..16]);
    }
    out!(w, "  timestamp {}", v.timestamp);
    Ok(())
}
