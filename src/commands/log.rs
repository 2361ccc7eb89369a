//! `vetter log {verify,head,show,replay,repair}`.

use std::io::Write;
use std::path::Path;

use crate::audit::replay::{replay, Mode};
use crate::audit::{key, records, repair, verify};
use crate::cli::{Format, LogCommand, ShowFormat};
use crate::output::write_json;
use crate::untrusted::terminal_safe as safe;
use crate::{out, Error, Outcome, Result};

/// A log is a regular file vetter wrote: a device or pipe (`/dev/zero`)
/// is refused before anything is read.
pub(super) fn read(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::Log {
            path: path.to_owned(),
            line: None,
            message: "not a regular file: a verdict log is a file vetter appends to".to_owned(),
        });
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

pub fn run(cmd: LogCommand, config: &crate::config::Config, w: &mut dyn Write) -> Result<Outcome> {
    match cmd {
        LogCommand::Verify {
            file,
            key,
            expect_head,
            format,
        } => {
            let key_bytes = key::load(key.key_file.as_deref().or(config.log_key_file.as_deref()))?;
            let report =
                verify::verify(&read(&file)?, key_bytes.as_deref(), expect_head.as_deref());
            // A keyed log checked without its key is not "intact": its
            // MACs, what stops a rewrite of the chain, were not checked.
            let unchecked = report.intact() && report.keyed && key_bytes.is_none();
            let ok = report.intact() && (!unchecked || key.no_key);
            match format {
                Format::Json => write_json(w, &report)?,
                Format::Text => match &report.problem {
                    None if unchecked && !key.no_key => {
                        eprintln!("error: {}", verify::keyed_without_key(&file));
                        eprintln!(
                            "the hash chain of {} record(s) holds; the MACs were NOT checked",
                            report.records
                        );
                    }
                    None => {
                        out!(
                            w,
                            "intact: {} record(s), head {}:{}",
                            report.records,
                            report.head_seq,
                            report.head_hash
                        );
                        if report.macs_checked {
                            out!(w, "every MAC checked with the key");
                        } else if unchecked {
                            out!(w, "MACs NOT checked (--no-key): only the hash chain was verified; someone who can edit the file could have rewritten it");
                        }
                    }
                    Some(p) => {
                        eprintln!(
                            "{}:{}: {} ({})",
                            safe(&file.display().to_string()),
                            p.line,
                            p.message,
                            p.kind
                        );
                        eprintln!("{} record(s) before it verified", report.records);
                    }
                },
            }
            Ok(if ok {
                Outcome::Success
            } else {
                Outcome::Problem
            })
        }
        LogCommand::Head { file, format } => {
            let report = verify::verify(&read(&file)?, None, None);
            if let Some(p) = &report.problem {
                return Err(Error::Log {
                    path: file.clone(),
                    line: Some(p.line as u64),
                    message: format!("{} ({}); run `vetter log verify`", p.message, p.kind),
                });
            }
            match format {
                Format::Json => write_json(
                    w,
                    &serde_json::json!({"seq": report.head_seq, "hash": report.head_hash}),
                )?,
                Format::Text => out!(w, "{}:{}", report.head_seq, report.head_hash),
            }
            Ok(Outcome::Success)
        }
        LogCommand::Show {
            file,
            key,
            vendor,
            verdict,
            since,
            until,
            seq,
            format,
        } => {
            let report = matches!(format, ShowFormat::Html | ShowFormat::Markdown);
            if report && seq.is_none() {
                return Err(Error::Usage(
                    "a report is of one record: name it with --seq N".to_owned(),
                ));
            }
            let data = read(&file)?;
            let key_bytes = key::load(key.key_file.as_deref().or(config.log_key_file.as_deref()))?;
            let filter = records::Filter {
                vendor,
                verdict,
                since,
                until,
                seq,
            };
            let found = records::read(&file, &data, key_bytes.as_deref(), key.no_key, &filter)?;
            if report {
                let Some(r) = found.first() else {
                    return Err(Error::Usage(format!(
                        "{}: no record with sequence number {}",
                        file.display(),
                        seq.unwrap_or_default()
                    )));
                };
                let (doc, logged) = crate::report::of_record(&file, r)?;
                super::write_report(w, &doc, Some(&logged), format == ShowFormat::Html)?;
                return Ok(Outcome::Success);
            }
            let rows: Vec<records::Summary> = found.iter().map(records::Logged::summary).collect();
            match format {
                ShowFormat::Json => write_json(w, &rows)?,
                _ => {
                    for r in &rows {
                        out!(
                            w,
                            "{:>5}  {}  {:<6}  {}  {}",
                            r.seq,
                            safe(&r.timestamp),
                            r.verdict,
                            safe(&r.vendor),
                            safe(&r.findings.join(", "))
                        );
                    }
                    out!(w, "{} record(s)", rows.len());
                }
            }
            Ok(Outcome::Success)
        }
        LogCommand::Replay {
            file,
            key,
            lists,
            archive,
            rescreen,
            load,
            format,
        } => {
            let data = read(&file)?;
            let key_bytes = key::load(key.key_file.as_deref().or(config.log_key_file.as_deref()))?;
            let lines = verify::verified_lines(&file, &data, key_bytes.as_deref(), key.no_key)?;
            let snapshot;
            let mut candidates = lists.clone();
            let archive = archive.or_else(|| config.archive_dir()).unwrap_or_default();
            let mode = if rescreen {
                if lists.is_empty() {
                    return Err(Error::Usage(
                        "--rescreen needs the new lists with --lists".to_owned(),
                    ));
                }
                snapshot = super::load_lists(&lists, &load.options(), config)?;
                Mode::Rescreen {
                    snapshot: &snapshot,
                    at: None,
                    recorded: None,
                    dispositions: None,
                }
            } else {
                // The store keeps every snapshot it installed: a record
                // names its lists by content, and finds them there.
                if lists.is_empty() {
                    candidates = config.stored_snapshots()?;
                }
                Mode::Reproduce {
                    candidates: &candidates,
                    archive: &archive,
                }
            };
            let index_dir = config.index_dir();
            let outcomes = replay(&lines, &mode, index_dir.as_deref());
            let bad = outcomes
                .iter()
                .filter(|o| o.error.is_some() || (!rescreen && !o.same))
                .count();
            match format {
                Format::Json => write_json(w, &outcomes)?,
                Format::Text => {
                    for o in &outcomes {
                        let status = match (&o.error, rescreen, o.same) {
                            (Some(e), _, _) => format!("ERROR  {}", safe(e)),
                            (None, false, true) => "reproduced".to_owned(),
                            (None, false, false) => "NOT REPRODUCED".to_owned(),
                            (None, true, true) => format!("unchanged ({})", o.recorded.as_str()),
                            (None, true, false) => format!(
                                "WOULD CHANGE {} → {}",
                                o.recorded.as_str(),
                                o.replayed.map_or("?", |l| l.as_str())
                            ),
                        };
                        out!(
                            w,
                            "line {} seq {} {}: {status}",
                            o.line,
                            o.seq,
                            safe(&o.vendor)
                        );
                        for c in &o.changes {
                            out!(w, "    {}", safe(c));
                        }
                    }
                    if rescreen {
                        let changed = outcomes
                            .iter()
                            .filter(|o| o.error.is_none() && !o.same)
                            .count();
                        out!(
                            w,
                            "{} record(s): {changed} verdict(s) would change, {} error(s)",
                            outcomes.len(),
                            outcomes.iter().filter(|o| o.error.is_some()).count()
                        );
                    } else {
                        out!(
                            w,
                            "{} record(s): {} reproduced, {bad} not",
                            outcomes.len(),
                            outcomes.len() - bad
                        );
                    }
                }
            }
            Ok(if bad == 0 {
                Outcome::Success
            } else {
                Outcome::Problem
            })
        }
        LogCommand::Repair { file } => {
            match repair::repair(&file)? {
                repair::Repaired::Nothing => out!(
                    w,
                    "{}: intact, no unfinished final line; nothing to repair",
                    safe(&file.display().to_string())
                ),
                repair::Repaired::Completed { seq } => out!(
                    w,
                    "{}: record {seq} was whole but lacked its final newline, which was added",
                    safe(&file.display().to_string())
                ),
                repair::Repaired::Removed { bytes, backup } => {
                    out!(
                        w,
                        "{}: removed an unfinished final line ({bytes} bytes); the previous file is kept as {}",
                        safe(&file.display().to_string()),
                        safe(&backup.display().to_string())
                    );
                }
            }
            Ok(Outcome::Success)
        }
    }
}
