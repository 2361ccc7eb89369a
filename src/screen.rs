//! The screening pipeline: evidence + lists + policy → verdict.
//! Pure apart from what the command layer passes in (the timestamp).

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::dispositions::apply::{apply, Applied};
use crate::dispositions::Dispositions;
use crate::evidence::{Customer, Evidence, EvidenceFile, Party};
use crate::lists::identity::ListIdentity;
use crate::matching::candidates::Scratch;
use crate::matching::names::normalize::NameKind;
use crate::matching::search::{Hit, Matcher, Query, Settings as MatchSettings};
use crate::rules::context::Context;
use crate::rules::Policy;
use crate::verdict::{fold, FileHash, Finding, Identity, Level, PartyResult, Summary, Verdict};
use crate::{Error, Result};

/// Screen one party: its name and every alias, plus identifiers; the best
/// hit per listed entity is kept.
pub fn screen_party(
    p: &Party,
    matcher: &Matcher<'_>,
    settings: &MatchSettings,
    scratch: &mut Scratch,
) -> Vec<Hit> {
    let kind = NameKind::parse(&p.kind).unwrap_or(NameKind::Any);
    let countries: Vec<String> = p.country.iter().cloned().collect();
    let mut all: Vec<Hit> = Vec::new();
    let names = p.screened_names();
    for (i, name) in names.into_iter().enumerate() {
        let q = Query {
            name: Some(name),
            kind,
            countries: countries.clone(),
            birth_date: None,
            // Identifiers once, with the primary name.
            websites: if i == 0 {
                p.websites.clone()
            } else {
                Vec::new()
            },
            emails: if i == 0 { p.emails.clone() } else { Vec::new() },
            crypto: if i == 0 { p.crypto.clone() } else { Vec::new() },
            codes: if i == 0 {
                p.identifiers.values().cloned().collect()
            } else {
                Vec::new()
            },
        };
        all.extend(matcher.search(&q, settings, scratch));
    }
    // Best hit per (list, entity); stable order: score, list, id.
    all.sort_by(|a, b| {
        (a.list.as_str(), a.entity_id.as_str())
            .cmp(&(b.list.as_str(), b.entity_id.as_str()))
            .then(b.score.total_cmp(&a.score))
    });
    all.dedup_by(|a, b| a.list == b.list && a.entity_id == b.entity_id);
    all.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.list.cmp(&b.list))
            .then_with(|| {
                (a.entity_id.parse::<u64>().unwrap_or(u64::MAX), &a.entity_id)
                    .cmp(&(b.entity_id.parse::<u64>().unwrap_or(u64::MAX), &b.entity_id))
            })
    });
    all
}

pub struct Inputs<'a> {
    pub evidence: &'a Evidence,
    pub evidence_files: &'a [EvidenceFile],
    pub matcher: &'a Matcher<'a>,
    pub policy: &'a Policy,
    /// Decisions on reviewed hits (`Dispositions::none()` for none).
    pub dispositions: &'a Dispositions,
    /// Screening date (`YYYY-MM-DD`) the rules see.
    pub as_of: chrono::NaiveDate,
    pub timestamp: String,
}

/// The rule that gives the engine's own findings.
pub const ENGINE_RULE: &str = "(engine)";

