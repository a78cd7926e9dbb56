//! Running jobs: register inputs → plan each output → stage → check →
//! commit → manifest. One run = one job × one date. The dates and the planning
//! of outputs are shared with `voc validate` ([`crate::plan`]); the manifest's
//! types are in [`crate::manifest`], the staging views in [`crate::staging`].

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use datafusion::prelude::ParquetReadOptions;

use crate::checks::run_checks;
use crate::config::Config;
use crate::error::{Result, VocError};
use crate::job::{Job, JobSet};
use crate::lease::Lease;
use crate::manifest::{EngineInfo, Manifest, OutputStats};
use crate::output::{self, StagedTable};
use crate::plan::{plan_outputs, RunDates};
use crate::session::{new_session, register_root};
use crate::staging::register_inputs;
use crate::storage::Root;

/// Roots opened once for a batch of runs.
#[derive(Clone, Debug)]
pub struct Roots {
    pub input: Root,
    pub output: Root,
}

impl Roots {
    pub fn open(cfg: &Config) -> Result<Self> {
        Ok(Self { input: Root::parse(cfg.input_root()?, false)?, output: Root::parse(cfg.output_root()?, true)? })
    }
}

fn new_run_id(job: &str, date: NaiveDate) -> String {
    let now = Utc::now();
    format!(
        "{}-{job}-{}-{:04x}",
        date.format("%Y%m%d"),
        now.format("%Y%m%dT%H%M%S%3f"),
        (now.timestamp_subsec_nanos() ^ std::process::id()) & 0xffff
    )
}

/// Runs one job for one date and commits its outputs: under the job's lease for the partition
/// (a second run of it stops with "already running"), after finishing what dead runs left on
/// the output root ([`crate::commit::recover`]).
pub async fn run_job(cfg: &Config, roots: &Roots, job: &Job, date: NaiveDate) -> Result<Manifest> {
    let run_id = new_run_id(&job.name, date);
    let span = tracing::info_span!("run", job = %job.name, date = %date, run_id = %run_id);
    let _enter = span.enter();
    let partition = RunDates::new(job, date).partition;
    let result = async {
        let lease = Lease::acquire(&roots.output, &job.name, partition, &run_id, cfg.lease_ttl, true).await?;
        let staging = crate::commit::staging_dir(&job.name, partition, &run_id);
        let result = match crate::commit::recover(&roots.output, Some(&lease), cfg.lease_ttl).await {
            Ok(r) => {
                if r != Default::default() {
                    tracing::info!(
                        commits = r.commits.len(),
                        staging_removed = r.staging_removed,
                        busy = r.busy,
                        "recovered what dead runs left"
                    );
                }
                run_job_inner(cfg, roots, job, date, &lease, &staging).await
            }
            Err(e) => Err(e.context("finishing what dead runs left on the output root")),
        };
        // A commit removes its staging itself (or keeps it with a journal for the next start);
        // a run that failed before it leaves staged files to remove here.
        if result.is_err() {
            crate::commit::discard_staging(&roots.output, &staging).await;
        }
        lease.release().await;
        result
    }
    .await
    .map_err(|e| match &cfg.cluster {
        Some(cluster) => crate::cluster::explain_lost_cluster(e, cluster),
        None => e,
    });
    // The one place a run's errors get their job and date.
    result.map_err(|e| e.context(format!("job {} --date {date}", job.name)))
}

