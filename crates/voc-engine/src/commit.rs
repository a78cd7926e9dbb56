//! Publishing a run's staged outputs, crash-proof: a journal first, then moves, markers and
//! clean-up; and the recovery that the next run on the output root makes of a commit whose
//! process died.
//!
//! A run stages its files under `_staging/<job>/dt=D/<run_id>/` (see [`crate::output`]) while
//! holding the job's lease for D ([`crate::lease`]). Its commit then:
//!
//! 1. writes the **journal** `_staging/<job>/dt=D/<run_id>/_JOURNAL.json` in one PUT: for each
//!    table its partition folder, the staged files and the names they get, the files of the
//!    previous version to delete (every data file in the folder that is not new), the previous
//!    `_SUCCESS` and the new one. From here on the commit goes forward;
//! 2. moves every new file into `<table>/dt=D/` (a rename on a local disk, copy + delete on S3);
//! 3. replaces each table's `_SUCCESS` (the manifest: exactly the files a reader reads) in one PUT;
//! 4. deletes the previous version's files, removes a local disk's half-written temporary files
//!    (`name#N`), then the journal and the staging folder.
//!
//! A reader that follows `_SUCCESS` (every voc reader: [`crate::catalog`]) sees, at every
//! instant, each table exactly as one version: the old marker names old files, which are deleted
//! only after every new marker is in place; a new marker is written only after all its files are.
//! A reader that globs `dt=D/*.parquet` sees both versions while steps 2–4 run.
//!
//! A process killed anywhere leaves its journal (or, before step 1, only staged files). The next
//! `voc run` of any job on the same output root ([`recover`]) takes the dead run's lease, rolls its
//! commit forward from the journal (each step is idempotent) and removes what the run left, so
//! glob readers again see exactly one version. A commit that cannot go forward (a staged file is
//! gone and not at its target) is rolled back from the journal instead: previous markers
//! restored, new files removed.
//!
//! A live run whose commit fails in step 2 or 3 first rewrites its journal as `back`, then rolls
//! back, retrying each delete and marker restore; whatever it could not undo, the next start
//! undoes. A failure after step 3 is clean-up: the run has published, and the next start finishes
//! it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use object_store::ObjectStoreExt;
use serde::{Deserialize, Serialize};

use crate::catalog::{is_data_file, partition_dir, partition_path, SUCCESS_FILE};
use crate::error::{ErrorKind, Result, VocError};
use crate::lease::Lease;
use crate::output::StagedTable;
use crate::storage::Root;

/// The folder below which all runs stage.
pub const STAGING_ROOT: &str = "_staging";
/// The journal's name in a run's staging folder.
pub const JOURNAL_FILE: &str = "_JOURNAL.json";

/// Where a run of `job` for `partition` stages its files, relative to the output root.
pub fn staging_dir(job: &str, partition: NaiveDate, run_id: &str) -> String {
    format!("{STAGING_ROOT}/{job}/{}/{run_id}", partition_dir(partition))
}

/// Which way an interrupted commit is finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Forward,
    Back,
}

