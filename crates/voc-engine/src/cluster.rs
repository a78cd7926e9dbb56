//! voc on an Apache DataFusion Ballista cluster: the scheduler and executor processes, and what
//! every process of a cluster shares.
//!
//! Both processes are Ballista 55's own (`ballista-scheduler`, `ballista-executor`, no fork),
//! started from the voc binary (`voc cluster scheduler`, `voc cluster executor`) so one image runs
//! the whole cluster. What voc adds to them:
//!
//! - **voc's functions.** Ballista ships plans with functions by name. The scheduler decodes a
//!   client's logical plan with the session its [`SessionBuilder`] makes, and an executor decodes
//!   its tasks with its [`BallistaFunctionRegistry`]; both are built by [`voc_state`], which
//!   registers every voc scalar function and aggregate with the text analyzer loaded from the
//!   project's `config/` folder, as a local run does.
//! - **Object stores.** `s3://` buckets and `file://` paths resolve on every process through
//!   [`VocStores`]: a bucket's client is made on first use, with the credentials, region and
//!   endpoint of that process's standard AWS environment (the same rules as a local run's
//!   storage roots). Nothing about storage travels in session settings.
//! - **Health.** The scheduler answers `/healthz` and `/readyz` (an executor is registered) on
//!   its gRPC port; an executor answers both on its own health port (ready after its first
//!   heartbeat was acknowledged).
//!
//! The client side, a session whose queries run on the cluster, is made in
//! [`crate::session::new_session`] like every other session.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_executor::health::ExecutorHealth;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use ballista_scheduler::SessionBuilder;
use datafusion::execution::object_store::{DefaultObjectStoreRegistry, ObjectStoreRegistry};
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::SessionConfig;
use object_store::ObjectStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use url::Url;

use crate::config::Config;
use crate::error::{Result, VocError};
use crate::storage::Root;

/// The scheme of a cluster address: `df://host:port`, Ballista's own.
pub const SCHEME: &str = "df://";

/// A scheduler address, parsed and checked: `df://host:port` (port 50050 when left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterUrl {
    pub host: String,
    pub port: u16,
}

impl ClusterUrl {
    /// Parses `df://host[:port]`; `origin` names where the value came from for the error.
    pub fn parse(spec: &str, origin: &str) -> Result<Self> {
        let bad = |why: &str| {
            VocError::config(format!("{origin}: expected a scheduler address df://host:port, found '{spec}' ({why})"))
        };
        let rest = spec.trim().strip_prefix(SCHEME).ok_or_else(|| bad("it does not start with df://"))?;
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad("the port is not a number 1-65535"))?),
            None => (rest, 50050),
        };
        if host.is_empty() || host.contains('/') || port == 0 {
            return Err(bad("no host, or a path after it"));
        }
        Ok(Self { host: host.to_string(), port })
    }

    /// The gRPC endpoint Ballista's client connects to.
    pub fn endpoint(&self) -> String {
        format!("http://{}:{}", self.host, self.port)
    }
}

impl std::fmt::Display for ClusterUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{SCHEME}{}:{}", self.host, self.port)
    }
}

/// What Ballista's client says when the cluster goes away under a query: the scheduler's
/// job-status stream or an executor's result stream broke, or nothing answers.
const LOST_CLUSTER: [&str; 7] = [
    "h2 protocol error",
    "transport error",
    "Stream closed without job completing",
    "Connection refused",
    "Failed to connect",
    "error trying to connect",
    "broken pipe",
];

/// A query error that means the cluster (its scheduler, or an executor holding results) stopped
/// answering gets that said in words, with what it means for the job; others pass unchanged.
pub fn explain_lost_cluster(e: VocError, cluster: &ClusterUrl) -> VocError {
    if !LOST_CLUSTER.iter().any(|m| e.message.contains(m)) {
        return e;
    }
    let mut e = e;
    e.message.push_str(&format!(
        " — the Ballista cluster at {cluster} stopped answering during the query (its scheduler, \
         or an executor holding results, is gone); nothing of this job was published: run it again \
         once the cluster is back"
    ));
    e
}

/// Object stores for every process of a cluster (and for the client): `file://` is the local
/// file system, and each `s3://bucket` gets a client on first use, made from the process's AWS
/// environment exactly as a storage root is ([`Root::parse`]). Stores registered explicitly
/// (a run's own roots) win.
#[derive(Debug, Default)]
pub struct VocStores {
    inner: DefaultObjectStoreRegistry,
}

impl ObjectStoreRegistry for VocStores {
    fn register_store(&self, url: &Url, store: Arc<dyn ObjectStore>) -> Option<Arc<dyn ObjectStore>> {
        self.inner.register_store(url, store)
    }

    fn deregister_store(&self, url: &Url) -> datafusion::common::Result<Arc<dyn ObjectStore>> {
        self.inner.deregister_store(url)
    }

