//! `vetter match` and `vetter compare`.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::cli::{CompareArgs, MatchArgs, OutputFormat};
use crate::matching::candidates::Scratch;
use crate::matching::names::compare::{compare_strings, score_strings, NameComparison};
use crate::matching::names::normalize::NameKind;
use crate::matching::search::{Hit, Matcher, Query, Settings};
use crate::matching::Uniform;
use crate::output::{stdout_err, write_json};
use crate::untrusted::terminal_safe as safe;
use crate::{out, Error, Outcome, Result};

fn parse_kind(s: &str, what: &str) -> Result<NameKind> {
    NameKind::parse(s)
        .ok_or_else(|| Error::Usage(format!("{what} `{s}` is not person, org or any")))
}

fn check_threshold(t: f64) -> Result<()> {
    if (0.0..=1.0).contains(&t) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--threshold {t} is not between 0 and 1"
        )))
    }
}

fn many(cell: &str) -> Vec<String> {
    cell.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn run_match(
    args: MatchArgs,
    config: &crate::config::Config,
    w: &mut dyn Write,
) -> Result<Outcome> {
    check_threshold(args.threshold)?;
    if let Some(name) = &args.name {
        if !crate::evidence::is_screenable(name) {
            return Err(Error::Usage(format!(
                "the name `{}` has no letters or digits to match",
                crate::untrusted::excerpt(name)
            )));
        }
    }
    let settings = Settings {
        threshold: args.threshold,
        limit: args.limit,
    };
    let snapshot = super::load_lists(&args.lists.paths, &args.lists.load.options(), config)?;
    let matcher = super::matcher(&snapshot, config);
    if let Some(input) = &args.input {
        let format = match args.format {
            None | Some(OutputFormat::Jsonl) => OutputFormat::Jsonl,
            Some(OutputFormat::Csv) => OutputFormat::Csv,
            Some(f) => {
                return Err(Error::Usage(format!(
                    "--input writes jsonl or csv, not {f:?}"
                )))
            }
        };
        return run_batch(input, &matcher, &settings, format, w);
    }
    let query = Query {
        name: args.name.clone(),
        kind: parse_kind(&args.kind, "--kind")?,
        countries: args.country.iter().cloned().collect(),
        birth_date: args.dob,
        websites: args.website.clone(),
        emails: args.email.clone(),
        crypto: args.crypto.clone(),
        codes: args.code.clone(),
    };
    let hits = matcher.search(&query, &settings, &mut Scratch::default());
    match args.format.unwrap_or(OutputFormat::Text) {
        OutputFormat::Json | OutputFormat::Jsonl => write_json(w, &hits)?,
        OutputFormat::Text => render_hits(w, &hits)?,
        OutputFormat::Csv => return Err(Error::Usage("--format csv needs --input".to_owned())),
        f @ (OutputFormat::Html | OutputFormat::Markdown) => return Err(not_a_report(f)),
    }
    Ok(Outcome::Success)
}

/// Reports are of verdicts (`vetter screen`), not of matches.
fn not_a_report(f: OutputFormat) -> Error {
    Error::Usage(format!(
        "--format {f:?} is a verdict report: use it with `vetter screen`; matches print text, json, jsonl or csv"
    ))
}

pub fn render_hits(w: &mut dyn Write, hits: &[Hit]) -> Result<()> {
    if hits.is_empty() {
        out!(w, "no hits");
    }
    for h in hits {
        let also = if h.also_listed_on.is_empty() {
            String::new()
        } else {
            format!(" (also on {})", h.also_listed_on.join(", "))
        };
        out!(
            w,
            "{:.3}  {}:{}  {}  [{}]{}",
            h.score,
            safe(&h.list),
            safe(&h.entity_id),
            safe(&h.name),
            safe(&h.programs.join(", ")),
            safe(&also)
        );
        out!(w, "       {}", safe(&h.why.summary));
        if let Some(n) = &h.why.name {
            render_pairs(w, n, "       ")?;
        }
    }
    Ok(())
}

fn render_pairs(w: &mut dyn Write, n: &NameComparison, indent: &str) -> Result<()> {
    for p in &n.pairs {
        out!(
            w,
            "{indent}{} ~ {}  {} {:.2} (weight {:.2})",
            safe(&p.query),
            safe(&p.candidate),
            p.how,
            p.similarity,
            p.weight
        );
    }
    if !n.unmatched_query.is_empty() {
        out!(
            w,
            "{indent}unmatched in query: {}",
            safe(&n.unmatched_query.join(" "))
        );
    }
    if !n.unmatched_candidate.is_empty() {
        out!(
            w,
            "{indent}unmatched in list name: {}",
            safe(&n.unmatched_candidate.join(" "))
        );
    }
    for note in &n.notes {
        out!(w, "{indent}note: {}", safe(note));
    }
    Ok(())
}

/// One input row of `match --input`.
struct Row {
    line: u64,
    id: Option<String>,
    query: Query,
    carried: Vec<(String, String)>,
}

fn read_batch(path: &Path) -> Result<(Vec<Row>, crate::csvfile::Table)> {
    let table = crate::csvfile::read(path)?;
    let col = |n: &str| table.column(&[n]);
    let name_col = col("name").ok_or_else(|| {
        Error::list(
            path,
            Some(1),
            Some("name"),
            "the required `name` column is missing",
        )
    })?;
    let known = [
        "name", "id", "kind", "country", "website", "email", "crypto", "code", "dob",
    ];
    let carried: Vec<usize> = (0..table.headers.len())
        .filter(|i| {
            !known
                .iter()
                .any(|k| table.headers[*i].eq_ignore_ascii_case(k))
        })
        .collect();
    let mut rows = Vec::new();
    for (line, record) in &table.rows {
        let line = *line;
        let get = |c: Option<usize>| c.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let kind = match get(col("kind")) {
            "" => NameKind::Any,
            k => NameKind::parse(k).ok_or_else(|| {
                Error::list(
                    path,
                    Some(line),
                    Some("kind"),
                    format!("`{k}` is not person, org or any"),
                )
            })?,
        };
        let birth_date = match get(col("dob")) {
            "" => None,
            d => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    Error::list(
                        path,
                        Some(line),
                        Some("dob"),
                        format!("`{d}` is not a date YYYY-MM-DD"),
                    )
                })?,
            ),
        };
        let name = get(Some(name_col));
        let query = Query {
            name: crate::evidence::is_screenable(name).then(|| name.to_owned()),
            kind,
            countries: many(get(col("country"))),
            birth_date,
            websites: many(get(col("website"))),
            emails: many(get(col("email"))),
            crypto: many(get(col("crypto"))),
            codes: many(get(col("code"))),
        };
        if query.name.is_none()
            && query.websites.is_empty()
            && query.emails.is_empty()
            && query.crypto.is_empty()
            && query.codes.is_empty()
        {
            return Err(Error::list(
                path,
                Some(line),
                Some("name"),
                "the name has no letters or digits and there is no website, email or crypto address to screen",
            ));
        }
        let id = Some(get(col("id")))
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let carried = carried
            .iter()
            .map(|i| {
                (
                    table.headers[*i].clone(),
                    record.get(*i).unwrap_or("").to_owned(),
                )
            })
            .collect();
        rows.push(Row {
            line,
            id,
            query,
            carried,
        });
    }
    Ok((rows, table))
}

