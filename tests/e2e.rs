//! End to end over generated data, through the real `voc` binary:
//! generate → run → committed partitions, and every documented failure.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;

const D1: &str = "2026-11-01";
const D2: &str = "2026-11-02";
const D3: &str = "2026-11-03";
const D4: &str = "2026-11-04";

fn run_all(project: &Path, input: &Path, output: &Path, date: &str) -> std::process::Output {
    run_in(
        project,
        &["run", "--all", "--date", date, "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
    )
}

/// Reads `column` of every row of a partition as (session_id → value), for rows whose channel is chat.
fn chat_column(part: &Path, column: &str) -> BTreeMap<String, Option<f64>> {
    let mut got = BTreeMap::new();
    for b in read_dir(part) {
        let ids = strings(&b, "session_id");
        let channel = strings(&b, "channel");
        let v = f64s(&b, column);
        for i in 0..b.num_rows() {
            if channel[i].as_deref() == Some("chat") {
                got.insert(ids[i].clone().unwrap(), v[i]);
            }
        }
    }
    got
}

fn rows(dir: &Path) -> usize {
    read_dir(dir).iter().map(|b| b.num_rows()).sum()
}

/// Distinct call ids of a day.
fn calls(input: &Path, d: &str) -> usize {
    let mut ids = std::collections::BTreeSet::new();
    for b in read_dir(&input.join(format!("call_transcripts/dt={d}"))) {
        ids.extend(strings(&b, "call_id").into_iter().flatten());
    }
    ids.len()
}

#[test]
fn run_all_matches_first_response_times_computed_from_raw_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_days(tmp.path(), 4);
    let output = tmp.path().join("output");
    for d in [D1, D2, D3, D4] {
        assert_ok(&run_all(&repo(), &input, &output, d));
    }
    // session_facts closes D-1: the run for D1 wrote an empty 2026-10-31 (no data that day),
    // the run for D2 wrote D1, and so on. D4 itself waits for the run of 2026-11-05.
    assert_eq!(rows(&output.join("session_facts/dt=2026-10-31")), 0);
    assert!(!output.join(format!("session_facts/dt={D4}")).exists());
    assert!(rows(&output.join(format!("message_insights/dt={D4}"))) > 0);
    let mut planted = 0;
    for (d, next) in [(D1, D2), (D2, D3), (D3, D4)] {
        let part = output.join(format!("session_facts/dt={d}"));
        let expected = expected_first_response(&input.join(format!("chat_messages/dt={d}")));
        let got = chat_column(&part, "first_response_s");
        let customer_msgs: f64 = chat_column(&part, "customer_msgs").values().map(|v| v.unwrap()).sum();
        // Every session of the day has its row (sessions without messages too), and every call.
        let sessions = rows(&input.join(format!("chat_sessions/dt={d}")));
        let calls = calls(&input, d);
        assert_eq!(got.len(), sessions, "{d}: one row per session");
        assert_eq!(rows(&part), sessions + calls, "{d}: one row per session and per call");
        assert!(sessions > 50 && calls > 5, "{d}: the small dataset has sessions ({sessions}) and calls ({calls})");
        let mut compared = 0;
        for (sid, want) in &expected {
            let have = got.get(sid).unwrap_or_else(|| panic!("{d}: session {sid} missing"));
            match (want, have) {
                (Some(w), Some(h)) => assert!((w - h).abs() < 1e-6, "{d} {sid}: expected {w}, found {h}"),
                (None, None) => {}
                _ => panic!("{d} {sid}: expected {want:?}, found {have:?}"),
            }
            compared += 1;
        }
        assert!(compared > 50);
        let raw_customer_msgs: usize = read_dir(&input.join(format!("chat_messages/dt={d}")))
            .iter()
            .map(|b| strings(b, "sender").iter().filter(|s| s.as_deref() == Some("customer")).count())
            .sum();
        assert_eq!(customer_msgs as usize, raw_customer_msgs, "{d}: customer message counts add up");

        // The planted slow first replies are found with their exact values.
        for b in &read_dir(&input.join("_truth/slow_first_reply")) {
            let ids = strings(b, "session_id");
            let frt = f64s(b, "first_response_s");
            let days = strings(b, "dt");
            for i in 0..b.num_rows() {
                if days[i].as_deref() != Some(d) {
                    continue;
                }
                let have = got[ids[i].as_ref().unwrap()].expect("planted slow reply has a reply");
                assert!(
                    (have - frt[i].unwrap()).abs() < 1e-6,
                    "planted {} {:?} vs {have}",
                    ids[i].as_ref().unwrap(),
                    frt[i]
                );
                planted += 1;
            }
        }

        // The downstream KPI counts the same sessions, and a manifest commits each partition.
        let kpi: f64 = read_dir(&output.join(format!("kpi_shop_daily/dt={d}")))
            .iter()
            .map(|b| f64s(b, "sessions").iter().map(|v| v.unwrap()).sum::<f64>())
            .sum();
        assert_eq!(kpi as usize, sessions + calls);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(part.join("_SUCCESS")).unwrap()).unwrap();
        assert_eq!(manifest["job"], "session_facts");
        assert_eq!(manifest["date"], next, "run for the next day");
        assert_eq!(manifest["partition_date"], d, "wrote the day before");
        assert_eq!(manifest["outputs"][0]["rows"].as_u64().unwrap() as usize, sessions + calls);
        let read = manifest["inputs"].as_array().unwrap().iter().find(|i| i["table"] == "chat_sessions").unwrap();
        let both_days = sessions + rows(&input.join(format!("chat_sessions/dt={next}")));
        assert_eq!(read["rows"].as_u64().unwrap() as usize, both_days, "D and D+1 read for the 24 h follow-up");
        assert!(manifest["checks"].as_array().unwrap().iter().all(|c| c["passed"] == true));
    }
    assert!(planted > 0, "the generator plants slow first replies and all were checked");
    assert!(parquet_files(&output.join("_staging")).is_empty());
}

