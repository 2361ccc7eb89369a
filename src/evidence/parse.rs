//! Reading and validating an evidence TOML file. Every problem is reported
//! at once with file, line and column; bad evidence never yields a verdict.

use std::collections::BTreeSet;
use std::path::Path;

use toml_edit::TableLike;

use super::{Customer, Evidence, EvidenceFile, Notification, Party, Policies, Source};
use crate::diag::{Code, Diagnostic};
use crate::error::{Error, Result};
use crate::tomlwalk::{Span, Walker};

const TOP: &[&str] = &[
    "vendor",
    "policies",
    "customers",
    "customers_csv",
    "notifications",
    "sources",
];
const PARTY: &[&str] = &[
    "name",
    "kind",
    "aliases",
    "country",
    "websites",
    "emails",
    "crypto",
    "identifiers",
    "sources",
];
const CUSTOMER: &[&str] = &[
    "id",
    "name",
    "kind",
    "aliases",
    "country",
    "websites",
    "emails",
    "crypto",
    "identifiers",
    "sources",
    "service",
    "first_seen",
    "last_seen",
    "still_served",
];
const POLICIES: &[&str] = &[
    "prohibits_sanctioned_parties",
    "prohibits_designated_terrorists",
    "terms_url",
    "reviewed",
    "sources",
];
const NOTIFICATION: &[&str] = &["date", "from", "customers", "summary", "sources"];
const SOURCE: &[&str] = &["id", "title", "publisher", "url", "date"];
pub const KINDS: &[&str] = &["person", "organization", "vessel", "any"];

/// Read an evidence file (and the customers CSV it may name).
pub fn load(path: &Path) -> Result<(Evidence, Vec<EvidenceFile>)> {
    let text = crate::input::read_text(path, crate::input::EVIDENCE_FILE)?;
    let mut files = vec![EvidenceFile {
        name: path.display().to_string(),
        sha256: crate::lists::identity::sha256_hex(text.as_bytes()),
        content: text.clone(),
    }];
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let evidence = parse(path, &text, &mut |csv_name| {
        // Only a file beside the evidence: a third party's evidence must
        // not make vetter read (and echo) files elsewhere.
        let csv_path = crate::input::inside(base, csv_name)?;
        let content = crate::input::read_text(&csv_path, crate::input::EVIDENCE_FILE)
            .map_err(|e| e.to_string())?;
        let csv_path = base.join(csv_name);
        files.push(EvidenceFile {
            name: csv_name.to_owned(),
            sha256: crate::lists::identity::sha256_hex(content.as_bytes()),
            content: content.clone(),
        });
        Ok((csv_path, content))
    })?;
    Ok((evidence, files))
}

/// Rebuild evidence from recorded files (verdict-log replay).
pub fn from_files(files: &[EvidenceFile]) -> Result<Evidence> {
    let first = files
        .first()
        .ok_or_else(|| Error::Usage("the record holds no evidence file".to_owned()))?;
    parse(Path::new(&first.name), &first.content, &mut |name| {
        files
            .iter()
            .find(|f| f.name == name)
            .map(|f| (Path::new(&f.name).to_owned(), f.content.clone()))
            .ok_or_else(|| format!("the record lacks the customers file {name}"))
    })
}

type CsvLoader<'a> =
    dyn FnMut(&str) -> std::result::Result<(std::path::PathBuf, String), String> + 'a;

