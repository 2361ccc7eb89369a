//! `vetter lists fetch | update | import | ls`: the list store.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;

use crate::cli::{FetchArgs, Format};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::lists::identity::{Manifest, MANIFEST_NAME};
use crate::lists::{LoadOptions, Snapshot};
use crate::output::write_json;
use crate::store::fetch::{header_date, FetchOptions, Fetcher};
use crate::store::sources::{self, Source};
use crate::store::{Installed, Staged, Store};
use crate::{out, Outcome};

/// A progress bar on stderr for one file; drawn only on a terminal.
fn progress_bar(label: &str) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg:<22} {bytes:>10} / {total_bytes:<10} {wide_bar} {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(label.to_owned());
    bar
}

/// Download every file of `source` into a staging folder.
fn download(
    store: &Store,
    source: &Source,
    mirror: Option<&str>,
    fetcher: &Fetcher,
) -> Result<Staged> {
    let dir = store.staging(&source.name)?;
    let mut files = BTreeMap::new();
    let mut last_modified = None;
    for file in &source.files {
        let url = match mirror {
            Some(base) => format!("{}/{}", base.trim_end_matches('/'), file.name),
            None => file.url.clone(),
        };
        let bar = progress_bar(&file.name);
        let got = fetcher
            .download(
                &url,
                &dir.join(&file.name),
                crate::input::LIST_FILE.bytes,
                &|n, total| {
                    if let Some(t) = total {
                        bar.set_length(t);
                    }
                    bar.set_position(n);
                },
            )
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                Error::Usage(format!("{}: {}: {e}", source.name, file.name))
            })?;
        bar.finish_and_clear();
        if source.primary().is_some_and(|p| p.name == file.name) {
            last_modified = got.last_modified.clone();
        }
        files.insert(file.name.clone(), got.url);
    }
    let primary = source
        .primary()
        .map_or("the primary file", |p| p.name.as_str());
    let (published, date_basis) = match last_modified.as_deref().map(|v| (v, header_date(v))) {
        Some((v, Some(d))) => (
            Some(d),
            format!("Last-Modified of {primary} as served: {v}"),
        ),
        Some((v, None)) => (
            None,
            format!(
                "unknown: the Last-Modified of {primary} is not an HTTP date ({})",
                crate::untrusted::excerpt(v)
            ),
        ),
        None => (
            None,
            format!("unknown: the server stated no Last-Modified for {primary}"),
        ),
    };
    Ok(Staged {
        source: source.name.clone(),
        publisher: source.publisher.clone(),
        dir,
        files,
        published,
        date_basis,
    })
}

pub fn fetch(args: &FetchArgs, diff: bool, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    let store = config.store()?;
    let sources = sources::select(&args.sources)?;
    let mirror = args.mirror.as_deref().or(config.mirror.as_deref());
    let fetcher = Fetcher::new(FetchOptions {
        timeout: Duration::from_secs(args.timeout.max(1)),
        retries: args.retries,
        ..FetchOptions::default()
    });
    let mut staged = Vec::new();
    let mut failures = Vec::new();
    for source in &sources {
        match download(&store, source, mirror, &fetcher) {
            Ok(s) => staged.push(s),
            Err(e) => failures.push(e.to_string()),
        }
    }
    install_all(config, &store, staged, args.allow_shrink, failures, diff, w)
}

/// Verify and install what was staged, make the good ones current, and
/// report every failure; a failed source leaves its current snapshot.
fn install_all(
    config: &Config,
    store: &Store,
    staged: Vec<Staged>,
    allow_shrink: bool,
    mut failures: Vec<String>,
    diff: bool,
    w: &mut dyn Write,
) -> Result<Outcome> {
    let mut installed: Vec<Installed> = Vec::new();
    for s in staged {
        match store.install(s, allow_shrink) {
            Ok(i) => installed.push(i),
            Err(e) => failures.push(e.to_string()),
        }
    }
    store.switch(&installed)?;
    // The next command against the new lists reads their index, not builds it.
    if installed.iter().any(|i| !i.unchanged()) {
        let snapshot = super::load_lists(&[], &LoadOptions::default(), config)?;
        super::matcher(&snapshot, config);
    }
    for i in &installed {
        let date = i.identity.publication_date.map_or_else(
            || "publication date unknown".to_owned(),
            |d| format!("published {d}"),
        );
        let what = if i.unchanged() {
            "unchanged"
        } else {
            "installed"
        };
        out!(
            w,
            "{}: {what}, {date}, {} entities, current: {}",
            i.source,
            i.identity.counts.total,
            i.path.display()
        );
        if diff && !i.unchanged() {
            if let Some(prev) = &i.previous {
                let options = LoadOptions::default();
                let old = Snapshot::load(std::slice::from_ref(prev), &options)?;
                let new = Snapshot::load(std::slice::from_ref(&i.path), &options)?;
                super::lists::render_diff(w, &crate::lists::diff::compute(&old, &new))?;
            }
        }
    }
    for f in &failures {
        eprintln!("error: {f}");
    }
    Ok(if failures.is_empty() {
        Outcome::Success
    } else {
        Outcome::Problem
    })
}

