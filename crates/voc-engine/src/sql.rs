//! Planning SQL files with bound parameters, and errors that point at lines.
//!
//! Parameters (`$run_date`, `$timezone`, a job's `[params]`) are typed
//! values handed to DataFusion's placeholder binding; the SQL text is never
//! edited.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use datafusion::common::{ParamValues, ScalarValue};
use datafusion::dataframe::DataFrame;
use datafusion::error::DataFusionError;
use datafusion::prelude::SessionContext;

use crate::error::{ErrorKind, Result, VocError};

/// Typed values bound to `$name` placeholders.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, ScalarValue>,
}

impl Params {
    /// `$run_date` (DATE), `$dt` (DATE, the partition written: the run date
    /// unless the job has `lag_days`) and `$timezone` (the business zone name).
    /// [`RunDates::params`](crate::plan::RunDates::params) computes them once for a run.
    pub fn for_run(run_date: NaiveDate, partition: NaiveDate, timezone: &str) -> Self {
        let mut p = Params::default();
        p.set("run_date", date_value(run_date));
        p.set("dt", date_value(partition));
        p.set("timezone", ScalarValue::Utf8(Some(timezone.to_string())));
        p
    }

    pub fn set(&mut self, name: &str, v: ScalarValue) {
        self.values.insert(name.to_string(), v);
    }

