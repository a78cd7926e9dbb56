//! S3 faults: voc runs against moto through a proxy that injects them (`tests/fault_proxy.py`):
//! a minute of 503s during the commit, 503s on input reads beyond the retry budget, dropped
//! connections, requests applied whose answer is lost, slow PUTs, and a store that goes down in
//! the middle of a commit. After each: the exit code, and whether the partition is whole (its
//! `_SUCCESS` names exactly the files in its folder, nothing left in `_staging`) and equal to a
//! run without faults.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::*;
use datafusion::arrow::util::display::array_value_to_string;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use voc_engine::storage::Root;

const DATE: &str = "2026-11-01";
const JOB: &str = "message_insights";

struct FaultProxy {
    child: Child,
    port: u16,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_proxy(upstream: u16) -> FaultProxy {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = repo().join("tests/fault_proxy.py");
    let child = Command::new("python3")
        .arg(script)
        .args([port.to_string(), upstream.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the fault proxy did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    FaultProxy { child, port }
}

/// Sets the proxy's rules (see tests/fault_proxy.py); returns its answer.
fn faults(proxy: &FaultProxy, rules: &str) -> serde_json::Value {
    let mut s = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    write!(
        s,
        "POST /__fault__ HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{rules}",
        rules.len()
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    serde_json::from_str(buf.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

/// What the proxy injected since its rules were last set.
fn injected(proxy: &FaultProxy) -> serde_json::Value {
    let mut s = TcpStream::connect(("127.0.0.1", proxy.port)).unwrap();
    write!(s, "GET /__fault__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    serde_json::from_str::<serde_json::Value>(buf.split("\r\n\r\n").nth(1).unwrap()).unwrap()["injected"].clone()
}

/// `voc run message_insights` for the day, through `port` (the proxy, or moto itself).
fn run(port: u16, output: &str, retry_seconds: Option<u64>) -> (Output, Duration) {
    run_with(port, output, retry_seconds, &[])
}

fn run_with(port: u16, output: &str, retry_seconds: Option<u64>, extra: &[&str]) -> (Output, Duration) {
    let mut c = voc_s3(port);
    c.args(extra).args(["run", JOB, "--date", DATE, "--input", "s3://voc-test/raw", "--output", output]);
    if let Some(s) = retry_seconds {
        c.env("VOC_S3_RETRY_SECONDS", s.to_string());
    }
    let t = Instant::now();
    let o = c.output().unwrap();
    (o, t.elapsed())
}

/// The partition's rows as sorted text, or why it is not whole: its manifest names exactly the
/// `.parquet` files of its folder, and no staging is left.
async fn whole_partition(url: &str) -> Result<Vec<String>, String> {
    let root = Root::parse(url, false).unwrap();
    let day = NaiveDate::parse_from_str(DATE, "%Y-%m-%d").unwrap();
    let named =
        voc_engine::catalog::committed_files(&root, JOB, day).await.map_err(|e| e.to_string())?.ok_or("no _SUCCESS")?;
    let mut in_folder: Vec<String> = root
        .list(&format!("{JOB}/dt={DATE}"))
        .await
        .unwrap()
        .iter()
        .map(|m| m.location.to_string())
        .filter(|p| p.ends_with(".parquet"))
        .collect();
    let mut names: Vec<String> = named.iter().map(|m| m.location.to_string()).collect();
    in_folder.sort();
    names.sort();
    if in_folder != names {
        return Err(format!("folder {in_folder:?} but manifest {names:?}"));
    }
    let staging = root.list("_staging").await.unwrap();
    if !staging.is_empty() {
        return Err(format!("{} staging object(s) left, for the next start", staging.len()));
    }
    let mut rows = Vec::new();
    for m in &named {
        let bytes = root.get_opt(&root.relative(&m.location)).await.unwrap().unwrap();
        for b in ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap().build().unwrap() {
            let b = b.unwrap();
            for i in 0..b.num_rows() {
                let cells: Vec<String> =
                    b.columns().iter().map(|c| array_value_to_string(c, i).unwrap_or_default()).collect();
                rows.push(cells.join("\u{1}"));
            }
        }
    }
    rows.sort();
    Ok(rows)
}

#[test]
fn runs_and_commits_ride_out_s3_faults_or_fail_with_6_leaving_a_whole_partition() {
    let moto = start_moto();
    assert_eq!(http(moto.port, "PUT", "/voc-test").0, 200, "create bucket");
    let gen = ["--start", DATE, "--days", "1", "--shops", "3", "--customers", "1500", "--seed", "7"];
    assert_ok(&voc_s3(moto.port).args(["generate", "--out", "s3://voc-test/raw"]).args(gen).output().unwrap());
    use_moto_env(moto.port);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    assert_ok(&run(moto.port, "s3://voc-test/clean", None).0);
    let clean = rt.block_on(whole_partition("s3://voc-test/clean")).unwrap();
    assert!(clean.len() > 500);
    let proxy = start_proxy(moto.port);
    let mut table = vec![
        "| fault | exit | seconds | injected | partition after |".to_string(),
        "| --- | ---: | ---: | --- | --- |".to_string(),
    ];
    let mut note = |what: &str, o: &Output, t: Duration, url: &str| {
        let after = match rt.block_on(whole_partition(url)) {
            Ok(rows) if rows == clean => "whole, equal to the run without faults".to_string(),
            Ok(_) => "whole, DIFFERENT rows".to_string(),
            Err(e) => format!("not committed ({e})"),
        };
        table.push(format!(
            "| {what} | {} | {:.1} | {} | {after} |",
            o.status.code().unwrap_or(-1),
            t.as_secs_f64(),
            injected(&proxy)
        ));
        after
    };

    // A minute of 503 SlowDown from the moment the commit writes its journal: retried through.
    faults(&proxy, r#"{"match": "/voc-test/a/", "burst_s": 60, "burst_on": "_JOURNAL"}"#);
    let (o, t) = run(proxy.port, "s3://voc-test/a", None);
    let after = note("60 s of 503s from the commit's journal on", &o, t, "s3://voc-test/a");
    assert_ok(&o);
    assert!(t >= Duration::from_secs(60), "the burst was waited out: {t:?}");
    assert_eq!(after, "whole, equal to the run without faults");

    // 503s on the input's reads that outlast the budget: a storage error (6), not bad data.
    faults(&proxy, r#"{"match": "/voc-test/raw/", "burst_s": 30}"#);
    let (o, t) = run(proxy.port, "s3://voc-test/b", Some(3));
    note("503s on input reads, budget 3 s", &o, t, "s3://voc-test/b");
    assert_eq!(o.status.code(), Some(6), "{}", error_line(&o));
    assert!(error_line(&o).contains("storage error"), "{}", error_line(&o));

    // Every 3rd request's connection dropped before it reaches the store.
    faults(&proxy, r#"{"match": "/voc-test/", "drop_every": 3}"#);
    let (o, t) = run(proxy.port, "s3://voc-test/c", None);
    let after = note("every 3rd connection dropped", &o, t, "s3://voc-test/c");
    assert_ok(&o);
    assert_eq!(after, "whole, equal to the run without faults");

    // Every 2nd write applied by the store but its answer lost, over a committed partition.
    faults(&proxy, "{}");
    assert_ok(&run(proxy.port, "s3://voc-test/d", None).0);
    faults(&proxy, r#"{"match": "/voc-test/d/", "lost_every": 2}"#);
    let (o, t) = run(proxy.port, "s3://voc-test/d", None);
    let after = note("every 2nd write applied, its answer lost", &o, t, "s3://voc-test/d");
    assert!(matches!(o.status.code(), Some(0) | Some(6)), "{}", error_line(&o));
    assert_eq!(after, "whole, equal to the run without faults");

    // Slow PUTs: 1.5 s before each answer.
    faults(&proxy, r#"{"match": "/voc-test/e/", "slow_put_s": 1.5}"#);
    let (o, t) = run(proxy.port, "s3://voc-test/e", None);
    let after = note("every PUT answered after 1.5 s", &o, t, "s3://voc-test/e");
    assert_ok(&o);
    assert_eq!(after, "whole, equal to the run without faults");

    // The store goes down at the first marker write, for longer than the budget: the run fails
    // with 6 (and cannot release its lease: a 5 s lease here); once the store is back and the
    // lease has expired, the next start finishes or undoes the commit.
    let tmp = tempfile::tempdir().unwrap();
    let short_lease = tmp.path().join("voc.toml");
    std::fs::write(&short_lease, "[engine]\nlease_seconds = 5\n").unwrap();
    let cfg = ["--config", short_lease.to_str().unwrap()];
    faults(&proxy, "{}");
    assert_ok(&run(proxy.port, "s3://voc-test/f", None).0);
    faults(&proxy, r#"{"match": "/voc-test/f/", "burst_s": 12, "burst_on": "_SUCCESS"}"#);
    let (o, t) = run_with(proxy.port, "s3://voc-test/f", Some(2), &cfg);
    assert_eq!(o.status.code(), Some(6), "{}", error_line(&o));
    std::thread::sleep(Duration::from_secs(12));
    note("store down from the first marker on, budget 2 s", &o, t, "s3://voc-test/f");
    faults(&proxy, "{}");
    let (o, t) = run_with(proxy.port, "s3://voc-test/f", None, &cfg);
    let after = note("… the next run, store back", &o, t, "s3://voc-test/f");
    assert_ok(&o);
    assert_eq!(after, "whole, equal to the run without faults");

    eprintln!("\n{}", table.join("\n"));
}
