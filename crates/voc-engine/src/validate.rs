//! `voc validate`: every staging view and every job's SQL planned against the contract schemas,
//! with no data.

use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;

use crate::catalog;
use crate::checks::run_checks;
use crate::config::Config;
use crate::contract;
use crate::error::{ErrorKind, Result, VocError};
use crate::job::JobSet;
use crate::output::no_partition_column;
use crate::plan::{plan_outputs, RunDates};
use crate::session::new_session;
use crate::sql::sql_error;
use crate::staging::stage_view;

/// Plans every staging view and every job's outputs as a run of today would, over empty tables
/// of the contract's schemas; returns a line per table that plans.
pub async fn validate(cfg: &Config, jobs: &JobSet) -> Result<Vec<String>> {
    let ctx = new_session(cfg)?;
    let today = cfg.today();
    let mut report = Vec::new();
    let params = RunDates::unlagged(today).params(cfg.timezone.name(), None);
    for table in contract::TABLES {
        let empty = empty_table(catalog::contract_with_dt(table).expect("contract"))?;
        ctx.register_table(catalog::raw_reference(table), empty).map_err(|e| VocError::internal(e.to_string()))?;
        stage_view(&ctx, &cfg.project_dir, table, &params).await.map_err(|e| VocError::config(e.message))?;
    }
    report.push(format!("staging: {} contract tables plan", contract::TABLES.len()));
    let all: Vec<String> = jobs.jobs.keys().cloned().collect();
    for job in jobs.order(&all)? {
        let dates = RunDates::new(job, today);
        let params = dates.params(cfg.timezone.name(), Some(job));
        crate::lookup::register(&ctx, &cfg.project_dir, &job.spec.lookups)?;
        plan_outputs(&ctx, cfg, job, &params, dates.partition, async |out| {
            // Optimising catches type errors that planning alone lets through.
            out.df
                .clone()
                .create_physical_plan()
                .await
                .map_err(|e| sql_error(ErrorKind::Config, &out.rel, &out.text, &e))?;
            let schema = out.df.schema().as_arrow().clone();
            no_partition_column(&schema, &out.spec.table, &out.rel)?;
            for c in &out.spec.checks {
                run_checks(&out.spec.table, &out.df, u64::MAX, std::slice::from_ref(c)).await.map_err(|e| {
                    if e.kind == ErrorKind::Config {
                        VocError::config(format!("{}: {}", job.file.display(), e.message))
                    } else {
                        VocError::config(format!(
                            "{}: output {}: check {} cannot run: {}",
                            job.file.display(),
                            out.spec.table,
                            c.describe(),
                            e.message
                        ))
                    }
                })?;
            }
            report.push(format!("{}: {} ({} columns) plans", job.name, out.spec.table, schema.fields().len()));
            // An empty stand-in; plan_outputs adds its dt as the run does.
            ctx.read_table(empty_table(Arc::new(schema))?).map_err(|e| VocError::internal(e.to_string()))
        })
        .await?;
    }
    Ok(report)
}

/// A table of `schema` with no rows.
fn empty_table(schema: SchemaRef) -> Result<Arc<MemTable>> {
    Ok(Arc::new(MemTable::try_new(schema, vec![vec![]]).map_err(|e| VocError::internal(e.to_string()))?))
}
