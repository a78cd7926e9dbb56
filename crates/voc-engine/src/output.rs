//! Staging a run's outputs: each output is streamed into Parquet files under the run's staging
//! folder (`<output>/_staging/<job>/dt=D/<run_id>/<table>/`, outside every table folder, so no
//! reader sees them). A file is named after a hash of its bytes, so a re-run that produces the
//! same rows produces the same file names. Publishing them is [`crate::commit`]'s.

use std::sync::Arc;

use bytes::Bytes;
use chrono::NaiveDate;
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::dataframe::DataFrame;
use datafusion::parquet::arrow::arrow_writer::ArrowWriterOptions;
use datafusion::parquet::arrow::async_writer::{AsyncArrowWriter, AsyncFileWriter};
use datafusion::parquet::errors::ParquetError;
use futures::future::BoxFuture;
use futures::StreamExt;
use object_store::buffered::BufWriter;
use object_store::path::Path;
use serde::Serialize;

use crate::catalog::partition_path;
use crate::error::{ErrorKind, Result, VocError};
use crate::storage::Root;

/// One Parquet file of an output.
#[derive(Debug, Clone, Serialize)]
pub struct OutputFile {
    /// Path relative to the output root, once committed.
    pub path: String,
    pub rows: u64,
    pub bytes: u64,
    #[serde(skip)]
    pub staged: Path,
    #[serde(skip)]
    pub name: String,
}

/// One output table written to staging.
#[derive(Debug, Clone)]
pub struct StagedTable {
    pub table: String,
    pub schema: SchemaRef,
    pub files: Vec<OutputFile>,
    pub rows: u64,
    /// Milliseconds to make the physical plan (on a cluster: the client's part of planning).
    pub plan_ms: u64,
    /// Milliseconds from the plan until the first rows arrived: the query's work before it
    /// yields (on a cluster, the whole distributed job: scheduling, tasks, shuffle).
    pub wait_ms: u64,
}

impl StagedTable {
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// 64-bit FNV-1a: a stable content hash for file names (not for security).
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn update(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Streams bytes to the object store while hashing and counting them.
struct HashingWriter {
    inner: BufWriter,
    hash: Fnv,
    bytes: u64,
    shared: Arc<std::sync::Mutex<(Fnv, u64)>>,
}

impl AsyncFileWriter for HashingWriter {
    fn write(&mut self, bs: Bytes) -> BoxFuture<'_, datafusion::parquet::errors::Result<()>> {
        self.hash.update(&bs);
        self.bytes += bs.len() as u64;
        Box::pin(async move { self.inner.put(bs).await.map_err(|e| ParquetError::External(Box::new(e))) })
    }

    fn complete(&mut self) -> BoxFuture<'_, datafusion::parquet::errors::Result<()>> {
        *self.shared.lock().expect("not poisoned") = (self.hash, self.bytes);
        Box::pin(async move {
            use tokio::io::AsyncWriteExt;
            self.inner.shutdown().await.map_err(|e| ParquetError::External(Box::new(e)))
        })
    }
}

fn writer_options() -> ArrowWriterOptions {
    let props = voc_contract::parquet::writer_properties(format!("voc {}", env!("CARGO_PKG_VERSION")));
    // Plain Parquet types only, so Spark, Trino, DuckDB and older pyarrow all
    // read the files the same way (no embedded Arrow schema with view types).
    ArrowWriterOptions::new().with_properties(props).with_skip_arrow_metadata(true)
}

struct OpenFile {
    writer: AsyncArrowWriter<HashingWriter>,
    staged: Path,
    rows: u64,
    shared: Arc<std::sync::Mutex<(Fnv, u64)>>,
}

/// An output's SELECT must not have the partition column: the engine adds it from the path. What
/// a run and `voc validate` both check.
pub fn no_partition_column(schema: &Schema, table: &str, sql_file: &std::path::Path) -> Result<()> {
    if schema.field_with_name(crate::contract::PARTITION_COLUMN).is_ok() {
        return Err(VocError::config(format!(
            "{}: output {table} has a column named '{}'; that is the partition column and the engine adds it from the path — drop it from the SELECT",
            sql_file.display(),
            crate::contract::PARTITION_COLUMN
        )));
    }
    Ok(())
}