#[test]
fn rerunning_a_date_leaves_an_identical_partition_and_no_staging_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    assert_ok(&run_all(&repo(), &input, &output, D1));
    assert_ok(&run_all(&repo(), &input, &output, D2));
    let data = |t: &str, d: &str| {
        let mut s = snapshot(&output.join(format!("{t}/dt={d}")));
        s.remove("_SUCCESS");
        s
    };
    let all = || {
        ["session_facts", "kpi_shop_daily", "qa_session_scores", "kpi_hourly"]
            .map(|t| data(t, D1))
            .into_iter()
            .chain([data("risk_alerts", D2), data("message_insights", D2)])
            .collect::<Vec<_>>()
    };
    let first = all();
    assert!(first.iter().all(|s| !s.is_empty()));
    assert_ok(&run_all(&repo(), &input, &output, D2));
    let second = all();
    assert!(first == second, "same files, same bytes");
    assert!(!output.join("_staging").exists(), "no staging leftovers, not even empty folders");
}

/// A job with two outputs: the first succeeds, the second fails its check.
#[test]
fn a_failed_check_on_the_second_output_leaves_the_previous_partition_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    let project = copy_project(tmp.path());
    std::fs::create_dir_all(project.join("sql/two")).unwrap();
    std::fs::write(
        project.join("sql/two/first.sql"),
        "SELECT session_id, shop_id FROM chat_sessions ORDER BY session_id",
    )
    .unwrap();
    std::fs::write(
        project.join("sql/two/second.sql"),
        "SELECT shop_id, COUNT(*) AS sessions FROM first GROUP BY shop_id ORDER BY shop_id",
    )
    .unwrap();
    let job = |min_rows: u64| {
        format!(
            "[inputs]\nchat_sessions = {{}}\n[[outputs]]\ntable = \"first\"\n[[outputs]]\ntable = \"second\"\nchecks = [{{ min_rows = {min_rows} }}]\n"
        )
    };
    std::fs::write(project.join("jobs/two.toml"), job(1)).unwrap();
    let args = |p: &Path| {
        vec![
            "--project".to_string(),
            p.to_str().unwrap().into(),
            "run".into(),
            "two".into(),
            "--date".into(),
            D1.into(),
            "--input".into(),
            input.to_str().unwrap().into(),
            "--output".into(),
            output.to_str().unwrap().into(),
        ]
    };
    assert_ok(&voc().args(args(&project)).output().unwrap());
    let before = (snapshot(&output.join(format!("first/dt={D1}"))), snapshot(&output.join(format!("second/dt={D1}"))));
    assert!(before.0.contains_key("_SUCCESS") && before.0.len() >= 2);

    // Change the first output (so a publish would change its files) and make the second fail.
    std::fs::write(
        project.join("sql/two/first.sql"),
        "SELECT session_id, shop_id, customer_id FROM chat_sessions ORDER BY session_id",
    )
    .unwrap();
    std::fs::write(project.join("jobs/two.toml"), job(1_000_000)).unwrap();
    let o = voc().args(args(&project)).output().unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(
        line.contains("data check failed") && line.contains("second") && line.contains("min_rows(1000000)"),
        "{line}"
    );
    assert!(line.contains("job two"), "{line}");
    let after = (snapshot(&output.join(format!("first/dt={D1}"))), snapshot(&output.join(format!("second/dt={D1}"))));
    assert!(before == after, "the previous partitions are exactly as they were");
    assert!(!output.join("_staging").exists(), "no partial output anywhere, not even empty folders");
}