#[derive(Serialize)]
struct BatchRecord<'a> {
    id: Option<&'a str>,
    line: u64,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    input: serde_json::Map<String, serde_json::Value>,
    hits: &'a [Hit],
}

fn run_batch(
    path: &Path,
    matcher: &Matcher<'_>,
    settings: &Settings,
    format: OutputFormat,
    w: &mut dyn Write,
) -> Result<Outcome> {
    let (rows, table) = read_batch(path)?;
    // Indexed parallel map keeps input order.
    let results: Vec<Vec<Hit>> = rows
        .par_iter()
        .map_init(Scratch::default, |scratch, row| {
            matcher.search(&row.query, settings, scratch)
        })
        .collect();
    match format {
        OutputFormat::Csv => {
            let mut cw = csv::Writer::from_writer(Vec::new());
            let mut header: Vec<String> = table.headers.clone();
            header.extend(
                [
                    "hits",
                    "top_score",
                    "top_list",
                    "top_entity_id",
                    "top_name",
                    "top_matched",
                    "all_hits",
                ]
                .map(String::from),
            );
            cw.write_record(&header)
                .map_err(|e| Error::Usage(e.to_string()))?;
            for ((_, record), hits) in table.rows.iter().zip(&results) {
                let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
                let top = hits.first();
                fields.push(hits.len().to_string());
                fields.push(top.map(|h| format!("{:.4}", h.score)).unwrap_or_default());
                fields.push(top.map(|h| h.list.clone()).unwrap_or_default());
                fields.push(top.map(|h| h.entity_id.clone()).unwrap_or_default());
                fields.push(top.map(|h| h.name.clone()).unwrap_or_default());
                fields.push(top.map(|h| h.matched.clone()).unwrap_or_default());
                fields.push(
                    hits.iter()
                        .map(|h| format!("{}:{} {:.4}", h.list, h.entity_id, h.score))
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                cw.write_record(&fields)
                    .map_err(|e| Error::Usage(e.to_string()))?;
            }
            let bytes = cw.into_inner().map_err(|e| Error::Usage(e.to_string()))?;
            w.write_all(&bytes).map_err(stdout_err)?;
        }
        _ => {
            for (row, hits) in rows.iter().zip(&results) {
                let input = row
                    .carried
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                let rec = BatchRecord {
                    id: row.id.as_deref(),
                    line: row.line,
                    input,
                    hits,
                };
                let line = serde_json::to_string(&rec).map_err(|e| Error::Usage(e.to_string()))?;
                writeln!(w, "{line}").map_err(stdout_err)?;
            }
        }
    }
    Ok(Outcome::Success)
}

pub fn run_compare(args: CompareArgs, w: &mut dyn Write) -> Result<Outcome> {
    check_threshold(args.threshold)?;
    if let Some(input) = &args.input {
        return compare_batch(input, args.threshold, w);
    }
    let kind = parse_kind(&args.kind, "--kind")?;
    let (left, right) = (
        args.left.unwrap_or_default(),
        args.right.unwrap_or_default(),
    );
    let c = compare_strings(&left, &right, kind, &Uniform);
    match args.format.unwrap_or(OutputFormat::Text) {
        OutputFormat::Json | OutputFormat::Jsonl => {
            #[derive(Serialize)]
            struct Out<'a> {
                left: &'a str,
                right: &'a str,
                #[serde(rename = "match")]
                is_match: bool,
                #[serde(flatten)]
                comparison: &'a NameComparison,
            }
            write_json(
                w,
                &Out {
                    left: &left,
                    right: &right,
                    is_match: c.score >= args.threshold,
                    comparison: &c,
                },
            )?;
        }
        OutputFormat::Text => {
            out!(
                w,
                "{:.4}  {}",
                c.score,
                if c.score >= args.threshold {
                    "match"
                } else {
                    "no match"
                }
            );
            render_pairs(w, &c, "  ")?;
        }
        OutputFormat::Csv => return Err(Error::Usage("--format csv needs --input".to_owned())),
        f @ (OutputFormat::Html | OutputFormat::Markdown) => return Err(not_a_report(f)),
    }
    Ok(Outcome::Success)
}

