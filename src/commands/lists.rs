//! `vetter lists {stats,show,diff}`.

use std::io::Write;

use crate::cli::{Format, ListsCommand};
use crate::config::Config;
use crate::lists::diff::{self, Diff};
use crate::lists::identity::ListIdentity;
use crate::lists::model::Entity;
use crate::lists::stats::{self, Counts, Stats};
use crate::lists::Snapshot;
use crate::output::write_json;
use crate::{out, Error, Outcome, Result};

pub fn run(cmd: ListsCommand, config: &Config, w: &mut dyn Write) -> Result<Outcome> {
    match cmd {
        ListsCommand::Stats { lists, format } => {
            let snapshot = super::load_lists(&lists.paths, &lists.load.options(), config)?;
            let stats = stats::compute(&snapshot);
            match format {
                Format::Json => write_json(w, &stats)?,
                Format::Text => render_stats(w, &stats)?,
            }
        }
        ListsCommand::Show { id, lists, format } => {
            let snapshot = super::load_lists(&lists.paths, &lists.load.options(), config)?;
            let (list, id) = match id.split_once(':') {
                Some((l, i)) => (Some(l), i),
                None => (None, id.as_str()),
            };
            let found = snapshot.find(list, id);
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "no entity with id `{id}` in the loaded lists"
                )));
            }
            match format {
                Format::Json => write_json(w, &found)?,
                Format::Text => {
                    for e in found {
                        render_entity(w, e)?;
                    }
                }
            }
        }
        ListsCommand::Archive { lists, archive } => {
            let archive = match archive {
                Some(a) => a,
                None => config.store()?.root().join(crate::audit::archive::IN_STORE),
            };
            let paths = super::list_paths(&lists.paths, config)?;
            for (identity, dir) in
                crate::audit::archive::archive(&paths, &lists.load.options(), &archive)?
            {
                out!(
                    w,
                    "archived {} ({} files) in {}",
                    identity.name,
                    identity.files.len(),
                    dir.display()
                );
            }
        }
        ListsCommand::Diff {
            old,
            new,
            load,
            format,
        } => {
            let options = load.options();
            let old = Snapshot::load(&[old], &options)?;
            let new = Snapshot::load(&[new], &options)?;
            let diff = diff::compute(&old, &new);
            match format {
                Format::Json => write_json(w, &diff)?,
                Format::Text => render_diff(w, &diff)?,
            }
        }
        ListsCommand::Fetch(a) => return super::store::fetch(&a, false, config, w),
        ListsCommand::Update(a) => return super::store::fetch(&a, true, config, w),
        ListsCommand::Import {
            path,
            allow_shrink,
            list_date,
        } => return super::store::import(&path, allow_shrink, list_date, config, w),
        ListsCommand::Ls { format } => return super::store::ls(format, config, w),
    }
    Ok(Outcome::Success)
}