    /// Adds a job's `[params]` table (validated by the job loader).
    pub fn with_toml(mut self, params: &BTreeMap<String, toml::Value>) -> Self {
        for (k, v) in params {
            let s = match v {
                toml::Value::String(s) => ScalarValue::Utf8(Some(s.clone())),
                toml::Value::Integer(i) => ScalarValue::Int64(Some(*i)),
                toml::Value::Float(f) => ScalarValue::Float64(Some(*f)),
                toml::Value::Boolean(b) => ScalarValue::Boolean(Some(*b)),
                _ => continue,
            };
            self.set(k, s);
        }
        self
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    fn to_param_values(&self) -> ParamValues {
        ParamValues::from(self.values.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>())
    }
}

/// A DATE scalar.
pub fn date_value(d: NaiveDate) -> ScalarValue {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    ScalarValue::Date32(Some((d - epoch).num_days() as i32))
}

/// Plans one query (a single SELECT or WITH … SELECT) with parameters bound.
/// Errors carry `file:line:col` when DataFusion or the parser tells where.
pub async fn plan_query(ctx: &SessionContext, file: &Path, text: &str, params: &Params) -> Result<DataFrame> {
    let body = text.trim().trim_end_matches(';').trim();
    if body.is_empty() {
        return Err(VocError::config(format!("{}: the SQL file is empty; expected one SELECT query", file.display())));
    }
    let df = ctx.sql(body).await.map_err(|e| sql_error(ErrorKind::Config, file, body, &e))?;
    df.with_param_values(params.to_param_values()).map_err(|e| sql_error(ErrorKind::Config, file, body, &e))
}

/// Turns a DataFusion error about `text` (read from `file`) into a one-line
/// voc error with a position, classifying storage and data faults apart.
pub fn sql_error(kind: ErrorKind, file: &Path, text: &str, e: &DataFusionError) -> VocError {
    let kind = match classify(e) {
        Some(k) => k,
        None => kind,
    };
    let msg = e.find_root().to_string();
    let pos = locate(text, e)
        .map(|(l, c)| format!("{}:{l}:{c}", file.display()))
        .unwrap_or_else(|| file.display().to_string());
    VocError::new(kind, format!("{pos}: {msg}"))
}

/// Storage and data errors are not the SQL author's fault. A Parquet or Arrow error that wraps
/// an object store's error (a 503 or a dropped connection while reading a file) is storage.
pub fn classify(e: &DataFusionError) -> Option<ErrorKind> {
    for inner in e.iter() {
        match inner {
            DataFusionError::ObjectStore(_) => return Some(ErrorKind::Storage),
            DataFusionError::ParquetError(p) if from_object_store(p.as_ref()) => return Some(ErrorKind::Storage),
            DataFusionError::ArrowError(a, _) if from_object_store(a.as_ref()) => return Some(ErrorKind::Storage),
            DataFusionError::External(x) if from_object_store(x.as_ref()) => return Some(ErrorKind::Storage),
            DataFusionError::ParquetError(_) => return Some(ErrorKind::BadInput),
            DataFusionError::ArrowError(..) => return Some(ErrorKind::BadInput),
            DataFusionError::ResourcesExhausted(_) => return Some(ErrorKind::Internal),
            _ => {}
        }
    }
    None
}

/// Whether an error is, or was caused by, an object store's error.
pub fn from_object_store(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<object_store::Error>().is_some() {
            return true;
        }
        if let Some(datafusion::parquet::errors::ParquetError::External(x)) =
            err.downcast_ref::<datafusion::parquet::errors::ParquetError>()
        {
            if from_object_store(x.as_ref()) {
                return true;
            }
        }
        if let Some(datafusion::arrow::error::ArrowError::ExternalError(x)) =
            err.downcast_ref::<datafusion::arrow::error::ArrowError>()
        {
            if from_object_store(x.as_ref()) {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// Where in `text` the error points: the diagnostic span when DataFusion
/// has one, else the parser's "Line: x, Column: y", else the first mention
/// of a field named in a "No field named" message.
pub fn locate(text: &str, e: &DataFusionError) -> Option<(usize, usize)> {
    for inner in e.iter() {
        if let Some(d) = inner.diagnostic() {
            if let Some(span) = d.span {
                if span.start.line > 0 {
                    return Some((span.start.line as usize, span.start.column as usize));
                }
            }
        }
    }
    let msg = e.to_string();
    if let Some(i) = msg.find("Line: ") {
        let rest = &msg[i + 6..];
        let line: usize = rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
        let col = rest
            .find("Column: ")
            .and_then(|j| rest[j + 8..].split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
            .unwrap_or(1);
        return Some((line, col));
    }
    for marker in ["No field named ", "table '", "Table not found: "] {
        if let Some(i) = msg.find(marker) {
            let name: String = msg[i + marker.len()..]
                .trim_start_matches(['"', '\'', '`'])
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                .collect();
            let name = name.trim_end_matches('.');
            let last = name.rsplit('.').next().unwrap_or(name);
            if let Some(off) = find_word(text, last) {
                return Some(crate::config::line_col(text, off));
            }
        }
    }
    None
}

/// Byte offset of `word` as a whole identifier in `text`, skipping `--` comments.
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut base = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split("--").next().unwrap_or(line);
        let mut from = 0;
        while let Some(i) = code[from..].find(word) {
            let at = from + i;
            let before = code[..at].chars().next_back();
            let after = code[at + word.len()..].chars().next();
            if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
                return Some(base + at);
            }
            from = at + word.len();
        }
        base += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn run_date_binds_as_a_date() {
        let ctx = SessionContext::new();
        let d = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let p = Params::for_run(d, d, "Asia/Shanghai");
        let df = plan_query(
            &ctx,
            Path::new("q.sql"),
            "SELECT $run_date AS d, $run_date - INTERVAL '1 day' AS y, $timezone AS tz",
            &p,
        )
        .await
        .unwrap();
        let batches = df.collect().await.unwrap();
        let s = datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
        assert!(s.contains("2026-11-02") && s.contains("2026-11-01") && s.contains("Asia/Shanghai"), "{s}");
    }

    #[tokio::test]
    async fn unknown_columns_point_at_their_line() {
        let ctx = SessionContext::new();
        let text = "-- nope is not a column\nSELECT\n  1 AS a,\n  nope AS b\nFROM (SELECT 1 AS x) t";
        let e = plan_query(&ctx, Path::new("sql/j/t.sql"), text, &Params::default()).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.starts_with("sql/j/t.sql:4:3:"), "{}", e.message);
        assert!(e.message.contains("nope"), "{}", e.message);
    }

    #[tokio::test]
    async fn syntax_errors_point_at_their_line() {
        let ctx = SessionContext::new();
        let text = "SELECT 1\nFROM (SELECT 1 AS x) t\nWHERE x = = 1\nORDER BY 1";
        let e = plan_query(&ctx, Path::new("q.sql"), text, &Params::default()).await.unwrap_err();
        assert!(e.message.starts_with("q.sql:3:"), "{}", e.message);
    }
}
