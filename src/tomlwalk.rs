//! Reading a TOML file that a person wrote while collecting *every*
//! problem with its line and column, instead of stopping at the first as
//! serde does. Used for evidence, policy settings and rule test cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml_edit::{ImDocument, Item, TableLike, Value};

use crate::diag::{Code, Diagnostic};

/// The parsed document and the problems found so far.
pub struct Walker<'a> {
    pub file: PathBuf,
    pub text: &'a str,
    pub diags: Vec<Diagnostic>,
}

/// Where an item sits (byte range), for diagnostics.
pub type Span = Option<std::ops::Range<usize>>;

impl<'a> Walker<'a> {
    /// Parse `text`; a syntax error is reported and `None` returned.
    pub fn parse(file: &Path, text: &'a str) -> (Walker<'a>, Option<ImDocument<String>>) {
        let mut w = Walker {
            file: file.to_owned(),
            text,
            diags: Vec::new(),
        };
        match ImDocument::parse(text.to_owned()) {
            Ok(doc) => (w, Some(doc)),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                w.error(
                    Code::TomlSyntax,
                    &Some(at..at),
                    e.message().trim().to_owned(),
                );
                (w, None)
            }
        }
    }

    pub fn error(&mut self, code: Code, span: &Span, message: impl Into<String>) {
        let d = Diagnostic::new(code, &self.file, message);
        let d = match span {
            Some(s) => d.at_offset(self.text, s.start),
            None => d,
        };
        self.diags.push(d);
    }

    /// Report keys of `table` not in `allowed`.
    pub fn known_keys(&mut self, table: &dyn TableLike, allowed: &[&str], context: &str) {
        for (key, _) in table.iter() {
            if !allowed.contains(&key) {
                let span = table.key(key).and_then(|k| k.span());
                self.error(
                    Code::UnknownKey,
                    &span,
                    format!(
                        "unknown key `{key}` in {context}; expected one of: {}",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn get<'t>(&self, table: &'t dyn TableLike, key: &str) -> Option<(&'t Item, Span)> {
        table.get(key).map(|i| {
            (
                i,
                item_span(i).or_else(|| table.key(key).and_then(|k| k.span())),
            )
        })
    }

    pub fn string(
        &mut self,
        table: &dyn TableLike,
        key: &str,
        required: bool,
        context: &str,
        whole: &Span,
    ) -> Option<String> {
        match self.get(table, key) {
            None => {
                if required {
                    self.error(
                        Code::MissingField,
                        whole,
                        format!("{context} needs `{key}`"),
                    );
                }
                None
            }
            Some((item, span)) => match item.as_str() {
                Some(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                Some(_) => {
                    self.error(
                        Code::BadValue,
                        &span,
                        format!("`{key}` in {context} is empty"),
                    );
                    None
                }
                None => {
                    self.error(
                        Code::WrongType,
                        &span,
                        format!(
                            "`{key}` in {context} must be a string, found {}",
                            type_name(item)
                        ),
                    );
                    None
                }
            },
        }
    }

    pub fn boolean(&mut self, table: &dyn TableLike, key: &str, context: &str) -> Option<bool> {
        let (item, span) = self.get(table, key)?;
        match item.as_bool() {
            Some(b) => Some(b),
            None => {
                self.error(
                    Code::WrongType,
                    &span,
                    format!(
                        "`{key}` in {context} must be true or false, found {}",
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    pub fn float(
        &mut self,
        table: &dyn TableLike,
        key: &str,
        context: &str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Option<f64> {
        let (item, span) = self.get(table, key)?;
        let v = item
            .as_float()
            .or_else(|| item.as_integer().map(|i| i as f64));
        match v {
            Some(v) if range.contains(&v) => Some(v),
            Some(v) => {
                self.error(
                    Code::BadValue,
                    &span,
                    format!(
                        "`{key}` in {context} is {v}, expected {} to {}",
                        range.start(),
                        range.end()
                    ),
                );
                None
            }
            None => {
                self.error(
                    Code::WrongType,
                    &span,
                    format!(
                        "`{key}` in {context} must be a number, found {}",
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    pub fn integer(
        &mut self,
        table: &dyn TableLike,
        key: &str,
        context: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let (item, span) = self.get(table, key)?;
        match item.as_integer() {
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(v) => {
                self.error(
                    Code::BadValue,
                    &span,
                    format!("`{key}` in {context} is {v}, expected {min} to {max}"),
                );
                None
            }
            None => {
                self.error(
                    Code::WrongType,
                    &span,
                    format!(
                        "`{key}` in {context} must be an integer, found {}",
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    /// A date written as a TOML date (`2024-07-02`) or a string.
    pub fn date(
        &mut self,
        table: &dyn TableLike,
        key: &str,
        required: bool,
        context: &str,
        whole: &Span,
    ) -> Option<NaiveDate> {
        let Some((item, span)) = self.get(table, key) else {
            if required {
                self.error(
                    Code::MissingField,
                    whole,
                    format!("{context} needs `{key}` (a date such as 2024-07-02)"),
                );
            }
            return None;
        };
        let parsed = match item.as_value() {
            Some(Value::Datetime(dt)) => {
                let dt = dt.value();
                match (dt.date, dt.time) {
                    (Some(d), None) => NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    ),
                    _ => None,
                }
            }
            Some(Value::String(s)) => NaiveDate::parse_from_str(s.value().trim(), "%Y-%m-%d").ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.error(
                Code::BadDate,
                &span,
                format!("`{key}` in {context} must be a date such as 2024-07-02"),
            );
        }
        parsed
    }

    /// A list of strings (a single string is accepted as a list of one).
    pub fn strings(&mut self, table: &dyn TableLike, key: &str, context: &str) -> Vec<String> {
        let Some((item, span)) = self.get(table, key) else {
            return Vec::new();
        };
        if let Some(s) = item.as_str() {
            return vec![s.trim().to_owned()];
        }
        let Some(arr) = item.as_array() else {
            self.error(
                Code::WrongType,
                &span,
                format!(
                    "`{key}` in {context} must be a list of strings, found {}",
                    type_name(item)
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for v in arr.iter() {
            match v.as_str() {
                Some(s) => out.push(s.trim().to_owned()),
                None => self.error(
                    Code::WrongType,
                    &v.span(),
                    format!(
                        "`{key}` in {context} must hold strings only, found {}",
                        v.type_name()
                    ),
                ),
            }
        }
        out
    }

    /// A table of string values (`identifiers = { lei = "..." }`).
    pub fn string_map(
        &mut self,
        table: &dyn TableLike,
        key: &str,
        context: &str,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some((item, span)) = self.get(table, key) else {
            return out;
        };
        let Some(t) = item.as_table_like() else {
            self.error(
                Code::WrongType,
                &span,
                format!("`{key}` in {context} must be a table of strings"),
            );
            return out;
        };
        for (k, v) in t.iter() {
            match v.as_str() {
                Some(s) => {
                    out.insert(k.to_owned(), s.to_owned());
                }
                None => self.error(
                    Code::WrongType,
                    &item_span(v),
                    format!("`{key}.{k}` in {context} must be a string"),
                ),
            }
        }
        out
    }

    /// A sub-table, or `None` with a diagnostic if the key holds another type.
    pub fn table<'t>(
        &mut self,
        table: &'t dyn TableLike,
        key: &str,
        context: &str,
    ) -> Option<(&'t dyn TableLike, Span)> {
        let (item, span) = self.get(table, key)?;
        match item.as_table_like() {
            Some(t) => Some((t, span)),
            None => {
                self.error(
                    Code::WrongType,
                    &span,
                    format!(
                        "`{key}` in {context} must be a table, found {}",
                        type_name(item)
                    ),
                );
                None
            }
        }
    }

    /// Tables of an array (`[[customers]]` or `customers = [{...}]`).
    pub fn tables<'t>(
        &mut self,
        table: &'t dyn TableLike,
        key: &str,
        context: &str,
    ) -> Vec<(&'t dyn TableLike, Span)> {
        let Some((item, span)) = self.get(table, key) else {
            return Vec::new();
        };
        if let Some(aot) = item.as_array_of_tables() {
            return aot
                .iter()
                .map(|t| (t as &dyn TableLike, t.span()))
                .collect();
        }
        if let Some(arr) = item.as_array() {
            let mut out = Vec::new();
            for v in arr.iter() {
                match v.as_inline_table() {
                    Some(t) => out.push((t as &dyn TableLike, v.span())),
                    None => self.error(
                        Code::WrongType,
                        &v.span(),
                        format!("`{key}` in {context} must hold tables"),
                    ),
                }
            }
            return out;
        }
        self.error(
            Code::WrongType,
            &span,
            format!("`{key}` in {context} must be an array of tables ([[{key}]])"),
        );
        Vec::new()
    }
}

pub fn item_span(item: &Item) -> Span {
    item.span()
        .or_else(|| item.as_value().and_then(Value::span))
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => v.type_name(),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}