pub fn parse(path: &Path, text: &str, load_csv: &mut CsvLoader<'_>) -> Result<Evidence> {
    let (mut w, doc) = Walker::parse(path, text);
    let Some(doc) = doc else {
        return Err(Error::Invalid(w.diags));
    };
    let root = doc.as_table();
    w.known_keys(root, TOP, "the evidence file");
    let mut ev = Evidence::default();
    let mut cited: Vec<(String, Span, String)> = Vec::new();

    match w.table(root, "vendor", "the evidence file") {
        Some((t, span)) => {
            w.known_keys(t, PARTY, "[vendor]");
            ev.vendor = party(
                &mut w,
                t,
                &span,
                "[vendor]",
                "vendor".to_owned(),
                &mut cited,
            );
        }
        None if root.get("vendor").is_none() => w.error(
            Code::MissingField,
            &Some(0..0),
            "the evidence needs a [vendor] table with at least a name",
        ),
        None => {}
    }
    if let Some((t, span)) = w.table(root, "policies", "the evidence file") {
        w.known_keys(t, POLICIES, "[policies]");
        ev.policies = Policies {
            prohibits_sanctioned_parties: w.boolean(
                t,
                "prohibits_sanctioned_parties",
                "[policies]",
            ),
            prohibits_designated_terrorists: w.boolean(
                t,
                "prohibits_designated_terrorists",
                "[policies]",
            ),
            terms_url: w.string(t, "terms_url", false, "[policies]", &span),
            reviewed: w.date(t, "reviewed", false, "[policies]", &span),
            sources: w.strings(t, "sources", "[policies]"),
        };
        cite(&mut cited, &ev.policies.sources, &span, "[policies]");
    }
    let mut ids = BTreeSet::new();
    for (i, (t, span)) in w
        .tables(root, "customers", "the evidence file")
        .into_iter()
        .enumerate()
    {
        let ctx = format!("customer #{}", i + 1);
        w.known_keys(t, CUSTOMER, &ctx);
        let id = w.string(t, "id", true, &ctx, &span).unwrap_or_default();
        if !id.is_empty() && !ids.insert(id.clone()) {
            w.error(
                Code::DuplicateId,
                &span,
                format!(
                    "customer id `{}` is used twice",
                    crate::untrusted::excerpt(&id)
                ),
            );
        }
        let ctx = if id.is_empty() {
            ctx
        } else {
            format!("customer `{}`", crate::untrusted::excerpt(&id))
        };
        let p = party(&mut w, t, &span, &ctx, id, &mut cited);
        let c = Customer {
            service: w.string(t, "service", false, &ctx, &span),
            first_seen: w.date(t, "first_seen", false, &ctx, &span),
            last_seen: w.date(t, "last_seen", false, &ctx, &span),
            still_served: w.boolean(t, "still_served", &ctx),
            party: p,
        };
        if let (Some(a), Some(b)) = (c.first_seen, c.last_seen) {
            if a > b {
                w.error(
                    Code::BadDate,
                    &span,
                    format!("{ctx}: first_seen {a} is after last_seen {b}"),
                );
            }
        }
        ev.customers.push(c);
    }
    if let Some(name) = w.string(root, "customers_csv", false, "the evidence file", &None) {
        match load_csv(&name) {
            Ok((csv_path, content)) => match super::customers_csv::parse(&csv_path, &content) {
                Ok(customers) => {
                    for c in customers {
                        if !ids.insert(c.party.id.clone()) {
                            w.diags.push(Diagnostic::new(
                                Code::DuplicateId,
                                &csv_path,
                                format!(
                                    "customer id `{}` is used twice",
                                    crate::untrusted::excerpt(&c.party.id)
                                ),
                            ));
                        }
                        cite(
                            &mut cited,
                            &c.party.sources,
                            &None,
                            &format!(
                                "customer `{}` in {}",
                                crate::untrusted::excerpt(&c.party.id),
                                csv_path.display()
                            ),
                        );
                        ev.customers.push(c);
                    }
                }
                Err(mut diags) => w.diags.append(&mut diags),
            },
            Err(msg) => {
                let span = root.key("customers_csv").and_then(|k| k.span());
                w.error(Code::FileUnreadable, &span, msg);
            }
        }
    }
    for (i, (t, span)) in w
        .tables(root, "notifications", "the evidence file")
        .into_iter()
        .enumerate()
    {
        let ctx = format!("notification #{}", i + 1);
        w.known_keys(t, NOTIFICATION, &ctx);
        let n = Notification {
            date: w.date(t, "date", true, &ctx, &span).unwrap_or_default(),
            from: w.string(t, "from", true, &ctx, &span).unwrap_or_default(),
            customers: w.strings(t, "customers", &ctx),
            summary: w.string(t, "summary", false, &ctx, &span),
            sources: w.strings(t, "sources", &ctx),
        };
        for c in &n.customers {
            if !ids.contains(c) {
                let span = t.get("customers").and_then(crate::tomlwalk::item_span);
                w.error(
                    Code::UnknownCustomer,
                    &span,
                    format!(
                        "{ctx} names customer `{}`, which the evidence does not define",
                        crate::untrusted::excerpt(c)
                    ),
                );
            }
        }
        cite(&mut cited, &n.sources, &span, &ctx);
        ev.notifications.push(n);
    }
    let mut source_ids = BTreeSet::new();
    for (i, (t, span)) in w
        .tables(root, "sources", "the evidence file")
        .into_iter()
        .enumerate()
    {
        let ctx = format!("source #{}", i + 1);
        w.known_keys(t, SOURCE, &ctx);
        let s = Source {
            id: w.string(t, "id", true, &ctx, &span).unwrap_or_default(),
            title: w.string(t, "title", true, &ctx, &span).unwrap_or_default(),
            publisher: w.string(t, "publisher", false, &ctx, &span),
            url: w.string(t, "url", false, &ctx, &span),
            date: w.date(t, "date", false, &ctx, &span),
        };
        if !s.id.is_empty() && !source_ids.insert(s.id.clone()) {
            w.error(
                Code::DuplicateId,
                &span,
                format!(
                    "source id `{}` is used twice",
                    crate::untrusted::excerpt(&s.id)
                ),
            );
        }
        ev.sources.push(s);
    }
    for (id, span, ctx) in cited {
        if !source_ids.contains(&id) {
            w.error(
                Code::UnknownSource,
                &span,
                format!(
                    "{ctx} cites source `{}`, which [[sources]] does not define",
                    crate::untrusted::excerpt(&id)
                ),
            );
        }
    }
    if w.diags.is_empty() {
        Ok(ev)
    } else {
        w.diags.sort_by_key(|d| (d.file.clone(), d.line, d.column));
        Err(Error::Invalid(w.diags))
    }
}

