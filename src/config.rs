//! Where vetter keeps things, read once per command.
//!
//! Every setting is taken, in order, from a command-line flag, then its
//! environment variable, then the config file, then the built-in default.
//! The config file is `--config FILE`, else `VETTER_CONFIG`, else
//! `vetter.toml` in `VETTER_HOME`, else `vetter.toml` in the platform's
//! config folder (`~/.config/vetter` on Linux). `VETTER_HOME` also holds
//! the list store (`VETTER_HOME/lists`), so that one folder holds
//! everything (tests and containers set it). Relative paths in the config
//! file are relative to the file's own folder: no default anywhere is
//! relative to the working directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

pub const CONFIG_FILE: &str = "vetter.toml";

/// The config file as written (docs/configuration.md).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Folder of the list store (`vetter lists fetch` fills it).
    store: Option<PathBuf>,
    /// Policy folder (policy.toml and *.rhai); the built-in policy if unset.
    rules: Option<PathBuf>,
    /// Verdict log every screening is appended to.
    log: Option<PathBuf>,
    /// The verdict log's HMAC key file.
    log_key_file: Option<PathBuf>,
    /// Dispositions of reviewed hits.
    dispositions: Option<PathBuf>,
    /// The server's users and their token hashes (`vetter users add`).
    users: Option<PathBuf>,
    /// Custom watchlists screened with the store's official lists.
    #[serde(default)]
    watchlists: Vec<PathBuf>,
    /// Base URL of an internal mirror of the official list files.
    mirror: Option<String>,
}

/// The settings a command falls back to when no flag gives them.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
    /// The list store, if one can be placed (a home folder or VETTER_HOME).
    pub store: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub log: Option<PathBuf>,
    pub log_key_file: Option<PathBuf>,
    pub dispositions: Option<PathBuf>,
    pub users: Option<PathBuf>,
    pub watchlists: Vec<PathBuf>,
    pub mirror: Option<String>,
    /// vetter's own folder for what a server keeps (its log, users and
    /// dispositions when the config names none): VETTER_HOME, else the
    /// platform's data folder.
    pub data: Option<PathBuf>,
}

/// The platform's folders for vetter, if the user has a home folder.
fn platform_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "vetter")
}

impl Config {
    /// Read the configuration of this process (`flag` is `--config`).
    pub fn load(flag: Option<&Path>) -> Result<Config> {
        Config::resolve(flag, |name| std::env::var_os(name), platform_dirs())
    }

    /// `load` with the environment and platform folders given, for tests.
    fn resolve(
        flag: Option<&Path>,
        env: impl Fn(&str) -> Option<OsString>,
        dirs: Option<directories::ProjectDirs>,
    ) -> Result<Config> {
        let path = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let home = path("VETTER_HOME");
        // A file named by a flag or VETTER_CONFIG must exist; a default one
        // may not.
        let (file, required) = match (flag, path("VETTER_CONFIG")) {
            (Some(f), _) => (Some(f.to_path_buf()), true),
            (None, Some(f)) => (Some(f), true),
            (None, None) => (
                home.as_ref()
                    .map(|h| h.join(CONFIG_FILE))
                    .or_else(|| dirs.as_ref().map(|d| d.config_dir().join(CONFIG_FILE))),
                false,
            ),
        };
        let (parsed, file) = match file {
            Some(f) => match read(&f, required)? {
                Some(parsed) => (parsed, Some(f)),
                None => (ConfigFile::default(), None),
            },
            None => (ConfigFile::default(), None),
        };
        let base = file
            .as_ref()
            .and_then(|f| f.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        let default_store = home
            .as_ref()
            .map(|h| h.join("lists"))
            .or_else(|| dirs.as_ref().map(|d| d.data_dir().join("lists")));
        Ok(Config {
            store: path("VETTER_STORE")
                .or(parsed.store.map(rel))
                .or(default_store),
            rules: parsed.rules.map(rel),
            log: parsed.log.map(rel),
            log_key_file: parsed.log_key_file.map(rel),
            dispositions: parsed.dispositions.map(rel),
            users: parsed.users.map(rel),
            data: home
                .clone()
                .or_else(|| dirs.as_ref().map(|d| d.data_dir().to_path_buf())),
            watchlists: parsed.watchlists.into_iter().map(rel).collect(),
            mirror: env("VETTER_LISTS_MIRROR")
                .and_then(|v| v.into_string().ok())
                .filter(|v| !v.is_empty())
                .or(parsed.mirror),
            file,
        })
    }

    /// Where stored search indexes live, if there is a list store.
    pub fn index_dir(&self) -> Option<PathBuf> {
        self.store
            .as_ref()
            .map(|s| s.join(crate::store::index_cache::FOLDER))
    }

    /// The list archive inside the store (`vetter lists archive`), if
    /// there is a store.
    pub fn archive_dir(&self) -> Option<PathBuf> {
        self.store
            .as_ref()
            .map(|s| s.join(crate::audit::archive::IN_STORE))
    }

    /// Every snapshot folder the store keeps (none without a store): where
    /// a logged verdict's lists are found again.
    pub fn stored_snapshots(&self) -> Result<Vec<PathBuf>> {
        match self.store() {
            Ok(store) => Ok(store.snapshots()?.into_iter().map(|s| s.path).collect()),
            Err(_) => Ok(Vec::new()),
        }
    }

    /// The list store, or an error that says how to name one.
    pub fn store(&self) -> Result<crate::store::Store> {
        self.store
            .as_ref()
            .map(|root| crate::store::Store::at(root))
            .ok_or_else(|| {
                Error::Usage(
                    "no list store: there is no home folder to keep one in; set VETTER_HOME \
                     or `store` in vetter.toml"
                        .to_owned(),
                )
            })
    }
}

fn read(path: &Path, required: bool) -> Result<Option<ConfigFile>> {
    let text = if required {
        Some(crate::input::read_text(path, crate::input::POLICY_FILE)?)
    } else {
        crate::input::read_optional(path, crate::input::POLICY_FILE)?
            .map(|data| {
                String::from_utf8(data).map_err(|_| {
                    Error::Usage(format!("{}: the config file is not UTF-8", path.display()))
                })
            })
            .transpose()?
    };
    let Some(text) = text else { return Ok(None) };
    toml::from_str(&text).map(Some).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        Error::Usage(format!(
            "{}{at}: invalid config file: {}",
            path.display(),
            e.message()
        ))
    })
}

