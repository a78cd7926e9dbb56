//! Tables a job reads: contract inputs (raw → staging view) and the
//! committed outputs of other jobs, each limited to a window of days.
//!
//! Before a table is registered, the footer of every file in its window is
//! read: a corrupt file, a file whose columns disagree with its neighbours,
//! or nulls in a column the contract requires are reported naming the file.
//! Footers are small, so this costs one ranged read per file and also gives
//! the row counts recorded in the run manifest.

use std::sync::Arc;

use chrono::NaiveDate;
use datafusion::arrow::datatypes::{DataType, Schema, SchemaRef};
use datafusion::common::TableReference;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
#[allow(deprecated)]
use datafusion::parquet::arrow::async_reader::{ParquetObjectReader, ParquetRecordBatchStreamBuilder};
use datafusion::prelude::{col, lit, SessionContext};
use futures::{StreamExt, TryStreamExt};
use object_store::ObjectMeta;
use serde::Serialize;

use crate::contract::{self, PARTITION_COLUMN};
use crate::error::{Result, VocError};
use crate::session::{register_root, RAW_SCHEMA};
use crate::storage::Root;

/// Name of the commit marker (and run manifest) in an output partition.
pub const SUCCESS_FILE: &str = "_SUCCESS";

/// The partition folder name of a date.
pub fn partition_dir(date: NaiveDate) -> String {
    format!("{PARTITION_COLUMN}={}", date.format("%Y-%m-%d"))
}

/// Where a table's partition of a date lies under its root: `<table>/dt=YYYY-MM-DD`. Every
/// committed file's path is built from it.
pub fn partition_path(table: &str, date: NaiveDate) -> String {
    format!("{table}/{}", partition_dir(date))
}

/// The dates `[end - days + 1, end]`, oldest first.
pub fn window(end: NaiveDate, days: u32) -> Vec<NaiveDate> {
    (0..days as i64).rev().map(|k| end - chrono::Duration::days(k)).collect()
}

/// Is this object a data file (not a marker, hidden or temporary file)?
pub fn is_data_file(meta: &ObjectMeta) -> bool {
    meta.location.filename().is_some_and(|f| f.ends_with(".parquet") && !f.starts_with('_') && !f.starts_with('.'))
}

/// What a job read from one table, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct InputStats {
    pub table: String,
    /// "input" (contract table through staging) or "output" (another job's table).
    pub source: String,
    pub partitions: Vec<String>,
    pub missing_partitions: Vec<String>,
    pub files: usize,
    pub rows: u64,
    pub bytes: u64,
}

/// Files of one table in one window, after their footers were checked.
pub struct ScannedTable {
    pub stats: InputStats,
    pub objects: Vec<ObjectMeta>,
    /// The file schema every file agrees on (None when there are no files).
    pub schema: Option<SchemaRef>,
}

/// Lists the window's partitions of `table` below `root` and checks every
/// file's footer. `required` turns a missing run-date partition into
/// "input not ready"; `needs_marker` demands a `_SUCCESS` (job outputs).
pub async fn scan_table(
    root: &Root,
    table: &str,
    dates: &[NaiveDate],
    required: bool,
    needs_marker: bool,
) -> Result<ScannedTable> {
    let mut stats = InputStats {
        table: table.to_string(),
        source: if needs_marker { "output" } else { "input" }.into(),
        partitions: vec![],
        missing_partitions: vec![],
        files: 0,
        rows: 0,
        bytes: 0,
    };
    let mut objects = Vec::new();
    // The window's last day: the run date less the input's lag. Only it must exist when required.
    let last_day = *dates.last().expect("a window has at least one day");
    for d in dates {
        let rel = partition_path(table, *d);
        let listed = root.list(&rel).await?;
        let committed = !needs_marker || listed.iter().any(|m| m.location.filename() == Some(SUCCESS_FILE));
        let files: Vec<ObjectMeta> = listed.into_iter().filter(is_data_file).collect();
        let present = committed && (needs_marker || !files.is_empty());
        if !present {
            stats.missing_partitions.push(partition_dir(*d));
            if *d == last_day && required {
                let what = if needs_marker {
                    format!(
                        "has no committed partition {} (no {SUCCESS_FILE}); run the job that writes it first",
                        partition_dir(*d)
                    )
                } else {
                    format!("has no partition {} (no .parquet files)", partition_dir(*d))
                };
                return Err(VocError::not_ready(format!("table {table} at {}: {what}", root.url_of(table, true))));
            }
            continue;
        }
        stats.partitions.push(partition_dir(*d));
        objects.extend(files);
    }
    let footers: Vec<(ObjectMeta, SchemaRef, u64)> = futures::stream::iter(objects.iter().cloned())
        .map(|meta| read_footer(root, table, meta))
        .buffered(16)
        .try_collect()
        .await?;
    let mut schema: Option<SchemaRef> = None;
    for (meta, file_schema, rows) in &footers {
        stats.files += 1;
        stats.rows += rows;
        stats.bytes += meta.size;
        match &schema {
            None => schema = Some(file_schema.clone()),
            Some(first) => {
                if let Some(problem) = schema_difference(first, file_schema) {
                    return Err(VocError::bad_input(format!(
                        "table {table}, file {}: {problem} (other files of the table agree with {})",
                        root.url_of(&root.relative(&meta.location), false),
                        root.url_of(&root.relative(&footers[0].0.location), false)
                    )));
                }
            }
        }
    }
    Ok(ScannedTable { stats, objects, schema })
}

