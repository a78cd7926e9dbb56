//! Tables BI can trust: one writer per job and partition, readers that follow the commit, and
//! commits that survive a kill at any storage step.
//!
//! The kill harness publishes a new version of three tables (3 files each) over an old one
//! through the engine's own lease, staging and commit code, on an object store wrapper that
//! "kills the process" at its N-th write, move or delete: that step and every later storage call
//! fail, as if the process had died there (no roll-back, no clean-up). For every N until a
//! publish completes, on a local folder and on an S3 bucket (moto), it then checks what readers
//! see before and after the next start.

mod common;

use std::fmt;
use std::path::Path as FsPath;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;
use common::*;
use datafusion::arrow::array::AsArray;
use datafusion::arrow::datatypes::Int64Type;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use futures::stream::BoxStream;
use futures::StreamExt;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions,
    PutOptions, PutPayload, PutResult, RenameOptions,
};
use voc_engine::commit::{self, staging_dir};
use voc_engine::lease::{lease_dir, Lease, LeaseBody};
use voc_engine::output::stage_output;
use voc_engine::storage::Root;

const JOB: &str = "kill_job";
const TABLES: [&str; 3] = ["t1", "t2", "t3"];
const TTL: Duration = Duration::from_secs(60);

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// The shared state of a [`Killable`] store: steps taken, the kill point, what each step was.
#[derive(Debug, Default)]
struct Steps {
    taken: AtomicU64,
    kill_at: Option<u64>,
    dead: AtomicBool,
    log: Mutex<Vec<String>>,
}

impl Steps {
    fn step(&self, what: String) -> object_store::Result<()> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(killed());
        }
        let n = self.taken.fetch_add(1, Ordering::SeqCst) + 1;
        self.log.lock().unwrap().push(what);
        if Some(n) == self.kill_at {
            self.dead.store(true, Ordering::SeqCst);
            return Err(killed());
        }
        Ok(())
    }

    fn read(&self) -> object_store::Result<()> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(killed());
        }
        Ok(())
    }
}

fn killed() -> object_store::Error {
    object_store::Error::Generic { store: "killable", source: "the process was killed here".into() }
}

/// A store that dies at its N-th write, move or delete.
#[derive(Debug)]
struct Killable {
    inner: Arc<dyn ObjectStore>,
    steps: Arc<Steps>,
    /// A local disk: its rename is one step, and a put killed midway leaves `name#1` behind as
    /// the local store's own half-written file would be. Otherwise a rename is copy + delete,
    /// as on S3.
    local: bool,
}

impl fmt::Display for Killable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Killable({})", self.inner)
    }
}

/// A key from its table (or staging run) folder on, for the step log.
fn short(p: &Path) -> String {
    let parts: Vec<&str> = p.as_ref().rsplitn(4, '/').collect();
    parts[..parts.len().min(3)].iter().rev().copied().collect::<Vec<_>>().join("/")
}

#[async_trait::async_trait]
impl ObjectStore for Killable {
    async fn put_opts(&self, p: &Path, payload: PutPayload, o: PutOptions) -> object_store::Result<PutResult> {
        let was_dead = self.steps.dead.load(Ordering::SeqCst);
        if let Err(e) = self.steps.step(format!("put {}", short(p))) {
            // Killed while writing (a lease's half-written file is left to its age: see lease.rs).
            if self.local && !was_dead && !p.as_ref().contains("_leases/") {
                let _ = std::fs::write(format!("/{p}#1"), b"half");
            }
            return Err(e);
        }
        self.inner.put_opts(p, payload, o).await
    }
    async fn put_multipart_opts(
        &self,
        p: &Path,
        o: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        self.steps.step(format!("upload {}", short(p)))?;
        self.inner.put_multipart_opts(p, o).await
    }
    async fn get_opts(&self, p: &Path, o: GetOptions) -> object_store::Result<GetResult> {
        self.steps.read()?;
        self.inner.get_opts(p, o).await
    }
    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        let steps = self.steps.clone();
        let checked = locations.map(move |p| {
            let p = p?;
            steps.step(format!("delete {}", short(&p)))?;
            Ok(p)
        });
        self.inner.delete_stream(checked.boxed())
    }
    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        if let Err(e) = self.steps.read() {
            return futures::stream::once(async move { Err(e) }).boxed();
        }
        self.inner.list(prefix)
    }
    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        self.steps.read()?;
        self.inner.list_with_delimiter(prefix).await
    }
    async fn copy_opts(&self, from: &Path, to: &Path, o: CopyOptions) -> object_store::Result<()> {
        self.steps.step(format!("copy {} -> {}", short(from), short(to)))?;
        self.inner.copy_opts(from, to, o).await
    }
    async fn rename_opts(&self, from: &Path, to: &Path, o: RenameOptions) -> object_store::Result<()> {
        if !self.local {
            // copy + delete through this store, each a step
            self.copy_opts(from, to, CopyOptions::default()).await?;
            return object_store::ObjectStoreExt::delete(self, from).await;
        }
        self.steps.step(format!("rename {} -> {}", short(from), short(to)))?;
        self.inner.rename_opts(from, to, o).await
    }
}