/// What a commit is about to do, written before its first move.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Journal {
    pub run_id: String,
    pub job: String,
    pub partition: String,
    pub direction: Direction,
    pub tables: Vec<JournalTable>,
    /// The new `_SUCCESS` of every table.
    pub manifest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalTable {
    pub table: String,
    /// The partition folder, relative to the output root.
    pub dir: String,
    pub new: Vec<JournalFile>,
    /// Data files of the folder that the new version does not have: deleted once committed.
    pub old: Vec<String>,
    /// The `_SUCCESS` the commit replaces, to restore on roll-back (None: there was none).
    pub previous_marker: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalFile {
    /// Relative to the output root.
    pub staged: String,
    pub name: String,
}

fn journal_path(staging: &str) -> String {
    format!("{staging}/{JOURNAL_FILE}")
}

/// Publishes `staged` as the `partition` of each table, with `manifest` as their `_SUCCESS`.
/// `staging` is the run's staging folder; `lease` must still be held.
pub async fn commit(
    root: &Root,
    lease: &Lease,
    staging: &str,
    partition: NaiveDate,
    staged: &[StagedTable],
    manifest: &[u8],
) -> Result<()> {
    lease.check().await?;
    let journal = prepare(root, lease, partition, staged, manifest).await?;
    let body = serde_json::to_vec_pretty(&journal).map_err(|e| VocError::internal(e.to_string()))?;
    root.put(&journal_path(staging), Bytes::from(body)).await?;
    match forward(root, &journal).await {
        Ok(()) => {}
        Err(Step::Publish(e)) => {
            roll_back_live(root, staging, journal).await;
            return Err(e);
        }
        Err(Step::Missing(what)) => {
            roll_back_live(root, staging, journal).await;
            return Err(VocError::storage(format!("publishing: {what}")));
        }
        Err(Step::Cleanup(e)) => {
            tracing::warn!(error = %e.message, "committed; the clean-up is left to the next run on this output");
            return Ok(());
        }
    }
    finish(root, staging, &journal).await;
    Ok(())
}

async fn prepare(
    root: &Root,
    lease: &Lease,
    partition: NaiveDate,
    staged: &[StagedTable],
    manifest: &[u8],
) -> Result<Journal> {
    let mut tables = Vec::new();
    for t in staged {
        let dir = partition_path(&t.table, partition);
        let new: Vec<JournalFile> =
            t.files.iter().map(|f| JournalFile { staged: root.relative(&f.staged), name: f.name.clone() }).collect();
        let keep: BTreeSet<&str> = new.iter().map(|f| f.name.as_str()).collect();
        let old = root
            .list(&dir)
            .await?
            .iter()
            .filter(|m| is_data_file(m))
            .filter_map(|m| m.location.filename().map(str::to_string))
            .filter(|n| !keep.contains(n.as_str()))
            .collect();
        let previous_marker =
            root.get_opt(&format!("{dir}/{SUCCESS_FILE}")).await?.map(|b| String::from_utf8_lossy(&b).into_owned());
        tables.push(JournalTable { table: t.table.clone(), dir, new, old, previous_marker });
    }
    Ok(Journal {
        run_id: lease.run_id().to_string(),
        job: lease.job().to_string(),
        partition: partition.format("%Y-%m-%d").to_string(),
        direction: Direction::Forward,
        tables,
        manifest: String::from_utf8_lossy(manifest).into_owned(),
    })
}

/// Where going forward stopped.
enum Step {
    /// Moving a file or writing a marker failed: nothing was deleted yet, so it can be undone.
    Publish(VocError),
    /// A new file is neither staged nor at its target: this commit cannot complete.
    Missing(String),
    /// Published; deleting the previous version or the journal failed.
    Cleanup(VocError),
}

/// Steps 2–4 up to the journal's removal; idempotent, so recovery runs it again from the start.
async fn forward(root: &Root, journal: &Journal) -> std::result::Result<(), Step> {
    for t in &journal.tables {
        for f in &t.new {
            let target = root.path(&format!("{}/{}", t.dir, f.name));
            let staged = root.path(&f.staged);
            match root.store().head(&target).await {
                Ok(_) => {
                    // Already there: same bytes published before, or moved by the run that died.
                    root.delete_key(&staged).await.map_err(Step::Publish)?;
                    continue;
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(Step::Publish(VocError::storage(format!("output {}: {e}", t.table)))),
            }
            match root.store().rename(&staged, &target).await {
                Ok(()) => {}
                Err(object_store::Error::NotFound { .. }) => {
                    return Err(Step::Missing(format!(
                        "output {}: file {} is neither staged ({}) nor published",
                        t.table, f.name, f.staged
                    )))
                }
                Err(e) => {
                    return Err(Step::Publish(VocError::storage(format!(
                        "output {}: publishing {}/{}: {e}",
                        t.table, t.dir, f.name
                    ))))
                }
            }
        }
    }
    for t in &journal.tables {
        root.put(&format!("{}/{SUCCESS_FILE}", t.dir), Bytes::from(journal.manifest.clone().into_bytes()))
            .await
            .map_err(Step::Publish)?;
    }
    for t in &journal.tables {
        for name in &t.old {
            root.delete_key(&root.path(&format!("{}/{name}", t.dir))).await.map_err(Step::Cleanup)?;
        }
        root.remove_local_temporaries(&t.dir, Duration::ZERO);
    }
    Ok(())
}

/// Removes the journal, then the run's staging folder.
async fn finish(root: &Root, staging: &str, journal: &Journal) {
    match root.delete_key(&root.path(&journal_path(staging))).await {
        Ok(()) => discard_staging(root, staging).await,
        Err(e) => {
            tracing::warn!(run_id = %journal.run_id, error = %e.message, "could not remove the commit journal; the next run on this output removes it")
        }
    }
}

/// A live run's failed commit: record the direction, undo, then drop the journal.
async fn roll_back_live(root: &Root, staging: &str, mut journal: Journal) {
    journal.direction = Direction::Back;
    let body = serde_json::to_vec_pretty(&journal).expect("a journal serialises");
    let retry = Retry::new();
    let at = journal_path(staging);
    if let Err(e) = retry.run(|| root.put(&at, Bytes::from(body.clone()))).await {
        tracing::error!(error = %e.message, "could not record the roll-back in the journal");
    }
    match undo(root, &journal, &retry).await {
        Ok(()) => finish(root, staging, &journal).await,
        Err(e) => tracing::error!(
            run_id = %journal.run_id,
            error = %e.message,
            "roll-back incomplete; the next run on this output finishes it from the journal"
        ),
    }
}

/// Restores every previous marker that was replaced and removes the new files (those the
/// previous version lacks). Goes on past a step that fails (after its retries) so that as much
/// as possible is undone, and returns the first failure.
async fn undo(root: &Root, journal: &Journal, retry: &Retry) -> Result<()> {
    let mut first: Option<VocError> = None;
    let mut note = |r: Result<()>| {
        if let Err(e) = r {
            first.get_or_insert(e);
        }
    };
    for t in &journal.tables {
        let marker = format!("{}/{SUCCESS_FILE}", t.dir);
        let current = root.get_opt(&marker).await.map(|b| b.map(|b| String::from_utf8_lossy(&b).into_owned()));
        match (current, &t.previous_marker) {
            (Ok(now), previous) if now.as_ref() == previous.as_ref() => {}
            (_, Some(m)) => note(retry.run(|| root.put(&marker, Bytes::from(m.clone().into_bytes()))).await),
            (_, None) => {
                let key = root.path(&marker);
                note(retry.run(|| root.delete_key(&key)).await)
            }
        }
    }
    for t in &journal.tables {
        let previous = previous_files(t);
        for f in t.new.iter().filter(|f| !previous.contains(f.name.as_str())) {
            let key = root.path(&format!("{}/{}", t.dir, f.name));
            note(retry.run(|| root.delete_key(&key)).await);
        }
        root.remove_local_temporaries(&t.dir, Duration::ZERO);
    }
    match first {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The files the previous marker names (kept on roll-back even when the new version has them).
fn previous_files(t: &JournalTable) -> BTreeSet<String> {
    let Some(m) = &t.previous_marker else { return BTreeSet::new() };
    crate::catalog::manifest_files(m.as_bytes(), &t.table)
        .map(|files| files.into_iter().filter_map(|(p, _)| p.rsplit('/').next().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Retries of a roll-back's storage steps, on top of the store's own retries: each step is tried
/// again 0.1 s, 0.2 s, 0.4 s … later while the roll-back's time budget (2 s in all) lasts, so a
/// refused delete or marker restore is not given up at once, and a store that stays down leaves
/// the rest to the next start (the journal says what remains).
struct Retry {
    deadline: std::time::Instant,
}

impl Retry {
    fn new() -> Self {
        Retry { deadline: std::time::Instant::now() + Duration::from_secs(2) }
    }

    async fn run<F, Fut>(&self, mut op: F) -> Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let mut wait = Duration::from_millis(100);
        loop {
            match op().await {
                Ok(()) => return Ok(()),
                Err(e) if e.kind == ErrorKind::Storage && std::time::Instant::now() + wait < self.deadline => {
                    tracing::debug!(error = %e.message, "retrying a roll-back step");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Removes a staging folder (after a commit, a failure, or a dead run's recovery), unless it
/// still holds a journal: a commit whose clean-up failed is finished by the next start from it.
pub async fn discard_staging(root: &Root, staging: &str) {
    match root.store().head(&root.path(&journal_path(staging))).await {
        Err(object_store::Error::NotFound { .. }) => {}
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(staging, error = %e, "could not tell whether a commit journal is left; staging kept");
            return;
        }
    }
    if let Err(e) = root.delete_all(staging).await {
        tracing::warn!(staging, error = %e.message, "could not remove staging files");
        return;
    }
    // Deleting objects leaves a local root's emptied folders (and half-written `name#N` files,
    // which listings skip): remove them, then the empty parents up to `_staging`.
    if let Some(dir) = root.local_dir(staging) {
        if dir.exists() {
            if let Err(e) = std::fs::remove_dir_all(&dir) {
                tracing::warn!(staging, error = %e, "could not remove the staging folder");
            }
        }
        let top = root.local_dir(STAGING_ROOT);
        let mut up = dir.parent().map(|p| p.to_path_buf());
        while let Some(p) = up {
            if std::fs::remove_dir(&p).is_err() || Some(&p) == top.as_ref() {
                break;
            }
            up = p.parent().map(|p| p.to_path_buf());
        }
    }
}

/// What [`recover`] did, for the log and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// Commits finished from their journal: run id → the direction they were finished in.
    pub commits: BTreeMap<String, Direction>,
    /// Staging folders of dead runs removed (journalled ones included).
    pub staging_removed: usize,
    /// Job partitions skipped because a live run holds their lease.
    pub busy: usize,
}

/// Finishes what dead runs left under `_staging/` on this output root: a journalled commit is
/// rolled forward (or back), staged files of runs that never reached their commit are removed.
/// A job partition is touched only under its lease: `own` is the caller's (its own partition's
/// leftovers are handled under it); any other partition's lease is taken for the recovery and
/// released after, and a partition whose lease a live run holds is left to that run.
pub async fn recover(root: &Root, own: Option<&Lease>, ttl: Duration) -> Result<Recovered> {
    let mut done = Recovered::default();
    // Listed before the leases are read: a staging folder seen here belongs to a run that had
    // taken its lease already (runs take it before staging anything).
    let mut runs: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for meta in root.list(STAGING_ROOT).await? {
        let rel = root.relative(&meta.location);
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            [_, job, dt, run, _, ..] if dt.starts_with("dt=") => {
                runs.entry((job.to_string(), dt.to_string())).or_default().insert(run.to_string());
            }
            _ => tracing::warn!(file = %rel, "unknown file in the staging area left as it is"),
        }
    }
    for ((job, dt), run_ids) in runs {
        let Ok(partition) = NaiveDate::parse_from_str(dt.trim_start_matches("dt="), "%Y-%m-%d") else { continue };
        let ours = own.filter(|l| l.job() == job && l.partition() == partition);
        let taken = match ours {
            Some(_) => None,
            None => {
                let id = format!("recovery-{}", own.map_or("voc", |l| l.run_id()));
                match Lease::acquire(root, &job, partition, &id, ttl, false).await {
                    Ok(l) => Some(l),
                    Err(e) if e.kind == ErrorKind::AlreadyRunning => {
                        done.busy += 1;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        for run in run_ids.iter().filter(|r| own.is_none_or(|l| l.run_id() != r.as_str())) {
            let staging = staging_dir(&job, partition, run);
            if let Some(bytes) = root.get_opt(&journal_path(&staging)).await? {
                let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| {
                    VocError::storage(format!(
                        "{}: not a voc commit journal: {e}",
                        root.url_of(&journal_path(&staging), false)
                    ))
                })?;
                let direction = finish_dead(root, &journal).await?;
                tracing::warn!(run_id = %run, job = %job, partition = %dt, ?direction, "finished the interrupted commit of a dead run");
                done.commits.insert(run.clone(), direction);
                root.delete_key(&root.path(&journal_path(&staging))).await?;
            }
            discard_staging(root, &staging).await;
            done.staging_removed += 1;
        }
        if let Some(l) = taken {
            l.release().await;
        }
    }
    Ok(done)
}

/// Rolls a dead run's journalled commit forward, or back when it cannot go forward.
async fn finish_dead(root: &Root, journal: &Journal) -> Result<Direction> {
    if journal.direction == Direction::Forward {
        match forward(root, journal).await {
            Ok(()) => return Ok(Direction::Forward),
            Err(Step::Publish(e)) | Err(Step::Cleanup(e)) => return Err(e),
            Err(Step::Missing(what)) => {
                tracing::warn!(run_id = %journal.run_id, %what, "the interrupted commit cannot go forward; rolling it back");
            }
        }
    }
    undo(root, journal, &Retry::new()).await?;
    Ok(Direction::Back)
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
    use crate::output::stage_output;
    use object_store::path::Path;
    use std::sync::Arc;

    /// Delegates to a real store but fails writes and moves whose target
    /// contains `fail_on`: an injected storage error at a chosen step.
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

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    async fn lease(root: &Root, run: &str) -> Lease {
        Lease::acquire(root, "job", date(), run, Duration::from_secs(60), false).await.unwrap()
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
            let staging = staging_dir("job", date, run);
            out.push(stage_output(root, &staging, table, date, df, 2, std::path::Path::new("t.sql")).await.unwrap());
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

    fn staging(run: &str) -> String {
        staging_dir("job", date(), run)
    }

    #[tokio::test]
    async fn injected_storage_errors_during_commit_leave_the_previous_version() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();

        let v1 = stage(&root, "run1", 1).await;
        assert_eq!(v1[0].files.len(), 2, "3 rows at 2 rows a file");
        let l = lease(&root, "run1").await;
        commit(&root, &l, &staging("run1"), date(), &v1, b"{\"v\":1}").await.unwrap();
        l.release().await;
        let before = tree(tmp.path());
        assert_eq!(before.len(), 6, "two files and a marker per table: {:?}", before.keys());
        assert_eq!(before["t2/_SUCCESS"], b"{\"v\":1}");

        // Fails while moving the second table's files into place.
        let v2 = stage(&root, "run2", 2).await;
        let l = lease(&root, "run2").await;
        let faulty = root.with_store(Arc::new(Faulty { inner: root.store().clone(), fail_on: "t2/dt=".into() }));
        let e = commit(&faulty, &l, &staging("run2"), date(), &v2, b"{\"v\":2}").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Storage, "{e}");
        assert_eq!(tree(tmp.path()), before, "rename failure rolled back");
        assert!(root.list("_staging").await.unwrap().is_empty(), "journal and staging removed");
        l.release().await;

        // Fails writing the second marker, after the first table's marker was replaced.
        let v3 = stage(&root, "run3", 3).await;
        let l = lease(&root, "run3").await;
        let faulty = root
            .with_store(Arc::new(Faulty { inner: root.store().clone(), fail_on: "t2/dt=2026-11-01/_SUCCESS".into() }));
        let e = commit(&faulty, &l, &staging("run3"), date(), &v3, b"{\"v\":3}").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Storage);
        assert_eq!(tree(tmp.path()), before, "marker failure rolled back, first marker restored");
        assert!(root.list("_staging").await.unwrap().is_empty());
        l.release().await;

        // Without faults the new version replaces the old one completely.
        let v4 = stage(&root, "run4", 4).await;
        let l = lease(&root, "run4").await;
        commit(&root, &l, &staging("run4"), date(), &v4, b"{\"v\":4}").await.unwrap();
        let after = tree(tmp.path());
        assert_eq!(after.len(), 6);
        assert!(after.keys().all(|k| !before.contains_key(k) || k.ends_with("_SUCCESS")), "old files removed");
        assert_eq!(after["t1/_SUCCESS"], b"{\"v\":4}");
        assert!(!tmp.path().join("_staging").exists(), "the local staging folder is gone too");
    }

    #[tokio::test]
    async fn the_same_rows_give_the_same_file_names_and_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        for run in ["a", "b"] {
            let staged = stage(&root, run, 1).await;
            let l = lease(&root, run).await;
            commit(&root, &l, &staging(run), date(), &staged, b"{}").await.unwrap();
            l.release().await;
            if run == "a" {
                assert_eq!(tree(tmp.path()).len(), 6);
            }
        }
        let second = tree(tmp.path());
        assert_eq!(second.len(), 6, "the second run's files have the first run's names: nothing added or lost");
        assert!(root.list("_staging").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_dead_runs_journal_is_rolled_forward_and_its_staging_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Root::parse(tmp.path().to_str().unwrap(), false).unwrap();
        let v1 = stage(&root, "run1", 1).await;
        let l = lease(&root, "run1").await;
        commit(&root, &l, &staging("run1"), date(), &v1, b"{\"v\":1}").await.unwrap();
        l.release().await;
        // run2 wrote its journal and moved nothing; run3 died while staging. Neither released.
        let v2 = stage(&root, "run2", 2).await;
        let l2 = lease(&root, "run2").await;
        let journal = prepare(&root, &l2, date(), &v2, b"{\"v\":2}").await.unwrap();
        root.put(&journal_path(&staging("run2")), Bytes::from(serde_json::to_vec(&journal).unwrap())).await.unwrap();
        drop(l2);
        stage(&root, "run3", 3).await;
        // While run2's lease lives, nobody touches its partition.
        let busy = recover(&root, None, Duration::from_secs(60)).await.unwrap();
        assert_eq!(busy.busy, 1);
        assert_eq!(tree(tmp.path())["t1/_SUCCESS"], b"{\"v\":1}");
        // Once it expired, the next start finishes run2's commit and removes run3's files.
        let dir = crate::lease::lease_dir("job", date());
        let key = root.list(&dir).await.unwrap().pop().unwrap().location;
        let text = String::from_utf8(std::fs::read(format!("/{key}")).unwrap()).unwrap();
        let mut body: crate::lease::LeaseBody = serde_json::from_str(&text).unwrap();
        body.expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
        std::fs::write(format!("/{key}"), serde_json::to_vec(&body).unwrap()).unwrap();
        let done = recover(&root, None, Duration::from_secs(60)).await.unwrap();
        assert_eq!(done.commits.get("run2"), Some(&Direction::Forward), "{done:?}");
        assert_eq!(done.staging_removed, 2);
        let after = tree(tmp.path());
        assert_eq!(after["t1/_SUCCESS"], b"{\"v\":2}");
        assert_eq!(after.len(), 6, "only the new version is left: {:?}", after.keys());
        assert!(root.list("_staging").await.unwrap().is_empty());
    }
}