fn compare_batch(path: &Path, threshold: f64, w: &mut dyn Write) -> Result<Outcome> {
    let table = crate::csvfile::read(path)?;
    let (Some(l), Some(r)) = (
        table.column(&["name1", "left"]),
        table.column(&["name2", "right"]),
    ) else {
        return Err(Error::list(
            path,
            Some(1),
            None,
            "the header needs `name1,name2` or `left,right`",
        ));
    };
    let kind_col = table.column(&["schema", "kind"]);
    let mut rows: Vec<(&csv::StringRecord, NameKind)> = Vec::with_capacity(table.rows.len());
    for (line, record) in &table.rows {
        let kind = match kind_col.and_then(|k| record.get(k)).map(str::trim).unwrap_or("") {
            "" => NameKind::Any,
            k => NameKind::parse(k).ok_or_else(|| {
                Error::list(path, Some(*line), Some("schema"), format!("`{k}` is not a known kind (Person, Organization, Company, LegalEntity, Vessel, any)"))
            })?,
        };
        rows.push((record, kind));
    }
    let headers = &table.headers;
    let scores: Vec<f64> = rows
        .par_iter()
        .map(|(rec, kind)| score_strings(&rec[l], &rec[r], *kind, &Uniform))
        .collect();
    let mut cw = csv::Writer::from_writer(Vec::new());
    let mut header = headers.clone();
    header.push("score".to_owned());
    header.push("match".to_owned());
    cw.write_record(&header)
        .map_err(|e| Error::Usage(e.to_string()))?;
    for ((rec, _), score) in rows.iter().zip(scores) {
        let mut fields: Vec<String> = rec.iter().map(str::to_owned).collect();
        fields.push(format!("{score:.4}"));
        fields.push((score >= threshold).to_string());
        cw.write_record(&fields)
            .map_err(|e| Error::Usage(e.to_string()))?;
    }
    let bytes = cw.into_inner().map_err(|e| Error::Usage(e.to_string()))?;
    w.write_all(&bytes).map_err(stdout_err)?;
    Ok(Outcome::Success)
}
