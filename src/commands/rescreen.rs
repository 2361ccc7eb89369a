//! `vetter rescreen`: each vendor's latest logged verdict, screened again
//! against the current lists with its recorded evidence and rules.

use std::io::Write;

use crate::audit::replay::{latest_per_vendor, replay, Mode};
use crate::audit::{key, verify};
use crate::cli::{Format, RescreenArgs};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::output::write_json;
use crate::untrusted::terminal_safe as safe;
use crate::verdict::Level;
use crate::{out, Outcome};

pub fn run(args: &RescreenArgs, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    let log = args.log.as_ref().or(config.log.as_ref()).ok_or_else(|| {
        Error::Usage(
            "name the verdict log with --log FILE (or `log` in the config file)".to_owned(),
        )
    })?;
    let key_file = args
        .key
        .key_file
        .as_deref()
        .or(config.log_key_file.as_deref());
    let key_bytes = key::load(key_file)?;
    let data = super::log::read(log)?;
    let lines = verify::verified_lines(log, &data, key_bytes.as_deref(), args.key.no_key)?;
    let latest: Vec<&str> = latest_per_vendor(&lines)
        .into_iter()
        .map(|i| lines[i])
        .collect();
    let snapshot = super::load_lists(&args.lists.paths, &args.lists.load.options(), config)?;
    // Decisions taken since the recorded screenings apply to the rescreen.
    let dispositions = match (&args.dispositions, &config.dispositions) {
        (None, None) => None,
        (given, _) => Some(super::load_dispositions(given.as_deref(), config)?),
    };
    let now = chrono::Utc::now();
    let at = (
        args.as_of.unwrap_or_else(|| now.date_naive()),
        now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    );
    // The store keeps the snapshots earlier screenings used: with them,
    // each new or gone hit says what happened to its entry on the list.
    let stored = config.stored_snapshots()?;
    let archive = config.archive_dir().unwrap_or_default();
    let mut outcomes = replay(
        &latest,
        &Mode::Rescreen {
            snapshot: &snapshot,
            at: Some(at),
            recorded: Some((&stored, &archive)),
            dispositions: dispositions.as_ref(),
        },
        config.index_dir().as_deref(),
    );
    if args.append {
        for o in &mut outcomes {
            if let Some(r) = &o.rescreened {
                let seq = crate::audit::append::append_record(
                    log,
                    key_file,
                    &r.verdict,
                    crate::audit::append::Made {
                        evidence: &r.evidence_files,
                        policy_files: r.policy_files.clone(),
                        lists: &snapshot.lists,
                        dispositions: r.dispositions_file.as_ref(),
                        screened_by: None,
                    },
                )?
                .seq;
                o.changes.push(format!("logged as record {seq}"));
            }
        }
    }
    let errors = outcomes.iter().filter(|o| o.error.is_some()).count();
    let changed: Vec<_> = outcomes
        .iter()
        .filter(|o| o.error.is_none() && !o.same)
        .collect();
    match args.format {
        Format::Json => write_json(w, &outcomes)?,
        Format::Text => {
            for o in outcomes
                .iter()
                .filter(|o| o.error.is_some() || !o.same || !o.changes.is_empty())
            {
                let now = o.replayed.map_or("ERROR", |l| l.as_str());
                out!(
                    w,
                    "{} (record {}): {} → {}",
                    safe(&o.vendor),
                    o.seq,
                    o.recorded.as_str(),
                    now
                );
                for c in &o.changes {
                    out!(w, "  {}", safe(c));
                }
                if let Some(e) = &o.error {
                    out!(w, "  could not rescreen: {}", safe(e));
                }
            }
            out!(
                w,
                "{} vendor(s) rescreened: {} verdict(s) changed, {} unchanged, {} could not be rescreened",
                outcomes.len(),
                changed.len(),
                outcomes.len() - changed.len() - errors,
                errors
            );
        }
    }
    if errors > 0 {
        return Ok(Outcome::Problem);
    }
    let became_fail = changed.iter().any(|o| o.replayed == Some(Level::Fail));
    Ok(if became_fail {
        Outcome::Fail
    } else if !changed.is_empty() {
        Outcome::Review
    } else {
        Outcome::Success
    })
}
