//! The policy's TOML settings (`rules/policy.toml`), validated with every
//! problem reported at once. Documented in docs/rules-api.md.

use std::path::Path;

use serde::Serialize;

use crate::diag::Code;
use crate::tomlwalk::Walker;

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub policy: PolicyInfo,
    pub matching: Matching,
    pub programs: Programs,
    pub watchlists: Watchlists,
    pub evidence: EvidenceRules,
    pub lists: ListRules,
    pub limits: Limits,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matching {
    /// Hits below this score are not reported to the rules.
    pub threshold: f64,
    /// A hit at or above this score is a strong match.
    pub strong: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Programs {
    /// Program tags that mark terrorism designations (FTO, SDGT).
    pub terrorism: Vec<String>,
    /// Lists whose entries are official sanctions designations.
    pub official_lists: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Watchlists {
    /// Verdict for a hit on a custom (non-official) watchlist.
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRules {
    /// Sources older than this many days (at the screening date) are stale.
    pub max_age_days: i64,
    /// Verdict when the evidence lists no customers.
    pub no_customers: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListRules {
    /// An official list published more than this many days before the
    /// screening date is out of date.
    pub max_list_age_days: i64,
}

/// A week and a day: OFAC publishes changes most weeks, and a list fetched
/// weekly stays within it.
pub const DEFAULT_MAX_LIST_AGE_DAYS: i64 = 8;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_expr_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 2_000_000,
            max_call_levels: 32,
            max_string_size: 1_048_576,
            max_array_size: 20_000,
            max_map_size: 20_000,
            max_expr_depth: 64,
        }
    }
}

const VERDICTS: &[&str] = &["PASS", "REVIEW", "FAIL"];

pub fn parse(path: &Path, text: &str) -> Result<Settings, Vec<crate::diag::Diagnostic>> {
    let (mut w, doc) = Walker::parse(path, text);
    let Some(doc) = doc else { return Err(w.diags) };
    let root = doc.as_table();
    w.known_keys(
        root,
        &[
            "policy",
            "matching",
            "programs",
            "watchlists",
            "evidence",
            "lists",
            "limits",
        ],
        "the policy settings",
    );
    let empty = toml_edit::Table::new();
    let section = |w: &mut Walker<'_>, key: &str, keys: &[&str]| {
        let t = w.table(root, key, "the policy settings");
        match t {
            Some((t, _)) => {
                w.known_keys(t, keys, &format!("[{key}]"));
                Some(t)
            }
            None => None,
        }
    };
    let policy = section(&mut w, "policy", &["name", "version", "description"]).unwrap_or(&empty);
    let policy = PolicyInfo {
        name: w
            .string(policy, "name", true, "[policy]", &Some(0..0))
            .unwrap_or_default(),
        version: w
            .string(policy, "version", true, "[policy]", &Some(0..0))
            .unwrap_or_default(),
    };
    let m = section(&mut w, "matching", &["threshold", "strong"]).unwrap_or(&empty);
    let matching = Matching {
        threshold: w
            .float(m, "threshold", "[matching]", 0.5..=1.0)
            .unwrap_or(crate::matching::DEFAULT_THRESHOLD),
        strong: w.float(m, "strong", "[matching]", 0.5..=1.0).unwrap_or(0.9),
    };
    if matching.strong < matching.threshold {
        let span = m.get("strong").and_then(crate::tomlwalk::item_span);
        w.error(
            Code::SettingsInvalid,
            &span,
            format!(
                "[matching] strong ({}) is below threshold ({})",
                matching.strong, matching.threshold
            ),
        );
    }
    let p = section(&mut w, "programs", &["terrorism", "official_lists"]).unwrap_or(&empty);
    let programs = Programs {
        terrorism: w.strings(p, "terrorism", "[programs]"),
        official_lists: w.strings(p, "official_lists", "[programs]"),
    };
    // Officialness comes from the loader: only the names it gives count,
    // so that a typo cannot silently turn official hits into watchlist hits.
    let known = crate::lists::official_list_names();
    for name in &programs.official_lists {
        if !known.contains(&name.as_str()) {
            let span = p.get("official_lists").and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &span,
                format!(
                    "`official_lists` in [programs] names `{}`, which no official list loader produces; expected some of: {}",
                    crate::untrusted::excerpt(name),
                    known.join(", ")
                ),
            );
        }
    }
    let wl = section(&mut w, "watchlists", &["verdict"]).unwrap_or(&empty);
    let watchlists = Watchlists {
        verdict: verdict(&mut w, wl, "verdict", "[watchlists]", "REVIEW"),
    };
    let e = section(&mut w, "evidence", &["max_age_days", "no_customers"]).unwrap_or(&empty);
    let evidence = EvidenceRules {
        max_age_days: w
            .integer(e, "max_age_days", "[evidence]", 1, 36_500)
            .unwrap_or(1095),
        no_customers: verdict(&mut w, e, "no_customers", "[evidence]", "REVIEW"),
    };
    let ls = section(&mut w, "lists", &["max_list_age_days"]).unwrap_or(&empty);
    let lists = ListRules {
        max_list_age_days: w
            .integer(ls, "max_list_age_days", "[lists]", 0, 36_500)
            .unwrap_or(DEFAULT_MAX_LIST_AGE_DAYS),
    };
    let l = section(
        &mut w,
        "limits",
        &[
            "max_operations",
            "max_call_levels",
            "max_string_size",
            "max_array_size",
            "max_map_size",
            "max_expr_depth",
        ],
    )
    .unwrap_or(&empty);
    let d = Limits::default();
    let limits = Limits {
        max_operations: w
            .integer(l, "max_operations", "[limits]", 1_000, 1_000_000_000)
            .map_or(d.max_operations, |v| v as u64),
        max_call_levels: w
            .integer(l, "max_call_levels", "[limits]", 1, 256)
            .map_or(d.max_call_levels, |v| v as usize),
        max_string_size: w
            .integer(l, "max_string_size", "[limits]", 64, 100_000_000)
            .map_or(d.max_string_size, |v| v as usize),
        max_array_size: w
            .integer(l, "max_array_size", "[limits]", 16, 100_000_000)
            .map_or(d.max_array_size, |v| v as usize),
        max_map_size: w
            .integer(l, "max_map_size", "[limits]", 16, 100_000_000)
            .map_or(d.max_map_size, |v| v as usize),
        max_expr_depth: w
            .integer(l, "max_expr_depth", "[limits]", 8, 1_024)
            .map_or(d.max_expr_depth, |v| v as usize),
    };
    if w.diags.is_empty() {
        Ok(Settings {
            policy,
            matching,
            programs,
            watchlists,
            evidence,
            lists,
            limits,
        })
    } else {
        Err(w.diags)
    }
}

fn verdict(
    w: &mut Walker<'_>,
    t: &dyn toml_edit::TableLike,
    key: &str,
    ctx: &str,
    default: &str,
) -> String {
    match w.string(t, key, false, ctx, &None) {
        Some(v) if VERDICTS.contains(&v.as_str()) => v,
        Some(v) => {
            let span = t.get(key).and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &span,
                format!("`{key}` in {ctx} is `{v}`; expected PASS, REVIEW or FAIL"),
            );
            default.to_owned()
        }
        None => default.to_owned(),
    }
}
