//! voc on a real Ballista cluster: a scheduler and two executors started from the voc binary as
//! separate processes on loopback, inputs and outputs on the S3-protocol server (moto) the S3
//! test uses. Every output table of `voc run --all --cluster` must hold the rows of the local
//! run (floats within 1e-9) and the same manifest apart from run ids, timings, file names and
//! the engine it ran on.

mod common;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use voc_engine::storage::Root;

/// The run covers two dates (`--date FIRST --until DAY`), the second reading what the first wrote.
const FIRST: &str = "2026-11-01";
const DAY: &str = "2026-11-02";

/// The tests that start a cluster run one at a time: two clusters, two runs and two moto servers
/// at once on two cores starve each other's heartbeats, and ports picked free by one can be taken
/// by the other before they are bound (a run hung 10 minutes once so).
static ONE_CLUSTER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_cluster_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_CLUSTER_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A cluster process; killed when dropped.
struct Proc {
    child: Child,
    name: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

struct Cluster {
    scheduler: Proc,
    executors: Vec<(Proc, u16)>,
    port: u16,
    _work: tempfile::TempDir,
}

impl Cluster {
    fn url(&self) -> String {
        format!("df://127.0.0.1:{}", self.port)
    }
}

/// GET on loopback; the status code, or None when nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    // One write: `write!` on a socket sends each piece of the format on its own.
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes()).ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, buf.rsplit("\r\n\r\n").next().unwrap_or("").to_string()))
}

fn cluster_process(moto: u16, args: &[String], log: &std::path::Path) -> Child {
    let mut c = voc_s3(moto);
    c.env("VOC_LOG_FORMAT", "text")
        .env("RUST_LOG", "info")
        .args(args)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    c.spawn().unwrap()
}