/// One publish of `version` for all three tables, as `voc run` does it: lease, recovery of what
/// dead runs left, staging, commit, clean-up.
async fn publish(root: &Root, run: &str, version: i64) -> voc_engine::Result<()> {
    let lease = Lease::acquire(root, JOB, day(), run, TTL, false).await?;
    commit::recover(root, Some(&lease), TTL).await?;
    let staging = staging_dir(JOB, day(), run);
    let ctx = datafusion::prelude::SessionContext::new();
    let mut staged = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT x * {version} AS x, 'v{version}' AS y FROM (VALUES (1), (2), (3), (4), (5)) t(x)");
        let df = ctx.sql(&sql).await.unwrap();
        staged.push(stage_output(root, &staging, table, day(), df, 2, FsPath::new("t.sql")).await?);
    }
    let outputs: Vec<serde_json::Value> =
        staged.iter().map(|s| serde_json::json!({ "table": s.table, "rows": s.rows, "files": s.files })).collect();
    let manifest = serde_json::to_vec(&serde_json::json!({ "run_id": run, "job": JOB, "outputs": outputs })).unwrap();
    commit::commit(root, &lease, &staging, day(), &staged, &manifest).await?;
    commit::discard_staging(root, &staging).await;
    lease.release().await;
    Ok(())
}

/// The version ("v1", "v2" …) whose rows `files` hold exactly, or what they hold instead.
async fn version_of(root: &Root, files: &[ObjectMeta]) -> String {
    let mut rows = Vec::new();
    for f in files {
        let bytes = root.get_opt(&root.relative(&f.location)).await.unwrap().unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().build().unwrap() {
            let b = b.unwrap();
            let x = b.column(0).as_primitive::<Int64Type>().clone();
            let y =
                datafusion::arrow::compute::cast(b.column(1), &datafusion::arrow::datatypes::DataType::Utf8).unwrap();
            let y = y.as_string::<i32>();
            rows.extend((0..b.num_rows()).map(|i| (x.value(i), y.value(i).to_string())));
        }
    }
    rows.sort();
    for v in 1..=3i64 {
        let want: Vec<(i64, String)> = (1..=5).map(|x| (x * v, format!("v{v}"))).collect();
        if rows == want {
            return format!("v{v}");
        }
    }
    format!("MIXED{rows:?}")
}

/// What a reader that follows `_SUCCESS` sees of each table.
async fn manifest_view(root: &Root) -> Vec<String> {
    let mut out = Vec::new();
    for t in TABLES {
        let files = voc_engine::catalog::committed_files(root, t, day()).await.unwrap().expect("committed");
        out.push(version_of(root, &files).await);
    }
    out
}

/// What a reader that globs `dt=D/*.parquet` sees of each table.
async fn glob_view(root: &Root) -> Vec<String> {
    let mut out = Vec::new();
    for t in TABLES {
        let files: Vec<ObjectMeta> = root
            .list(&format!("{t}/dt=2026-11-01"))
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.location.as_ref().ends_with(".parquet"))
            .collect();
        out.push(version_of(root, &files).await);
    }
    out
}

