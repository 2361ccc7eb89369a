//! Loader for OFAC's legacy CSV files (SDN and consolidated non-SDN).
//!
//! The quirks handled here are the ones the real files show: no header,
//! CRLF line ends, a trailing 0x1A byte, the `-0- ` null token, program
//! tags joined by `] [`, Remarks cut at 1000 characters and continued in
//! the comments file, and ids shared between SDN and consolidated files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::identity::FileIdentity;
use super::model::{Address, Alias, AliasKind, Entity, EntityKind};
use super::remarks;
use super::text::decode_windows_1252_into;
use crate::error::{Error, Result};

/// The four files of one OFAC set and its list name.
#[derive(Debug, Clone, Copy)]
pub struct OfacSet {
    pub list: &'static str,
    pub primary: &'static str,
    pub aliases: &'static str,
    pub addresses: &'static str,
    pub comments: &'static str,
}

impl OfacSet {
    /// The companion files: aliases, addresses, remark continuations.
    pub fn companions(&self) -> impl Iterator<Item = &'static str> {
        [self.aliases, self.addresses, self.comments].into_iter()
    }
}

/// The format name in the identity of lists this loader reads.
pub const FORMAT: &str = "ofac-legacy-csv";

pub const SDN: OfacSet = OfacSet {
    list: "ofac-sdn",
    primary: "sdn.csv",
    aliases: "alt.csv",
    addresses: "add.csv",
    comments: "sdn_comments.csv",
};

pub const CONSOLIDATED: OfacSet = OfacSet {
    list: "ofac-consolidated",
    primary: "cons_prim.csv",
    aliases: "cons_alt.csv",
    addresses: "cons_add.csv",
    comments: "cons_comments.csv",
};

/// OFAC cuts Remarks at this many characters.
const REMARKS_CUT: usize = 1000;

/// How to treat rows that break the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Strictness {
    /// Skip malformed rows with a warning instead of failing.
    pub tolerant: bool,
}

/// Loaded set: entities plus what was read and what was skipped.
#[derive(Debug, Default)]
pub struct LoadedSet {
    pub entities: Vec<Entity>,
    pub files: Vec<FileIdentity>,
    pub missing_files: Vec<String>,
    pub warnings: Vec<String>,
    /// Ids of entities whose remarks are cut and not continued.
    pub cut_remarks: Vec<String>,
}

/// Rows of one file, each with its 1-based line number.
/// Every field lies in one buffer: a file of 10,000 rows makes a few
/// allocations, not 100,000 that would lie between the entities' own and
/// keep their memory from being given back or reused.
struct Rows {
    path: PathBuf,
    text: String,
    /// Each field's bytes in `text`, row after row.
    fields: Vec<(usize, usize)>,
    width: usize,
    /// Each row's line and first field.
    rows: Vec<(u64, usize)>,
}

/// The fields of one row of `Rows`, by position.
#[derive(Clone, Copy)]
struct Row<'a> {
    text: &'a str,
    fields: &'a [(usize, usize)],
}

impl std::ops::Index<usize> for Row<'_> {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        let (from, to) = self.fields[i];
        &self.text[from..to]
    }
}