fn cite(cited: &mut Vec<(String, Span, String)>, sources: &[String], span: &Span, ctx: &str) {
    cited.extend(
        sources
            .iter()
            .map(|s| (s.clone(), span.clone(), ctx.to_owned())),
    );
}

fn party(
    w: &mut Walker<'_>,
    t: &dyn TableLike,
    span: &Span,
    ctx: &str,
    id: String,
    cited: &mut Vec<(String, Span, String)>,
) -> Party {
    let kind = w
        .string(t, "kind", false, ctx, span)
        .unwrap_or_else(|| "any".to_owned())
        .to_lowercase();
    if !KINDS.contains(&kind.as_str()) {
        let s = t.get("kind").and_then(crate::tomlwalk::item_span);
        w.error(
            Code::BadValue,
            &s,
            format!(
                "`kind` in {ctx} is `{}`; expected one of {}",
                crate::untrusted::excerpt(&kind),
                KINDS.join(", ")
            ),
        );
    }
    let p = Party {
        id,
        name: w.string(t, "name", true, ctx, span).unwrap_or_default(),
        kind,
        aliases: w.strings(t, "aliases", ctx),
        country: w.string(t, "country", false, ctx, span),
        websites: w.strings(t, "websites", ctx),
        emails: w.strings(t, "emails", ctx),
        crypto: w.strings(t, "crypto", ctx),
        identifiers: w.string_map(t, "identifiers", ctx),
        sources: w.strings(t, "sources", ctx),
    };
    for site in &p.websites {
        if crate::matching::identifiers::parse_site(site).is_none() {
            let s = t.get("websites").and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &s,
                format!(
                    "{ctx}: `{}` is not a website or domain",
                    crate::untrusted::excerpt(site)
                ),
            );
        }
    }
    for mail in &p.emails {
        if crate::matching::identifiers::normalize_email(mail).is_none() {
            let s = t.get("emails").and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &s,
                format!(
                    "{ctx}: `{}` is not an e-mail address",
                    crate::untrusted::excerpt(mail)
                ),
            );
        }
    }
    for alias in &p.aliases {
        if !super::is_screenable(alias) {
            let s = t.get("aliases").and_then(crate::tomlwalk::item_span);
            w.error(
                Code::BadValue,
                &s,
                format!(
                    "{ctx}: alias `{}` has no letters or digits to screen",
                    crate::untrusted::excerpt(alias)
                ),
            );
        }
    }
    if let Some(why) = p.unscreenable() {
        let s = t
            .get("name")
            .and_then(crate::tomlwalk::item_span)
            .or(span.clone());
        w.error(Code::Unscreenable, &s, format!("{ctx}: {why}"));
    }
    cite(cited, &p.sources, span, ctx);
    p
}