/// Executes `df` and streams its rows into staged Parquet files.
pub async fn stage_output(
    root: &Root,
    staging: &str,
    table: &str,
    partition: NaiveDate,
    df: DataFrame,
    max_rows_per_file: usize,
    sql_file: &std::path::Path,
) -> Result<StagedTable> {
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    no_partition_column(&schema, table, sql_file)?;
    let dir = format!("{staging}/{table}");
    let started = std::time::Instant::now();
    let mut stream = df
        .execute_stream()
        .await
        .map_err(|e| crate::sql::sql_error(ErrorKind::Internal, sql_file, "", &e).context(format!("output {table}")))?;
    let mut files: Vec<OutputFile> = Vec::new();
    let mut open: Option<OpenFile> = None;
    let mut total = 0u64;
    let write_err = |e: ParquetError| {
        VocError::storage(format!("{}: output {table}: writing staged Parquet: {e}", sql_file.display()))
    };
    let plan_ms = started.elapsed().as_millis() as u64;
    let mut wait_ms = None;
    // Where the files go when committed.
    let dir_committed = partition_path(table, partition);

    while let Some(batch) = stream.next().await {
        wait_ms.get_or_insert_with(|| started.elapsed().as_millis() as u64 - plan_ms);
        let batch = batch.map_err(|e| {
            crate::sql::sql_error(ErrorKind::Internal, sql_file, "", &e).context(format!("output {table}"))
        })?;
        let mut offset = 0usize;
        while offset < batch.num_rows() {
            if open.is_none() {
                open = Some(open_file(root, &dir, files.len(), &schema).map_err(write_err)?);
            }
            let f = open.as_mut().expect("just opened");
            let room = (max_rows_per_file as u64 - f.rows) as usize;
            let take = room.min(batch.num_rows() - offset);
            let slice: RecordBatch = batch.slice(offset, take);
            f.writer.write(&slice).await.map_err(write_err)?;
            f.rows += take as u64;
            total += take as u64;
            offset += take;
            if f.rows as usize >= max_rows_per_file {
                let done = open.take().expect("open");
                files.push(close_file(&dir_committed, done, files.len()).await.map_err(write_err)?);
            }
        }
    }
    if let Some(done) = open.take() {
        files.push(close_file(&dir_committed, done, files.len()).await.map_err(write_err)?);
    }
    if files.is_empty() {
        // An empty output still gets one file, so its schema is known downstream.
        let f = open_file(root, &dir, 0, &schema).map_err(write_err)?;
        files.push(close_file(&dir_committed, f, 0).await.map_err(write_err)?);
    }
    let wait_ms = wait_ms.unwrap_or_else(|| started.elapsed().as_millis() as u64 - plan_ms);
    Ok(StagedTable { table: table.to_string(), schema, files, rows: total, plan_ms, wait_ms })
}

fn open_file(root: &Root, dir: &str, n: usize, schema: &SchemaRef) -> Result<OpenFile, ParquetError> {
    let staged = root.path(&format!("{dir}/{n:05}.parquet"));
    let shared = Arc::new(std::sync::Mutex::new((Fnv::new(), 0)));
    let hw = HashingWriter {
        inner: BufWriter::new(root.store().clone(), staged.clone()),
        hash: Fnv::new(),
        bytes: 0,
        shared: shared.clone(),
    };
    let writer = AsyncArrowWriter::try_new_with_options(hw, schema.clone(), writer_options())?;
    Ok(OpenFile { writer, staged, rows: 0, shared })
}

/// Closes a staged file and names it by its content: `part-<n>-<hash>.parquet` in `dir_committed`.
async fn close_file(dir_committed: &str, f: OpenFile, n: usize) -> Result<OutputFile, ParquetError> {
    f.writer.close().await?;
    let (hash, bytes) = *f.shared.lock().expect("not poisoned");
    let name = format!("part-{n:05}-{:016x}.parquet", hash.0);
    Ok(OutputFile { path: format!("{dir_committed}/{name}"), rows: f.rows, bytes, staged: f.staged, name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_with_the_partition_column_is_a_config_error_naming_its_file() {
        use datafusion::arrow::datatypes::{DataType, Field};
        let schema = Schema::new(vec![Field::new("x", DataType::Int64, true), Field::new("dt", DataType::Utf8, true)]);
        let e = no_partition_column(&schema, "t1", std::path::Path::new("sql/a/t1.sql")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.message.starts_with("sql/a/t1.sql: output t1 has a column named 'dt'"), "{}", e.message);
        let ok = Schema::new(vec![Field::new("x", DataType::Int64, true)]);
        assert!(no_partition_column(&ok, "t1", std::path::Path::new("sql/a/t1.sql")).is_ok());
    }
}