#[test]
fn a_missing_run_date_partition_is_input_not_ready() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let o = run_all(&repo(), &input, &tmp.path().join("output"), "2026-11-05");
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains("input not ready") && line.contains("dt=2026-11-05"), "{line}");
}

#[test]
fn a_corrupt_parquet_file_is_bad_input_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let bad = input.join(format!("chat_messages/dt={D1}/part-99999.parquet"));
    std::fs::write(&bad, b"PAR1 this is not really parquet").unwrap();
    let o = run_all(&repo(), &input, &tmp.path().join("output"), D1);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains("bad input data") && line.contains("part-99999.parquet"), "{line}");
    assert!(line.contains("chat_messages"), "{line}");
}

#[test]
fn a_retyped_column_is_bad_input_naming_table_and_column() {
    use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    // Rewrite the day's chat_sessions with csat as text, as a broken export would.
    let dir = input.join(format!("chat_sessions/dt={D1}"));
    let batches = read_dir(&dir);
    for f in parquet_files(&dir) {
        std::fs::remove_file(f).unwrap();
    }
    let b = &batches[0];
    let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
    let mut cols: Vec<ArrayRef> = b.columns().to_vec();
    let i = b.schema().index_of("csat").unwrap();
    fields[i] = Field::new("csat", DataType::Utf8, true);
    cols[i] = std::sync::Arc::new(StringArray::from(strings(b, "csat")));
    let retyped = RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), cols).unwrap();
    let file = std::fs::File::create(dir.join("part-00000.parquet")).unwrap();
    let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(file, retyped.schema(), None).unwrap();
    w.write(&retyped).unwrap();
    w.close().unwrap();

    let o = run_all(&repo(), &input, &tmp.path().join("output"), D1);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains("chat_sessions") && line.contains("'csat'") && line.contains("Int32"), "{line}");
}

/// Rewrites the day's files of `table` as one file of `batch`, with writer `props`.
fn rewrite_day(
    dir: &Path,
    batch: &datafusion::arrow::array::RecordBatch,
    props: datafusion::parquet::file::properties::WriterProperties,
) {
    for f in parquet_files(dir) {
        std::fs::remove_file(f).unwrap();
    }
    let file = std::fs::File::create(dir.join("part-00000.parquet")).unwrap();
    let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

#[test]
fn nulls_in_a_required_column_are_bad_input_with_or_without_statistics() {
    use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
    for stats in [EnabledStatistics::Page, EnabledStatistics::None] {
        let tmp = tempfile::tempdir().unwrap();
        let input = generate_small(tmp.path());
        // chat_sessions with one session_id missing, as a broken export would write it.
        let dir = input.join(format!("chat_sessions/dt={D1}"));
        let batches = read_dir(&dir);
        let b = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
        let i = b.schema().index_of("session_id").unwrap();
        let mut ids = strings(&b, "session_id");
        ids[3] = None;
        let mut fields: Vec<Field> = b.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
        fields[i] = fields[i].clone().with_nullable(true);
        let mut cols: Vec<ArrayRef> = b.columns().to_vec();
        cols[i] = std::sync::Arc::new(StringArray::from(ids));
        let broken = RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), cols).unwrap();
        rewrite_day(&dir, &broken, WriterProperties::builder().set_statistics_enabled(stats).build());

        let o = run_all(&repo(), &input, &tmp.path().join("output"), D1);
        assert_eq!(o.status.code(), Some(4), "statistics {stats:?}: {}", stderr(&o));
        let line = error_line(&o);
        assert!(
            line.contains("chat_sessions")
                && line.contains("part-00000.parquet")
                && line.contains("'session_id' has 1 null"),
            "statistics {stats:?}: {line}"
        );
    }
}