impl Rows {
    fn empty(path: &Path, width: usize) -> Rows {
        Rows {
            path: path.to_owned(),
            text: String::new(),
            fields: Vec::new(),
            width,
            rows: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    /// Each row with its line.
    fn iter(&self) -> impl Iterator<Item = (u64, Row<'_>)> {
        self.rows.iter().map(|&(line, first)| {
            let fields = &self.fields[first..first + self.width];
            (
                line,
                Row {
                    text: &self.text,
                    fields,
                },
            )
        })
    }

    fn push(&mut self, line: u64, record: &csv::ByteRecord) {
        self.rows.push((line, self.fields.len()));
        for field in record {
            let from = self.text.len();
            decode_windows_1252_into(field, &mut self.text);
            self.fields.push((from, self.text.len()));
        }
    }
}

/// Read one file and split it into rows of exactly `width` fields.
fn read_rows(
    path: &Path,
    data: &[u8],
    width: usize,
    strict: Strictness,
    warnings: &mut Vec<String>,
) -> Result<Rows> {
    // One trailing Ctrl-Z (DOS end-of-file marker) follows the last CRLF.
    let data = data.strip_suffix(&[0x1a]).unwrap_or(data);
    // A comments file has rows only when some remark was cut, so it alone
    // may legitimately hold none; any other empty file is a failed download.
    if width == 2 && data.is_empty() {
        return Ok(Rows::empty(path, width));
    }
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::list(path, None, None, "the file is empty"));
    }
    if !data.ends_with(b"\n") {
        let line = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        return Err(Error::list(
            path,
            Some(line),
            None,
            "the file ends in the middle of a record (truncated download?)",
        ));
    }
    if let Some(line) = crate::csvfile::unterminated_quote(data) {
        return Err(Error::list(
            path,
            Some(line),
            None,
            "a quoted field opens here and is never closed (truncated or corrupt download?)",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut rows = Rows::empty(path, width);
    rows.text.reserve(data.len());
    let mut first = true;
    let mut lines = LineCounter::new(data);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line());
                return Err(Error::list(
                    path,
                    line,
                    None,
                    format!("unreadable CSV: {e}"),
                ));
            }
        }
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
        if record.len() != width {
            let msg = format!("expected {width} fields, found {}", record.len());
            if first {
                // The very first row has the wrong shape: this is not the
                // file it claims to be, whatever the tolerance.
                return Err(Error::list(
                    path,
                    Some(line),
                    None,
                    format!("{msg}: not an OFAC legacy CSV file of this kind"),
                ));
            }
            skip_or_fail(path, line, None, &msg, strict, warnings)?;
            continue;
        }
        first = false;
        rows.push(line, &record);
    }
    Ok(rows)
}

/// 1-based line of a byte offset. The csv crate's own line count lags
/// behind under CRLF endings, so count newlines ourselves, incrementally.
pub(crate) struct LineCounter<'a> {
    data: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        LineCounter {
            data,
            byte: 0,
            line: 1,
        }
    }

    /// Offsets must not decrease between calls.
    pub(crate) fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.data.len());
        // A record's offset can point at the line end before it; skip it.
        while target < self.data.len() && matches!(self.data[target], b'\r' | b'\n') {
            target += 1;
        }
        if target > self.byte {
            self.line += self.data[self.byte..target]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.byte = target;
        }
        self.line
    }
}

fn skip_or_fail(
    path: &Path,
    line: u64,
    field: Option<&str>,
    msg: &str,
    strict: Strictness,
    warnings: &mut Vec<String>,
) -> Result<()> {
    if strict.tolerant {
        let field = field.map(|f| format!(": field `{f}`")).unwrap_or_default();
        warnings.push(format!(
            "{}:{line}{field}: {msg} (row skipped)",
            path.display()
        ));
        Ok(())
    } else {
        Err(Error::list(
            path,
            Some(line),
            field,
            format!("{msg} (use --tolerant to skip malformed rows)"),
        ))
    }
}

/// `-0- ` (with or without its trailing space) is OFAC's null.
fn value(field: &str) -> Option<&str> {
    let t = field.trim();
    (t != "-0-" && !t.is_empty()).then_some(t)
}

/// Remarks keep their trailing space: a cut remark can end in one, and the
/// continuation is appended without a separator.
fn raw_value(field: &str) -> Option<&str> {
    (field.trim() != "-0-" && !field.trim().is_empty()).then_some(field.trim_start())
}

fn parse_id(field: &str) -> Option<u64> {
    field.trim().parse().ok()
}

