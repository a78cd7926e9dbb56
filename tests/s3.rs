//! The same end-to-end run with input and output on `s3://`, against a real
//! S3-protocol server (moto) that this test starts on loopback. Installing
//! moto is the job of `scripts/test`; without it this test fails, loudly.

mod common;

use common::*;

#[test]
fn generate_run_and_query_on_s3_match_the_local_run() {
    let moto = start_moto();
    let (status, _) = http(moto.port, "PUT", "/voc-test");
    assert_eq!(status, 200, "create bucket");
    let gen = ["--start", "2026-11-01", "--days", "2", "--shops", "3", "--customers", "1500", "--seed", "7"];

    let o = voc_s3(moto.port).args(["generate", "--out", "s3://voc-test/raw"]).args(gen).output().unwrap();
    assert_ok(&o);
    let s3 = ["--input", "s3://voc-test/raw", "--output", "s3://voc-test/marts"];
    for d in ["2026-11-01", "2026-11-02"] {
        let o = voc_s3(moto.port).args(["run", "--all", "--date", d]).args(s3).output().unwrap();
        assert_ok(&o);
    }
    // Credentials never reach the logs.
    let o = voc_s3(moto.port).args(["run", "--all", "--date", "2026-11-01"]).args(s3).output().unwrap();
    assert_ok(&o);
    assert!(!stderr(&o).contains("voc-test-secret") && !stdout(&o).contains("voc-test-secret"));

    // The commit marker is an object beside the partition's files, and no
    // staging object is left behind. Read through the S3 API with the same
    // variables the binary got (this file holds a single test).
    use_moto_env(moto.port);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let marts = voc_engine::storage::Root::parse("s3://voc-test/marts", false).unwrap();
    let (marker, staging) = rt.block_on(async {
        (marts.get_opt("session_facts/dt=2026-11-01/_SUCCESS").await.unwrap(), marts.list("_staging").await.unwrap())
    });
    let manifest: serde_json::Value = serde_json::from_slice(&marker.expect("_SUCCESS exists")).unwrap();
    assert_eq!(manifest["job"], "session_facts");
    // session_facts closes D-1: its 2026-11-01 partition was written by the run for 2026-11-02.
    assert_eq!(manifest["date"], "2026-11-02");
    assert_eq!(manifest["partition_date"], "2026-11-01");
    assert!(staging.is_empty(), "no staging objects left: {staging:?}");

    // The same data generated and run locally gives the same rows.
    let tmp = tempfile::tempdir().unwrap();
    let input = generate_small(tmp.path());
    let output = tmp.path().join("output");
    for d in ["2026-11-01", "2026-11-02"] {
        assert_ok(&run_in(
            &repo(),
            &["run", "--all", "--date", d, "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
        ));
    }
    let q = "SELECT * FROM session_facts ORDER BY session_id; SELECT * FROM kpi_shop_daily ORDER BY dt, shop_id, platform; \
             SELECT * FROM risk_alerts ORDER BY alert_id; SELECT * FROM qa_deductions ORDER BY session_id, rule_id";
    let remote = voc_s3(moto.port).args(["sql", q, "--format", "csv"]).args(s3).output().unwrap();
    assert_ok(&remote);
    let local = run_in(
        &repo(),
        &["sql", q, "--format", "csv", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()],
    );
    assert_ok(&local);
    assert!(stdout(&remote).lines().count() > 100);
    assert_eq!(stdout(&remote), stdout(&local), "S3 and local runs agree row for row");

    // A date with no input is "not ready" on S3 too.
    let o = voc_s3(moto.port).args(["run", "session_facts", "--date", "2026-11-09"]).args(s3).output().unwrap();
    assert_eq!(o.status.code(), Some(7), "{}", stderr(&o));
}