pub fn screen(inp: &Inputs<'_>) -> Result<Verdict> {
    let ev = inp.evidence;
    let settings = &inp.policy.settings;
    check_as_of(inp)?;
    let match_settings = MatchSettings {
        threshold: settings.matching.threshold,
        limit: 0,
    };
    // Each party's hits, and whether its name could be screened at all
    // (else only its identifiers were): rules and the engine both ask.
    let screened = |p: &Party, s: &mut Scratch| {
        (
            screen_party(p, inp.matcher, &match_settings, s),
            p.has_screenable_name(),
        )
    };
    // Each party's hits after the decisions reviewers took on them.
    let entities = &inp.matcher.snapshot.entities;
    let decided = |p: &Party, (hits, named): (Vec<Hit>, bool)| {
        let applied = apply(p, hits, inp.dispositions, entities, inp.as_of);
        (applied, named)
    };
    let (vendor_hits, vendor_named) =
        decided(&ev.vendor, screened(&ev.vendor, &mut inp.matcher.scratch()));
    // Customers in parallel; the indexed collect keeps evidence order.
    let customers: Vec<(Applied, bool)> = ev
        .customers
        .par_iter()
        .map_init(
            || inp.matcher.scratch(),
            |s, c| decided(&c.party, screened(&c.party, s)),
        )
        .collect();

    let lists = &inp.matcher.snapshot.lists;
    let vendor = (&vendor_hits, vendor_named);
    let ctx =
        Context::new(inp.as_of, ev, vendor, &customers, lists, settings).map_err(|message| {
            Error::Rule {
                rule: "(context)".to_owned(),
                message,
            }
        })?;
    let mut findings = inp.policy.evaluate(&ctx)?;
    let by_id: HashMap<&str, &Customer> = ev
        .customers
        .iter()
        .map(|c| (c.party.id.as_str(), c))
        .collect();
    for f in &mut findings {
        let mut sources = BTreeSet::new();
        for id in &f.evidence {
            if id == "vendor" {
                sources.extend(ev.vendor.sources.iter().cloned());
            } else if let Some(c) = by_id.get(id.as_str()) {
                sources.extend(c.party.sources.iter().cloned());
            }
            if id == "policies" {
                sources.extend(ev.policies.sources.iter().cloned());
            }
        }
        f.sources = sources.into_iter().collect();
    }
    // Whatever the policy says, a screening that missed something is not
    // a PASS: the engine adds a REVIEW finding naming what was missed.
    let unnamed = std::iter::once((&ev.vendor, vendor_named))
        .chain(
            ev.customers
                .iter()
                .map(|c| &c.party)
                .zip(customers.iter().map(|c| c.1)),
        )
        .filter(|(_, named)| !named)
        .map(|(p, _)| p.id.as_str());
    let warnings = incomplete(lists, unnamed);
    if fold(&findings) == Level::Pass && !warnings.is_empty() {
        findings.push(Finding {
            verdict: Level::Review,
            code: "incomplete-screening".to_owned(),
            rule: ENGINE_RULE.to_owned(),
            message: format!(
                "the screening was not complete, so it cannot pass: {}",
                warnings.join("; ")
            ),
            evidence: Vec::new(),
            sources: Vec::new(),
        });
    }
    // Findings in a stable order: most severe first, then rule, code, evidence.
    findings.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.evidence.cmp(&b.evidence))
    });

    let mut parties = vec![party_result("vendor", &ev.vendor, vendor_hits)];
    for (c, (applied, _)) in ev.customers.iter().zip(customers) {
        parties.push(party_result("customer", &c.party, applied));
    }
    let summary = Summary {
        customers: ev.customers.len(),
        parties_with_hits: parties.iter().filter(|p| !p.hits.is_empty()).count(),
        hits: parties.iter().map(|p| p.hits.len()).sum(),
        cleared_hits: parties.iter().map(|p| p.cleared.len()).sum(),
        fail_findings: findings.iter().filter(|f| f.verdict == Level::Fail).count(),
        review_findings: findings
            .iter()
            .filter(|f| f.verdict == Level::Review)
            .count(),
    };
    Ok(Verdict {
        format: "vetter-verdict/1",
        verdict: fold(&findings),
        vendor: ev.vendor.name.clone(),
        as_of: inp.as_of.to_string(),
        timestamp: inp.timestamp.clone(),
        findings,
        summary,
        parties,
        sources: ev.sources.clone(),
        warnings,
        identity: Identity {
            engine: "vetter".to_owned(),
            engine_version: env!("CARGO_PKG_VERSION").to_owned(),
            policy: settings.policy.name.clone(),
            policy_version: settings.policy.version.clone(),
            lists: inp.matcher.snapshot.lists.clone(),
            rules: inp.policy.hashes(),
            evidence: inp
                .evidence_files
                .iter()
                .map(|f| FileHash {
                    name: f.name.clone(),
                    sha256: f.sha256.clone(),
                })
                .collect(),
            dispositions: inp.dispositions.file.as_ref().map(|f| FileHash {
                name: f.name.clone(),
                sha256: f.sha256.clone(),
            }),
        },
    })
}

/// What a screening missed: lists that are not whole publications, and
/// parties (`unnamed`, by id) whose names could not be screened, only
/// their identifiers.
pub fn incomplete<'a>(
    lists: &[ListIdentity],
    unnamed: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut out: Vec<String> = lists.iter().flat_map(ListIdentity::problems).collect();
    let unnamed: Vec<&str> = unnamed.collect();
    if !unnamed.is_empty() {
        out.push(format!(
            "the name of {} has no letters or digits; only identifiers were screened",
            unnamed.join(", ")
        ));
    }
    out
}

/// A screening dated before the evidence would judge facts not yet known.
fn check_as_of(inp: &Inputs<'_>) -> Result<()> {
    let Some((latest, what)) = inp.evidence.latest_date() else {
        return Ok(());
    };
    if inp.as_of >= latest {
        return Ok(());
    }
    let file = inp
        .evidence_files
        .first()
        .map_or_else(|| "evidence".to_owned(), |f| f.name.clone());
    Err(Error::Invalid(vec![Diagnostic::new(
        Code::AsOfBeforeEvidence,
        file,
        format!(
            "the screening date {} is before {latest}, the date of {what}: screen as of {latest} or later",
            inp.as_of
        ),
    )]))
}

fn party_result(role: &'static str, p: &Party, applied: Applied) -> PartyResult {
    PartyResult {
        role,
        id: p.id.clone(),
        name: p.name.clone(),
        hits: applied.hits,
        cleared: applied.cleared,
        decisions: applied.decisions,
    }
}