pub fn split_programs(field: &str) -> impl Iterator<Item = String> + '_ {
    field
        .split("] [")
        .map(|t| t.trim().trim_matches(['[', ']']).trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Load one OFAC set from `dir`. `read` reads a file, returning `None` if it
/// does not exist (kept injectable so tests and the fuzzer need no files).
pub fn load_set(
    dir: &Path,
    set: OfacSet,
    strict: Strictness,
    read: &dyn Fn(&Path) -> Result<Option<Vec<u8>>>,
) -> Result<LoadedSet> {
    let mut out = LoadedSet::default();
    let primary_path = dir.join(set.primary);
    let primary = read(&primary_path)?
        .ok_or_else(|| Error::list(&primary_path, None, None, "file not found"))?;
    out.files.push(FileIdentity::of(set.primary, &primary));
    let rows = read_rows(&primary_path, &primary, 12, strict, &mut out.warnings)?;
    let mut index: HashMap<u64, usize> = HashMap::with_capacity(rows.len());
    // Entities are large (700 bytes): room for exactly the rows, not the
    // double a growing vector keeps.
    out.entities.reserve_exact(rows.len());
    for (line, f) in rows.iter() {
        match primary_entity(set.list, f) {
            Ok(entity) => {
                let id: u64 = entity.id.parse().unwrap_or_default();
                if index.contains_key(&id) {
                    let msg = format!("ent_num {id} appears twice");
                    skip_or_fail(
                        &rows.path,
                        line,
                        Some("ent_num"),
                        &msg,
                        strict,
                        &mut out.warnings,
                    )?;
                    continue;
                }
                index.insert(id, out.entities.len());
                out.entities.push(entity);
            }
            Err((field, msg)) => {
                skip_or_fail(
                    &rows.path,
                    line,
                    Some(field),
                    &msg,
                    strict,
                    &mut out.warnings,
                )?;
            }
        }
    }

    // A remark of exactly the cut length was cut; it is whole only once
    // the comments file continues it.
    for e in &mut out.entities {
        e.remarks_truncated = e
            .remarks
            .as_ref()
            .is_some_and(|r| r.chars().count() == REMARKS_CUT);
    }
    // Comments continue truncated remarks; apply them before parsing facts.
    if let Some(rows) = companion(dir, set.comments, 2, strict, read, &mut out)? {
        for (line, f) in rows.iter() {
            let Some(pos) = lookup(&rows, line, f, &index, strict, &mut out.warnings)? else {
                continue;
            };
            let entity = &mut out.entities[pos];
            let remarks = entity.remarks.get_or_insert_with(String::new);
            remarks.push_str(&f[1]);
            entity.remarks_truncated = false;
        }
    }
    out.cut_remarks = out
        .entities
        .iter()
        .filter(|e| e.remarks_truncated)
        .map(|e| e.id.clone())
        .collect();
    for entity in &mut out.entities {
        apply_remarks(entity);
    }

    if let Some(rows) = companion(dir, set.aliases, 5, strict, read, &mut out)? {
        for (line, f) in rows.iter() {
            let Some(pos) = lookup(&rows, line, f, &index, strict, &mut out.warnings)? else {
                continue;
            };
            let kind = match f[2].trim().to_ascii_lowercase().as_str() {
                "aka" => AliasKind::Aka,
                "fka" => AliasKind::Fka,
                "nka" => AliasKind::Nka,
                other => {
                    let msg = format!("alt_type `{other}` is not aka, fka or nka");
                    skip_or_fail(
                        &rows.path,
                        line,
                        Some("alt_type"),
                        &msg,
                        strict,
                        &mut out.warnings,
                    )?;
                    continue;
                }
            };
            let Some(name) = value(&f[3]) else {
                skip_or_fail(
                    &rows.path,
                    line,
                    Some("alt_name"),
                    "alias name is empty",
                    strict,
                    &mut out.warnings,
                )?;
                continue;
            };
            out.entities[pos].aliases.push(Alias {
                name: name.to_owned(),
                kind,
                id: value(&f[1]).map(str::to_owned),
            });
        }
    }

    if let Some(rows) = companion(dir, set.addresses, 6, strict, read, &mut out)? {
        for (line, f) in rows.iter() {
            let Some(pos) = lookup(&rows, line, f, &index, strict, &mut out.warnings)? else {
                continue;
            };
            let address = Address {
                id: value(&f[1]).map(str::to_owned),
                street: value(&f[2]).map(str::to_owned),
                city: value(&f[3]).map(str::to_owned),
                country: value(&f[4]).map(str::to_owned),
                remarks: value(&f[5]).map(str::to_owned),
            };
            out.entities[pos].addresses.push(address);
        }
    }
    for entity in &mut out.entities {
        entity.derive_countries();
        entity.shrink_to_fit();
    }
    Ok(out)
}

/// Parse an entity's remarks into its facts and weak aliases (replacing
/// any it had). The last fact of a remark that is cut and not continued
/// may itself be cut (half an address): it is kept verbatim in `other`.
pub fn apply_remarks(entity: &mut Entity) {
    entity.aliases.retain(|a| !a.kind.is_weak());
    let Some(text) = &entity.remarks else {
        entity.facts = Default::default();
        return;
    };
    let (complete, cut_tail) = match (entity.remarks_truncated, text.rfind(';')) {
        (true, Some(i)) => (&text[..i], Some(text[i + 1..].trim())),
        (true, None) => ("", Some(text.trim())),
        _ => (text.as_str(), None),
    };
    let mut parsed = remarks::parse(complete);
    if let Some(tail) = cut_tail {
        parsed
            .facts
            .other
            .push(format!("{tail} [cut at 1000 characters]"));
    }
    entity.facts = parsed.facts;
    entity.aliases.extend(parsed.weak_aliases);
}

/// Read an optional companion file; a missing one is recorded.
fn companion(
    dir: &Path,
    name: &str,
    width: usize,
    strict: Strictness,
    read: &dyn Fn(&Path) -> Result<Option<Vec<u8>>>,
    out: &mut LoadedSet,
) -> Result<Option<Rows>> {
    let path = dir.join(name);
    match read(&path)? {
        None => {
            out.missing_files.push(name.to_owned());
            Ok(None)
        }
        Some(data) => {
            out.files.push(FileIdentity::of(name, &data));
            read_rows(&path, &data, width, strict, &mut out.warnings).map(Some)
        }
    }
}

/// Find the entity a companion row belongs to.
fn lookup(
    rows: &Rows,
    line: u64,
    fields: Row<'_>,
    index: &HashMap<u64, usize>,
    strict: Strictness,
    warnings: &mut Vec<String>,
) -> Result<Option<usize>> {
    let Some(id) = parse_id(&fields[0]) else {
        let msg = format!("ent_num `{}` is not a number", fields[0].trim());
        skip_or_fail(&rows.path, line, Some("ent_num"), &msg, strict, warnings)?;
        return Ok(None);
    };
    match index.get(&id) {
        Some(pos) => Ok(Some(*pos)),
        None => {
            let msg = format!("ent_num {id} is not in the primary file");
            skip_or_fail(&rows.path, line, Some("ent_num"), &msg, strict, warnings)?;
            Ok(None)
        }
    }
}

fn primary_entity(list: &str, f: Row<'_>) -> std::result::Result<Entity, (&'static str, String)> {
    let id =
        parse_id(&f[0]).ok_or_else(|| ("ent_num", format!("`{}` is not a number", f[0].trim())))?;
    let name = value(&f[1]).ok_or(("SDN_Name", "the name is empty".to_owned()))?;
    let kind = match value(&f[2]).map(str::to_ascii_lowercase).as_deref() {
        None => EntityKind::Entity,
        Some("individual") => EntityKind::Individual,
        Some("vessel") => EntityKind::Vessel,
        Some("aircraft") => EntityKind::Aircraft,
        Some(other) => {
            return Err((
                "SDN_Type",
                format!("`{other}` is not individual, vessel, aircraft or -0-"),
            ))
        }
    };
    let mut entity = Entity::new(list, &id.to_string(), name, kind);
    let programs = value(&f[3]).ok_or(("Program", "no program tag".to_owned()))?;
    entity.programs = split_programs(programs).collect();
    entity.title = value(&f[4]).map(str::to_owned);
    entity.vessel.call_sign = value(&f[5]).map(str::to_owned);
    entity.vessel.vessel_type = value(&f[6]).map(str::to_owned);
    entity.vessel.tonnage = value(&f[7]).map(str::to_owned);
    entity.vessel.gross_registered_tonnage = value(&f[8]).map(str::to_owned);
    entity.vessel.flag = value(&f[9]).map(str::to_owned);
    entity.vessel.owner = value(&f[10]).map(str::to_owned);
    entity.remarks = raw_value(&f[11]).map(str::to_owned);
    Ok(entity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn loader(files: BTreeMap<&'static str, Vec<u8>>) -> impl Fn(&Path) -> Result<Option<Vec<u8>>> {
        move |p: &Path| {
            let name = p.file_name().unwrap().to_str().unwrap();
            Ok(files.get(name).cloned())
        }
    }

    fn set(sdn: &str, alt: &str, add: &str, comments: &str) -> BTreeMap<&'static str, Vec<u8>> {
        BTreeMap::from([
            ("sdn.csv", sdn.as_bytes().to_vec()),
            ("alt.csv", alt.as_bytes().to_vec()),
            ("add.csv", add.as_bytes().to_vec()),
            ("sdn_comments.csv", comments.as_bytes().to_vec()),
        ])
    }

    const SDN_ROW: &str = "10761,\"AL-SHABAAB\",-0- ,\"FTO] [SDGT] [SOMALIA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'THE YOUTH'; Website www.example.so.\"\r\n";
    const ALT_ROW: &str = "10761,100,\"aka\",\"HARAKAT SHABAAB AL-MUJAHIDIN\",-0- \r\n";
    const ADD_ROW: &str = "10761,200,-0- ,-0- ,\"Somalia\",-0- \r\n";
    const COM_ROW: &str = "10761,\"x\"\r\n";

    #[test]
    fn loads_a_set_with_ctrl_z_and_nulls() {
        let sdn = format!("{SDN_ROW}\x1a");
        let files = set(&sdn, ALT_ROW, ADD_ROW, "");
        let mut files = files;
        files.remove("sdn_comments.csv");
        let out = load_set(Path::new("d"), SDN, Strictness::default(), &loader(files)).unwrap();
        assert_eq!(out.entities.len(), 1);
        let e = &out.entities[0];
        assert_eq!(e.kind, EntityKind::Entity);
        assert!(e.has_program("FTO") && e.has_program("SDGT") && e.has_program("SOMALIA"));
        assert_eq!(e.aliases.len(), 2);
        assert_eq!(e.weak_aliases().count(), 1);
        assert_eq!(e.facts.websites, vec!["www.example.so"]);
        assert_eq!(e.countries, vec!["Somalia"]);
        assert_eq!(out.missing_files, vec!["sdn_comments.csv"]);
    }

    #[test]
    fn comments_continue_remarks_without_separator() {
        let long = "a".repeat(999) + " ";
        let sdn =
            format!("1,\"X\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{long}\"\r\n");
        let files = set(
            &sdn,
            ALT_ROW.replace("10761", "1").as_str(),
            "1,1,-0- ,-0- ,-0- ,-0- \r\n",
            "1,\"Website www.x.org.\"\r\n",
        );
        let out = load_set(Path::new("d"), SDN, Strictness::default(), &loader(files)).unwrap();
        let e = &out.entities[0];
        assert_eq!(
            e.remarks.as_deref().unwrap().len(),
            1000 + "Website www.x.org.".len()
        );
        assert!(e.remarks.as_deref().unwrap().contains("a Website"));
    }

    #[test]
    fn truncated_and_empty_files_are_errors_even_when_tolerant() {
        let strict = Strictness { tolerant: true };
        let cut = &SDN_ROW[..SDN_ROW.len() - 10];
        let err = load_set(
            Path::new("d"),
            SDN,
            strict,
            &loader(set(cut, ALT_ROW, ADD_ROW, COM_ROW)),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("d/sdn.csv:1: the file ends in the middle of a record"),
            "{err}"
        );
        let err = load_set(
            Path::new("d"),
            SDN,
            strict,
            &loader(set("", ALT_ROW, ADD_ROW, COM_ROW)),
        )
        .unwrap_err();
        assert!(err.to_string().contains("the file is empty"), "{err}");
        let err = load_set(
            Path::new("d"),
            SDN,
            strict,
            &loader(set("a,b\r\n", ALT_ROW, ADD_ROW, COM_ROW)),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("expected 12 fields, found 2"),
            "{err}"
        );
    }

    #[test]
    fn malformed_row_is_an_error_unless_tolerant() {
        let bad =
            format!("{SDN_ROW}x1,\"B\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n");
        let files = set(&bad, ALT_ROW, ADD_ROW, COM_ROW);
        let err = load_set(
            Path::new("d"),
            SDN,
            Strictness::default(),
            &loader(files.clone()),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "d/sdn.csv:2: field `ent_num`: `x1` is not a number (use --tolerant to skip malformed rows)"
        );
        let out = load_set(
            Path::new("d"),
            SDN,
            Strictness { tolerant: true },
            &loader(files),
        )
        .unwrap();
        assert_eq!(out.entities.len(), 1);
        assert_eq!(out.warnings.len(), 1);
    }

    #[test]
    fn alias_for_missing_entity_is_reported() {
        let files = set(
            SDN_ROW,
            "999,1,\"aka\",\"GHOST\",-0- \r\n",
            ADD_ROW,
            COM_ROW,
        );
        let err = load_set(Path::new("d"), SDN, Strictness::default(), &loader(files)).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "d/alt.csv:1: field `ent_num`: ent_num 999 is not in the primary file"
            ),
            "{err}"
        );
    }
}
