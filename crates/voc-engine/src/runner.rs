//! Running jobs: register inputs → plan each output → stage → check →
//! commit → manifest. One run = one job × one date.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use serde::Serialize;

use crate::catalog::{self, InputStats};
use crate::checks::{run_checks, CheckResult};
use crate::config::Config;
use crate::contract;
use crate::error::{ErrorKind, Result, VocError};
use crate::job::{Job, JobSet};
use crate::output::{self, OutputFile, StagedTable};
use crate::session::{new_session, register_root};
use crate::sql::{plan_query, sql_error, Params};
use crate::storage::Root;

/// The `_SUCCESS` manifest: what a run read, wrote, checked and how long it took.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub voc_version: String,
    pub run_id: String,
    pub job: String,
    /// The run date (`--date`).
    pub date: String,
    /// The partition written: the run date minus the job's `lag_days`.
    pub partition_date: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub engine: EngineInfo,
    pub inputs: Vec<InputStats>,
    pub outputs: Vec<OutputStats>,
    pub checks: Vec<CheckResult>,
    pub timings_ms: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngineInfo {
    pub mode: String,
    pub target_partitions: usize,
    pub memory_limit_bytes: usize,
    pub timezone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputStats {
    pub table: String,
    pub partition: String,
    pub rows: u64,
    pub bytes: u64,
    pub files: Vec<OutputFile>,
}

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

/// Registers every input of `job` for `date` and returns what was read.
pub async fn register_inputs(
    ctx: &SessionContext,
    cfg: &Config,
    roots: &Roots,
    job: &Job,
    date: NaiveDate,
    params: &Params,
) -> Result<Vec<InputStats>> {
    let mut stats = Vec::new();
    for (table, spec) in &job.spec.inputs {
        let dates = spec.window(date);
        if contract::schema(table).is_some() {
            let scanned = catalog::scan_table(&roots.input, table, &dates, spec.required, false).await?;
            catalog::register_window(
                ctx,
                &roots.input,
                table,
                &scanned,
                &dates,
                catalog::raw_reference(table),
                contract::schema(table),
            )
            .await?;
            stage_view(ctx, &cfg.project_dir, table, params).await?;
            stats.push(scanned.stats);
        } else {
            let scanned = catalog::scan_table(&roots.output, table, &dates, spec.required, true).await?;
            catalog::register_window(ctx, &roots.output, table, &scanned, &dates, table.into(), None).await?;
            stats.push(scanned.stats);
        }
    }
    Ok(stats)
}

/// Registers `<table>` as the staging view over `raw.<table>`: the project's
/// `sql/staging/<table>.sql` when it exists, else the raw table as is. The
/// view's columns are then held to the input contract.
pub async fn stage_view(ctx: &SessionContext, project_dir: &Path, table: &str, params: &Params) -> Result<()> {
    let rel = format!("sql/staging/{table}.sql");
    let path = project_dir.join(&rel);
    let df = if path.is_file() {
        let text = std::fs::read_to_string(&path).map_err(|e| VocError::config(format!("{rel}: {e}")))?;
        plan_query(ctx, Path::new(&rel), &text, params).await.map_err(|e| {
            // Validate planned this file against the contract already, so a
            // failure here means the data lacks what the view reads.
            if e.kind == ErrorKind::Config {
                VocError::bad_input(format!(
                    "table {table}: the input files do not fit the staging view: {}",
                    e.message
                ))
            } else {
                e
            }
        })?
    } else {
        ctx.table(catalog::raw_reference(table)).await.map_err(|e| VocError::internal(format!("table {table}: {e}")))?
    };
    let expected = contract::schema(table).expect("contract table");
    let problems = contract::compare(&expected, df.schema().as_arrow());
    if let Some(p) = problems.first() {
        return Err(VocError::bad_input(format!(
            "table {table} (after {}): {p}{}",
            if path.is_file() { rel.as_str() } else { "no staging view" },
            if problems.len() > 1 { format!(" and {} more problem(s)", problems.len() - 1) } else { String::new() }
        )));
    }
    ctx.register_table(table, df.into_view()).map_err(|e| VocError::internal(format!("table {table}: {e}")))?;
    Ok(())
}

/// Runs one job for one date and commits its outputs.
pub async fn run_job(cfg: &Config, roots: &Roots, job: &Job, date: NaiveDate) -> Result<Manifest> {
    let run_id = new_run_id(&job.name, date);
    let span = tracing::info_span!("run", job = %job.name, date = %date, run_id = %run_id);
    let _enter = span.enter();
    let result = run_job_inner(cfg, roots, job, date, &run_id).await;
    output::discard_staging(&roots.output, &run_id).await;
    result.map_err(
        |e| {
            if e.message.starts_with("job ") {
                e
            } else {
                e.context(format!("job {} --date {date}", job.name))
            }
        },
    )
}

async fn run_job_inner(cfg: &Config, roots: &Roots, job: &Job, date: NaiveDate, run_id: &str) -> Result<Manifest> {
    let started = Instant::now();
    let started_at = Utc::now();
    let mut timings = BTreeMap::new();
    let ctx = new_session(cfg)?;
    register_root(&ctx, &roots.output);
    let out_date = job.output_date(date);
    let params = Params::for_run(date, cfg.timezone.name()).with_output_date(out_date).with_toml(&job.spec.params);
    crate::lookup::register(&ctx, &cfg.project_dir, &job.spec.lookups)?;

    tracing::info!(inputs = job.spec.inputs.len(), "registering inputs");
    let t = Instant::now();
    let inputs = register_inputs(&ctx, cfg, roots, job, date, &params).await?;
    timings.insert("inputs".to_string(), t.elapsed().as_millis() as u64);
    for i in &inputs {
        tracing::info!(table = %i.table, files = i.files, rows = i.rows, "input");
    }

    let mut staged: Vec<StagedTable> = Vec::new();
    let mut check_results = Vec::new();
    for (spec, sql_path) in &job.outputs {
        let t = Instant::now();
        let (rel, text) = read_sql(cfg, sql_path)?;
        let df = plan_query(&ctx, &rel, &text, &params).await?;
        let st = output::stage_output(&roots.output, run_id, &spec.table, df, cfg.max_rows_per_file, &rel)
            .await
            .map_err(|e| locate_again(e, &rel))?;
        tracing::info!(table = %spec.table, rows = st.rows, files = st.files.len(), "staged");
        // Later outputs of the same job may read this one: register the staged files.
        let urls: Vec<String> =
            st.files.iter().map(|f| roots.output.url_of(&roots.output.relative(&f.staged), false)).collect();
        let staged_df = ctx
            .read_parquet(urls, ParquetReadOptions::default())
            .await
            .map_err(|e| VocError::internal(format!("reading back staged {}: {e}", spec.table)))?;
        ctx.register_table(spec.table.as_str(), staged_df.clone().into_view())
            .map_err(|e| VocError::internal(e.to_string()))?;
        timings.insert(format!("output:{}", spec.table), t.elapsed().as_millis() as u64);
        let t = Instant::now();
        let results = run_checks(&spec.table, &staged_df, st.rows, &spec.checks).await;
        timings.insert(format!("checks:{}", spec.table), t.elapsed().as_millis() as u64);
        check_results.extend(results?);
        staged.push(st);
    }

    let part = catalog::partition_dir(out_date);
    let outputs: Vec<OutputStats> = staged
        .iter()
        .map(|s| OutputStats {
            table: s.table.clone(),
            partition: part.clone(),
            rows: s.rows,
            bytes: s.bytes(),
            files: s
                .files
                .iter()
                .map(|f| OutputFile { path: format!("{}/{part}/{}", s.table, f.name), ..f.clone() })
                .collect(),
        })
        .collect();
    timings.insert("total_before_commit".to_string(), started.elapsed().as_millis() as u64);
    let mut manifest = Manifest {
        voc_version: env!("CARGO_PKG_VERSION").to_string(),
        run_id: run_id.to_string(),
        job: job.name.clone(),
        date: date.format("%Y-%m-%d").to_string(),
        partition_date: out_date.format("%Y-%m-%d").to_string(),
        status: "committed".into(),
        started_at: started_at.to_rfc3339(),
        finished_at: Utc::now().to_rfc3339(),
        engine: EngineInfo {
            mode: "local".into(),
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
    output::commit(&roots.output, out_date, &mut staged, &body).await?;
    manifest.timings_ms.insert("commit".to_string(), t.elapsed().as_millis() as u64);
    manifest.timings_ms.insert("total".to_string(), started.elapsed().as_millis() as u64);
    tracing::info!(ms = started.elapsed().as_millis() as u64, "committed");
    Ok(manifest)
}

/// A job's SQL file: its path relative to the project (for messages) and its text.
fn read_sql(cfg: &Config, sql_path: &Path) -> Result<(std::path::PathBuf, String)> {
    let rel = sql_path.strip_prefix(&cfg.project_dir).unwrap_or(sql_path).to_path_buf();
    let text = std::fs::read_to_string(sql_path).map_err(|e| VocError::config(format!("{}: {e}", rel.display())))?;
    Ok((rel, text))
}

/// Execution errors lose the SQL text; add the file position back.
fn locate_again(e: VocError, rel: &Path) -> VocError {
    if e.message.contains(&rel.display().to_string()) {
        e
    } else {
        e.context(rel.display())
    }
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

/// Plans every staging view and every job's SQL against the contract
/// schemas, with no data: what `voc validate` runs.
pub async fn validate(cfg: &Config, jobs: &JobSet) -> Result<Vec<String>> {
    let ctx = new_session(cfg)?;
    let date = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let mut report = Vec::new();
    for table in contract::TABLES {
        let schema = catalog::contract_with_dt(table).expect("contract");
        let empty = datafusion::datasource::MemTable::try_new(schema, vec![vec![]])
            .map_err(|e| VocError::internal(e.to_string()))?;
        ctx.register_table(catalog::raw_reference(table), std::sync::Arc::new(empty))
            .map_err(|e| VocError::internal(e.to_string()))?;
        let params = Params::for_run(date, cfg.timezone.name());
        stage_view(&ctx, &cfg.project_dir, table, &params).await.map_err(|e| VocError::config(e.message))?;
    }
    report.push(format!("staging: {} contract tables plan", contract::TABLES.len()));
    let all: Vec<String> = jobs.jobs.keys().cloned().collect();
    for job in jobs.order(&all)? {
        let params = Params::for_run(date, cfg.timezone.name())
            .with_output_date(job.output_date(date))
            .with_toml(&job.spec.params);
        crate::lookup::register(&ctx, &cfg.project_dir, &job.spec.lookups)?;
        for (spec, sql_path) in &job.outputs {
            let (rel, text) = read_sql(cfg, sql_path)?;
            let df = plan_query(&ctx, &rel, &text, &params).await?;
            // Optimising catches type errors that planning alone lets through.
            df.clone().create_physical_plan().await.map_err(|e| sql_error(ErrorKind::Config, &rel, &text, &e))?;
            let schema = df.schema().as_arrow().clone();
            if schema.field_with_name(contract::PARTITION_COLUMN).is_ok() {
                return Err(VocError::config(format!(
                    "{}: output {} has a column named 'dt'; the engine adds the partition column",
                    rel.display(),
                    spec.table
                )));
            }
            for c in &spec.checks {
                run_checks(&spec.table, &df, u64::MAX, std::slice::from_ref(c)).await.map_err(|e| {
                    if e.kind == ErrorKind::Config {
                        VocError::config(format!("{}: {}", job.file.display(), e.message))
                    } else {
                        VocError::config(format!(
                            "{}: output {}: check {} cannot run: {}",
                            job.file.display(),
                            spec.table,
                            c.describe(),
                            e.message
                        ))
                    }
                })?;
            }
            let cols = schema.fields().len();
            let empty = datafusion::datasource::MemTable::try_new(std::sync::Arc::new(schema), vec![vec![]])
                .map_err(|e| VocError::internal(e.to_string()))?;
            // Outputs are read with their dt partition column.
            let with_dt = ctx
                .read_table(std::sync::Arc::new(empty))
                .and_then(|d| d.with_column(contract::PARTITION_COLUMN, datafusion::prelude::lit("2026-01-01")))
                .map_err(|e| VocError::internal(e.to_string()))?;
            ctx.register_table(spec.table.as_str(), with_dt.into_view())
                .map_err(|e| VocError::internal(e.to_string()))?;
            report.push(format!("{}: {} ({} columns) plans", job.name, spec.table, cols));
        }
    }
    Ok(report)
}