pub fn import(
    path: &Path,
    allow_shrink: bool,
    list_date: Option<NaiveDate>,
    config: &Config,
    w: &mut dyn Write,
) -> Result<Outcome> {
    let store = config.store()?;
    if !path.is_dir() {
        return Err(Error::Usage(format!(
            "{}: not a folder of list files",
            path.display()
        )));
    }
    let manifest_path = path.join(MANIFEST_NAME);
    let manifest = Manifest::read_optional(&manifest_path)?;
    let stated = match manifest
        .as_ref()
        .map(|m| m.published_date(&manifest_path))
        .transpose()?
    {
        Some(Some(d)) => Some((d, format!("stated by {}", manifest_path.display()))),
        _ => list_date.map(|d| (d, "stated by the importer (--list-date)".to_owned())),
    };
    let mut staged = Vec::new();
    for source in sources::fetched()? {
        let Some(primary) = source.primary() else {
            continue;
        };
        if !path.join(&primary.name).is_file() {
            continue;
        }
        let dir = store.staging(&source.name)?;
        let mut files = BTreeMap::new();
        for file in &source.files {
            let from = path.join(&file.name);
            if !from.is_file() {
                continue;
            }
            let data = crate::input::read(&from, crate::input::LIST_FILE)?;
            let to = dir.join(&file.name);
            std::fs::write(&to, &data).map_err(|e| Error::io(&to, e))?;
            files.insert(file.name.clone(), from.display().to_string());
        }
        let (published, date_basis) = match &stated {
            Some((d, basis)) => (Some(*d), basis.clone()),
            None => (
                None,
                "unknown: the imported folder states no date".to_owned(),
            ),
        };
        staged.push(Staged {
            source: source.name.clone(),
            publisher: source.publisher.clone(),
            dir,
            files,
            published,
            date_basis,
        });
    }
    if staged.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no primary list file (sdn.csv or cons_prim.csv): nothing to import",
            path.display()
        )));
    }
    install_all(config, &store, staged, allow_shrink, Vec::new(), false, w)
}

pub fn ls(format: Format, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    let store = config.store()?;
    let snapshots = store.snapshots()?;
    if format == Format::Json {
        write_json(w, &snapshots)?;
        return Ok(Outcome::Success);
    }
    if snapshots.is_empty() {
        out!(
            w,
            "the list store {} holds no snapshot: run `vetter lists fetch` (or `vetter lists import PATH`)",
            store.root().display()
        );
        return Ok(Outcome::Success);
    }
    let today = chrono::Utc::now().date_naive();
    out!(w, "list store {}", store.root().display());
    out!(
        w,
        "  {:<18} {:<11} {:>9} {:>9}  {:<20}  {}",
        "source",
        "published",
        "age",
        "entities",
        "fetched",
        "snapshot"
    );
    for s in &snapshots {
        let (date, age) = match s.published {
            Some(d) => (d.to_string(), format!("{} d", (today - d).num_days())),
            None => ("unknown".to_owned(), "unknown".to_owned()),
        };
        let name = s
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out!(
            w,
            "{} {:<18} {:<11} {:>9} {:>9}  {:<20}  {}",
            if s.current { "*" } else { " " },
            s.source,
            date,
            age,
            s.counts
                .as_ref()
                .map_or_else(|| "?".to_owned(), |c| c.total.to_string()),
            s.fetched.as_deref().unwrap_or("?"),
            name
        );
    }
    out!(w, "(* current)");
    Ok(Outcome::Success)
}