    fn get_store(&self, url: &Url) -> datafusion::common::Result<Arc<dyn ObjectStore>> {
        if let Ok(store) = self.inner.get_store(url) {
            return Ok(store);
        }
        match (url.scheme(), url.host_str()) {
            ("s3", Some(bucket)) => {
                let root = Root::parse(&format!("s3://{bucket}"), false)
                    .map_err(|e| datafusion::common::DataFusionError::External(Box::new(e)))?;
                let store = root.store().clone();
                self.inner.register_store(root.store_url(), store.clone());
                Ok(store)
            }
            _ => self.inner.get_store(url),
        }
    }
}

/// The session every cluster process plans and decodes with: DataFusion's defaults, Ballista's
/// optimizer rules, voc's functions (with the project's text rules) and [`VocStores`].
/// Loading the rules is checked once, when the process starts.
pub fn voc_state(project_dir: &Path, stores: Arc<VocStores>) -> Result<SessionBuilder> {
    let analyzer = crate::session::analyzer(project_dir)?;
    Ok(Arc::new(move |config: SessionConfig| {
        let runtime = RuntimeEnvBuilder::new().with_object_store_registry(stores.clone()).build_arc()?;
        let mut state = SessionStateBuilder::new()
            .with_config(config)
            .with_runtime_env(runtime)
            .with_default_features()
            .with_optimizer_rules(ballista_core::optimizer::ballista_default_optimizer_rules())
            .build();
        voc_udf::register_all(&mut state, analyzer.clone())?;
        Ok(state)
    }))
}

/// How `voc cluster scheduler` runs.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Where the gRPC (and health) port listens, e.g. 0.0.0.0:50050.
    pub bind: SocketAddr,
    /// The host executors and clients reach this scheduler by.
    pub external_host: String,
    /// An executor silent this long is dead: its running tasks, and the shuffle output it held,
    /// are run again elsewhere.
    pub executor_timeout_seconds: u64,
}

/// Runs a scheduler until SIGINT or SIGTERM.
pub async fn run_scheduler(cfg: &Config, opts: SchedulerOptions) -> Result<()> {
    let project_dir = cfg.project_dir.as_path();
    let stores = Arc::new(VocStores::default());
    let config = SchedulerConfig {
        bind_host: opts.bind.ip().to_string(),
        bind_port: opts.bind.port(),
        external_host: opts.external_host.clone(),
        override_session_builder: Some(voc_state(project_dir, stores)?),
        executor_timeout_seconds: opts.executor_timeout_seconds,
        // Look for silent executors every second: a dead one is noticed within the timeout.
        expire_dead_executor_interval_seconds: 1,
        ..Default::default()
    };
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| VocError::internal(format!("cluster scheduler: {e}")))?;
    tracing::info!(bind = %opts.bind, external_host = %opts.external_host, "ballista scheduler starting");
    tokio::select! {
        r = start_server(cluster, opts.bind, Arc::new(config)) => {
            r.map_err(|e| VocError::storage(format!("cluster scheduler on {}: {e}", opts.bind)))
        }
        _ = shutdown_signal() => {
            tracing::info!("ballista scheduler stopping");
            Ok(())
        }
    }
}

/// How `voc cluster executor` runs.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    pub scheduler: ClusterUrl,
    /// The address the Flight (shuffle and results) and gRPC ports listen on.
    pub bind_host: String,
    /// The host the scheduler, other executors and clients reach this executor by; None: the
    /// address the scheduler sees.
    pub external_host: Option<String>,
    /// Arrow Flight: shuffle partitions and results are fetched from here.
    pub port: u16,
    /// The gRPC port the scheduler pushes tasks to.
    pub grpc_port: u16,
    /// `/healthz` and `/readyz` for Kubernetes probes.
    pub health_port: u16,
    /// Shuffle files and spills.
    pub work_dir: PathBuf,
    /// Tasks run at once; 0: one per core.
    pub vcores: usize,
    pub heartbeat_seconds: u64,
}

