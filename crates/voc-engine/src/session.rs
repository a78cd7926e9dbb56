//! The one place a DataFusion session is made.
//!
//! `voc run`, `voc validate` and `voc sql` all get their context here, so the
//! memory pool, spill directory, time zone and registered functions are the
//! same everywhere. With a cluster configured (`--cluster`, `VOC_CLUSTER`, `cluster` in voc.toml)
//! the session plans here and runs its queries on Ballista ([`crate::cluster`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ballista::prelude::SessionConfigExt;
use ballista_core::extension::SessionStateExt;
use datafusion::catalog::MemorySchemaProvider;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::config::Config;
use crate::error::{Result, VocError};
use crate::storage::Root;

/// The catalog schema that holds raw (pre-staging) input tables.
pub const RAW_SCHEMA: &str = "raw";

/// Builds a session with voc's limits, settings and functions: local, or on the cluster of
/// `cfg.cluster`.
pub fn new_session(cfg: &Config) -> Result<SessionContext> {
    let mut rt = RuntimeEnvBuilder::new()
        .with_memory_pool(Arc::new(FairSpillPool::new(cfg.memory_limit_bytes)))
        .with_object_store_registry(Arc::new(crate::cluster::VocStores::default()));
    if let Some(dir) = &cfg.spill_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| VocError::config(format!("engine.spill_dir {}: cannot create: {e}", dir.display())))?;
        rt = rt.with_temp_file_path(dir);
    }
    let runtime = rt.build_arc().map_err(|e| VocError::config(format!("cannot build the engine runtime: {e}")))?;
    // 0 = one per core here; on a cluster, Ballista's default (16 partitions a stage).
    let partitions = match (cfg.target_partitions, &cfg.cluster) {
        (0, None) => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
        (0, Some(_)) => SessionConfig::new_with_ballista().target_partitions(),
        (n, _) => n,
    };
    // A cluster session starts from Ballista's settings (its extension, sort-merge joins, no
    // round-robin repartition); ours go on top and travel with every query to the scheduler and
    // executors.
    // Ballista 55's adaptive planner is off: on the return_root_causes job (a dynamic join
    // selection over a shuffle) its stage metrics went out of step and the scheduler re-ran one
    // stage's tasks without end (73,800 tasks in 23 minutes, tests/cluster.rs); the static
    // planner runs every job.
    let base = if cfg.cluster.is_some() {
        SessionConfig::new_with_ballista().with_ballista_adaptive_query_planner(false)
    } else {
        SessionConfig::new()
    };
    let mut sc = base
        .with_target_partitions(partitions)
        .with_batch_size(cfg.batch_size)
        .with_information_schema(true)
        .with_create_default_catalog_and_schema(true);
    // Spans let planning errors point at a line and column of the SQL file.
    sc.options_mut().sql_parser.collect_spans = true;
    sc.options_mut().execution.time_zone = Some(cfg.timezone.name().to_string());
    // Strings stay Utf8 rather than Utf8View (read from Parquet, and VARCHAR
    // in SQL): a view array's rows point into large data buffers that `take`
    // and repartitioning share between batches, and the memory pool charges
    // every sort and join that holds such a batch for the whole buffers. On a
    // 1M-message day that over-count (GBs reserved, ~0.6 GB resident)
    // exhausted engine.memory_limit. With plain strings the charge is what
    // is held.
    sc.options_mut().execution.parquet.schema_force_view_types = false;
    sc.options_mut().sql_parser.map_string_types_to_utf8view = false;
    let mut ctx = match &cfg.cluster {
        None => SessionContext::new_with_config_rt(sc, runtime),
        Some(cluster) => {
            let state = SessionStateBuilder::new()
                .with_config(sc)
                .with_runtime_env(runtime)
                .with_default_features()
                .build()
                .upgrade_for_ballista(cluster.endpoint())
                .map_err(|e| VocError::config(format!("cluster {cluster}: {e}")))?;
            SessionContext::new_with_state(state)
        }
    };
    // After the upgrade to Ballista, which replaces the function lists with its defaults.
    voc_udf::register_all(&mut ctx, analyzer(&cfg.project_dir)?)
        .map_err(|e| VocError::internal(format!("registering voc's functions: {e}")))?;
    let catalog = ctx.catalog("datafusion").ok_or_else(|| VocError::internal("the default catalog is missing"))?;
    catalog
        .register_schema(RAW_SCHEMA, Arc::new(MemorySchemaProvider::new()))
        .map_err(|e| VocError::internal(e.to_string()))?;
    Ok(ctx)
}

/// Makes a root's object store known to the session (idempotent).
pub fn register_root(ctx: &SessionContext, root: &Root) {
    ctx.register_object_store(root.store_url(), root.store().clone());
}

/// The text analyzer for a project: its `config/` rule files when the
/// folder exists, else the rules compiled into voc. Built once per process
/// and folder (loading the dictionary is the slow part), shared by every
/// session and thread. A malformed rule file is a configuration error that
/// names the file and line.
pub fn analyzer(project_dir: &Path) -> Result<Arc<voc_text::Analyzer>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<voc_text::Analyzer>>>> = OnceLock::new();
    let dir = project_dir.join("config");
    let cache = CACHE.get_or_init(Default::default);
    if let Some(a) = cache.lock().expect("not poisoned").get(&dir) {
        return Ok(a.clone());
    }
    let analyzer = if dir.is_dir() {
        let cfg = voc_text::TextConfig::load(&dir).map_err(|e| VocError::config(format!("rule file {e}")))?;
        Arc::new(voc_text::Analyzer::new(&cfg).map_err(|e| VocError::config(format!("rule file {e}")))?)
    } else {
        Arc::new(
            voc_text::Analyzer::new(&voc_text::TextConfig::builtin()).map_err(|e| VocError::internal(e.to_string()))?,
        )
    };
    cache.lock().expect("not poisoned").insert(dir, analyzer.clone());
    Ok(analyzer)
}
