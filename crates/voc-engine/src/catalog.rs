//! Tables a job reads: contract inputs (raw → staging view) and the
//! committed outputs of other jobs, each limited to a window of days.
//!
//! A contract input is every `.parquet` file of its `dt=` folders (a shop's dump has no
//! manifest). A job's output is exactly the files its committed `_SUCCESS` manifest names,
//! never a folder listing: files a dead or concurrent run left in the folder are not read, and a
//! partition whose marker names a file that is not there is "not ready".
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
use object_store::{ObjectMeta, ObjectStoreExt};
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
    /// Rows set aside in `_rejected/` by the job's `bad_rows = "quarantine"` ([`crate::quality`]).
    #[serde(skip_serializing_if = "is_zero")]
    pub rejected_rows: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Files of one table in one window, after their footers were checked.
pub struct ScannedTable {
    pub stats: InputStats,
    /// The files by partition date (oldest first).
    pub by_date: Vec<(NaiveDate, Vec<ObjectMeta>)>,
    /// Rows of the window's last day (None: that partition is missing).
    pub last_day_rows: Option<u64>,
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
        rejected_rows: 0,
    };
    let mut by_date = Vec::new();
    // The window's last day: the run date less the input's lag. Only it must exist when required.
    let last_day = *dates.last().expect("a window has at least one day");
    for d in dates {
        let files = if needs_marker {
            committed_files(root, table, *d).await?
        } else {
            let files: Vec<ObjectMeta> =
                root.list(&partition_path(table, *d)).await?.into_iter().filter(is_data_file).collect();
            (!files.is_empty()).then_some(files)
        };
        let Some(files) = files else {
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
        };
        stats.partitions.push(partition_dir(*d));
        by_date.push((*d, files));
    }
    let objects = by_date.iter().flat_map(|(_, files)| files.iter().cloned());
    let footers: Vec<(ObjectMeta, SchemaRef, u64)> =
        futures::stream::iter(objects).map(|meta| read_footer(root, table, meta)).buffered(16).try_collect().await?;
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
    // The footers come in the files' order: the last day's are the last ones.
    let last_day_rows = by_date
        .last()
        .filter(|(d, _)| *d == last_day)
        .map(|(_, files)| footers[footers.len() - files.len()..].iter().map(|(_, _, rows)| rows).sum());
    Ok(ScannedTable { stats, by_date, last_day_rows, schema })
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

/// The files (path relative to the root, bytes) that a `_SUCCESS` manifest names for `table`;
/// `Err` says why the bytes are not such a manifest.
pub fn manifest_files(manifest: &[u8], table: &str) -> std::result::Result<Vec<(String, u64)>, String> {
    let v: serde_json::Value = serde_json::from_slice(manifest).map_err(|e| format!("not JSON: {e}"))?;
    let outputs = v.get("outputs").and_then(|o| o.as_array()).ok_or("it has no outputs list")?;
    let entry = outputs
        .iter()
        .find(|o| o.get("table").and_then(|t| t.as_str()) == Some(table))
        .ok_or_else(|| format!("its outputs do not include table {table}"))?;
    let files = entry.get("files").and_then(|f| f.as_array()).ok_or("the table's entry has no files list")?;
    files
        .iter()
        .map(|f| {
            let path = f.get("path").and_then(|p| p.as_str()).ok_or("a file without a path")?;
            Ok((path.to_string(), f.get("bytes").and_then(|b| b.as_u64()).unwrap_or(0)))
        })
        .collect()
}

/// The files the committed `_SUCCESS` of `table`'s partition `date` names (None: no marker, the
/// partition is not committed). A marker that is not a manifest of the table, names a file
/// outside its folder, or names a file that does not exist is an incomplete commit: "not ready".
pub async fn committed_files(root: &Root, table: &str, date: NaiveDate) -> Result<Option<Vec<ObjectMeta>>> {
    let dir = partition_path(table, date);
    let marker = format!("{dir}/{SUCCESS_FILE}");
    let Some(bytes) = root.get_opt(&marker).await? else { return Ok(None) };
    let not_ready = |why: String| {
        VocError::not_ready(format!(
            "table {table} partition {}: {} {why}: the commit did not complete; run the job that writes it again",
            partition_dir(date),
            root.url_of(&marker, false)
        ))
    };
    let files = manifest_files(&bytes, table).map_err(|why| not_ready(format!("is not a voc manifest ({why})")))?;
    if let Some((p, _)) = files.iter().find(|(p, _)| p.strip_prefix(&dir).is_none_or(|r| !r.starts_with('/'))) {
        return Err(not_ready(format!("names {p}, which is outside the partition")));
    }
    let metas: Vec<Result<ObjectMeta>> = futures::stream::iter(files)
        .map(|(p, _)| async move {
            match root.store().head(&root.path(&p)).await {
                Ok(m) => Ok(m),
                Err(object_store::Error::NotFound { .. }) => Err(not_ready(format!("names {p}, which does not exist"))),
                Err(e) => Err(VocError::storage(format!("table {table}, file {}: {e}", root.url_of(&p, false)))),
            }
        })
        .buffered(16)
        .collect()
        .await;
    metas.into_iter().collect::<Result<Vec<_>>>().map(Some)
}

/// Every committed partition of an output table (oldest first) with the files its manifest names.
pub async fn committed_partitions(root: &Root, table: &str) -> Result<Vec<(NaiveDate, Vec<ObjectMeta>)>> {
    let mut out = Vec::new();
    for dir in root.list_dirs(table).await? {
        let Some(date) = dir.strip_prefix("dt=").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) else {
            continue;
        };
        if let Some(files) = committed_files(root, table, date).await? {
            out.push((date, files));
        }
    }
    Ok(out)
}

