//! What `voc run` and `voc validate` share: the dates of a run, computed once, and the planning
//! of a job's outputs in order, each registered under its name for the outputs after it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use datafusion::dataframe::DataFrame;
use datafusion::prelude::{lit, SessionContext};

use crate::config::Config;
use crate::error::{Result, VocError};
use crate::job::{Job, OutputSpec};
use crate::sql::{plan_query, Params};

/// The dates of one run of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDates {
    /// The run date (`--date`, `$run_date`).
    pub run: NaiveDate,
    /// The partition written (`$dt`): the run date minus the job's `lag_days`.
    pub partition: NaiveDate,
    /// The partition dates each input is read for, oldest first: its `days` ending at the run
    /// date minus the input's own `lag_days`.
    pub window: BTreeMap<String, Vec<NaiveDate>>,
}

impl RunDates {
    pub fn new(job: &Job, run: NaiveDate) -> RunDates {
        let lag = |days: u32| run - chrono::Duration::days(days as i64);
        let window = job
            .spec
            .inputs
            .iter()
            .map(|(table, spec)| (table.clone(), crate::catalog::window(lag(spec.lag_days), spec.days)))
            .collect();
        RunDates { run, partition: lag(job.spec.lag_days), window }
    }

    /// A run outside any job (`voc sql`): it writes the run date, reads nothing by window.
    pub fn unlagged(run: NaiveDate) -> RunDates {
        RunDates { run, partition: run, window: BTreeMap::new() }
    }

    /// The partition dates of input `table` (none for a table the job does not read).
    pub fn window(&self, table: &str) -> &[NaiveDate] {
        self.window.get(table).map_or(&[], Vec::as_slice)
    }

    /// `$run_date`, `$dt` and `$timezone`, then the job's `[params]` if any.
    pub fn params(&self, timezone: &str, job: Option<&Job>) -> Params {
        let p = Params::for_run(self.run, self.partition, timezone);
        match job {
            Some(job) => p.with_toml(&job.spec.params),
            None => p,
        }
    }
}

/// One output of a job, planned: its spec, SQL file (relative to the project, for messages),
/// SQL text and the plan.
pub struct PlannedOutput<'j> {
    pub spec: &'j OutputSpec,
    pub rel: PathBuf,
    pub text: String,
    pub df: DataFrame,
}

/// Plans the views of `job` (registered under their names, never written), then its outputs in
/// order against `ctx`. `then` does what the caller does with each output (a run stages, checks
/// and reads it back; validate checks its shape and makes an empty stand-in) and returns its
/// rows; the job's later outputs (and, in validate, later jobs) read them under the output's name
/// as they will be committed, with `dt` = `partition`.
pub async fn plan_outputs(
    ctx: &SessionContext,
    cfg: &Config,
    job: &Job,
    params: &Params,
    partition: NaiveDate,
    mut then: impl AsyncFnMut(PlannedOutput<'_>) -> Result<DataFrame>,
) -> Result<()> {
    let dt = lit(partition.format("%Y-%m-%d").to_string());
    plan_views(ctx, cfg, job, params, None).await?;
    for (spec, sql_path) in &job.outputs {
        let (rel, text) = read_sql(cfg, sql_path)?;
        let df = plan_query(ctx, &rel, &text, params).await?;
        let readable = then(PlannedOutput { spec, rel, text, df })
            .await?
            .with_column(crate::contract::PARTITION_COLUMN, dt.clone())
            .map_err(|e| VocError::internal(format!("output {}: {e}", spec.table)))?;
        ctx.register_table(spec.table.as_str(), readable.into_view())
            .map_err(|e| VocError::internal(format!("output {}: {e}", spec.table)))?;
        plan_views(ctx, cfg, job, params, Some(&spec.table)).await?;
    }
    Ok(())
}

/// Plans and registers the views of `job` that come `after` that output (None: before the first).
async fn plan_views(ctx: &SessionContext, cfg: &Config, job: &Job, params: &Params, after: Option<&str>) -> Result<()> {
    for (view, sql_path) in job.views.iter().filter(|(v, _)| v.after.as_deref() == after) {
        let (rel, text) = read_sql(cfg, sql_path)?;
        let df = plan_query(ctx, &rel, &text, params).await?;
        ctx.register_table(view.name.as_str(), df.into_view())
            .map_err(|e| VocError::internal(format!("view {}: {e}", view.name)))?;
    }
    Ok(())
}

/// A job's SQL file: its path relative to the project (for messages) and its text.
fn read_sql(cfg: &Config, sql_path: &Path) -> Result<(PathBuf, String)> {
    let rel = sql_path.strip_prefix(&cfg.project_dir).unwrap_or(sql_path).to_path_buf();
    let text = std::fs::read_to_string(sql_path).map_err(|e| VocError::config(format!("{}: {e}", rel.display())))?;
    Ok((rel, text))
}