/// Lets the dead run's lease expire, as time would.
async fn expire_leases(root: &Root) {
    for m in root.list(&lease_dir(JOB, day())).await.unwrap() {
        let rel = root.relative(&m.location);
        let mut body: LeaseBody = serde_json::from_slice(&root.get_opt(&rel).await.unwrap().unwrap()).unwrap();
        body.expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
        root.put(&rel, serde_json::to_vec(&body).unwrap().into()).await.unwrap();
    }
}

/// Files a local disk's store left half-written (`name#N`) anywhere below `dir`.
fn temporaries(dir: &FsPath) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.file_name().to_string_lossy().contains('#') && !e.path().to_string_lossy().contains("/_leases/")
            {
                out.push(e.path().display().to_string());
            }
        }
    }
    out
}

fn uniform(view: &[String]) -> bool {
    view.iter().all(|v| v == &view[0]) && !view[0].starts_with("MIXED")
}

/// Kills a publish of v2 over v1 at every step; returns the table of outcomes.
async fn kill_at_every_step(fresh: impl Fn(u64) -> (Root, Option<std::path::PathBuf>)) -> Vec<String> {
    let mut table = Vec::new();
    for n in 1.. {
        let (root, dir) = fresh(n);
        publish(&root, "run-v1", 1).await.unwrap();
        let steps = Arc::new(Steps { kill_at: Some(n), ..Default::default() });
        let local = dir.is_some();
        let dying = root.with_store(Arc::new(Killable { inner: root.store().clone(), steps: steps.clone(), local }));
        let result = publish(&dying, "run-v2", 2).await;
        if !steps.dead.load(Ordering::SeqCst) {
            result.unwrap();
            assert!(n > 20, "a publish has at least 20 storage steps, this one {}", n - 1);
            break;
        }
        let at = steps.log.lock().unwrap().last().cloned().unwrap_or_default();
        let before = manifest_view(&root).await;
        assert!(before.iter().all(|v| v == "v1" || v == "v2"), "kill at {n} ({at}): manifest readers saw {before:?}");

        // The next start: a run of another job on the same output root.
        expire_leases(&root).await;
        let other = Lease::acquire(&root, "other_job", day(), "run-other", TTL, false).await.unwrap();
        let done = commit::recover(&root, Some(&other), TTL).await.unwrap();
        other.release().await;
        let after = glob_view(&root).await;
        assert!(uniform(&after), "kill at {n} ({at}): after recovery glob readers saw {after:?}");
        assert_eq!(manifest_view(&root).await, after, "kill at {n}: manifest and glob readers agree");
        assert!(root.list("_staging").await.unwrap().is_empty(), "kill at {n} ({at}): staging left");
        if let Some(dir) = &dir {
            assert!(temporaries(dir).is_empty(), "kill at {n} ({at}): {:?}", temporaries(dir));
        }
        // Nothing is stuck: the next publish goes through.
        publish(&root, "run-v3", 3).await.unwrap();
        assert_eq!(glob_view(&root).await, vec!["v3"; 3]);
        let how = match done.commits.values().next() {
            Some(d) => format!("{d:?}").to_lowercase(),
            None => "-".into(),
        };
        table.push(format!("| {n} | {at} | {} | {} | {how} |", before.join(" "), after[0]));
    }
    table
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

fn print_table(title: &str, rows: &[String]) {
    eprintln!("\n{title}\n| kill at step | the step | manifest readers (t1 t2 t3) | glob readers after next start | commit finished |\n| ---: | --- | --- | --- | --- |");
    for r in rows {
        eprintln!("{r}");
    }
}

#[test]
fn a_commit_killed_at_any_step_is_old_or_new_and_the_next_start_cleans_up_local() {
    let tmp = tempfile::tempdir().unwrap();
    let rows = runtime().block_on(kill_at_every_step(|n| {
        let dir = tmp.path().join(format!("k{n}"));
        (Root::parse(dir.to_str().unwrap(), true).unwrap(), Some(dir))
    }));
    print_table("local folder", &rows);
    assert!(rows.len() >= 20, "{} kill points", rows.len());
}

#[test]
fn a_commit_killed_at_any_step_is_old_or_new_and_the_next_start_cleans_up_s3() {
    let moto = start_moto();
    assert_eq!(http(moto.port, "PUT", "/voc-kill").0, 200, "create bucket");
    use_moto_env(moto.port);
    let rows =
        runtime().block_on(kill_at_every_step(|n| (Root::parse(&format!("s3://voc-kill/k{n}"), false).unwrap(), None)));
    print_table("S3 (moto)", &rows);
    assert!(rows.len() >= 20, "{} kill points", rows.len());
}

/// A small generated day and an output folder with every job run for it.
fn one_day(dir: &FsPath) -> (String, String) {
    let input = generate_small(dir);
    let output = dir.join("output");
    let (i, o) = (input.to_str().unwrap().to_string(), output.to_str().unwrap().to_string());
    assert_ok(&run_in(&repo(), &["run", "--all", "--date", "2026-11-01", "--input", &i, "--output", &o]));
    (i, o)
}

fn count(i: &str, o: &str, table: &str) -> i64 {
    let rows = query(FsPath::new(i), FsPath::new(o), &format!("SELECT COUNT(*) AS n FROM {table}"));
    rows[0]["n"].as_i64().unwrap()
}

#[test]
fn a_second_run_of_a_job_and_date_exits_8_until_the_first_ends_or_its_lease_expires() {
    let tmp = tempfile::tempdir().unwrap();
    let (i, o) = one_day(tmp.path());
    let args = ["run", "message_insights", "--date", "2026-11-01", "--input", &i, "--output", &o];
    let rt = runtime();
    let root = Root::parse(&o, false).unwrap();
    // Another run (this test) holds the lease: voc waits for nobody and says who holds it.
    let held = rt
        .block_on(Lease::acquire(&root, "message_insights", day(), "20261101-message_insights-other", TTL, true))
        .unwrap();
    let before = snapshot(&FsPath::new(&o).join("message_insights/dt=2026-11-01"));
    let out = run_in(&repo(), &args);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    let line = error_line(&out);
    assert!(line.contains("already running") && line.contains("20261101-message_insights-other"), "{line}");
    assert_eq!(snapshot(&FsPath::new(&o).join("message_insights/dt=2026-11-01")), before, "nothing touched");
    // Other jobs and dates are not blocked.
    assert_ok(&run_in(&repo(), &["run", "session_subjects", "--date", "2026-11-01", "--input", &i, "--output", &o]));
    rt.block_on(held.release());
    assert_ok(&run_in(&repo(), &args));

    // A holder that died: its lease is taken over once it has expired.
    let dead = rt.block_on(Lease::acquire(&root, "message_insights", day(), "dead-run", TTL, false)).unwrap();
    drop(dead);
    assert_eq!(run_in(&repo(), &args).status.code(), Some(8));
    rt.block_on(async {
        for m in root.list(&lease_dir("message_insights", day())).await.unwrap() {
            let rel = root.relative(&m.location);
            let mut body: LeaseBody = serde_json::from_slice(&root.get_opt(&rel).await.unwrap().unwrap()).unwrap();
            body.expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
            root.put(&rel, serde_json::to_vec(&body).unwrap().into()).await.unwrap();
        }
    });
    assert_ok(&run_in(&repo(), &args));

    // Two runs started together: each exits 0 or 8, and the partition is one whole version.
    for _ in 0..3 {
        let spawn =
            || voc().arg("--project").arg(repo()).args(args).stderr(std::process::Stdio::piped()).spawn().unwrap();
        let (a, b) = (spawn(), spawn());
        let codes: Vec<Option<i32>> = [a, b].into_iter().map(|c| c.wait_with_output().unwrap().status.code()).collect();
        assert!(codes.iter().all(|c| matches!(c, Some(0) | Some(8))), "{codes:?}");
        assert!(codes.contains(&Some(0)), "{codes:?}");
        let files =
            rt.block_on(voc_engine::catalog::committed_files(&root, "message_insights", day())).unwrap().unwrap();
        let listed: Vec<String> = parquet_files(&FsPath::new(&o).join("message_insights/dt=2026-11-01"))
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let named: Vec<String> = files.iter().map(|m| m.location.filename().unwrap().to_string()).collect();
        assert_eq!(listed, named, "the folder holds exactly the committed files");
    }
    assert!(!FsPath::new(&o).join("_staging").exists());
}

#[test]
fn voc_readers_read_what_the_manifest_names_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let (i, o) = one_day(tmp.path());
    let part = FsPath::new(&o).join("message_insights/dt=2026-11-01");
    let rows = count(&i, &o, "message_insights");
    assert!(rows > 500, "{rows}");
    // A stray copy of a committed file (what a killed run of an older voc left) is not read.
    let first = parquet_files(&part)[0].clone();
    std::fs::copy(&first, part.join("part-99999-stray.parquet")).unwrap();
    assert_eq!(count(&i, &o, "message_insights"), rows, "voc sql reads the manifest's files");
    let risk = count(&i, &o, "risk_alerts");
    assert_ok(&run_in(&repo(), &["run", "risk", "--date", "2026-11-01", "--input", &i, "--output", &o]));
    assert_eq!(count(&i, &o, "risk_alerts"), risk, "a downstream job reads the manifest's files too");
    // The next run of the job removes the stray file.
    assert_ok(&run_in(&repo(), &["run", "message_insights", "--date", "2026-11-01", "--input", &i, "--output", &o]));
    assert!(!part.join("part-99999-stray.parquet").exists());

    // A partition whose marker names a missing file is not ready (7), naming the file.
    let victim = parquet_files(&part)[0].clone();
    let saved = std::fs::read(&victim).unwrap();
    std::fs::remove_file(&victim).unwrap();
    let out = run_in(&repo(), &["run", "risk", "--date", "2026-11-01", "--input", &i, "--output", &o]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(error_line(&out).contains("which does not exist"), "{}", error_line(&out));
    std::fs::write(&victim, saved).unwrap();

    // A partition without a marker (a first commit that never finished) is not read at all.
    let marker = part.join("_SUCCESS");
    let saved = std::fs::read(&marker).unwrap();
    std::fs::remove_file(&marker).unwrap();
    let out = run_in(&repo(), &["sql", "SELECT COUNT(*) FROM message_insights", "--input", &i, "--output", &o]);
    assert!(!out.status.success(), "no committed partition: no table");
    let out = run_in(&repo(), &["run", "risk", "--date", "2026-11-01", "--input", &i, "--output", &o]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    std::fs::write(&marker, saved).unwrap();
    assert_eq!(count(&i, &o, "message_insights"), rows);
}

#[test]
fn the_next_voc_run_finishes_a_commit_killed_after_its_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let (i, o) = one_day(tmp.path());
    let root = Root::parse(&o, false).unwrap();
    let rt = runtime();
    rt.block_on(publish(&root, "run-v1", 1)).unwrap();
    // Killed right after its journal and first move: steps are 9 staged files, lease, journal, move.
    let steps = Arc::new(Steps { kill_at: Some(13), ..Default::default() });
    let dying = root.with_store(Arc::new(Killable { inner: root.store().clone(), steps: steps.clone(), local: true }));
    assert!(rt.block_on(publish(&dying, "run-v2", 2)).is_err());
    assert!(steps.log.lock().unwrap().last().unwrap().starts_with("rename"), "{:?}", steps.log.lock().unwrap());
    assert!(FsPath::new(&o).join("_staging").exists());
    rt.block_on(expire_leases(&root));
    // Any voc run on this output finishes it.
    let out = run_in(&repo(), &["run", "session_subjects", "--date", "2026-11-01", "--input", &i, "--output", &o]);
    assert_ok(&out);
    assert!(stderr(&out).contains("finished the interrupted commit of a dead run"), "{}", stderr(&out));
    assert_eq!(rt.block_on(glob_view(&root)), vec!["v2"; 3]);
    assert!(!FsPath::new(&o).join("_staging").exists());
}
