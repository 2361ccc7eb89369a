//! Policy as rules: TOML settings plus Rhai scripts, one concern per file,
//! each defining `fn check(ctx)` that returns findings.

pub mod context;
pub mod engine;
pub mod settings;
pub mod testcases;

use std::path::Path;

use rhai::{Dynamic, Engine, Map, Scope, AST};

use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::lists::identity::sha256_hex;
use crate::verdict::{FileHash, Finding, Level};
use context::Context;
use settings::Settings;

pub const SETTINGS_FILE: &str = "policy.toml";

/// A rule or settings file exactly as read (kept for the verdict log).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyFile {
    pub name: String,
    pub sha256: String,
    pub content: String,
}

impl PolicyFile {
    pub fn new(name: &str, content: String) -> PolicyFile {
        PolicyFile {
            name: name.to_owned(),
            sha256: sha256_hex(content.as_bytes()),
            content,
        }
    }
}

pub struct Rule {
    /// File stem, used in findings and errors.
    pub name: String,
    pub file: PolicyFile,
    ast: AST,
}

/// A checked, compiled policy.
pub struct Policy {
    pub settings: Settings,
    pub settings_file: PolicyFile,
    pub rules: Vec<Rule>,
    engine: Engine,
}

/// Read `policy.toml` and every `*.rhai` of a rules folder.
pub fn read_dir(dir: &Path) -> Result<Vec<PolicyFile>> {
    let settings_path = dir.join(SETTINGS_FILE);
    let settings = crate::input::read_text(&settings_path, crate::input::POLICY_FILE)?;
    let mut files = vec![PolicyFile::new(SETTINGS_FILE, settings)];
    let mut scripts: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("rhai"))
        })
        .collect();
    scripts.sort();
    for p in scripts {
        let content = crate::input::read_text(&p, crate::input::POLICY_FILE)?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push(PolicyFile::new(&name, content));
    }
    Ok(files)
}

/// How the built-in policy is named in diagnostics and in `rules check`.
pub const BUILT_IN: &str = "(built-in policy)";

/// The policy built into the binary: `rules/policy.toml` and the
/// `rules/*.rhai` scripts as they were at build time.
pub fn built_in_files() -> Vec<PolicyFile> {
    fn top_level(path: &str) -> Option<&str> {
        path.strip_prefix("rules/")
            .filter(|name| !name.contains('/'))
    }
    let mut files: Vec<PolicyFile> = crate::embedded::RULES
        .iter()
        .filter(|(path, _)| top_level(path) == Some(SETTINGS_FILE))
        .map(|(_, content)| PolicyFile::new(SETTINGS_FILE, (*content).to_owned()))
        .collect();
    files.extend(
        crate::embedded::RULES
            .iter()
            .filter_map(|(path, content)| Some((top_level(path)?, content)))
            .filter(|(name, _)| name.ends_with(".rhai"))
            .map(|(name, content)| PolicyFile::new(name, (*content).to_owned())),
    );
    files
}

impl Policy {
    pub fn load(dir: &Path) -> Result<Policy> {
        Policy::from_files(dir, read_dir(dir)?)
    }

    /// The policy built into the binary (see `built_in_files`).
    pub fn built_in() -> Result<Policy> {
        Policy::from_files(Path::new(BUILT_IN), built_in_files())
    }

    /// Build from files (the first is the settings): `dir` only names them
    /// in diagnostics. Every problem of every file is reported at once.
    pub fn from_files(dir: &Path, files: Vec<PolicyFile>) -> Result<Policy> {
        let mut files = files.into_iter();
        let settings_file = files
            .next()
            .ok_or_else(|| Error::Usage("no policy settings".to_owned()))?;
        let mut diags = Vec::new();
        let settings = match settings::parse(&dir.join(&settings_file.name), &settings_file.content)
        {
            Ok(s) => Some(s),
            Err(mut d) => {
                diags.append(&mut d);
                None
            }
        };
        let engine = engine::build(settings.as_ref().unwrap_or(&default_settings()));
        let mut rules = Vec::new();
        for file in files {
            let path = dir.join(&file.name);
            match engine.compile(&file.content) {
                Ok(ast) => {
                    let has_check = ast
                        .iter_functions()
                        .any(|f| f.name == "check" && f.params.len() == 1);
                    if !has_check {
                        diags.push(
                            Diagnostic::new(
                                Code::RuleMissingFunction,
                                &path,
                                "the rule defines no `fn check(ctx)`",
                            )
                            .at(1, 1),
                        );
                    }
                    let name = Path::new(&file.name)
                        .file_stem()
                        .map_or_else(|| file.name.clone(), |s| s.to_string_lossy().into_owned());
                    rules.push(Rule { name, file, ast });
                }
                Err(e) => {
                    let p = e.position();
                    let d = Diagnostic::new(Code::RuleSyntax, &path, e.err_type().to_string());
                    diags.push(match (p.line(), p.position()) {
                        (Some(l), c) => d.at(l, c.unwrap_or(1)),
                        _ => d,
                    });
                }
            }
        }
        if rules.is_empty() && diags.is_empty() {
            diags.push(Diagnostic::new(
                Code::RuleMissingFunction,
                dir,
                "the policy has no rule scripts (*.rhai)",
            ));
        }
        match settings {
            Some(settings) if diags.is_empty() => {
                let engine = engine::build(&settings);
                Ok(Policy {
                    settings,
                    settings_file,
                    rules,
                    engine,
                })
            }
            _ => Err(Error::Invalid(diags)),
        }
    }

