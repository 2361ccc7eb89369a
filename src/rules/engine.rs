//! The Rhai sandbox. One function builds the engine with every limit from
//! the settings and the whole host API; scripts get data and pure helpers,
//! never files, network, clock or output.

use std::sync::Arc;

use chrono::NaiveDate;
use rhai::packages::{
    BasicArrayPackage, BasicMapPackage, BasicMathPackage, CorePackage, LogicPackage,
    MoreStringPackage, Package,
};
use rhai::{Array, Engine, EvalAltResult, Map, NativeCallContext, Position};

use super::settings::Settings;

fn date(s: &str) -> Result<NaiveDate, Box<EvalAltResult>> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date YYYY-MM-DD").into())
}

fn programs_of(hit: &Map) -> Vec<String> {
    hit.get("programs")
        .and_then(|p| p.clone().try_cast::<Array>())
        .map(|a| a.into_iter().filter_map(|x| x.into_string().ok()).collect())
        .unwrap_or_default()
}

/// Build the sandboxed engine. Everything a script can call is here.
pub fn build(settings: &Settings) -> Engine {
    let mut engine = Engine::new_raw();
    // Core language, logic, strings, arrays, maps, maths; no time package
    // (no clock), no file or module access, no eval, no output.
    engine.register_global_module(CorePackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine.register_global_module(BasicMathPackage::new().as_shared_module());
    engine.register_global_module(MoreStringPackage::new().as_shared_module());
    engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
    engine.disable_symbol("eval");
    engine.on_print(|_| {});
    engine.on_debug(|_, _, _| {});

    let l = settings.limits;
    engine.set_max_operations(l.max_operations);
    engine.set_max_call_levels(l.max_call_levels);
    engine.set_max_string_size(l.max_string_size);
    engine.set_max_array_size(l.max_array_size);
    engine.set_max_map_size(l.max_map_size);
    engine.set_max_expr_depths(l.max_expr_depth, l.max_expr_depth);
    engine.set_strict_variables(true);
    super::context::register(&mut engine);

    // Pure helpers (docs/rules-api.md).
    engine.register_fn(
        "days_between",
        |a: &str, b: &str| -> Result<i64, Box<EvalAltResult>> {
            Ok((date(b)? - date(a)?).num_days())
        },
    );
    engine.register_fn(
        "date_before",
        |a: &str, b: &str| -> Result<bool, Box<EvalAltResult>> { Ok(date(a)? < date(b)?) },
    );
    engine.register_fn("is_date", |a: &str| date(a).is_ok());
    engine.register_fn("join", |items: Array, sep: &str| -> String {
        items
            .into_iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(sep)
    });
    engine.register_fn("has_program", |hit: Map, tag: &str| {
        programs_of(&hit).iter().any(|p| p == tag)
    });
    let terrorism = Arc::new(settings.programs.terrorism.clone());
    engine.register_fn("is_terrorism", move |hit: Map| {
        programs_of(&hit).iter().any(|p| terrorism.contains(p))
    });
    // Officialness was decided when the context was built: the list was
    // read by an official loader and is named in `official_lists`.
    engine.register_fn("is_official", |hit: Map| {
        hit.get("official")
            .and_then(|o| o.as_bool().ok())
            .unwrap_or(false)
    });
    let strong = settings.matching.strong;
    engine.register_fn("is_strong", move |hit: Map| {
        hit.get("score")
            .and_then(|s| s.as_float().ok())
            .is_some_and(|s| s >= strong)
    });
    // A reviewer's decision on a hit (docs/dispositions.md).
    let text_of = |hit: &Map, key: &str| {
        hit.get(key)
            .and_then(|v| v.clone().into_string().ok())
            .unwrap_or_default()
    };
    engine.register_fn("is_confirmed", move |hit: Map| {
        text_of(&hit, "disposition") == "confirmed"
    });
    engine.register_fn("decision_note", move |hit: Map| {
        let note = text_of(&hit, "disposition_note");
        if note.is_empty() {
            note
        } else {
            format!("; {note}")
        }
    });
    engine.register_fn(
        "report",
        |ctx: NativeCallContext,
         verdict: &str,
         code: &str,
         message: &str,
         evidence: Array|
         -> Result<(), Box<EvalAltResult>> {
            let collector = ctx
                .tag()
                .and_then(|t| t.clone().try_cast::<Reported>())
                .ok_or("report() is only available while a rule's check(ctx) runs")?;
            collector.push(finding_map(verdict, code, message, evidence))
        },
    );
    engine.register_fn("finding", finding_map);
    engine
}

fn finding_map(verdict: &str, code: &str, message: &str, evidence: Array) -> Map {
    let mut m = Map::new();
    m.insert("verdict".into(), verdict.into());
    m.insert("code".into(), code.into());
    m.insert("message".into(), message.into());
    m.insert("evidence".into(), evidence.into());
    m
}

/// At most this many findings a rule may report in one run.
pub const MAX_REPORTED: usize = 1_000_000;

/// The findings a rule reports with `report(...)` while it runs: kept by
/// the host, outside the script's data, so that a rule over a hundred
/// thousand customers needs no script array of that size.
#[derive(Debug, Clone, Default)]
pub struct Reported(Arc<std::sync::Mutex<Vec<Map>>>);

impl Reported {
    fn push(&self, finding: Map) -> Result<(), Box<EvalAltResult>> {
        let mut list = self
            .0
            .lock()
            .map_err(|_| "the findings of this rule could not be kept")?;
        if list.len() >= MAX_REPORTED {
            return Err(format!("stopped: more than {MAX_REPORTED} findings reported").into());
        }
        list.push(finding);
        Ok(())
    }

    /// The findings reported so far.
    pub fn take(&self) -> Vec<Map> {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// Turn a Rhai error into words naming the limit that stopped a script.
pub fn describe(err: &EvalAltResult) -> String {
    let at = |p: Position| {
        if p.is_none() {
            String::new()
        } else {
            format!(
                " (line {}, column {})",
                p.line().unwrap_or(0),
                p.position().unwrap_or(0)
            )
        }
    };
    match err {
        EvalAltResult::ErrorTooManyOperations(p) => format!("stopped after too many operations: an endless loop? (limits.max_operations){}", at(*p)),
        EvalAltResult::ErrorStackOverflow(p) => format!("stopped: calls nested too deep (limits.max_call_levels){}", at(*p)),
        EvalAltResult::ErrorDataTooLarge(what, p) => format!("stopped: {what} exceeds its limit (limits.max_string_size / max_array_size / max_map_size){}", at(*p)),
        other => other.to_string(),
    }
}
