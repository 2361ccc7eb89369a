//! `vetter screen` over a supplier base: the lists are loaded and indexed
//! once, vendors are screened on all cores, and each gets one summary
//! line. Verdicts are logged in the order the files were named, so that a
//! log written twice from the same files has the same order.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::audit::append::Made;
use crate::cli::{OutputFormat, ScreenArgs};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::evidence;
use crate::screen::{screen, Inputs};
use crate::untrusted::terminal_safe as safe;
use crate::verdict::{Level, Verdict};
use crate::{out, Outcome};

/// One vendor's line of the summary.
#[derive(Debug, Serialize)]
struct Row {
    file: String,
    vendor: String,
    /// PASS, REVIEW or FAIL; empty when the vendor could not be screened.
    verdict: String,
    fail_findings: usize,
    review_findings: usize,
    hits: usize,
    /// The verdict's sequence number in the log, when logged.
    seq: Option<u64>,
    /// Why the vendor could not be screened.
    error: Option<String>,
}

/// The evidence files named: files as given, folders by their `*.toml`
/// files (not descending further), each folder's in name order.
fn evidence_files(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in given {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "toml"))
                .collect();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: a folder without evidence files (*.toml)",
                    p.display()
                )));
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub fn run(
    args: &ScreenArgs,
    config: &Config,
    as_of: NaiveDate,
    timestamp: &str,
    w: &mut dyn Write,
) -> Result<Outcome> {
    let format = match args.format {
        OutputFormat::Json | OutputFormat::Jsonl => OutputFormat::Jsonl,
        OutputFormat::Html | OutputFormat::Markdown => {
            return Err(Error::Usage(
                "a report is for one vendor; a portfolio prints text, jsonl or csv".to_owned(),
            ))
        }
        f => f,
    };
    let files = evidence_files(&args.evidence)?;
    let policy = super::load_policy(args.rules.as_deref(), config)?;
    let dispositions = super::load_dispositions(args.dispositions.as_deref(), config)?;
    let snapshot = super::load_lists(&args.lists, &args.load.options(), config)?;
    let matcher = super::matcher(&snapshot, config);
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(files.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let screened: Vec<Result<(Verdict, Vec<evidence::EvidenceFile>)>> = files
        .par_iter()
        .map(|f| {
            let result = evidence::parse::load(f).and_then(|(ev, ev_files)| {
                let verdict = screen(&Inputs {
                    evidence: &ev,
                    evidence_files: &ev_files,
                    matcher: &matcher,
                    policy: &policy,
                    dispositions: &dispositions,
                    as_of,
                    timestamp: timestamp.to_owned(),
                })?;
                Ok((verdict, ev_files))
            });
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();
    let log = args.log.as_ref().or(config.log.as_ref());
    let key = args
        .log_key_file
        .as_deref()
        .or(config.log_key_file.as_deref());
    let mut rows = Vec::with_capacity(files.len());
    let mut worst: Option<Level> = None;
    let mut pages = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for (file, result) in files.iter().zip(screened) {
        let row = match result {
            Ok((verdict, ev_files)) => {
                pages.push(match &args.reports {
                    Some(_) => Some((report_name(file, &mut taken), verdict_page(&verdict)?)),
                    None => None,
                });
                let seq = match log {
                    // A verdict that could not be logged was not given.
                    Some(log) => Some(
                        crate::audit::append::append_record(
                            log,
                            key,
                            &verdict,
                            Made::screening(
                                &ev_files,
                                &policy,
                                &snapshot,
                                dispositions.file.as_ref(),
                            ),
                        )?
                        .seq,
                    ),
                    None => None,
                };
                worst = worst.max(Some(verdict.verdict));
                Row {
                    file: file.display().to_string(),
                    vendor: verdict.vendor.clone(),
                    verdict: verdict.verdict.as_str().to_owned(),
                    fail_findings: verdict.summary.fail_findings,
                    review_findings: verdict.summary.review_findings,
                    hits: verdict.summary.hits,
                    seq,
                    error: None,
                }
            }
            Err(e) => {
                pages.push(None);
                Row {
                    file: file.display().to_string(),
                    vendor: String::new(),
                    verdict: String::new(),
                    fail_findings: 0,
                    review_findings: 0,
                    hits: 0,
                    seq: None,
                    // One line, so that every vendor is one row in any format.
                    error: Some(e.to_string().replace('\n', "; ")),
                }
            }
        };
        rows.push(row);
    }
    if let Some(dir) = &args.reports {
        write_reports(dir, &rows, &pages, &as_of.to_string())?;
    }
    write_rows(w, &rows, format)?;
    let failed = rows.iter().filter(|r| r.error.is_some()).count();
    if failed > 0 {
        for r in rows
            .iter()
            .filter_map(|r| r.error.as_ref().map(|e| (&r.file, e)))
        {
            eprintln!("error: {}: {}", safe(r.0), safe(r.1));
        }
        eprintln!(
            "error: {failed} of {} vendor(s) could not be screened",
            rows.len()
        );
        return Ok(Outcome::Problem);
    }
    Ok(match worst {
        Some(level) if !args.exit_zero => level.outcome(),
        _ => Outcome::Success,
    })
}

fn write_rows(w: &mut dyn Write, rows: &[Row], format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Csv => {
            let mut csv = csv::Writer::from_writer(Vec::new());
            for r in rows {
                csv.serialize(r)
                    .map_err(|e| Error::Usage(format!("writing CSV: {e}")))?;
            }
            let data = csv
                .into_inner()
                .map_err(|e| Error::Usage(format!("writing CSV: {e}")))?;
            w.write_all(&data)
                .map_err(|e| Error::io(Path::new("(standard output)"), e))?;
        }
        OutputFormat::Jsonl | OutputFormat::Json | OutputFormat::Html | OutputFormat::Markdown => {
            for r in rows {
                let line = serde_json::to_string(r).map_err(|e| Error::Usage(e.to_string()))?;
                out!(w, "{line}");
            }
        }
        OutputFormat::Text => {
            out!(
                w,
                "{:<7} {:>5} {:>6} {:>5} {:>6}  {}",
                "verdict",
                "FAIL",
                "REVIEW",
                "hits",
                "seq",
                "vendor (evidence file)"
            );
            for r in rows {
                out!(
                    w,
                    "{:<7} {:>5} {:>6} {:>5} {:>6}  {} ({})",
                    if r.error.is_some() {
                        "ERROR"
                    } else {
                        &r.verdict
                    },
                    r.fail_findings,
                    r.review_findings,
                    r.hits,
                    r.seq.map_or_else(|| "-".to_owned(), |s| s.to_string()),
                    safe(&r.vendor),
                    safe(&r.file)
                );
            }
            let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
            out!(
                w,
                "{} vendor(s): {} FAIL, {} REVIEW, {} PASS, {} could not be screened",
                rows.len(),
                count("FAIL"),
                count("REVIEW"),
                count("PASS"),
                rows.iter().filter(|r| r.error.is_some()).count()
            );
        }
    }
    Ok(())
}

/// A file name for a vendor's report: its evidence file's stem in safe
/// characters, numbered when two evidence files share one.
fn report_name(file: &Path, taken: &mut std::collections::HashSet<String>) -> String {
    let stem: String = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let stem = if stem.is_empty() || stem == "index" {
        format!("vendor-{stem}")
    } else {
        stem
    };
    let mut name = format!("{stem}.html");
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{stem}-{n}.html");
        n += 1;
    }
    name
}

fn verdict_page(verdict: &Verdict) -> Result<String> {
    let doc = crate::report::Doc::of_verdict(verdict)?;
    Ok(crate::report::html::render(&doc, None))
}

/// Each vendor's report, then the summary page linking them.
fn write_reports(
    dir: &Path,
    rows: &[Row],
    pages: &[Option<(String, String)>],
    as_of: &str,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut summary = Vec::with_capacity(rows.len());
    for (r, page) in rows.iter().zip(pages) {
        if let Some((name, page)) = page {
            let path = dir.join(name);
            std::fs::write(&path, page).map_err(|e| Error::io(&path, e))?;
        }
        let report = page.as_ref().map(|(name, _)| name.clone());
        summary.push(crate::report::html::PortfolioRow {
            file: r.file.clone(),
            vendor: r.vendor.clone(),
            verdict: r.verdict.clone(),
            fail_findings: r.fail_findings,
            review_findings: r.review_findings,
            hits: r.hits,
            report,
            error: r.error.clone(),
        });
    }
    let index = dir.join("index.html");
    std::fs::write(&index, crate::report::html::portfolio(&summary, as_of))
        .map_err(|e| Error::io(&index, e))
}
