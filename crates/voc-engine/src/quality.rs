//! Input rows that break the contract beyond its types: two rows of a table with the same
//! primary key within one `dt` partition (a dump exported twice inflates every count and alert),
//! and timestamps that cannot be real (before 1970 or after a day from now: negative or
//! year-292,000 values). Checked for every contract input of a run over its window, after the
//! staging view.
//!
//! A job's `bad_rows` decides: `fail` (default) stops the run with bad input (exit 4) naming the
//! table, the column or key, an example and how many rows; `quarantine` keeps the first row of
//! each key (by all its columns, so the choice is the same every run) and the rows in bounds,
//! and writes the others, with a `reason` column, to `<output>/_rejected/<table>/dt=D/<job>.parquet`
//! (one file per job and input partition, replaced by each run), then goes on.

use bytes::Bytes;
use chrono::Utc;
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::SessionContext;

use crate::contract::{self, PARTITION_COLUMN};
use crate::error::{ErrorKind, Result, VocError};
use crate::job::{BadRows, Job};
use crate::storage::Root;

/// Earliest and latest possible timestamp (ms): the epoch, and a day after now.
fn bounds() -> (i64, i64) {
    (0, Utc::now().timestamp_millis() + 86_400_000)
}

/// What the checks found in one input.
#[derive(Debug, Default)]
pub struct Rejected {
    pub rows: u64,
}

async fn query(ctx: &SessionContext, table: &str, sql: &str) -> Result<Vec<RecordBatch>> {
    let df = ctx.sql(sql).await.map_err(|e| VocError::internal(format!("table {table}: checking rows: {e}")))?;
    // Parquet and Arrow errors are bad input, object-store ones storage (classify); anything
    // else (a lost cluster) is not the data's fault.
    df.collect().await.map_err(|e| crate::sql::sql_error(ErrorKind::Internal, std::path::Path::new(table), "", &e))
}

/// Each timestamp column of a contract table: the SQL condition of an impossible value, and the
/// reason said for it.
fn time_checks(table: &str) -> Vec<(String, String)> {
    let (lo, hi) = bounds();
    let Some(schema) = contract::schema(table) else { return Vec::new() };
    schema
        .fields()
        .iter()
        .filter(|f| matches!(f.data_type(), DataType::Timestamp(..)))
        .map(|f| {
            let c = f.name();
            let bad = format!("(CAST(\"{c}\" AS BIGINT) < {lo} OR CAST(\"{c}\" AS BIGINT) > {hi})");
            (bad, format!("{c} out of range (1970 .. a day from now)"))
        })
        .collect()
}

/// The reason a row is rejected, as SQL over the staged table (NULL: the row is kept).
fn reason_sql(table: &str) -> Option<String> {
    let schema = contract::schema(table)?;
    let mut whens: Vec<String> =
        time_checks(table).into_iter().map(|(bad, why)| format!("WHEN {bad} THEN '{why}'")).collect();
    let key = contract::primary_key(table);
    if !key.is_empty() {
        let order: Vec<String> = schema.fields().iter().map(|f| format!("\"{}\"", f.name())).collect();
        let part: Vec<String> = key.iter().map(|k| format!("\"{k}\"")).collect();
        whens.push(format!(
            "WHEN ROW_NUMBER() OVER (PARTITION BY \"{PARTITION_COLUMN}\", {} ORDER BY {}) > 1 THEN 'duplicate {}'",
            part.join(", "),
            order.join(", "),
            key.join(" + ")
        ));
    }
    Some(format!("CASE {} END", whens.join(" ")))
}