/// A scheduler and `n` executors, each its own `voc cluster …` process, ready when the
/// scheduler's /readyz and every executor's /readyz answer 200.
fn start_cluster(moto: u16, n: usize, executor_timeout: u64) -> Cluster {
    let work = tempfile::tempdir().unwrap();
    let port = free_port();
    let args: Vec<String> = [
        "cluster",
        "scheduler",
        "--bind",
        &format!("127.0.0.1:{port}"),
        "--external-host",
        "127.0.0.1",
        "--executor-timeout",
        &executor_timeout.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let scheduler =
        Proc { child: cluster_process(moto, &args, &work.path().join("scheduler.log")), name: "scheduler".into() };
    let mut executors = Vec::new();
    for i in 0..n {
        let (flight, grpc, health) = (free_port(), free_port(), free_port());
        let args: Vec<String> = [
            "cluster".to_string(),
            "executor".into(),
            "--scheduler".into(),
            format!("df://127.0.0.1:{port}"),
            "--bind-host".into(),
            "127.0.0.1".into(),
            "--external-host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            flight.to_string(),
            "--grpc-port".into(),
            grpc.to_string(),
            "--health-port".into(),
            health.to_string(),
            "--work-dir".into(),
            work.path().join(format!("executor-{i}")).to_str().unwrap().to_string(),
            "--vcores".into(),
            "2".into(),
            "--heartbeat".into(),
            "1".into(),
        ]
        .to_vec();
        let log = work.path().join(format!("executor-{i}.log"));
        executors.push((Proc { child: cluster_process(moto, &args, &log), name: format!("executor-{i}") }, health));
    }
    let mut cluster = Cluster { scheduler, executors, port, _work: work };
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let scheduler_ready = matches!(get(port, "/readyz"), Some((200, _)));
        let executors_ready = cluster.executors.iter().all(|(_, h)| matches!(get(*h, "/readyz"), Some((200, _))));
        if scheduler_ready && executors_ready {
            break;
        }
        let logs = cluster._work.path().to_path_buf();
        for p in std::iter::once(&mut cluster.scheduler).chain(cluster.executors.iter_mut().map(|(p, _)| p)) {
            let log = std::fs::read_to_string(logs.join(format!("{}.log", p.name))).unwrap_or_default();
            assert!(p.alive(), "{} exited: {log}", p.name);
        }
        assert!(Instant::now() < deadline, "the cluster was not ready within 90 s");
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(get(port, "/healthz").map(|r| r.0), Some(200));
    assert_eq!(get(cluster.executors[0].1, "/healthz").map(|r| r.0), Some(200));
    cluster
}

/// `voc run` for FIRST..=DAY (`what` is a job or `--all`), output to `output`; killed (and the
/// test failed) after 10 minutes. `during`, when given, is called every 200 ms while it runs.
fn run(moto: u16, what: &str, output: &str, cluster: Option<&str>, mut during: impl FnMut()) -> std::process::Output {
    let mut c = voc_s3(moto);
    c.args(["run", what, "--date", FIRST, "--until", DAY, "--input", "s3://voc-test/raw", "--output", output]);
    if let Some(url) = cluster {
        c.args(["--cluster", url]);
    }
    // Into files, not pipes: a pipe nobody reads while the run lives fills and stalls it.
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child =
        c.stdout(std::fs::File::create(&out).unwrap()).stderr(std::fs::File::create(&err).unwrap()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("voc run {what} {cluster:?} did not finish within 10 minutes");
        }
        during();
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = child.wait().unwrap();
    std::process::Output { status, stdout: std::fs::read(out).unwrap(), stderr: std::fs::read(err).unwrap() }
}

/// moto with a bucket holding a generated window: 5 days up to DAY, so that the jobs that look
/// back (refunds after orders, pre-sale sessions of D-1 written by D-1's run) have rows.
fn moto_with_input() -> Moto {
    let moto = start_moto();
    assert_eq!(http(moto.port, "PUT", "/voc-test").0, 200, "create bucket");
    let gen = ["--start", "2026-10-29", "--days", "5", "--shops", "3", "--customers", "1500", "--seed", "7"];
    assert_ok(&voc_s3(moto.port).args(["generate", "--out", "s3://voc-test/raw"]).args(gen).output().unwrap());
    moto
}

/// Every committed partition under an output root: "table/dt=…" → (manifest, rows).
type Partitions = BTreeMap<String, (serde_json::Value, Vec<Vec<Cell>>)>;

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Cell {
    Text(String),
    Float(f64),
}

fn read_root(rt: &tokio::runtime::Runtime, url: &str) -> Partitions {
    let root = Root::parse(url, false).unwrap();
    let objects = rt.block_on(root.list("")).unwrap();
    let mut out = Partitions::new();
    for o in &objects {
        let rel = root.relative(&o.location);
        let Some(partition) = rel.strip_suffix("/_SUCCESS") else { continue };
        if partition.starts_with('_') {
            continue;
        }
        let manifest: serde_json::Value =
            serde_json::from_slice(&rt.block_on(root.get_opt(&rel)).unwrap().unwrap()).unwrap();
        let mut rows = Vec::new();
        for o in objects.iter().filter(|f| root.relative(&f.location).starts_with(&format!("{partition}/part-"))) {
            let bytes = rt.block_on(root.get_opt(&root.relative(&o.location))).unwrap().unwrap();
            let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().build().unwrap();
            for b in reader {
                rows.extend(cells(&b.unwrap()));
            }
        }
        rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
        out.insert(partition.to_string(), (manifest, rows));
    }
    out
}

/// A batch's rows, float columns as numbers (compared within 1e-9), every other column as text.
fn cells(b: &RecordBatch) -> Vec<Vec<Cell>> {
    let opts = FormatOptions::default().with_null("∅");
    let cols: Vec<(Option<&datafusion::arrow::array::Float64Array>, ArrayFormatter)> = b
        .columns()
        .iter()
        .map(|c| {
            let f = (c.data_type() == &DataType::Float64)
                .then(|| c.as_primitive::<datafusion::arrow::datatypes::Float64Type>());
            (f, ArrayFormatter::try_new(c.as_ref(), &opts).unwrap())
        })
        .collect();
    (0..b.num_rows())
        .map(|r| {
            cols.iter()
                .map(|(f, fmt)| match f {
                    Some(f) if !f.is_null(r) => Cell::Float(f.value(r)),
                    _ => Cell::Text(fmt.value(r).to_string()),
                })
                .collect()
        })
        .collect()
}

fn same_rows(a: &[Vec<Cell>], b: &[Vec<Cell>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| match (p, q) {
                    (Cell::Float(p), Cell::Float(q)) => (p - q).abs() <= 1e-9 * p.abs().max(q.abs()).max(1.0),
                    _ => p == q,
                })
        })
}