pub fn render_identity(w: &mut dyn Write, id: &ListIdentity) -> Result<()> {
    let date = id
        .publication_date
        .map_or_else(|| "unknown".to_owned(), |d| d.to_string());
    out!(w, "  format:      {}", id.format);
    if let Some(p) = &id.publisher {
        out!(w, "  publisher:   {p}");
    }
    out!(
        w,
        "  published:   {date} (date from {})",
        serde_json::to_value(id.date_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    );
    out!(
        w,
        "  snapshot:    {}{}",
        if id.complete {
            "complete"
        } else {
            "PARTIAL, missing "
        },
        id.missing_files.join(", ")
    );
    for f in &id.files {
        out!(
            w,
            "  file:        {} {} bytes sha256 {}",
            f.name,
            f.bytes,
            f.sha256
        );
    }
    if id.skipped_rows > 0 {
        out!(
            w,
            "  skipped:     {} malformed rows (--tolerant)",
            id.skipped_rows
        );
    }
    Ok(())
}

fn render_counts(w: &mut dyn Write, c: &Counts) -> Result<()> {
    let e = &c.entities;
    out!(
        w,
        "  entities:    {} (individual {}, entity {}, vessel {}, aircraft {})",
        e.total,
        e.individual,
        e.entity,
        e.vessel,
        e.aircraft
    );
    out!(
        w,
        "  aliases:     {} strong, {} weak",
        c.aliases_strong,
        c.aliases_weak
    );
    out!(
        w,
        "  addresses:   {} ({} with content)",
        c.addresses,
        c.addresses_nonempty
    );
    out!(
        w,
        "  identifiers: {} websites, {} e-mails, {} crypto addresses, {} documents",
        c.websites,
        c.emails,
        c.crypto_addresses,
        c.documents
    );
    out!(w, "  terrorism:   FTO {}, SDGT {}", c.fto, c.sdgt);
    if c.remarks_truncated > 0 {
        out!(
            w,
            "  truncated:   {} remarks cut at 1000 characters, continuation missing",
            c.remarks_truncated
        );
    }
    let programs: Vec<String> = c.programs.iter().map(|(p, n)| format!("{p} {n}")).collect();
    out!(w, "  programs:    {}", programs.join(", "));
    Ok(())
}

fn render_stats(w: &mut dyn Write, stats: &Stats) -> Result<()> {
    for l in &stats.lists {
        out!(w, "list {}", l.identity.name);
        render_identity(w, &l.identity)?;
        render_counts(w, &l.counts)?;
        out!(w, "");
    }
    out!(w, "total");
    render_counts(w, &stats.total)?;
    for warning in &stats.warnings {
        out!(w, "warning: {warning}");
    }
    Ok(())
}

fn render_entity(w: &mut dyn Write, e: &Entity) -> Result<()> {
    out!(w, "{}:{}  {}", e.list, e.id, e.name);
    out!(w, "  kind:        {}", e.kind.as_str());
    out!(
        w,
        "  programs:    {}",
        e.programs.iter().cloned().collect::<Vec<_>>().join(", ")
    );
    if let Some(t) = &e.title {
        out!(w, "  title:       {t}");
    }
    for a in &e.aliases {
        let kind = serde_json::to_value(a.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        out!(w, "  alias:       {} ({kind})", a.name);
    }
    for a in e.addresses.iter().filter(|a| !a.is_empty()) {
        let parts: Vec<&str> = [&a.street, &a.city, &a.country]
            .iter()
            .filter_map(|p| p.as_deref())
            .collect();
        out!(w, "  address:     {}", parts.join(", "));
    }
    let f = &e.facts;
    for d in &f.birth_dates {
        out!(
            w,
            "  born:        {} ({} to {})",
            d.raw,
            d.earliest,
            d.latest
        );
    }
    for p in &f.birth_places {
        out!(w, "  birthplace:  {p}");
    }
    for n in &f.nationalities {
        out!(w, "  nationality: {n}");
    }
    for n in &f.citizenships {
        out!(w, "  citizen:     {n}");
    }
    if let Some(g) = &f.gender {
        out!(w, "  gender:      {g}");
    }
    for d in &f.documents {
        let country = d
            .country
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        out!(w, "  document:    {} {}{country}", d.kind, d.number);
    }
    for x in &f.websites {
        out!(w, "  website:     {x}");
    }
    for x in &f.emails {
        out!(w, "  email:       {x}");
    }
    for c in &f.crypto_addresses {
        out!(w, "  crypto:      {} {}", c.currency, c.address);
    }
    for x in &f.linked_to {
        out!(w, "  linked to:   {x}");
    }
    for x in &f.secondary_sanctions {
        out!(w, "  secondary:   {x}");
    }
    for x in &f.other {
        out!(w, "  other:       {x}");
    }
    if let Some(s) = &e.source {
        out!(w, "  source:      {s}");
    }
    if let Some(n) = &e.note {
        out!(w, "  note:        {n}");
    }
    if let Some(r) = &e.remarks {
        out!(
            w,
            "  remarks:     {r}{}",
            if e.remarks_truncated {
                " [cut at 1000 characters]"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub fn render_diff(w: &mut dyn Write, d: &Diff) -> Result<()> {
    out!(
        w,
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    );
    let programs =
        |p: &std::collections::BTreeSet<String>| p.iter().cloned().collect::<Vec<_>>().join(", ");
    for e in &d.added {
        out!(
            w,
            "+ {}:{} {} [{}]",
            e.list,
            e.id,
            e.name,
            programs(&e.programs)
        );
    }
    for e in &d.removed {
        out!(
            w,
            "- {}:{} {} [{}]",
            e.list,
            e.id,
            e.name,
            programs(&e.programs)
        );
    }
    for c in &d.changed {
        let fields: Vec<&str> = c.changes.iter().map(|f| f.field.as_str()).collect();
        out!(
            w,
            "~ {}:{} {} ({})",
            c.entity.list,
            c.entity.id,
            c.entity.name,
            fields.join(", ")
        );
        for f in &c.changes {
            for r in &f.removed {
                out!(w, "    - {}: {r}", f.field);
            }
            for a in &f.added {
                out!(w, "    + {}: {a}", f.field);
            }
        }
    }
    Ok(())
}