/// A column missing or retyped between two file schemas, as a sentence.
fn schema_difference(a: &Schema, b: &Schema) -> Option<String> {
    for f in a.fields() {
        match b.field_with_name(f.name()) {
            Err(_) => return Some(format!("column '{}' is missing (expected {})", f.name(), f.data_type())),
            Ok(g) => {
                if contract::TypeFamily::of(f.data_type()) != contract::TypeFamily::of(g.data_type()) {
                    return Some(format!(
                        "column '{}' has type {}, expected {}",
                        f.name(),
                        g.data_type(),
                        f.data_type()
                    ));
                }
            }
        }
    }
    // Extra columns are fine: a dump may gain columns that voc does not read.
    None
}

/// Reads one footer; returns the file's Arrow schema and its row count.
/// Nulls in a contract column that must not be null are reported here from
/// the column-chunk statistics, without reading the data.
// ParquetObjectReader is deprecated in parquet 59.2 in favour of a hand-made
// AsyncFileReader; it still works and is what DataFusion 55 itself builds on.
#[allow(deprecated)]
async fn read_footer(root: &Root, table: &str, meta: ObjectMeta) -> Result<(ObjectMeta, SchemaRef, u64)> {
    let url = root.url_of(&root.relative(&meta.location), false);
    let reader = ParquetObjectReader::new(root.store().clone(), meta.location.clone()).with_file_size(meta.size);
    let builder = ParquetRecordBatchStreamBuilder::new(reader).await.map_err(|e| {
        let msg = e.to_string();
        if msg.contains("object_store") || msg.contains("Generic") && msg.contains("Store") {
            VocError::storage(format!("table {table}, file {url}: {msg}"))
        } else {
            VocError::bad_input(format!("table {table}, file {url}: not a readable Parquet file: {msg}"))
        }
    })?;
    let md = builder.metadata().clone();
    let schema = builder.schema().clone();
    let rows = md.file_metadata().num_rows().max(0) as u64;
    let required = contract::required_columns(table);
    if !required.is_empty() {
        let descr = md.file_metadata().schema_descr();
        for (i, c) in descr.columns().iter().enumerate() {
            let name = c.path().string();
            if !required.contains(&name) {
                continue;
            }
            let nulls: u64 = md
                .row_groups()
                .iter()
                .filter_map(|rg| rg.column(i).statistics().and_then(|s| s.null_count_opt()))
                .sum();
            if nulls > 0 {
                return Err(VocError::bad_input(format!(
                    "table {table}, file {url}: column '{name}' has {nulls} null value(s) but the input contract requires a value in every row"
                )));
            }
        }
    }
    Ok((meta, schema, rows))
}

/// Registers a scanned table as `reference`, limited to the window's dates,
/// with `dt` as a string partition column.
pub async fn register_window(
    ctx: &SessionContext,
    root: &Root,
    table: &str,
    scanned: &ScannedTable,
    dates: &[NaiveDate],
    reference: TableReference,
    fallback_schema: Option<SchemaRef>,
) -> Result<()> {
    register_root(ctx, root);
    let start = dates.first().expect("non-empty window").format("%Y-%m-%d").to_string();
    let end = dates.last().expect("non-empty window").format("%Y-%m-%d").to_string();
    let format = parquet_format(ctx);
    let file_schema = match (&scanned.schema, fallback_schema) {
        (Some(_), _) => {
            let state = ctx.state();
            format
                .infer_schema(&state, root.store(), &scanned.objects[..1])
                .await
                .map_err(|e| VocError::bad_input(format!("table {table}: {e}")))?
        }
        (None, Some(s)) => s,
        (None, None) => {
            return Err(VocError::bad_input(format!(
                "table {table}: no files in {}..{} and no known schema to read it as empty",
                start, end
            )))
        }
    };
    let provider = listing_table(root, table, format, file_schema)?;
    let df = ctx
        .read_table(Arc::new(provider))
        .and_then(|df| df.filter(col(PARTITION_COLUMN).between(lit(start), lit(end))))
        .map_err(|e| VocError::internal(format!("table {table}: {e}")))?;
    ctx.register_table(reference, df.into_view()).map_err(|e| VocError::internal(format!("table {table}: {e}")))?;
    Ok(())
}

/// The Parquet format with the session's Parquet options (a bare
/// `ParquetFormat::default()` has its own, e.g. Utf8View strings).
pub fn parquet_format(ctx: &SessionContext) -> Arc<ParquetFormat> {
    Arc::new(ParquetFormat::default().with_options(ctx.state().table_options().parquet.clone()))
}

/// A Hive-partitioned Parquet table at `<root>/<table>/` with `dt` as a
/// string partition column and the given file schema.
pub fn listing_table(
    root: &Root,
    table: &str,
    format: Arc<ParquetFormat>,
    file_schema: SchemaRef,
) -> Result<ListingTable> {
    let url = ListingTableUrl::parse(root.url_of(table, true)).map_err(|e| VocError::config(e.to_string()))?;
    let options = ListingOptions::new(format)
        .with_file_extension(".parquet")
        .with_table_partition_cols(vec![(PARTITION_COLUMN.to_string(), DataType::Utf8)]);
    let config = ListingTableConfig::new(url).with_listing_options(options).with_schema(file_schema);
    ListingTable::try_new(config).map_err(|e| VocError::internal(e.to_string()))
}

/// The raw reference of a contract table (`raw.<table>`).
pub fn raw_reference(table: &str) -> TableReference {
    TableReference::partial(RAW_SCHEMA, table)
}

/// The contract schema plus `dt`, for empty inputs and `voc validate`.
pub fn contract_with_dt(table: &str) -> Option<SchemaRef> {
    contract::schema(table).map(|s| {
        let mut fields: Vec<_> = s.fields().iter().cloned().collect();
        fields.push(Arc::new(datafusion::arrow::datatypes::Field::new(PARTITION_COLUMN, DataType::Utf8, false)));
        Arc::new(Schema::new(fields))
    })
}