/// A manifest without what differs between any two runs (run id, times, timings), the engine it
/// ran on, and what depends on row order within files (file names, hashes and bytes).
fn comparable(m: &serde_json::Value) -> serde_json::Value {
    let mut m = m.clone();
    for k in ["run_id", "started_at", "finished_at", "timings_ms", "engine"] {
        m.as_object_mut().unwrap().remove(k);
    }
    for o in m["outputs"].as_array_mut().unwrap() {
        let o = o.as_object_mut().unwrap();
        o.remove("files");
        o.remove("bytes");
    }
    m
}

/// Compares every partition of two output roots: the same partitions, the same rows (floats
/// within 1e-9) and manifests equal apart from what differs between any two runs. Returns the
/// equality table (partition, rows local, rows cluster, equal) and the partitions whose rows
/// differ; panics on different partitions or manifests.
fn compare(local: &Partitions, remote: &Partitions) -> (String, Vec<String>) {
    assert_eq!(local.keys().collect::<Vec<_>>(), remote.keys().collect::<Vec<_>>());
    let mut table = String::from("| partition | rows local | rows cluster | equal |\n| --- | ---: | ---: | --- |\n");
    let mut unequal = Vec::new();
    for (p, (lm, lrows)) in local {
        let (rm, rrows) = &remote[p];
        let equal = same_rows(lrows, rrows);
        table.push_str(&format!(
            "| {p} | {} | {} | {} |\n",
            lrows.len(),
            rrows.len(),
            if equal { "yes" } else { "NO" }
        ));
        if !equal {
            unequal.push(p.clone());
        }
        assert_eq!(comparable(lm), comparable(rm), "{p}: manifests differ");
        assert!(rm["engine"]["mode"].as_str().unwrap().starts_with("cluster df://127.0.0.1:"), "{}", rm["engine"]);
        assert_eq!(lm["engine"]["mode"], "local");
    }
    (table, unequal)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn every_job_on_a_cluster_of_two_executors_writes_what_the_local_run_writes() {
    let _one = one_cluster_at_a_time();
    let moto = moto_with_input();
    assert_ok(&run(moto.port, "--all", "s3://voc-test/local", None, || ()));

    let cluster = start_cluster(moto.port, 2, 30);
    let t = Instant::now();
    let o = run(moto.port, "--all", "s3://voc-test/cluster", Some(&cluster.url()), || ());
    assert_ok(&o);
    eprintln!("cluster run: {:.1?}\n{}", t.elapsed(), stdout(&o));

    use_moto_env(moto.port);
    let rt = runtime();
    let local = read_root(&rt, "s3://voc-test/local");
    let remote = read_root(&rt, "s3://voc-test/cluster");
    assert!(local.len() >= 40, "every job's tables for two dates: {:?}", local.keys());
    // The second date's run reads what the first wrote: every table it writes has rows.
    let empty: Vec<&String> =
        local.iter().filter(|(_, (m, rows))| rows.is_empty() && m["date"] == DAY).map(|(p, _)| p).collect();
    assert!(empty.is_empty(), "tables the run for {DAY} left empty: {empty:?}");
    let (table, unequal) = compare(&local, &remote);
    eprintln!("{table}");
    assert!(unequal.is_empty(), "rows differ in {unequal:?}");
}

/// Counts the tasks an executor has started, from its log.
fn tasks_started(log: &std::path::Path) -> usize {
    std::fs::read_to_string(log).unwrap_or_default().matches("Execute task").count()
}

/// The Ballista jobs the executors have started tasks of ("Execute task  : [TID job/stage…").
fn jobs_started(logs: &[std::path::PathBuf]) -> std::collections::BTreeSet<String> {
    logs.iter()
        .flat_map(|l| {
            let text = std::fs::read_to_string(l).unwrap_or_default();
            text.split("[TID ").skip(1).filter_map(|t| t.split('/').next().map(str::to_string)).collect::<Vec<_>>()
        })
        .collect()
}

/// One executor of two is killed (SIGKILL) as soon as the executors have started tasks of the
/// run's third Ballista job: its output query, after the input checks of chat_messages and
/// call_transcripts ([`voc_engine::quality`]), message_insights being the biggest row-level job. Ballista's scheduler notices the silent executor after its
/// executor timeout (5 s here; executors beat every second) and runs the lost tasks, and any
/// shuffle output the dead executor held, again on the survivor. The run either completes with
/// the local run's rows, or fails with a non-zero exit code and an error line, its partition not
/// published; in both cases the cluster, one executor down, then runs the job to the local rows.
/// Last, the scheduler is killed during a run: that run fails at once and publishes nothing.
#[test]
fn a_job_survives_a_killed_executor_and_fails_cleanly_without_its_scheduler() {
    let _one = one_cluster_at_a_time();
    let moto = moto_with_input();
    assert_ok(&run(moto.port, "message_insights", "s3://voc-test/local", None, || ()));

    let mut cluster = start_cluster(moto.port, 2, 5);
    let logs: Vec<std::path::PathBuf> =
        (0..2).map(|i| cluster._work.path().join(format!("executor-{i}.log"))).collect();
    let before = jobs_started(&logs);
    let mut killed = None;
    let t = Instant::now();
    let o = run(moto.port, "message_insights", "s3://voc-test/killed", Some(&cluster.url()), || {
        if killed.is_none() && jobs_started(&logs).difference(&before).count() >= 3 {
            let (p, _) = &mut cluster.executors[0];
            p.child.kill().unwrap();
            p.child.wait().unwrap();
            killed = Some(t.elapsed());
        }
    });
    let killed = killed.expect("executor-0 started a task of message_insights before the run ended");
    eprintln!(
        "executor-0 killed {killed:.1?} into the run; the run ended after {:.1?} with {:?}\n{}",
        t.elapsed(),
        o.status.code(),
        stderr(&o).lines().rev().take(3).collect::<Vec<_>>().join("\n")
    );

    use_moto_env(moto.port);
    let rt = runtime();
    let local = read_root(&rt, "s3://voc-test/local");
    let killed_run = read_root(&rt, "s3://voc-test/killed");
    // What the scheduler did about it: it removes the silent executor 5 s after its last beat.
    let read_log = || std::fs::read_to_string(cluster._work.path().join("scheduler.log")).unwrap_or_default();
    let until = Instant::now() + Duration::from_secs(15);
    while !read_log().contains("Removing executor") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
    }
    let scheduler_log = read_log();
    let recovery: Vec<&str> =
        scheduler_log.lines().filter(|l| l.contains("Removing executor") || l.contains("Reset ")).collect();
    eprintln!("scheduler:\n{}", recovery.join("\n"));
    if o.status.success() {
        assert!(
            recovery.iter().any(|l| l.contains("Removing executor")),
            "the scheduler removed the killed executor:\n{scheduler_log}"
        );
        eprintln!("outcome: completed; the scheduler removed executor-0 and re-ran its tasks on executor-1");
        let (table, unequal) = compare(&local, &killed_run);
        assert!(unequal.is_empty(), "rows differ in {unequal:?}\n{table}");
    } else {
        eprintln!("outcome: failed with exit code {:?}", o.status.code());
        assert!(matches!(o.status.code(), Some(c) if c != 0), "a failed run exits with voc's code: {}", stderr(&o));
        assert!(error_line(&o).contains("message_insights"), "the error names the job: {}", error_line(&o));
        // A partition is published by its _SUCCESS: the date the kill hit has none; a date that
        // completed before it has the local rows.
        assert!(killed_run.len() < local.len(), "{:?}", killed_run.keys());
        for (p, (_, rows)) in &killed_run {
            assert!(same_rows(&local[p].1, rows), "{p}");
        }
    }
    // The cluster lives on with one executor: the same job completes there.
    assert!(cluster.scheduler.alive());
    assert_ok(&run(moto.port, "message_insights", "s3://voc-test/after", Some(&cluster.url()), || ()));
    let after = read_root(&rt, "s3://voc-test/after");
    let (table, unequal) = compare(&local, &after);
    assert!(unequal.is_empty(), "rows differ in {unequal:?}\n{table}");

    // A scheduler killed during a job ends the client's job-status stream: the run fails at once
    // (it does not wait for a scheduler that will not answer) and publishes nothing.
    let log = cluster._work.path().join("executor-1.log");
    let before = tasks_started(&log);
    let mut killed = None;
    let t = Instant::now();
    let o = run(moto.port, "message_insights", "s3://voc-test/orphaned", Some(&cluster.url()), || {
        if killed.is_none() && tasks_started(&log) > before {
            cluster.scheduler.child.kill().unwrap();
            cluster.scheduler.child.wait().unwrap();
            killed = Some(t.elapsed());
        }
    });
    let killed = killed.expect("executor-1 started a task before the run ended");
    eprintln!(
        "scheduler killed {killed:.1?} into the run; the run ended after {:.1?} with {:?}: {}",
        t.elapsed(),
        o.status.code(),
        error_line(&o)
    );
    assert!(!o.status.success(), "a run whose scheduler died cannot have completed");
    assert!(error_line(&o).contains("message_insights"), "the error names the job: {}", error_line(&o));
    assert!(error_line(&o).contains("stopped answering during the query"), "and says why: {}", error_line(&o));
    assert!(read_root(&rt, "s3://voc-test/orphaned").is_empty(), "nothing published");
}

