//! Data checks declared in job files, run on staged output before commit.
//!
//! Checks are built with DataFusion's expression API from column names and
//! values, so nothing from a job file is pasted into SQL text.

use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::dataframe::DataFrame;
use datafusion::functions_aggregate::count::count_all;
use datafusion::logical_expr::Expr;
use datafusion::prelude::{ident, lit};
use serde::Serialize;

use crate::error::{Result, VocError};
use crate::job::Check;

/// The outcome of one check, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub table: String,
    pub check: String,
    pub passed: bool,
    pub detail: String,
}

/// Runs every check of `table` on `df` (the staged rows, `rows` of them).
/// Returns the results; the first failure is also returned as an error.
pub async fn run_checks(table: &str, df: &DataFrame, rows: u64, checks: &[Check]) -> Result<Vec<CheckResult>> {
    let mut out = Vec::new();
    for c in checks {
        for column in columns_of(c) {
            if df.schema().as_arrow().field_with_name(column).is_err() {
                return Err(VocError::config(format!(
                    "output {table}: check {} names column '{column}', which the output does not have",
                    c.describe()
                )));
            }
        }
        let detail = match c {
            Check::MinRows(n) => (rows < *n).then(|| format!("expected at least {n} rows, found {rows}")),
            Check::NotNull(cols) => {
                let mut found = None;
                for column in cols {
                    let bad = df.clone().filter(ident(column).is_null()).map_err(internal)?;
                    let n = bad.clone().count().await.map_err(internal)?;
                    if n > 0 {
                        let example = first_row(bad).await?;
                        found = Some(format!("column '{column}' is null in {n} row(s), e.g. {example}"));
                        break;
                    }
                }
                found
            }
            Check::Unique(cols) => {
                let keys: Vec<Expr> = cols.iter().map(ident).collect();
                let dupes = df
                    .clone()
                    .aggregate(keys, vec![count_all().alias("__rows")])
                    .and_then(|d| d.filter(ident("__rows").gt(lit(1i64))))
                    .map_err(internal)?;
                let n = dupes.clone().count().await.map_err(internal)?;
                if n > 0 {
                    let example = first_row(dupes).await?;
                    Some(format!("{n} key value(s) repeat, e.g. {example}"))
                } else {
                    None
                }
            }
            Check::AcceptedValues { column, values } => {
                let allowed: Vec<Expr> = values.iter().map(|v| lit(v.as_str())).collect();
                let bad = df
                    .clone()
                    .filter(ident(column).is_not_null().and(ident(column).in_list(allowed, true)))
                    .map_err(internal)?;
                let n = bad.clone().count().await.map_err(internal)?;
                if n > 0 {
                    let v = bad.select(vec![ident(column)]).map_err(internal)?;
                    let example = first_row(v).await?;
                    Some(format!("column '{column}' has {n} row(s) outside the accepted values, e.g. {example}"))
                } else {
                    None
                }
            }
        };
        let passed = detail.is_none();
        let result = CheckResult {
            table: table.to_string(),
            check: c.describe(),
            passed,
            detail: detail.clone().unwrap_or_else(|| "ok".into()),
        };
        out.push(result);
        if let Some(d) = detail {
            return Err(VocError::check_failed(format!("table {table}: check {} failed: {d}", c.describe())));
        }
    }
    Ok(out)
}

fn columns_of(c: &Check) -> Vec<&str> {
    match c {
        Check::NotNull(cols) | Check::Unique(cols) => cols.iter().map(String::as_str).collect(),
        Check::AcceptedValues { column, .. } => vec![column.as_str()],
        Check::MinRows(_) => vec![],
    }
}

fn internal(e: datafusion::error::DataFusionError) -> VocError {
    VocError::internal(format!("running a data check: {e}"))
}

/// The first row of `df` as `col=value, …` (at most 6 columns).
async fn first_row(df: DataFrame) -> Result<String> {
    let batches = df.limit(0, Some(1)).map_err(internal)?.collect().await.map_err(internal)?;
    let Some(b) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Ok("(no example)".into());
    };
    let opts = FormatOptions::default().with_null("NULL");
    let mut parts = Vec::new();
    for (i, f) in b.schema().fields().iter().enumerate().take(6) {
        let fmt =
            ArrayFormatter::try_new(b.column(i).as_ref(), &opts).map_err(|e| VocError::internal(e.to_string()))?;
        let mut v = fmt.value(0).to_string();
        if v.chars().count() > 60 {
            v = v.chars().take(60).collect::<String>() + "…";
        }
        parts.push(format!("{}={v}", f.name()));
    }
    Ok(parts.join(", "))
}
