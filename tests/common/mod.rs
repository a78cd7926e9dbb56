//! Helpers for the end-to-end tests: run the real `voc` binary, read
//! Parquet back without DataFusion, and compute expectations independently.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, TimestampMillisecondType};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The repository root: the project whose jobs/ and sql/ are under test.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

pub fn voc() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_voc"));
    c.env_remove("VOC_INPUT").env_remove("VOC_OUTPUT").env_remove("VOC_CONFIG").env("VOC_LOG_FORMAT", "json");
    c
}

/// Runs voc with `args` in `project`; returns the output.
pub fn run_in(project: &Path, args: &[&str]) -> Output {
    voc().arg("--project").arg(project).args(args).output().expect("voc runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// The last stderr line: the one-line error voc promises.
pub fn error_line(o: &Output) -> String {
    stderr(o).lines().last().unwrap_or_default().to_string()
}

#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "voc failed ({:?}):\n{}\n{}", o.status.code(), stdout(o), stderr(o));
}

/// Generates a small dataset: 2 days, 3 shops, 1,500 customers.
pub fn generate_small(dir: &Path) -> PathBuf {
    generate_days(dir, 2)
}

/// The small dataset over `days` days from 2026-11-01.
pub fn generate_days(dir: &Path, days: u32) -> PathBuf {
    let input = dir.join("input");
    let o = voc()
        .args(["generate", "--out", input.to_str().unwrap(), "--start", "2026-11-01", "--days", &days.to_string()])
        .args(["--shops", "3", "--customers", "1500", "--seed", "7"])
        .output()
        .unwrap();
    assert_ok(&o);
    input
}

/// Every `.parquet` file below `dir`, sorted.
pub fn parquet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Reads every Parquet file below `dir` into batches.
pub fn read_dir(dir: &Path) -> Vec<RecordBatch> {
    parquet_files(dir)
        .into_iter()
        .flat_map(|p| {
            let f = std::fs::File::open(&p).unwrap();
            ParquetRecordBatchReaderBuilder::try_new(f)
                .unwrap()
                .build()
                .unwrap()
                .map(|b| b.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A column of string-ish type as owned Options.
pub fn strings(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let a = b.column_by_name(name).unwrap_or_else(|| panic!("column {name}"));
    let a = datafusion::arrow::compute::cast(a, &DataType::Utf8).unwrap();
    let s = a.as_string::<i32>();
    (0..s.len()).map(|i| s.is_valid(i).then(|| s.value(i).to_string())).collect()
}

pub fn f64s(b: &RecordBatch, name: &str) -> Vec<Option<f64>> {
    let a = b.column_by_name(name).unwrap_or_else(|| panic!("column {name}"));
    let a = datafusion::arrow::compute::cast(a, &DataType::Float64).unwrap();
    let s = a.as_primitive::<datafusion::arrow::datatypes::Float64Type>();
    (0..s.len()).map(|i| s.is_valid(i).then(|| s.value(i))).collect()
}

pub fn millis(b: &RecordBatch, name: &str) -> Vec<i64> {
    let a = b.column_by_name(name).unwrap_or_else(|| panic!("column {name}"));
    let a = datafusion::arrow::compute::cast(
        a,
        &DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Millisecond, None),
    )
    .unwrap();
    let s = a.as_primitive::<TimestampMillisecondType>();
    (0..s.len()).map(|i| s.value(i)).collect()
}

/// First-response seconds per session, computed from raw chat_messages
/// without SQL: the first customer message, then the first later agent or
/// bot message (ties broken by message_id, as the job does).
pub fn expected_first_response(messages_dir: &Path) -> BTreeMap<String, Option<f64>> {
    let mut by_session: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    for b in read_dir(messages_dir) {
        let sid = strings(&b, "session_id");
        let mid = strings(&b, "message_id");
        let sender = strings(&b, "sender");
        let at = millis(&b, "sent_at");
        for i in 0..b.num_rows() {
            by_session.entry(sid[i].clone().unwrap()).or_default().push((
                at[i],
                mid[i].clone().unwrap(),
                sender[i].clone().unwrap(),
            ));
        }
    }
    by_session
        .into_iter()
        .map(|(s, mut msgs)| {
            msgs.sort();
            let first = msgs.iter().position(|m| m.2 == "customer");
            let frt = first.and_then(|i| {
                msgs[i + 1..].iter().find(|m| m.2 == "agent" || m.2 == "bot").map(|r| (r.0 - msgs[i].0) as f64 / 1000.0)
            });
            (s, frt)
        })
        .collect()
}

/// A copy of the repository's project (jobs/, sql/, config/) that a test may edit.
pub fn copy_project(to: &Path) -> PathBuf {
    let dst = to.join("project");
    for sub in ["jobs", "sql", "config"] {
        copy_tree(&repo().join(sub), &dst.join(sub));
    }
    dst
}

pub fn copy_tree(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// File name → bytes of everything in a folder (one level).
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_file() {
                out.insert(e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// Runs one SQL query through `voc sql` over `input` and `output`; returns its JSON rows.
pub fn query(input: &Path, output: &Path, q: &str) -> Vec<serde_json::Value> {
    let o = run_in(
        &repo(),
        &["sql", q, "--format", "json", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
    );
    assert_ok(&o);
    serde_json::from_str::<serde_json::Value>(stdout(&o).trim()).unwrap().as_array().unwrap().clone()
}

/// Generates `days` days from `start` with the given generator flags, then runs
/// `voc run --all` for each day in order, as a scheduler would.
pub fn generate_and_run_daily(dir: &Path, start: &str, days: u32, flags: &[&str]) -> (PathBuf, PathBuf) {
    let input = dir.join("input");
    let output = dir.join("output");
    let o = voc()
        .args(["generate", "--out", input.to_str().unwrap(), "--start", start, "--days", &days.to_string()])
        .args(flags)
        .output()
        .unwrap();
    assert_ok(&o);
    let first = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
    for k in 0..days {
        let d = (first + chrono::Duration::days(k as i64)).to_string();
        let o = run_in(
            &repo(),
            &["run", "--all", "--date", &d, "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
        );
        assert_ok(&o);
    }
    (input, output)
}

/// moto's S3-protocol server, started on a free loopback port; stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs");
    let mut moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return moto;
        }
        if let Ok(Some(status)) = moto.child.try_wait() {
            panic!("moto's S3 server exited ({status}); is moto[server] installed? scripts/test installs it");
        }
        assert!(Instant::now() < deadline, "moto's S3 server did not listen on 127.0.0.1:{port} within 60 s");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One plain HTTP/1.1 request to moto (which does not check signatures),
/// used to create the bucket before voc runs.
pub fn http(port: u16, method: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, buf[head_end + 4..].to_vec())
}

pub fn voc_s3(port: u16) -> Command {
    let mut c = voc();
    c.env("AWS_ACCESS_KEY_ID", "voc-test")
        .env("AWS_SECRET_ACCESS_KEY", "voc-test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_ALLOW_HTTP", "true")
        .arg("--project")
        .arg(repo());
    c
}

/// Points this test process at moto with the variables the binary gets, to read what it wrote.
pub fn use_moto_env(moto: u16) {
    for (k, v) in voc_s3(moto).get_envs() {
        if let (Some(k), Some(v)) = (k.to_str(), v.and_then(|v| v.to_str())) {
            if k.starts_with("AWS_") {
                std::env::set_var(k, v);
            }
        }
    }
}