/// Checks the staged input `table` of `job` (already registered under its name) and applies the
/// job's policy; `output` is where quarantined rows go.
pub async fn check_input(ctx: &SessionContext, output: &Root, job: &Job, table: &str) -> Result<Rejected> {
    let Some(reason) = reason_sql(table) else { return Ok(Rejected::default()) };
    // Counted cheaply (a hash aggregate on the key, a filter on the times); the row-by-row
    // reasons, with their window function, are computed only to quarantine.
    let counts = query(ctx, table, &count_sql(table)).await?;
    let found: Vec<(String, i64, String)> = counts
        .iter()
        .flat_map(|b| {
            let r = b.column(0).as_string::<i32>().clone();
            let n = b.column(1).as_primitive::<Int64Type>().clone();
            let ex = b.column(2).as_string::<i32>().clone();
            (0..b.num_rows())
                .map(move |i| (r.value(i).to_string(), n.value(i), ex.value(i).to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    if found.is_empty() {
        return Ok(Rejected::default());
    }
    let total: i64 = found.iter().map(|f| f.1).sum();
    let said: Vec<String> = found.iter().map(|(r, n, ex)| format!("{n} row(s): {r}, e.g. {ex}")).collect();
    if job.spec.bad_rows == BadRows::Fail {
        return Err(VocError::bad_input(format!(
            "table {table}: {total} row(s) break the input contract: {}; fix the dump, or set bad_rows = \"quarantine\" in jobs/{}.toml to set them aside in _rejected/{table}/ and go on",
            said.join("; "),
            job.name
        )));
    }
    let rows = quarantine(ctx, output, job, table, &reason).await?;
    tracing::warn!(table, rows, reasons = %said.join("; "), "rows set aside in _rejected/");
    Ok(Rejected { rows })
}

/// Rows per reason (duplicates: the copies beyond the first) with an example, for messages.
fn count_sql(table: &str) -> String {
    let example = example_sql(table);
    let mut parts: Vec<String> = time_checks(table)
        .into_iter()
        .map(|(bad, why)| {
            format!("SELECT '{why}' AS reason, COUNT(*) AS n, MIN({example}) AS example FROM \"{table}\" WHERE {bad}")
        })
        .collect();
    let key = contract::primary_key(table);
    if !key.is_empty() {
        let cols: Vec<String> =
            std::iter::once(PARTITION_COLUMN).chain(key.iter().copied()).map(|k| format!("\"{k}\"")).collect();
        parts.push(format!(
            "SELECT 'duplicate {}' AS reason, CAST(COALESCE(SUM(c - 1), 0) AS BIGINT) AS n, MIN(example) AS example FROM (SELECT COUNT(*) AS c, MIN({example}) AS example FROM \"{table}\" GROUP BY {} HAVING COUNT(*) > 1)",
            key.join(" + "),
            cols.join(", ")
        ));
    }
    format!("SELECT reason, n, example FROM ({}) WHERE n > 0 ORDER BY n DESC, reason", parts.join(" UNION ALL "))
}

/// An example of a row for the messages: its partition and key.
fn example_sql(table: &str) -> String {
    let key = contract::primary_key(table);
    let parts: Vec<String> = std::iter::once(format!("'dt=' || \"{PARTITION_COLUMN}\""))
        .chain(key.iter().map(|k| format!("'{k}=' || CAST(\"{k}\" AS VARCHAR)")))
        .collect();
    format!("concat_ws(' ', {})", parts.join(", "))
}

/// Re-registers `table` without its bad rows and writes those, with their reason, per `dt`;
/// returns how many were set aside.
async fn quarantine(ctx: &SessionContext, output: &Root, job: &Job, table: &str, reason: &str) -> Result<u64> {
    let internal = |e: datafusion::error::DataFusionError| VocError::internal(format!("table {table}: {e}"));
    let marked = ctx
        .sql(&format!("SELECT *, {reason} AS voc_reject_reason FROM \"{table}\""))
        .await
        .map_err(internal)?
        .cache()
        .await
        .map_err(internal)?;
    let kept = marked
        .clone()
        .filter(datafusion::prelude::col("voc_reject_reason").is_null())
        .and_then(|df| df.drop_columns(&["voc_reject_reason"]))
        .map_err(internal)?;
    let rejected = marked.filter(datafusion::prelude::col("voc_reject_reason").is_not_null()).map_err(internal)?;
    ctx.deregister_table(table).map_err(internal)?;
    ctx.register_table(table, kept.into_view()).map_err(internal)?;
    // Per input partition: one file named after the job, replaced by its next run.
    let dts = rejected
        .clone()
        .select_columns(&[PARTITION_COLUMN])
        .and_then(|df| df.distinct())
        .map_err(internal)?
        .collect()
        .await
        .map_err(internal)?;
    let mut count = 0;
    for b in &dts {
        let dts = datafusion::arrow::compute::cast(b.column(0), &DataType::Utf8)
            .map_err(|e| VocError::internal(e.to_string()))?;
        for dt in dts.as_string::<i32>().iter().flatten() {
            let batches = rejected
                .clone()
                .filter(datafusion::prelude::col(PARTITION_COLUMN).eq(datafusion::prelude::lit(dt)))
                .and_then(|df| df.drop_columns(&[PARTITION_COLUMN]))
                .map_err(internal)?
                .collect()
                .await
                .map_err(internal)?;
            count += batches.iter().map(|b| b.num_rows() as u64).sum::<u64>();
            write_rejected(
                output,
                &format!("_rejected/{table}/{PARTITION_COLUMN}={dt}/{}.parquet", job.name),
                &batches,
            )
            .await?;
        }
    }
    Ok(count)
}

/// One Parquet file of rejected rows, with voc's writer settings.
async fn write_rejected(output: &Root, rel: &str, batches: &[RecordBatch]) -> Result<()> {
    let Some(first) = batches.first() else { return Ok(()) };
    let parquet = |e: datafusion::parquet::errors::ParquetError| VocError::internal(format!("{rel}: {e}"));
    let mut buf = Vec::new();
    let props = voc_contract::parquet::writer_properties(format!("voc {}", env!("CARGO_PKG_VERSION")));
    let mut w =
        datafusion::parquet::arrow::ArrowWriter::try_new(&mut buf, first.schema(), Some(props)).map_err(parquet)?;
    for b in batches {
        w.write(b).map_err(parquet)?;
    }
    w.close().map_err(parquet)?;
    output.put(rel, Bytes::from(buf)).await
}
