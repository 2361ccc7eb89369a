//! `vetter dispose` and `vetter dispositions list|check`: recording
//! reviewers' decisions on hits, and showing which still hold.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{DisposeArgs, DispositionsCommand, Format};
use crate::config::Config;
use crate::dispositions::{
    entity_fingerprint, is_a_sentence, party_fingerprint, Decision, Disposition, Dispositions,
    IDENTIFIER_REASON_WORDS,
};
use crate::matching::candidates::Scratch;
use crate::matching::search::Settings as MatchSettings;
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
    let decision = Decision::parse(&args.decision).ok_or_else(|| {
        Error::Usage(format!(
            "--decision `{}`: say false-positive or confirmed",
            args.decision
        ))
    })?;
    let (list, entity) = args
        .hit
        .split_once(':')
        .filter(|(l, e)| !l.is_empty() && !e.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "--hit `{}`: write LIST:ENTITY, as the verdict shows the hit (e.g. ofac-sdn:12345)",
                args.hit
            ))
        })?;
    for (flag, value) in [("--reason", &args.reason), ("--by", &args.by)] {
        if value.trim().is_empty() {
            return Err(Error::Usage(format!("{flag} is empty")));
        }
    }
    let now = chrono::Utc::now();
    if let Some(expires) = args.expires.filter(|e| *e < now.date_naive()) {
        return Err(Error::Usage(format!("--expires {expires} is already past")));
    }
    // Read the file first: a broken one is reported before any screening.
    let mut dispositions = Dispositions::load_or_new(&path)?;
    let (evidence, _) = crate::evidence::parse::load(&args.evidence)?;
    let party = if args.party == "vendor" {
        &evidence.vendor
    } else {
        evidence
            .customers
            .iter()
            .map(|c| &c.party)
            .find(|p| p.id == args.party)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} names no customer `{}`; the party is `vendor` or a customer's id",
                    args.evidence.display(),
                    args.party
                ))
            })?
    };
    let policy = super::load_policy(args.rules.as_deref(), config)?;
    let snapshot = super::load_lists(&args.lists.paths, &args.lists.load.options(), config)?;
    let matcher = super::matcher(&snapshot, config);
    let settings = MatchSettings {
        threshold: policy.settings.matching.threshold,
        limit: 0,
    };
    let hits = crate::screen::screen_party(party, &matcher, &settings, &mut Scratch::default());
    let Some(hit) = hits
        .iter()
        .find(|h| h.list == list && h.entity_id == entity)
    else {
        let found: Vec<String> = hits
            .iter()
            .map(|h| format!("{}:{}", h.list, h.entity_id))
            .collect();
        return Err(Error::Usage(format!(
            "screening {} against the lists gives {} no hit on {list}:{entity} (its hits: {}); a decision is recorded only on a hit the screening gives",
            args.evidence.display(),
            args.party,
            if found.is_empty() { "none".to_owned() } else { found.join(", ") }
        )));
    };
    if decision == Decision::FalsePositive
        && hit.basis == "identifier"
        && !is_a_sentence(&args.reason)
    {
        return Err(Error::Usage(format!(
            "the hit rests on an identifier ({} `{}`): clearing it takes a reason of at least a sentence ({IDENTIFIER_REASON_WORDS} words or more)",
            hit.matched_field, hit.matched
        )));
    }
    let listed = snapshot
        .entities
        .get(hit.entity_index)
        .ok_or_else(|| Error::Usage(format!("the listing of {list}:{entity} could not be read")))?;
    let d = Disposition {
        party: party.id.clone(),
        party_name: party.name.clone(),
        party_fingerprint: party_fingerprint(party),
        list: hit.list.clone(),
        entity: hit.entity_id.clone(),
        matched: hit.matched.clone(),
        entity_fingerprint: entity_fingerprint(listed),
        decision,
        by: args.by.trim().to_owned(),
        at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        reason: args.reason.trim().to_owned(),
        expires: args.expires,
    };
    let replaced = dispositions.find(&d.party, &d.list, &d.entity).is_some();
    dispositions.record(d);
    dispositions.save(&path)?;
    out!(
        w,
        "recorded in {}: {}'s hit on {list}:{entity} ({}) is {}{}",
        path.display(),
        safe(&party.name),
        safe(&hit.name),
        decision.as_str(),
        if replaced {
            ", replacing the earlier decision"
        } else {
            ""
        }
    );
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
    if let Some(e) = d.expires.filter(|e| *e < as_of) {
        return Some(format!("expired on {e}"));
    }
    if !snapshot.lists.iter().any(|l| l.name == d.list) {
        return Some(format!("list {} is not among the lists checked", d.list));
    }
    match snapshot.find(Some(&d.list), &d.entity).first() {
        None => Some(format!("{}:{} is no longer listed", d.list, d.entity)),
        Some(e) if entity_fingerprint(e) != d.entity_fingerprint => Some(format!(
            "the listing of {}:{} changed since the decision",
            d.list, d.entity
        )),
        Some(_) => None,
    }
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
