//! Writing and committing outputs, as two separate steps.
//!
//! 1. **Stage**: each output is streamed into Parquet files under
//!    `<output>/_staging/<run_id>/<table>/`, outside every table folder, so no
//!    reader can see them. A file is named after a hash of its bytes, so a
//!    re-run that produces the same rows produces the same file names.
//! 2. **Commit**: only after every output of the job is staged and checked,
//!    the files are moved into `<table>/dt=D/`, then each partition's
//!    `_SUCCESS` manifest (the commit marker) is replaced in one PUT, then
//!    the previous version's files are deleted. Any failure before the last
//!    marker is written rolls back: new files are removed and old markers
//!    restored, so the previous partition stays exactly as it was.
//!
//! Readers that follow `_SUCCESS` (voc itself) never see a mixed partition.
//! A reader that globs `dt=D/*.parquet` can, for the instant between the
//! marker and the clean-up, see both versions; a killed run can leave
//! unlisted files that the next run of that date removes. Table formats with
//! a transaction log (Delta Lake) close that gap later.

use std::collections::BTreeSet;
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
use object_store::ObjectStoreExt;
use serde::Serialize;

use crate::catalog::{is_data_file, partition_path, SUCCESS_FILE};
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

/// Where a run stages its files, relative to the output root.
pub fn staging_dir(run_id: &str) -> String {
    format!("_staging/{run_id}")
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
    run_id: &str,
    table: &str,
    partition: NaiveDate,
    df: DataFrame,
    max_rows_per_file: usize,
    sql_file: &std::path::Path,
) -> Result<StagedTable> {
    let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
    no_partition_column(&schema, table, sql_file)?;
    let dir = format!("{}/{table}", staging_dir(run_id));
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

/// What the commit replaced, to undo it on failure.
struct Undo {
    moved: Vec<Path>,
    markers: Vec<(Path, Option<Bytes>)>,
}

/// Publishes staged tables into `dt=date` partitions with `manifest` as
/// each partition's `_SUCCESS`. All or nothing, as described in the module.
pub async fn commit(root: &Root, date: NaiveDate, staged: &mut [StagedTable], manifest: &[u8]) -> Result<()> {
    let mut undo = Undo { moved: vec![], markers: vec![] };
    let mut old_files: Vec<Vec<Path>> = Vec::new();
    let result: Result<()> = async {
        for t in staged.iter_mut() {
            let dir = partition_path(&t.table, date);
            let existing = root.list(&dir).await?;
            let existing_names: BTreeSet<String> =
                existing.iter().filter_map(|m| m.location.filename().map(str::to_string)).collect();
            let mut keep = BTreeSet::new();
            for f in t.files.iter_mut() {
                debug_assert_eq!(f.path, format!("{dir}/{}", f.name), "staged for this partition");
                let target = root.path(&f.path);
                keep.insert(f.name.clone());
                if existing_names.contains(&f.name) {
                    // Same bytes already published by an earlier run.
                    root.delete_key(&f.staged).await?;
                    continue;
                }
                root.store()
                    .rename(&f.staged, &target)
                    .await
                    .map_err(|e| VocError::storage(format!("output {}: publishing {}: {e}", t.table, f.path)))?;
                undo.moved.push(target);
            }
            old_files.push(
                existing
                    .iter()
                    .filter(|m| is_data_file(m) && !keep.contains(m.location.filename().unwrap_or_default()))
                    .map(|m| m.location.clone())
                    .collect(),
            );
        }
        for t in staged.iter() {
            let rel = format!("{}/{SUCCESS_FILE}", partition_path(&t.table, date));
            let previous = root.get_opt(&rel).await?;
            undo.markers.push((root.path(&rel), previous));
            root.put(&rel, Bytes::copy_from_slice(manifest)).await?;
        }
        Ok(())
    }
    .await;

    if let Err(e) = result {
        rollback(root, undo).await;
        return Err(e);
    }
    // Committed. Removing the previous version is clean-up: a failure here
    // leaves unlisted files that the next run of this date removes.
    for key in old_files.into_iter().flatten() {
        if let Err(e) = root.delete_key(&key).await {
            tracing::warn!(file = %key, error = %e, "could not delete a file of the previous version");
        }
    }
    Ok(())
}

async fn rollback(root: &Root, undo: Undo) {
    for (key, previous) in undo.markers.into_iter().rev() {
        let r = match previous {
            Some(bytes) => root.store().put(&key, bytes.into()).await.map(|_| ()),
            None => root.store().delete(&key).await,
        };
        if let Err(e) = r {
            tracing::error!(marker = %key, error = %e, "rollback could not restore a commit marker");
        }
    }
    for key in undo.moved {
        if let Err(e) = root.delete_key(&key).await {
            tracing::error!(file = %key, error = %e, "rollback could not remove a new file");
        }
    }
}

/// Removes a run's staging folder (after commit or failure).
pub async fn discard_staging(root: &Root, run_id: &str) {
    if let Err(e) = root.delete_all(&staging_dir(run_id)).await {
        tracing::warn!(run_id, error = %e, "could not remove staging files");
    }
    // Deleting objects leaves a local root's emptied folders behind: remove the run's, and
    // `_staging` itself when no other run is staging.
    if let Some(dir) = root.local_dir(&staging_dir(run_id)) {
        if dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(run_id, error = %e, "could not remove the staging folder");
            }
        }
        if let Some(parent) = dir.parent() {
            let _ = std::fs::remove_dir(parent);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fmt;

    use futures::stream::BoxStream;
    use object_store::{
        CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions,
        PutOptions, PutPayload, PutResult,
    };

    use super::*;

    /// Delegates to a real store but fails writes and moves whose target
    /// contains `fail_on`: an injected storage error at a chosen step.

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

    #[derive(Debug)]
    struct Faulty {
        inner: Arc<dyn ObjectStore>,
        fail_on: String,
    }

    impl fmt::Display for Faulty {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Faulty({})", self.inner)
        }
    }

    impl Faulty {
        fn check(&self, p: &Path) -> object_store::Result<()> {
            if p.as_ref().contains(&self.fail_on) {
                return Err(object_store::Error::Generic { store: "faulty", source: "injected failure".into() });
            }
            Ok(())
        }
    }

    #[async_trait::async_trait]
    impl ObjectStore for Faulty {
        async fn put_opts(&self, p: &Path, payload: PutPayload, o: PutOptions) -> object_store::Result<PutResult> {
            self.check(p)?;
            self.inner.put_opts(p, payload, o).await
        }
        async fn put_multipart_opts(
            &self,
            p: &Path,
            o: PutMultipartOptions,
        ) -> object_store::Result<Box<dyn MultipartUpload>> {
            self.check(p)?;
            self.inner.put_multipart_opts(p, o).await
        }
        async fn get_opts(&self, p: &Path, o: GetOptions) -> object_store::Result<GetResult> {
            self.inner.get_opts(p, o).await
        }
        fn delete_stream(
            &self,
            locations: BoxStream<'static, object_store::Result<Path>>,
        ) -> BoxStream<'static, object_store::Result<Path>> {
            self.inner.delete_stream(locations)
        }
        fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
            self.inner.list(prefix)
        }
        async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
            self.inner.list_with_delimiter(prefix).await
        }
        async fn copy_opts(&self, from: &Path, to: &Path, o: CopyOptions) -> object_store::Result<()> {
            self.check(to)?;
            self.inner.copy_opts(from, to, o).await
        }
    }

    async fn stage(root: &Root, run: &str, version: i64) -> Vec<StagedTable> {
        let ctx = datafusion::prelude::SessionContext::new();
        let mut out = Vec::new();
        for table in ["t1", "t2"] {
            let df = ctx
                .sql(&format!(
                    "SELECT x + {version} AS x, 'v{version}' AS y FROM (VALUES (1), (2), (3)) t(x) ORDER BY x"
                ))
                .await
                .unwrap();
            let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
            out.push(stage_output(root, run, table, date, df, 2, std::path::Path::new("t.sql")).await.unwrap());
        }
        out
    }

    fn tree(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        for t in ["t1", "t2"] {
            let d = dir.join(t).join("dt=2026-11-01");
            if let Ok(rd) = std::fs::read_dir(&d) {
                for e in rd.flatten() {
                    out.insert(format!("{t}/{}", e.file_name().to_string_lossy()), std::fs::read(e.path()).unwrap());
                }
            }
        }
        out
    }

    #[tokio::test]
    async fn injected_storage_errors_during_commit_leave_the_previous_version() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();

        let mut v1 = stage(&root, "run1", 1).await;
        assert_eq!(v1[0].files.len(), 2, "3 rows at 2 rows a file");
        commit(&root, date, &mut v1, b"{\"v\":1}").await.unwrap();
        let before = tree(tmp.path());
        assert_eq!(before.len(), 6, "two files and a marker per table: {:?}", before.keys());
        assert_eq!(before["t2/_SUCCESS"], b"{\"v\":1}");

        // Fails while moving the second table's files into place.
        let mut v2 = stage(&root, "run2", 2).await;
        let faulty = root.with_store(Arc::new(Faulty { inner: root.store().clone(), fail_on: "t2/dt=".into() }));
        let e = commit(&faulty, date, &mut v2, b"{\"v\":2}").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Storage, "{e}");
        assert_eq!(tree(tmp.path()), before, "rename failure rolled back");
        discard_staging(&root, "run2").await;

        // Fails writing the second marker, after the first table's marker was replaced.
        let mut v3 = stage(&root, "run3", 3).await;
        let faulty = root
            .with_store(Arc::new(Faulty { inner: root.store().clone(), fail_on: "t2/dt=2026-11-01/_SUCCESS".into() }));
        let e = commit(&faulty, date, &mut v3, b"{\"v\":3}").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Storage);
        assert_eq!(tree(tmp.path()), before, "marker failure rolled back, first marker restored");
        discard_staging(&root, "run3").await;
        assert!(root.list("_staging").await.unwrap().is_empty());

        // Without faults the new version replaces the old one completely.
        let mut v4 = stage(&root, "run4", 4).await;
        commit(&root, date, &mut v4, b"{\"v\":4}").await.unwrap();
        let after = tree(tmp.path());
        assert_eq!(after.len(), 6);
        assert!(after.keys().all(|k| !before.contains_key(k) || k.ends_with("_SUCCESS")), "old files removed");
        assert_eq!(after["t1/_SUCCESS"], b"{\"v\":4}");
    }

    #[tokio::test]
    async fn the_same_rows_give_the_same_file_names_and_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut a = stage(&root, "a", 1).await;
        commit(&root, date, &mut a, b"{}").await.unwrap();
        let first = tree(tmp.path());
        let mut b = stage(&root, "b", 1).await;
        commit(&root, date, &mut b, b"{}").await.unwrap();
        assert_eq!(tree(tmp.path()), first);
        discard_staging(&root, "b").await;
        assert!(root.list("_staging").await.unwrap().is_empty());
    }
}