/// Registers a job output as `reference`: for each date, exactly the files its manifest names
/// (one listing table of those files, `dt` added as a constant), all dates in one union.
pub async fn register_committed(
    ctx: &SessionContext,
    root: &Root,
    table: &str,
    by_date: &[(NaiveDate, Vec<ObjectMeta>)],
    reference: TableReference,
) -> Result<()> {
    register_root(ctx, root);
    let format = parquet_format(ctx);
    let Some(first) = by_date.iter().flat_map(|(_, f)| f.first()).next() else {
        return Err(VocError::not_ready(format!("table {table}: no committed partition to read")));
    };
    let file_schema = format
        .infer_schema(&ctx.state(), root.store(), std::slice::from_ref(first))
        .await
        .map_err(|e| VocError::bad_input(format!("table {table}: {e}")))?;
    let internal = |e: datafusion::error::DataFusionError| VocError::internal(format!("table {table}: {e}"));
    let mut union: Option<datafusion::dataframe::DataFrame> = None;
    for (date, files) in by_date.iter().filter(|(_, f)| !f.is_empty()) {
        let urls = files
            .iter()
            .map(|m| ListingTableUrl::parse(root.url_of(&root.relative(&m.location), false)))
            .collect::<datafusion::error::Result<Vec<_>>>()
            .map_err(internal)?;
        let options = ListingOptions::new(format.clone()).with_file_extension(".parquet");
        let config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(options)
            .with_schema(file_schema.clone());
        let provider = ListingTable::try_new(config).map_err(internal)?;
        let df = ctx
            .read_table(Arc::new(provider))
            .and_then(|df| df.with_column(PARTITION_COLUMN, lit(date.format("%Y-%m-%d").to_string())))
            .map_err(internal)?;
        union = Some(match union {
            None => df,
            Some(u) => u.union(df).map_err(internal)?,
        });
    }
    let df = union.expect("a date with files");
    ctx.register_table(reference, df.into_view()).map_err(|e| VocError::internal(format!("table {table}: {e}")))?;
    Ok(())
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
    let builder = ParquetRecordBatchStreamBuilder::new(reader).await.map_err(|e| read_error(table, &url, e))?;
    let md = builder.metadata().clone();
    let schema = builder.schema().clone();
    let rows = md.file_metadata().num_rows().max(0) as u64;
    let required = contract::required_columns(table);
    if !required.is_empty() {
        let descr = md.file_metadata().schema_descr();
        // Nulls counted from the column-chunk statistics where the writer kept them; a column
        // without them in some row group is read (that column only) and counted.
        let mut unknown = Vec::new();
        for (i, c) in descr.columns().iter().enumerate() {
            let name = c.path().string();
            if !required.contains(&name) {
                continue;
            }
            let counts: Vec<Option<u64>> =
                md.row_groups().iter().map(|rg| rg.column(i).statistics().and_then(|s| s.null_count_opt())).collect();
            let nulls: u64 = counts.iter().flatten().sum();
            if nulls > 0 {
                return Err(null_error(table, &url, &name, nulls));
            }
            if counts.iter().any(Option::is_none) {
                unknown.push((i, name));
            }
        }
        if !unknown.is_empty() {
            count_nulls_by_reading(root, table, &meta, &url, &unknown).await?;
        }
    }
    Ok((meta, schema, rows))
}

/// A Parquet read that failed: storage when the store failed under it, else a file that is not
/// readable Parquet.
fn read_error(table: &str, url: &str, e: datafusion::parquet::errors::ParquetError) -> VocError {
    if crate::sql::from_object_store(&e) {
        VocError::storage(format!("table {table}, file {url}: {e}"))
    } else {
        VocError::bad_input(format!("table {table}, file {url}: not a readable Parquet file: {e}"))
    }
}

fn null_error(table: &str, url: &str, column: &str, nulls: u64) -> VocError {
    VocError::bad_input(format!(
        "table {table}, file {url}: column '{column}' has {nulls} null value(s) but the input contract requires a value in every row"
    ))
}

/// Reads the given leaf columns of a file written without null counts and fails on the first
/// that has a null.
#[allow(deprecated)]
async fn count_nulls_by_reading(
    root: &Root,
    table: &str,
    meta: &ObjectMeta,
    url: &str,
    columns: &[(usize, String)],
) -> Result<()> {
    use datafusion::arrow::array::Array;
    let reader = ParquetObjectReader::new(root.store().clone(), meta.location.clone()).with_file_size(meta.size);
    let read_err = |e| read_error(table, url, e);
    let builder = ParquetRecordBatchStreamBuilder::new(reader).await.map_err(read_err)?;
    let mask = datafusion::parquet::arrow::ProjectionMask::leaves(
        builder.metadata().file_metadata().schema_descr(),
        columns.iter().map(|(i, _)| *i),
    );
    let mut stream = builder.with_projection(mask).build().map_err(read_err)?;
    let mut nulls = vec![0u64; columns.len()];
    while let Some(batch) = stream.next().await {
        let batch = batch.map_err(read_err)?;
        for (k, (_, name)) in columns.iter().enumerate() {
            if let Some(col) = batch.column_by_name(name) {
                nulls[k] += col.null_count() as u64;
            }
        }
    }
    match columns.iter().zip(&nulls).find(|(_, n)| **n > 0) {
        Some(((_, name), n)) => Err(null_error(table, url, name, *n)),
        None => Ok(()),
    }
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
    let first = scanned.by_date.iter().flat_map(|(_, files)| files.first()).next();
    let file_schema = match (first, fallback_schema) {
        (Some(first), _) => {
            let state = ctx.state();
            format
                .infer_schema(&state, root.store(), std::slice::from_ref(first))
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