#[test]
fn an_emptied_dump_is_refused_unless_the_job_allows_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    assert_ok(&run_in(
        &repo(),
        &[
            "run",
            "message_insights",
            "--date",
            D1,
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    ));
    // D2's chat_messages arrive as a file with the columns and no rows.
    let dir = input.join(format!("chat_messages/dt={D2}"));
    let batches = read_dir(&dir);
    rewrite_day(&dir, &batches[0].slice(0, 0), Default::default());
    let args = [
        "run",
        "message_insights",
        "--date",
        D2,
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    let o = run_in(&repo(), &args);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains("chat_messages") && line.contains("0 rows") && line.contains("allow_empty"), "{line}");
    assert!(!output.join(format!("message_insights/dt={D2}")).exists(), "nothing published");
    // A job file that allows it runs.
    let project = copy_project(tmp.path());
    let job = project.join("jobs/message_insights.toml");
    let text = std::fs::read_to_string(&job).unwrap();
    let text = text.replace("chat_messages = { days = 1 }", "chat_messages = { days = 1, allow_empty = true }");
    assert!(text.contains("allow_empty"), "the job file names its input as expected");
    std::fs::write(&job, text).unwrap();
    assert_ok(&run_in(&project, &args));
}

#[test]
fn duplicate_keys_and_impossible_times_fail_or_are_quarantined_as_the_job_says() {
    use datafusion::arrow::array::{ArrayRef, RecordBatch, TimestampMillisecondArray};
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    assert_ok(&run_in(&repo(), &["run", "message_insights", "--date", D1, "--input", i, "--output", o]));

    // A chat_sessions dump with one session exported twice.
    let dir = input.join(format!("chat_sessions/dt={D1}"));
    let batches = read_dir(&dir);
    let b = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    let doubled = datafusion::arrow::compute::concat_batches(&b.schema(), &[b.clone(), b.slice(5, 1)]).unwrap();
    rewrite_day(&dir, &doubled, Default::default());
    let dup = strings(&b, "session_id")[5].clone().unwrap();
    let risk = ["run", "risk", "--date", D1, "--input", i, "--output", o];
    let out = run_in(&repo(), &risk);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let line = error_line(&out);
    assert!(line.contains("chat_sessions") && line.contains("duplicate session_id") && line.contains(&dup), "{line}");
    assert!(line.contains("bad_rows = \"quarantine\""), "{line}");

    // The same job told to quarantine: the second copy is set aside with its reason.
    let project = copy_project(tmp.path());
    let job = project.join("jobs/risk.toml");
    std::fs::write(&job, format!("bad_rows = \"quarantine\"\n{}", std::fs::read_to_string(&job).unwrap())).unwrap();
    assert_ok(&run_in(&project, &risk));
    let rejected = read_dir(&output.join(format!("_rejected/chat_sessions/dt={D1}")));
    let rows: usize = rejected.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 1);
    assert_eq!(strings(&rejected[0], "voc_reject_reason")[0].as_deref(), Some("duplicate session_id"));
    assert_eq!(strings(&rejected[0], "session_id")[0].as_deref(), Some(dup.as_str()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(output.join(format!("risk_alerts/dt={D1}/_SUCCESS"))).unwrap()).unwrap();
    let sessions = manifest["inputs"].as_array().unwrap().iter().find(|x| x["table"] == "chat_sessions").unwrap();
    assert_eq!(sessions["rejected_rows"], 1, "{sessions}");

    // A message sent in the year 292,000.
    let dir = input.join(format!("chat_messages/dt={D1}"));
    let batches = read_dir(&dir);
    let b = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    let k = b.schema().index_of("sent_at").unwrap();
    let mut at = millis(&b, "sent_at");
    at[0] = 9_000_000_000_000_000;
    let mut cols: Vec<ArrayRef> = b.columns().to_vec();
    cols[k] = std::sync::Arc::new(TimestampMillisecondArray::from(at).with_timezone("UTC"));
    rewrite_day(&dir, &RecordBatch::try_new(b.schema(), cols).unwrap(), Default::default());
    let out = run_in(&repo(), &["run", "message_insights", "--date", D1, "--input", i, "--output", o]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(error_line(&out).contains("sent_at out of range"), "{}", error_line(&out));
}

#[test]
fn a_bad_job_file_is_a_config_error_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = copy_project(tmp.path());
    std::fs::write(
        project.join("jobs/broken.toml"),
        "description = \"x\"\n[[outputs]]\ntable = \"broken_out\"\nchecks = [{ not_nul = [\"a\"] }]\n",
    )
    .unwrap();
    let o = run_in(&project, &["validate"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains("broken.toml:4:") && line.contains("not_nul"), "{line}");
}

#[test]
fn bad_sql_and_unknown_columns_are_config_errors_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = copy_project(tmp.path());
    let sql = project.join("sql/session_facts/session_facts.sql");
    let good = std::fs::read_to_string(&sql).unwrap();
    assert_ok(&run_in(&project, &["validate"]));

    // A column the contract does not have.
    let unknown = good.replacen("s.platform,", "s.platfrom,", 1);
    let line_no = unknown.lines().position(|l| l.contains("s.platfrom")).unwrap() + 1;
    std::fs::write(&sql, &unknown).unwrap();
    let o = run_in(&project, &["validate"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let line = error_line(&o);
    assert!(line.contains(&format!("session_facts.sql:{line_no}:")) && line.contains("platfrom"), "{line}");

    // The same through `voc run` on data.
    let input = generate_small(tmp.path());
    let o = run_all(&project, &input, &tmp.path().join("output"), D1);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(error_line(&o).contains(&format!("session_facts.sql:{line_no}:")), "{}", error_line(&o));

    // A syntax error.
    std::fs::write(&sql, good.replacen("FROM chat_sessions s", "FROM chat_sessions s WHERE AND", 1)).unwrap();
    let o = run_in(&project, &["validate"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(error_line(&o).contains("session_facts.sql:"), "{}", error_line(&o));
}

#[test]
fn list_and_validate_describe_the_repository_jobs() {
    let o = run_in(&repo(), &["list"]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("session_facts") && out.contains("writes: kpi_shop_daily"), "{out}");
    let o = run_in(&repo(), &["validate"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("jobs valid"));
}

#[test]
fn sql_reads_inputs_outputs_files_and_several_statements() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    assert_ok(&run_all(&repo(), &input, &output, D1));
    assert_ok(&run_all(&repo(), &input, &output, D2));
    let roots = ["--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()];
    let sql = |q: &str, fmt: &str| {
        let mut a = vec!["sql", q, "--format", fmt];
        a.extend_from_slice(&roots);
        run_in(&repo(), &a)
    };
    // Outputs and staged inputs are tables; CSV for machines.
    let o = sql(
        &format!("SELECT COUNT(*) AS n FROM session_facts WHERE dt = '{D1}' AND channel = 'chat'; SELECT COUNT(*) AS n FROM chat_sessions WHERE dt = '{D1}'"),
        "csv",
    );
    assert_ok(&o);
    let out = stdout(&o);
    let counts: Vec<&str> = out.lines().filter(|l| *l != "n" && !l.is_empty()).collect();
    assert_eq!(counts.len(), 2, "{out}");
    assert_eq!(counts[0], counts[1], "one session_facts row per session");

    // CREATE EXTERNAL TABLE, then SELECT from it; JSON output.
    let dir = output.join(format!("kpi_shop_daily/dt={D1}"));
    let q = format!(
        "CREATE EXTERNAL TABLE k STORED AS PARQUET LOCATION '{}/'; SELECT shop_id, sessions FROM k ORDER BY shop_id",
        dir.display()
    );
    let o = sql(&q, "json");
    assert_ok(&o);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let shops: std::collections::BTreeSet<&str> =
        v.as_array().unwrap().iter().map(|r| r["shop_id"].as_str().unwrap()).collect();
    assert_eq!(shops.len(), 3, "three shops: {v}");

    // A file path used directly as a table.
    let file = parquet_files(&dir).remove(0);
    let o = sql(&format!("SELECT COUNT(*) AS n FROM '{}'", file.display()), "table");
    assert_ok(&o);
    assert!(stdout(&o).contains(&format!("| {} ", v.as_array().unwrap().len())), "{}", stdout(&o));

    // A bad query is a config error on one line.
    let o = sql("SELECT nope FROM session_facts", "table");
    assert_eq!(o.status.code(), Some(3));
    assert!(error_line(&o).contains("nope"));
}

#[test]
fn an_unknown_job_and_a_bad_date_are_refused() {
    let o = run_in(&repo(), &["run", "nope", "--date", D1, "--input", "/tmp/x", "--output", "/tmp/y"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(error_line(&o).contains("no job named 'nope'"));
    let o = run_in(&repo(), &["run", "--all", "--date", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2), "clap usage error");
    assert!(stderr(&o).contains("expected a date as YYYY-MM-DD"));
}

#[test]
fn sql_without_a_query_reads_statements_at_a_prompt_and_keeps_history() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let mut child = voc()
        .env("HOME", tmp.path())
        .args(["--project", repo().to_str().unwrap(), "sql", "--input", input.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"SELECT 40 + 2 AS answer;\nSELECT COUNT(*) AS n\n  FROM chat_sessions WHERE dt = '2026-11-01';\n\\q\n",
        )
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("inputs: chat_messages"), "{out}");
    assert!(out.contains("| 42 "), "{out}");
    assert_eq!(out.matches("1 row(s)").count(), 2, "{out}");
    let history = std::fs::read_to_string(tmp.path().join(".voc_history")).unwrap();
    assert!(history.contains("SELECT 40 + 2 AS answer;"), "{history}");
}

/// deploy/ is written by hand; keep its job list in step with jobs/.
#[test]
fn the_airflow_dag_lists_every_job_with_its_dependencies() {
    let dag = std::fs::read_to_string(repo().join("deploy/airflow/voc_daily.py")).unwrap();
    let jobs = voc_engine::JobSet::load(&repo()).unwrap();
    for (name, job) in &jobs.jobs {
        let deps: Vec<String> = job.spec.depends_on.iter().map(|d| format!("\"{d}\"")).collect();
        let line = format!("\"{name}\": [{}],", deps.join(", "));
        assert!(dag.contains(&line), "deploy/airflow/voc_daily.py lacks {line}");
    }
    let cron = std::fs::read_to_string(repo().join("deploy/k8s/cronjob-run-all.yaml")).unwrap();
    assert!(cron.contains("voc run --all --date"));
}

#[test]
fn a_malformed_rule_file_stops_the_run_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let project = copy_project(tmp.path());
    let file = project.join("config/sentiment/positive.txt");
    let mut text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("满意 very\n");
    std::fs::write(&file, text).unwrap();
    let o = run_in(&project, &["validate"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = error_line(&o);
    assert!(err.contains(&format!("positive.txt:{line}")), "{err}");
}

#[test]
fn a_qa_rule_of_the_wrong_type_stops_validate_and_run_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    let project = copy_project(tmp.path());
    let file = project.join("config/qa_rules.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let fixed = text.replacen("threshold_s = 180", "threshold_s = \"three minutes\"", 1);
    assert_ne!(text, fixed);
    std::fs::write(&file, &fixed).unwrap();
    let rule_line = fixed.lines().position(|l| l.starts_with("[[rules]]")).unwrap() + 1;
    let o = run_in(&project, &["validate"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = error_line(&o);
    assert!(err.contains(&format!("config/qa_rules.toml:{rule_line}")) && err.contains("threshold_s"), "{err}");
    // A run stops before writing anything; message_insights (run first, before qa) is not touched by it.
    let o = run_all(&project, &input, &output, D2);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(!output.join(format!("qa_session_scores/dt={D1}")).exists());
}

#[test]
fn a_failing_job_skips_its_dependents_and_the_other_jobs_still_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    let project = copy_project(tmp.path());
    // presale_sessions reads a column that does not exist: session_subjects fails at its SQL.
    let file = project.join("sql/session_subjects/presale_sessions.sql");
    let text = std::fs::read_to_string(&file).unwrap();
    let broken = text.replacen("MIN(sent_at) AS started_at", "MIN(sent_time) AS started_at", 1);
    assert_ne!(text, broken);
    std::fs::write(&file, broken).unwrap();
    let o = run_all(&project, &input, &output, D2);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = error_line(&o);
    assert!(err.contains("presale_sessions.sql:"), "{err}");
    for dependent in ["hot_questions (needs session_subjects)", "presale_loss (needs session_subjects)"] {
        assert!(err.contains(dependent), "{err}");
    }
    assert!(err.contains("completed: ") && err.contains("message_insights"), "{err}");
    // The failed job and its dependents wrote nothing; the independent branches committed D2.
    for t in [
        "session_products",
        "presale_sessions",
        "hot_questions",
        "presale_outcomes",
        "presale_losses",
        "product_issue_pool",
    ] {
        assert!(!output.join(format!("{t}/dt={D2}")).exists(), "{t}");
    }
    for t in ["message_insights", "risk_alerts", "basket_rules"] {
        assert!(output.join(format!("{t}/dt={D2}/_SUCCESS")).is_file(), "{t}");
    }
    assert!(output.join(format!("session_facts/dt={D1}/_SUCCESS")).is_file());
}

#[test]
fn the_demo_generates_runs_every_job_and_reports_what_it_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let args = ["demo", "--out", out.to_str().unwrap(), "--days", "3", "--shops", "3", "--customers", "2000"];
    let o = run_in(&repo(), &args);
    assert_ok(&o);
    let report = stdout(&o);
    // Every job's every table wrote one committed partition a day (the lagged ones from D-1).
    let jobs = std::fs::read_dir(repo().join("jobs")).unwrap().count();
    assert!(report.contains(&format!("running {jobs} jobs for 3 days")), "{report}");
    for table in ["message_insights", "session_facts", "qa_session_scores", "kpi_shop_daily", "risk_alerts"] {
        assert!(report.contains(&format!("{table} ")), "{table} missing from the report:\n{report}");
    }
    for table in ["hot_questions", "presale_sessions", "basket_rules", "customer_profile", "return_root_causes"] {
        let parts = std::fs::read_dir(out.join("output").join(table))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().join("_SUCCESS").is_file())
            .count();
        assert_eq!(parts, 3, "{table}");
    }
    // A second demo in the same folder starts clean and gives the same report.
    let again = run_in(&repo(), &args);
    assert_ok(&again);
    // (but for the lines with timings)
    let strip = |s: &str| {
        s.lines().filter(|l| !l.starts_with("done in") && !l.starts_with("wrote ")).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(strip(&report), strip(&stdout(&again)));
}

/// The example of `examples/README.md`: a job added with a TOML file and SQL only validates, runs
/// and counts what the day's refunds hold.
#[test]
fn the_example_job_added_without_rust_validates_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_days(tmp.path(), 4);
    let project = copy_project(tmp.path());
    copy_tree(&repo().join("examples/new_job/jobs"), &project.join("jobs"));
    copy_tree(&repo().join("examples/new_job/sql"), &project.join("sql"));
    let validated = run_in(&project, &["validate"]);
    assert_ok(&validated);
    assert!(stdout(&validated).contains("refund_reasons: refund_reasons_daily"), "{}", stdout(&validated));
    let output = tmp.path().join("output");
    let (i, o) = (input.to_str().unwrap(), output.to_str().unwrap());
    // Refunds come days after the orders: the third generated day has some.
    let day = (1..=4)
        .map(|n| format!("2026-11-{n:02}"))
        .find(|d| rows(&input.join(format!("refunds/dt={d}"))) > 0)
        .expect("a generated day with refunds");
    assert_ok(&run_in(&project, &["run", "refund_reasons", "--date", &day, "--input", i, "--output", o]));
    let part = output.join(format!("refund_reasons_daily/dt={day}"));
    assert!(part.join("_SUCCESS").is_file());
    let counted: f64 = read_dir(&part).iter().flat_map(|b| f64s(b, "refunds")).flatten().sum();
    assert_eq!(counted as usize, rows(&input.join(format!("refunds/dt={day}"))));
    // Read back from DuckDB with the example's query, as BI would (scripts/test installs duckdb).
    let sql = std::fs::read_to_string(repo().join("examples/read_with_duckdb.sql")).unwrap().replace("/tmp/voc-out", o);
    let read = std::process::Command::new("python3")
        .args(["-c", "import duckdb, sys; r = duckdb.sql(sys.argv[1]).fetchall(); print(len(r), sum(x[2] for x in r), sorted({str(x[5]) for x in r}))", &sql])
        .output()
        .expect("python3 runs");
    assert!(read.status.success(), "duckdb: {}", String::from_utf8_lossy(&read.stderr));
    let want = format!("{} {} ['{day}']", rows(&part), counted as usize);
    assert_eq!(String::from_utf8_lossy(&read.stdout).trim(), want);
}
