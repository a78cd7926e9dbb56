//! `voc`: parses the command line and hands over to the library.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

/// mimalloc, not the system allocator: the text functions allocate a few small strings a row
/// (labels, evidence, tags, masked text), and with glibc's malloc that is some 12% of
/// `analyze_text` (`benches/text.rs` uses the same allocator and gives both figures).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(name = "voc", version, about = "Batch analytics for e-commerce customer service on DataFusion")]
struct Cli {
    /// Folder holding jobs/, sql/, config/ and voc.toml.
    #[arg(long, global = true, env = "VOC_PROJECT", default_value = ".")]
    project: PathBuf,
    /// Configuration file (default: <project>/voc.toml when it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate sample data, run every job for every day, show what was written.
    Demo {
        #[arg(long, default_value = "voc-demo")]
        out: String,
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, default_value_t = 10)]
        shops: u32,
        #[arg(long, default_value_t = 10_000)]
        customers: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Write synthetic input tables (and their planted truth under _truth/).
    Generate {
        #[arg(long)]
        out: String,
        #[arg(long, value_parser = parse_date)]
        start: NaiveDate,
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, default_value_t = 20)]
        shops: u32,
        #[arg(long, default_value_t = 20_000)]
        customers: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Chat sessions per day over all shops (default: customers / 20).
        #[arg(long)]
        sessions_per_day: Option<u32>,
    },
    /// Run one job (or --all, in dependency order) for a date.
    Run {
        /// The job to run; omit with --all.
        job: Option<String>,
        #[arg(long, conflicts_with = "job")]
        all: bool,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// Also run every later date up to and including this one (a backfill).
        #[arg(long, value_parser = parse_date)]
        until: Option<NaiveDate>,
        #[arg(long)]
        input: Option<String>,
        #[arg(long)]
        output: Option<String>,
        /// Run the queries on this Ballista scheduler (df://host:port); also VOC_CLUSTER.
        #[arg(long)]
        cluster: Option<String>,
    },
    /// List jobs, what they read and the tables they write.
    List,
    /// Parse every job and plan every SQL file against the contract, without data.
    Validate,
    /// Every voc SQL function with its one-line doc and an example.
    Functions {
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Query inputs, outputs and files with SQL; no QUERY opens a prompt.
    Sql {
        query: Option<String>,
        #[arg(long, default_value = "table")]
        format: String,
        #[arg(long)]
        input: Option<String>,
        #[arg(long)]
        output: Option<String>,
        /// Run the queries on this Ballista scheduler (df://host:port); also VOC_CLUSTER.
        #[arg(long)]
        cluster: Option<String>,
    },
    /// Run a process of a Ballista cluster (the scheduler, or an executor) with voc's functions.
    Cluster {
        #[command(subcommand)]
        role: ClusterRole,
    },
}

#[derive(Subcommand, Debug)]
enum ClusterRole {
    /// The scheduler: plans the jobs' queries into stages and hands tasks to executors. Serves
    /// gRPC, /healthz and /readyz on one port.
    Scheduler {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:50050")]
        bind: std::net::SocketAddr,
        /// Host name executors and clients reach this scheduler by.
        #[arg(long, default_value = "localhost")]
        external_host: String,
        /// Seconds without a heartbeat after which an executor is dead and its tasks run again.
        #[arg(long, default_value_t = 30)]
        executor_timeout: u64,
    },
    /// An executor: runs tasks with voc's functions and the project's text rules.
    Executor {
        /// The scheduler, df://host:port.
        #[arg(long, env = "VOC_CLUSTER")]
        scheduler: String,
        #[arg(long, default_value = "0.0.0.0")]
        bind_host: String,
        /// Host name others fetch this executor's shuffle output and results from (default: the
        /// address the scheduler sees).
        #[arg(long)]
        external_host: Option<String>,
        /// Arrow Flight port (shuffle and results).
        #[arg(long, default_value_t = 50051)]
        port: u16,
        /// gRPC port the scheduler pushes tasks to.
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// /healthz and /readyz.
        #[arg(long, default_value_t = 50053)]
        health_port: u16,
        /// Shuffle files and spills.
        #[arg(long, default_value = "/tmp/voc-executor")]
        work_dir: PathBuf,
        /// Tasks at once; 0 = one per core.
        #[arg(long, default_value_t = 0)]
        vcores: usize,
        /// Seconds between heartbeats to the scheduler.
        #[arg(long, default_value_t = 5)]
        heartbeat: u64,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("expected a date as YYYY-MM-DD, found '{s}'"))
}

fn main() {
    let cli = Cli::parse();
    let quiet =
        matches!(cli.command, Command::Sql { .. } | Command::List | Command::Validate | Command::Functions { .. });
    voc_cli::logging::init(quiet);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let code = runtime.block_on(async move {
        let ctx = voc_cli::Ctx { project: cli.project, config: cli.config };
        let result = match cli.command {
            Command::Demo { out, days, shops, customers, seed } => {
                voc_cli::demo(&ctx, &out, days, shops, customers, seed).await
            }
            Command::Generate { out, start, days, shops, customers, seed, sessions_per_day } => {
                voc_cli::generate(&out, start, days, shops, customers, seed, sessions_per_day).await
            }
            Command::Run { job, all, date, until, input, output, cluster } => {
                voc_cli::run(&ctx, job, all, date, until, input, output, cluster).await
            }
            Command::List => voc_cli::list(&ctx).await,
            Command::Functions { format } => voc_cli::functions(&ctx, &format).await,
            Command::Validate => voc_cli::validate(&ctx).await,
            Command::Sql { query, format, input, output, cluster } => {
                voc_cli::sql(&ctx, query, &format, input, output, cluster).await
            }
            Command::Cluster { role: ClusterRole::Scheduler { bind, external_host, executor_timeout } } => {
                let opts = voc_engine::cluster::SchedulerOptions {
                    bind,
                    external_host,
                    executor_timeout_seconds: executor_timeout,
                };
                voc_cli::cluster_scheduler(&ctx, opts).await
            }
            Command::Cluster {
                role:
                    ClusterRole::Executor {
                        scheduler,
                        bind_host,
                        external_host,
                        port,
                        grpc_port,
                        health_port,
                        work_dir,
                        vcores,
                        heartbeat,
                    },
            } => match voc_engine::cluster::ClusterUrl::parse(&scheduler, "--scheduler") {
                Ok(scheduler) => {
                    let opts = voc_engine::cluster::ExecutorOptions {
                        scheduler,
                        bind_host,
                        external_host,
                        port,
                        grpc_port,
                        health_port,
                        work_dir,
                        vcores,
                        heartbeat_seconds: heartbeat,
                    };
                    voc_cli::cluster_executor(&ctx, opts).await
                }
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(()) => 0,
            Err(e) => {
                tracing::error!(kind = ?e.kind, exit_code = e.exit_code(), "{}", e.message);
                eprintln!("voc: {e}");
                e.exit_code()
            }
        }
    });
    std::process::exit(code);
}