async fn run_job_inner(
    cfg: &Config,
    roots: &Roots,
    job: &Job,
    date: NaiveDate,
    lease: &Lease,
    staging: &str,
) -> Result<Manifest> {
    let run_id = lease.run_id();
    let started = Instant::now();
    let started_at = Utc::now();
    let mut timings = BTreeMap::new();
    let ctx = new_session(cfg)?;
    register_root(&ctx, &roots.output);
    let dates = RunDates::new(job, date);
    let params = dates.params(cfg.timezone.name(), Some(job));
    crate::lookup::register(&ctx, &cfg.project_dir, &job.spec.lookups)?;

    tracing::info!(inputs = job.spec.inputs.len(), "registering inputs");
    let t = Instant::now();
    let inputs = register_inputs(&ctx, &cfg.project_dir, roots, job, &dates, &params).await?;
    timings.insert("inputs".to_string(), t.elapsed().as_millis() as u64);
    for i in &inputs {
        tracing::info!(table = %i.table, files = i.files, rows = i.rows, "input");
    }

    let mut staged: Vec<StagedTable> = Vec::new();
    let mut check_results = Vec::new();
    plan_outputs(&ctx, cfg, job, &params, dates.partition, async |out| {
        let table = out.spec.table.as_str();
        let t = Instant::now();
        let st = output::stage_output(
            &roots.output,
            staging,
            table,
            dates.partition,
            out.df,
            cfg.max_rows_per_file,
            &out.rel,
        )
        .await?;
        tracing::info!(table, rows = st.rows, files = st.files.len(), "staged");
        // Later outputs of the same job read this one: the staged files.
        let urls: Vec<String> =
            st.files.iter().map(|f| roots.output.url_of(&roots.output.relative(&f.staged), false)).collect();
        let staged_df = ctx
            .read_parquet(urls, ParquetReadOptions::default())
            .await
            .map_err(|e| VocError::internal(format!("reading back staged {table}: {e}")))?;
        let output_ms = t.elapsed().as_millis() as u64;
        timings.insert(format!("output:{table}"), output_ms);
        timings.insert(format!("plan:{table}"), st.plan_ms);
        timings.insert(format!("wait:{table}"), st.wait_ms);
        timings.insert(format!("write:{table}"), output_ms.saturating_sub(st.plan_ms + st.wait_ms));
        let t = Instant::now();
        let results = run_checks(table, &staged_df, st.rows, &out.spec.checks).await;
        timings.insert(format!("checks:{table}"), t.elapsed().as_millis() as u64);
        check_results.extend(results?);
        staged.push(st);
        Ok(staged_df)
    })
    .await?;

    let outputs: Vec<OutputStats> = staged
        .iter()
        .map(|s| OutputStats {
            table: s.table.clone(),
            partition: crate::catalog::partition_dir(dates.partition),
            rows: s.rows,
            bytes: s.bytes(),
            files: s.files.clone(),
        })
        .collect();
    timings.insert("total_before_commit".to_string(), started.elapsed().as_millis() as u64);
    let mut manifest = Manifest {
        voc_version: env!("CARGO_PKG_VERSION").to_string(),
        run_id: run_id.to_string(),
        job: job.name.clone(),
        date: dates.run.format("%Y-%m-%d").to_string(),
        partition_date: dates.partition.format("%Y-%m-%d").to_string(),
        status: "committed".into(),
        started_at: started_at.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        engine: EngineInfo {
            mode: match &cfg.cluster {
                None => "local".into(),
                Some(c) => format!("cluster {c}"),
            },
            target_partitions: ctx.state().config().target_partitions(),
            memory_limit_bytes: cfg.memory_limit_bytes,
            timezone: cfg.timezone.name().to_string(),
        },
        inputs,
        outputs,
        checks: check_results,
        timings_ms: timings,
    };
    let t = Instant::now();
    let body = serde_json::to_vec_pretty(&manifest).map_err(|e| VocError::internal(e.to_string()))?;
    crate::commit::commit(&roots.output, lease, staging, dates.partition, &staged, &body).await?;
    manifest.timings_ms.insert("commit".to_string(), t.elapsed().as_millis() as u64);
    manifest.timings_ms.insert("total".to_string(), started.elapsed().as_millis() as u64);
    tracing::info!(ms = started.elapsed().as_millis() as u64, "committed");
    Ok(manifest)
}

/// Runs `names` (each after its dependencies) for `date`; a failure skips only
/// the jobs that depend on it (see [`RunReport`]).
pub async fn run_jobs(cfg: &Config, jobs: &JobSet, names: &[String], date: NaiveDate) -> Result<RunReport> {
    let roots = Roots::open(cfg)?;
    let mut report = RunReport::default();
    for job in jobs.order(names)? {
        if let Some(dep) = job.spec.depends_on.iter().find(|d| report.did_not_complete(d)) {
            tracing::warn!(job = %job.name, %date, dependency = %dep, "skipped: a job it depends on did not complete");
            report.skipped.push((job.name.clone(), dep.clone()));
            continue;
        }
        match run_job(cfg, &roots, job, date).await {
            Ok(m) => report.manifests.push(m),
            Err(e) => {
                tracing::error!(job = %job.name, %date, error = %e.message, "failed; the jobs that do not depend on it go on");
                report.failed.push((job.name.clone(), e));
            }
        }
    }
    Ok(report)
}

/// What [`run_jobs`] did for one date. A failed job does not stop the others:
/// the jobs that depend on it, directly or through a skipped job, are skipped,
/// and every other job still runs, as a scheduler runs the independent
/// branches of its DAG. Each failed job left its previous partition as it was.
#[derive(Debug, Default)]
pub struct RunReport {
    /// The partitions written, in the order the jobs ran.
    pub manifests: Vec<Manifest>,
    /// Jobs that failed, with why, in the order they ran.
    pub failed: Vec<(String, VocError)>,
    /// Jobs not run, with the failed (or skipped) job they depend on.
    pub skipped: Vec<(String, String)>,
}

impl RunReport {
    /// Whether `job` failed or was skipped: what its dependents would wait for in vain.
    fn did_not_complete(&self, job: &str) -> bool {
        self.failed.iter().map(|(j, _)| j).chain(self.skipped.iter().map(|(j, _)| j)).any(|j| j == job)
    }

    /// The first failure, with the skipped and other failed jobs named in its message
    /// (its kind, and so the exit code, stays that of the first failure); Ok when all ran.
    pub fn into_result(self) -> Result<Vec<Manifest>> {
        let RunReport { manifests, mut failed, skipped } = self;
        if failed.is_empty() {
            return Ok(manifests);
        }
        let (_, mut first) = failed.remove(0);
        for (job, e) in &failed {
            first.message.push_str(&format!("; also failed: {job}: {}", e.message));
        }
        if !skipped.is_empty() {
            let names: Vec<String> = skipped.iter().map(|(j, d)| format!("{j} (needs {d})")).collect();
            first.message.push_str(&format!("; skipped: {}", names.join(", ")));
        }
        if !manifests.is_empty() {
            let names: Vec<&str> = manifests.iter().map(|m| m.job.as_str()).collect();
            first.message.push_str(&format!("; completed: {}", names.join(", ")));
        }
        Err(first)
    }
}
