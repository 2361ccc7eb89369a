//! `vetter rules check` and `vetter rules test`.

use std::io::Write;

use crate::cli::{Format, RulesCommand};
use crate::config::Config;
use crate::diag::{Code, Diagnostic};
use crate::evidence;
use crate::lists::{LoadOptions, Snapshot};
use crate::matching::search::Matcher;
use crate::output::write_json;
use crate::rules::{testcases, Policy};
use crate::screen::{screen, Inputs};
use crate::{out, Error, Outcome, Result};

pub fn run(cmd: RulesCommand, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    match cmd {
        RulesCommand::Check { dir, format } => {
            let dir = dir.or_else(|| config.rules.clone());
            let result = super::load_policy(dir.as_deref(), config);
            let shown = dir.map_or_else(
                || crate::rules::BUILT_IN.to_owned(),
                |d| d.display().to_string(),
            );
            let diags = match &result {
                Ok(_) => Vec::new(),
                Err(Error::Invalid(d)) => d.clone(),
                Err(_) => return result.map(|_| Outcome::Success),
            };
            match format {
                Format::Json => write_json(w, &diags)?,
                Format::Text => {
                    for d in &diags {
                        eprintln!("{d}");
                    }
                    if let Ok(p) = &result {
                        out!(
                            w,
                            "ok: {} ({} {}), settings and {} rule(s) valid",
                            shown,
                            p.settings.policy.name,
                            p.settings.policy.version,
                            p.rules.len()
                        );
                    } else {
                        eprintln!("{} problem(s) found", diags.len());
                    }
                }
            }
            Ok(if diags.is_empty() {
                Outcome::Success
            } else {
                Outcome::Problem
            })
        }
        RulesCommand::Test { dir } => match dir.or_else(|| config.rules.clone()) {
            Some(dir) => test(&dir, w),
            None => Err(Error::Usage(
                "name the policy folder whose tests to run (`vetter init` writes an editable \
                 copy of the built-in policy with its tests)"
                    .to_owned(),
            )),
        },
    }
}

fn test(dir: &std::path::Path, w: &mut dyn Write) -> Result<Outcome> {
    let policy = Policy::load(dir)?;
    let files = testcases::discover(dir).map_err(|e| Error::io(dir.join("tests"), e))?;
    if files.is_empty() {
        return Err(Error::Invalid(vec![Diagnostic::new(
            Code::RuleTestInvalid,
            dir.join("tests"),
            "no test cases (*.toml) found",
        )]));
    }
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        let text = crate::input::read_text(&file, crate::input::POLICY_FILE)?;
        let case = testcases::parse(&file, &text).map_err(Error::Invalid)?;
        let outcome = (|| -> Result<(crate::verdict::Level, Vec<String>)> {
            let (ev, ev_files) = evidence::parse::load(&case.evidence)?;
            let snapshot = Snapshot::load(&case.lists, &LoadOptions::default())?;
            let matcher = Matcher::new(&snapshot);
            // Without a date, the case is screened as of the latest date
            // its evidence states: a fixed date, never before the facts.
            let as_of = case.as_of.unwrap_or_else(|| {
                ev.latest_date().map_or_else(
                    || chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                    |(d, _)| d,
                )
            });
            let v = screen(&Inputs {
                evidence: &ev,
                evidence_files: &ev_files,
                matcher: &matcher,
                policy: &policy,
                dispositions: &crate::dispositions::Dispositions::none(),
                as_of,
                timestamp: String::new(),
            })?;
            Ok((
                v.verdict,
                v.findings.iter().map(|f| f.code.clone()).collect(),
            ))
        })();
        let mut problems = Vec::new();
        match outcome {
            Err(e) => problems.push(format!("could not screen: {e}")),
            Ok((verdict, codes)) => {
                if verdict != case.expect_verdict {
                    problems.push(format!(
                        "verdict {} (expected {})",
                        verdict.as_str(),
                        case.expect_verdict.as_str()
                    ));
                }
                for c in &case.expect_codes {
                    if !codes.contains(c) {
                        problems.push(format!("missing finding `{c}` (got: {})", codes.join(", ")));
                    }
                }
                for c in &case.forbid_codes {
                    if codes.contains(c) {
                        problems.push(format!("unexpected finding `{c}`"));
                    }
                }
            }
        }
        if problems.is_empty() {
            passed += 1;
            out!(w, "ok    {}  ({})", case.name, file.display());
        } else {
            failed += 1;
            out!(w, "FAIL  {}  ({})", case.name, file.display());
            for p in problems {
                out!(
                    w,
                    "      {}: error[{}]: {p}",
                    file.display(),
                    Code::RuleTestFailed
                );
            }
        }
    }
    out!(w, "{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Problem
    })
}