/// deploy/k8s validates against the Kubernetes schema (offline, kubernetes-validate's bundled
/// schemas; `scripts/test` installs it), and every voc command a manifest runs parses.
#[test]
fn the_kubernetes_manifests_validate_and_their_voc_commands_parse() {
    let dir = repo().join("deploy/k8s");
    let mut files: Vec<_> = std::fs::read_dir(dir.join("ballista")).unwrap().map(|e| e.unwrap().path()).collect();
    files.push(dir.join("cronjob-run-all.yaml"));
    files.sort();
    let o = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "--quiet"])
        .args(&files)
        .output()
        .expect("python3 runs");
    assert!(o.status.success(), "kubernetes-validate:\n{}\n{}", stdout(&o), stderr(&o));
    // The container args of the scheduler and executor: `voc <args> --help` parses them first.
    let mut checked = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let args: Vec<String> = if let Some(inline) = line.trim().strip_prefix("args: [") {
                inline.trim_end_matches(']').split(", ").map(|a| a.trim_matches('"').to_string()).collect()
            } else if line.trim() == "args:" && lines[i + 1].trim() == "- cluster" {
                lines[i + 1..]
                    .iter()
                    .take_while(|l| l.trim().starts_with("- "))
                    .map(|l| l.trim()[2..].to_string())
                    .collect()
            } else if let Some(cmd) = line.trim().strip_prefix("- exec voc ") {
                // the CronJobs: a shell line; its date is computed by the shell
                cmd.replace("\"$(TZ=Asia/Shanghai date -d yesterday +%F)\"", "2026-11-01")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect()
            } else {
                continue;
            };
            let o = voc().args(&args).arg("--help").output().unwrap();
            assert!(o.status.success(), "{}: voc {}: {}", f.display(), args.join(" "), stderr(&o));
            checked += 1;
        }
    }
    assert!(checked >= 4, "the scheduler, executor and both CronJobs' commands: {checked}");

    // One image for all of them: the Dockerfile's tag, with voc as its entry point (the
    // manifests give voc's arguments) and the cluster ports exposed.
    let dockerfile = std::fs::read_to_string(repo().join("deploy/Dockerfile")).unwrap();
    assert!(dockerfile.contains("-t voc:latest") && dockerfile.contains("ENTRYPOINT [\"voc\"]"), "{dockerfile}");
    let exposed: Vec<&str> = dockerfile
        .lines()
        .find_map(|l| l.strip_prefix("EXPOSE "))
        .expect("the Dockerfile exposes the cluster ports")
        .split_whitespace()
        .collect();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for image in text.lines().filter_map(|l| l.trim().strip_prefix("image: ")) {
            assert_eq!(image, "voc:latest", "{}", f.display());
        }
        for port in text.lines().filter_map(|l| l.split("containerPort: ").nth(1)) {
            let port = port.trim_end_matches(['}', ' ']);
            assert!(exposed.contains(&port), "{}: port {port} is not exposed by the Dockerfile", f.display());
        }
    }
}