    pub fn files(&self) -> Vec<&PolicyFile> {
        std::iter::once(&self.settings_file)
            .chain(self.rules.iter().map(|r| &r.file))
            .collect()
    }

    pub fn hashes(&self) -> Vec<FileHash> {
        self.files()
            .into_iter()
            .map(|f| FileHash {
                name: f.name.clone(),
                sha256: f.sha256.clone(),
            })
            .collect()
    }

    /// Run every rule on the context. Any rule error ends the screening.
    pub fn evaluate(&self, ctx: &Context) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for rule in &self.rules {
            let fail = |message: String| Error::Rule {
                rule: rule.file.name.clone(),
                message,
            };
            let reported = engine::Reported::default();
            let options = rhai::CallFnOptions::new().with_tag(reported.clone());
            let result: Dynamic = self
                .engine
                .call_fn_with_options(
                    options,
                    &mut Scope::new(),
                    &rule.ast,
                    "check",
                    (Dynamic::from(ctx.clone()),),
                )
                .map_err(|e| fail(engine::describe(&e)))?;
            let mut items: Vec<Dynamic> = reported.take().into_iter().map(Dynamic::from).collect();
            if !result.is_unit() {
                items.extend(result.into_array().map_err(|t| {
                    fail(format!("check() must return an array of findings, not {t}"))
                })?);
            }
            for item in items {
                let map = item.try_cast::<Map>().ok_or_else(|| {
                    fail(
                        "each finding must be a map #{verdict, code, message, evidence}".to_owned(),
                    )
                })?;
                let f = finding(&rule.name, map).map_err(fail)?;
                if let Some(id) = f.evidence.iter().find(|id| !ctx.knows_id(id)) {
                    return Err(fail(format!(
                        "finding `{}` cites `{}`, which is not a party of the evidence (expected \"vendor\", \"policies\" or a customer id)",
                        f.code,
                        crate::untrusted::excerpt(id)
                    )));
                }
                out.push(f);
            }
        }
        Ok(out)
    }
}

fn default_settings() -> Settings {
    settings::parse(
        Path::new(SETTINGS_FILE),
        "[policy]\nname = \"x\"\nversion = \"0\"\n",
    )
    .unwrap_or_else(|_| unreachable!("built-in settings parse"))
}

fn finding(rule: &str, map: Map) -> std::result::Result<Finding, String> {
    let text = |k: &str| map.get(k).and_then(|v| v.clone().into_string().ok());
    let verdict = text("verdict")
        .and_then(|v| Level::parse(&v))
        .ok_or("a finding's `verdict` must be \"PASS\", \"REVIEW\" or \"FAIL\"")?;
    let code = text("code").ok_or("a finding needs a `code` string")?;
    if code.is_empty()
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || code.starts_with('-')
        || code.ends_with('-')
    {
        return Err(format!(
            "finding code `{code}` is not kebab-case (a-z, 0-9, -)"
        ));
    }
    let message = text("message")
        .filter(|m| !m.trim().is_empty())
        .ok_or(format!("finding `{code}` needs a non-empty `message`"))?;
    let evidence = match map.get("evidence") {
        None => Vec::new(),
        Some(v) => v
            .clone()
            .into_array()
            .map_err(|_| format!("finding `{code}`: `evidence` must be an array of party ids"))?
            .into_iter()
            .map(|x| {
                x.into_string()
                    .map_err(|_| format!("finding `{code}`: `evidence` must hold strings"))
            })
            .collect::<std::result::Result<Vec<_>, _>>()?,
    };
    Ok(Finding {
        verdict,
        code,
        rule: rule.to_owned(),
        message,
        evidence,
        sources: Vec::new(),
    })
}
