//! Staging views: each contract table as the job's SQL sees it. `raw.<table>` is the shop's dump
//! as registered by the [`catalog`](crate::catalog); `<table>` is the project's
//! `sql/staging/<table>.sql` over it (or the raw table as is), held to the input contract.

use std::path::Path;

use datafusion::prelude::SessionContext;

use crate::catalog::{self, InputStats};
use crate::contract;
use crate::error::{ErrorKind, Result, VocError};
use crate::job::Job;
use crate::plan::RunDates;
use crate::runner::Roots;
use crate::sql::{plan_query, Params};

/// Registers every input of `job` for its run dates (contract tables through their staging
/// views, other jobs' outputs as they are) and returns what was read.
pub async fn register_inputs(
    ctx: &SessionContext,
    project_dir: &Path,
    roots: &Roots,
    job: &Job,
    dates: &RunDates,
    params: &Params,
) -> Result<Vec<InputStats>> {
    let mut stats = Vec::new();
    for (table, spec) in &job.spec.inputs {
        let window = dates.window(table);
        if contract::schema(table).is_some() {
            let scanned = catalog::scan_table(&roots.input, table, window, spec.required, false).await?;
            if scanned.last_day_rows == Some(0) && !spec.allow_empty {
                refuse_empty_dump(roots, job, table, window).await?;
            }
            let (reference, schema) = (catalog::raw_reference(table), contract::schema(table));
            catalog::register_window(ctx, &roots.input, table, &scanned, window, reference, schema).await?;
            stage_view(ctx, project_dir, table, params).await?;
            let mut st = scanned.stats;
            st.rejected_rows = crate::quality::check_input(ctx, &roots.output, job, table).await?.rows;
            stats.push(st);
        } else {
            let scanned = catalog::scan_table(&roots.output, table, window, spec.required, true).await?;
            catalog::register_committed(ctx, &roots.output, table, &scanned.by_date, table.into()).await?;
            stats.push(scanned.stats);
        }
    }
    Ok(stats)
}

/// A dump with no rows is refused when the day before had at least this many.
pub const EMPTY_AFTER_ROWS: u64 = 100;

/// The window's last day of `table` has files but no rows: refused when the day before had
/// [`EMPTY_AFTER_ROWS`] or more.
async fn refuse_empty_dump(roots: &Roots, job: &Job, table: &str, window: &[chrono::NaiveDate]) -> Result<()> {
    let last = *window.last().expect("a window has a day");
    let before = last - chrono::Duration::days(1);
    let previous = catalog::scan_table(&roots.input, table, &[before], false, false).await?;
    if previous.stats.rows < EMPTY_AFTER_ROWS {
        return Ok(()); // a quiet table (few calls, refunds or reviews a day) can have an empty day
    }
    Err(VocError::bad_input(format!(
        "table {table} at {}: partition {} has files but 0 rows, and {} had {} rows; an emptied dump would replace published outputs with empty ones. If an empty day is expected, set allow_empty = true on input {table} in jobs/{}.toml",
        roots.input.url_of(table, true),
        catalog::partition_dir(last),
        catalog::partition_dir(before),
        previous.stats.rows,
        job.name
    )))
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
