//! `vetter dispose` and `vetter dispositions list|check`: recording
//! reviewers' decisions on hits, and showing which still hold.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{DisposeArgs, DispositionsCommand, Format};
use crate::config::Config;
use crate::dispositions::decide::{decide, Request};
use crate::dispositions::{Disposition, Dispositions};
use crate::output::write_json;
use crate::untrusted::terminal_safe as safe;
use crate::{out, Error, Outcome, Result};

/// The dispositions file a command works on: given, else the config's.
fn file(given: Option<&Path>, config: &Config) -> Result<PathBuf> {
    given
        .or(config.dispositions.as_deref())
        .map(Path::to_owned)
        .ok_or_else(|| {
            Error::Usage(
                "no dispositions file: pass one, or set `dispositions` in the config file (docs/configuration.md)"
                    .to_owned(),
            )
        })
}

pub fn run_dispose(args: &DisposeArgs, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    let path = file(args.dispositions.as_deref(), config)?;
    // Read the file first: a broken one is reported before any screening.
    Dispositions::load_or_new(&path)?;
    let (evidence, _) = crate::evidence::parse::load(&args.evidence)?;
    let policy = super::load_policy(args.rules.as_deref(), config)?;
    let snapshot = super::load_lists(&args.lists.paths, &args.lists.load.options(), config)?;
    let matcher = super::matcher(&snapshot, config);
    let request = Request {
        party: &args.party,
        hit: &args.hit,
        decision: &args.decision,
        reason: &args.reason,
        by: &args.by,
        expires: args.expires,
    };
    let threshold = policy.settings.matching.threshold;
    let d = decide(&evidence, &request, &matcher, threshold, chrono::Utc::now())?;
    let listed = snapshot
        .find(Some(&d.list), &d.entity)
        .first()
        .map(|e| e.name.clone())
        .unwrap_or_default();
    let said = format!(
        "{}'s hit on {}:{} ({}) is {}",
        safe(&d.party_name),
        safe(&d.list),
        safe(&d.entity),
        safe(&listed),
        d.decision.as_str()
    );
    let replaced = Dispositions::update(&path, |all| {
        let replaced = all.find(&d.party, &d.list, &d.entity).is_some();
        all.record(d);
        replaced
    })?;
    let earlier = if replaced {
        ", replacing the earlier decision"
    } else {
        ""
    };
    out!(w, "recorded in {}: {said}{earlier}", path.display());
    Ok(Outcome::Success)
}

pub fn run_dispositions(
    cmd: &DispositionsCommand,
    config: &Config,
    w: &mut dyn Write,
) -> Result<Outcome> {
    match cmd {
        DispositionsCommand::List {
            file: given,
            format,
        } => {
            let path = file(given.as_deref(), config)?;
            let ds = Dispositions::load(&path)?;
            if *format == Format::Json {
                write_json(w, &ds.items)?;
                return Ok(Outcome::Success);
            }
            if ds.items.is_empty() {
                out!(w, "{}: no decisions", path.display());
            }
            for d in &ds.items {
                render(w, d, None)?;
            }
            Ok(Outcome::Success)
        }
        DispositionsCommand::Check {
            file: given,
            lists,
            as_of,
            format,
        } => {
            let path = file(given.as_deref(), config)?;
            let ds = Dispositions::load(&path)?;
            let snapshot = super::load_lists(&lists.paths, &lists.load.options(), config)?;
            let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let checked: Vec<(&Disposition, Option<String>)> = ds
                .items
                .iter()
                .map(|d| (d, stale(d, &snapshot, as_of)))
                .collect();
            if *format == Format::Json {
                let rows: Vec<serde_json::Value> = checked
                    .iter()
                    .map(|(d, why)| {
                        serde_json::json!({
                            "disposition": d,
                            "holds": why.is_none(),
                            "why_not": why,
                        })
                    })
                    .collect();
                write_json(w, &rows)?;
            } else {
                for (d, why) in &checked {
                    render(w, d, Some(why.as_deref()))?;
                }
            }
            let stale = checked.iter().filter(|(_, why)| why.is_some()).count();
            if *format == Format::Text {
                out!(
                    w,
                    "{} decision(s), {stale} no longer holding (the party's side is checked when a screening applies them)",
                    checked.len()
                );
            }
            Ok(if stale > 0 {
                Outcome::Review
            } else {
                Outcome::Success
            })
        }
    }
}

/// Why `d` no longer holds against `snapshot` on `as_of`, as far as the
/// lists tell (the party is checked when a screening applies it).
fn stale(
    d: &Disposition,
    snapshot: &crate::lists::Snapshot,
    as_of: chrono::NaiveDate,
) -> Option<String> {
    if !snapshot.lists.iter().any(|l| l.name == d.list) {
        return Some(format!("list {} is not among the lists checked", d.list));
    }
    let entity = snapshot.find(Some(&d.list), &d.entity).first().copied();
    crate::dispositions::apply::lapsed_listing(d, entity, as_of).map(|(_, why)| why)
}

fn render(w: &mut dyn Write, d: &Disposition, check: Option<Option<&str>>) -> Result<()> {
    let state = match check {
        None => String::new(),
        Some(None) => "  holds".to_owned(),
        Some(Some(why)) => format!("  NO LONGER HOLDS: {why}"),
    };
    out!(
        w,
        "{} ({}) on {}:{} '{}': {} by {} at {}{}{}",
        safe(&d.party),
        safe(&d.party_name),
        safe(&d.list),
        safe(&d.entity),
        safe(&d.matched),
        d.decision.as_str(),
        safe(&d.by),
        safe(&d.at),
        d.expires
            .map(|e| format!(", until {e}"))
            .unwrap_or_default(),
        state
    );
    out!(w, "    {}", safe(&d.reason));
    Ok(())
}