/// Runs an executor until SIGINT or SIGTERM (Ballista's own handler drains running tasks).
///
/// Its functions are made once, for the business time zone of its project (`VOC_TIMEZONE`, else
/// voc.toml): time functions such as `to_timestamp_millis` fix their result type by the session's
/// zone, and an executor decodes every task with these instances. A client whose zone differs
/// fails its query with a type assertion naming both zones, before anything is written.
pub async fn run_executor(cfg: &Config, opts: ExecutorOptions) -> Result<()> {
    let project_dir = cfg.project_dir.as_path();
    std::fs::create_dir_all(&opts.work_dir)
        .map_err(|e| VocError::config(format!("--work-dir {}: cannot create: {e}", opts.work_dir.display())))?;
    let stores = Arc::new(VocStores::default());
    let mut session = SessionConfig::new();
    session.options_mut().execution.time_zone = Some(cfg.timezone.name().to_string());
    let state = voc_state(project_dir, stores.clone())?(session)
        .map_err(|e| VocError::internal(format!("cluster executor session: {e}")))?;
    let work_dir = opts.work_dir.clone();
    let runtime = Arc::new(move |_: &SessionConfig| -> datafusion::common::Result<Arc<RuntimeEnv>> {
        RuntimeEnvBuilder::new()
            .with_temp_file_path(work_dir.clone())
            .with_object_store_registry(stores.clone())
            .build_arc()
    });
    let config = ExecutorProcessConfig {
        bind_host: opts.bind_host.clone(),
        external_host: opts.external_host.clone(),
        port: opts.port,
        grpc_port: opts.grpc_port,
        scheduler_host: opts.scheduler.host.clone(),
        scheduler_port: opts.scheduler.port,
        scheduler_connect_timeout_seconds: 30,
        vcores: opts.vcores,
        work_dir: Some(opts.work_dir.to_string_lossy().to_string()),
        executor_heartbeat_interval_seconds: opts.heartbeat_seconds,
        override_function_registry: Some(Arc::new(BallistaFunctionRegistry::from(&state))),
        override_runtime_producer: Some(runtime),
        ..Default::default()
    };
    let health = config.health.clone();
    let health_addr: SocketAddr = format!("{}:{}", opts.bind_host, opts.health_port)
        .parse()
        .map_err(|e| VocError::config(format!("--bind-host {}: {e}", opts.bind_host)))?;
    let listener = tokio::net::TcpListener::bind(health_addr)
        .await
        .map_err(|e| VocError::config(format!("health port {health_addr}: {e}")))?;
    tokio::spawn(serve_health(listener, health));
    tracing::info!(scheduler = %opts.scheduler, port = opts.port, grpc_port = opts.grpc_port, "ballista executor starting");
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| VocError::storage(format!("cluster executor (scheduler {}): {e}", opts.scheduler)))
}

/// A minimal HTTP/1 responder: `/healthz` is 200 while the process lives, `/readyz` 200 once
/// the scheduler acknowledged a heartbeat (503 before, and when heartbeats fail).
async fn serve_health(listener: tokio::net::TcpListener, health: ExecutorHealth) {
    loop {
        let Ok((mut conn, _)) = listener.accept().await else { continue };
        let health = health.clone();
        tokio::spawn(async move {
            // The request line may come in pieces: read until the headers end (or 1 KiB).
            let mut buf = [0u8; 1024];
            let mut n = 0;
            while n < buf.len() && !buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf[n..]).await {
                    Ok(0) | Err(_) => break,
                    Ok(k) => n += k,
                }
            }
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match path {
                "/healthz" => ("200 OK", "ok\n"),
                "/readyz" if health.is_ready() => ("200 OK", "ready\n"),
                "/readyz" => ("503 Service Unavailable", "not ready: no heartbeat acknowledged yet\n"),
                _ => ("404 Not Found", "not found\n"),
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(reply.as_bytes()).await;
        });
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_urls_are_df_host_port() {
        assert_eq!(ClusterUrl::parse("df://sched:50050", "--cluster").unwrap().endpoint(), "http://sched:50050");
        assert_eq!(ClusterUrl::parse("df://10.0.0.5", "x").unwrap().port, 50050);
        assert_eq!(ClusterUrl::parse("df://h:1/", "x").unwrap().to_string(), "df://h:1");
        for bad in ["sched:50050", "df://", "df://h:port", "df://h:0", "http://h:1", "df://h:1/path"] {
            let e = ClusterUrl::parse(bad, "VOC_CLUSTER").unwrap_err();
            assert!(e.message.starts_with("VOC_CLUSTER: expected a scheduler address df://host:port"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_lost_cluster_is_said_in_words_and_other_errors_pass_unchanged() {
        let url = ClusterUrl::parse("df://sched:50050", "x").unwrap();
        let lost = VocError::internal(
            "output message_insights: Execution error: code: 'Unknown error', message: \"h2 protocol error: error reading a body from connection\"",
        );
        let e = explain_lost_cluster(lost, &url);
        assert!(e.message.contains("the Ballista cluster at df://sched:50050 stopped answering"), "{e}");
        assert!(e.message.contains("nothing of this job was published"), "{e}");
        assert_eq!(e.exit_code(), 1);
        let other = VocError::internal("output t: Arrow error: Divide by zero error");
        assert_eq!(explain_lost_cluster(other.clone(), &url).message, other.message);
    }

    #[test]
    fn every_process_finds_voc_functions_and_stores() {
        let stores = Arc::new(VocStores::default());
        let state = voc_state(Path::new("/nonexistent"), stores.clone()).unwrap()(SessionConfig::new()).unwrap();
        let registry = BallistaFunctionRegistry::from(&state);
        for f in voc_udf::scalar_udfs(crate::session::analyzer(Path::new("/nonexistent")).unwrap()) {
            assert!(registry.scalar_functions.contains_key(f.name()), "{}", f.name());
        }
        for f in voc_udf::aggregate_udfs() {
            assert!(registry.aggregate_functions.contains_key(f.name()), "{}", f.name());
        }
        assert!(stores.get_store(&Url::parse("file:///tmp").unwrap()).is_ok());
        assert!(stores.get_store(&Url::parse("s3://some-bucket/x").unwrap()).is_ok());
        assert!(stores.get_store(&Url::parse("gs://b/x").unwrap()).is_err());
    }
}