/// The commented config file `vetter init` writes.
pub const TEMPLATE: &str = r#"# vetter configuration. Every setting here is a default: a command-line
# flag overrides it, and so does its environment variable (VETTER_STORE,
# VETTER_RULES, VETTER_LOG, VETTER_LOG_KEY_FILE, VETTER_LISTS_MIRROR).
# Relative paths are relative to this file's folder. docs/configuration.md
# describes each setting.

# The list store: `vetter lists fetch` installs verified snapshots here, and
# every command screens against its current snapshots unless given --lists.
# store = "lists-store"

# The policy: a folder with policy.toml and *.rhai rules. Without it vetter
# uses the policy built into the binary (the same as ./rules as written by
# `vetter init`).
rules = "rules"

# The verdict log every screening is appended to, and its HMAC key file.
# log = "verdicts.log"
# log_key_file = "verdicts.key"

# Decisions on reviewed hits (false positives, confirmed matches).
# dispositions = "dispositions.toml"

# `vetter serve`'s users and the hashes of their API tokens (`vetter users
# add`). The server keeps its log, dispositions and users in VETTER_HOME (or
# the platform's data folder) when these name none.
# users = "users.toml"

# Custom watchlists screened together with the official lists.
# watchlists = ["lists/watchlists/extremist-sites.csv"]

# An internal mirror that serves every official list file as URL/<file name>.
# mirror = "https://mirror.example.org/ofac"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn flag_beats_environment_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(CONFIG_FILE),
            "store = \"from-file\"\nrules = \"my-rules\"\nmirror = \"http://file\"\n",
        )
        .unwrap();
        let home_s = home.to_str().unwrap();
        // The file in VETTER_HOME is read; its paths are relative to it.
        let c = Config::resolve(None, env_of(&[("VETTER_HOME", home_s)]), None).unwrap();
        assert_eq!(c.store, Some(home.join("from-file")));
        assert_eq!(c.rules, Some(home.join("my-rules")));
        assert_eq!(c.mirror.as_deref(), Some("http://file"));
        // The environment beats the file.
        let c = Config::resolve(
            None,
            env_of(&[
                ("VETTER_HOME", home_s),
                ("VETTER_STORE", "/elsewhere"),
                ("VETTER_LISTS_MIRROR", "http://env"),
            ]),
            None,
        )
        .unwrap();
        assert_eq!(c.store, Some(PathBuf::from("/elsewhere")));
        assert_eq!(c.mirror.as_deref(), Some("http://env"));
        // A named file must exist; a default one need not.
        let missing = dir.path().join("nope.toml");
        assert!(Config::resolve(Some(&missing), env_of(&[]), None).is_err());
        let c = Config::resolve(
            None,
            env_of(&[("VETTER_HOME", dir.path().to_str().unwrap())]),
            None,
        )
        .unwrap();
        assert_eq!(c.store, Some(dir.path().join("lists")));
        assert!(c.file.is_none());
    }

    #[test]
    fn an_unknown_setting_is_an_error_that_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(CONFIG_FILE);
        std::fs::write(&f, "rules = \"r\"\nstroe = \"x\"\n").unwrap();
        let e = Config::resolve(Some(&f), env_of(&[]), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("stroe"), "{e}");
    }

    #[test]
    fn the_template_is_a_valid_config() {
        let parsed: ConfigFile = toml::from_str(TEMPLATE).unwrap();
        assert_eq!(parsed.rules, Some(PathBuf::from("rules")));
    }
}
