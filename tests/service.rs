//! Issue 4's service-quality jobs over generated data: 30 days run day by day
//! as a scheduler would, then every planted fact is looked for in the outputs
//! (QA deductions, risk alerts) and recall / precision are measured.

mod common;

use std::path::Path;

use common::*;

const START: &str = "2026-11-01";
const DAYS: u32 = 30;

/// (true positives, false negatives, false positives) of one comparison.
struct Score {
    name: &'static str,
    tp: u64,
    fn_: u64,
    fp: u64,
}

impl Score {
    fn recall(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
}

/// Compares the keys of a truth query with the keys of an output query (both
/// `SELECT DISTINCT <same columns>`).
fn compare(input: &Path, output: &Path, name: &'static str, truth: &str, found: &str, on: &[&str]) -> Score {
    let cond: Vec<String> = on.iter().map(|c| format!("t.{c} = f.{c}")).collect();
    let q = format!(
        "WITH t AS ({truth}), f AS ({found}) \
         SELECT SUM(CASE WHEN t.{k} IS NOT NULL AND f.{k} IS NOT NULL THEN 1 ELSE 0 END) AS tp, \
                SUM(CASE WHEN f.{k} IS NULL THEN 1 ELSE 0 END) AS fn, \
                SUM(CASE WHEN t.{k} IS NULL THEN 1 ELSE 0 END) AS fp \
         FROM t FULL JOIN f ON {}",
        cond.join(" AND "),
        k = on[0]
    );
    let r = &query(input, output, &q)[0];
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    Score { name, tp: n("tp"), fn_: n("fn"), fp: n("fp") }
}

#[test]
fn thirty_days_day_by_day_find_every_planted_violation_and_alert() {
    let tmp = tempfile::tempdir().unwrap();
    // Day by day, as a scheduler runs it: each run writes message_insights and
    // risk_alerts for D, and closes D-1 for session_facts, qa and service_kpi.
    let (input, output) =
        generate_and_run_daily(tmp.path(), START, DAYS, &["--shops", "3", "--customers", "1200", "--seed", "11"]);
    let start = chrono::NaiveDate::parse_from_str(START, "%Y-%m-%d").unwrap();
    let days: Vec<String> = (0..DAYS).map(|k| (start + chrono::Duration::days(k as i64)).to_string()).collect();
    for d in &days {
        for t in ["message_insights", "risk_alerts"] {
            assert!(output.join(format!("{t}/dt={d}/_SUCCESS")).is_file(), "{t} {d}");
        }
    }
    let last_closed = &days[days.len() - 2];
    for d in &days[..days.len() - 1] {
        for t in
            ["session_facts", "qa_session_scores", "qa_agent_daily", "kpi_shop_daily", "kpi_agent_daily", "kpi_hourly"]
        {
            assert!(output.join(format!("{t}/dt={d}/_SUCCESS")).is_file(), "{t} {d}");
        }
    }
    // The insight jobs ran every day too, each listing only its own window of partitions.
    for d in &days {
        for t in ["session_products", "presale_sessions", "hot_questions", "basket_rules", "product_issue_pool"] {
            assert!(output.join(format!("{t}/dt={d}/_SUCCESS")).is_file(), "{t} {d}");
        }
    }
    for d in &days[..days.len() - 1] {
        for t in [
            "customer_profile",
            "presale_outcomes",
            "presale_losses",
            "presale_loss",
            "refund_causes",
            "return_root_causes",
        ] {
            assert!(output.join(format!("{t}/dt={d}/_SUCCESS")).is_file(), "{t} {d}");
        }
    }
    let listed = |table: &str, d: &str, input: &str| -> (usize, usize) {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(output.join(format!("{table}/dt={d}/_SUCCESS"))).unwrap()).unwrap();
        let i = m["inputs"].as_array().unwrap().iter().find(|i| i["table"] == input).unwrap().clone();
        (i["partitions"].as_array().unwrap().len(), i["missing_partitions"].as_array().unwrap().len())
    };
    // customer_profile, run for the last day: orders of the 366 days up to it (30 exist), session_facts
    // of the 90 days up to the day before (30 exist: the first run wrote an empty one for the day before
    // the first); hot_questions: the 7 days of presale_sessions.
    assert_eq!(listed("customer_profile", last_closed, "orders"), (30, 336));
    assert_eq!(listed("customer_profile", last_closed, "session_facts"), (30, 60));
    assert_eq!(listed("hot_questions", &days[DAYS as usize - 1], "presale_sessions"), (7, 0));
    assert_eq!(listed("hot_questions", &days[3], "presale_sessions"), (4, 3));

    let truth = |fact: &str| format!("'{}/_truth/{fact}/part-00000.parquet'", input.display());
    let closed = format!("dt <= '{last_closed}'");
    let qa = |rule: &str| format!("SELECT DISTINCT session_id, dt FROM qa_deductions WHERE rule_id = '{rule}'");
    let mut scores = Vec::new();
    for (name, fact, rule) in [
        ("QA01 first reply slow", "slow_first_reply", "QA01"),
        ("QA03 forbidden words", "forbidden_words", "QA03"),
        ("QA05 no greeting", "no_greeting", "QA05"),
        ("QA06 no closing", "no_closing", "QA06"),
        ("QA07 last message unanswered", "unresolved", "QA07"),
    ] {
        scores.push(compare(
            &input,
            &output,
            name,
            &format!("SELECT DISTINCT session_id, dt FROM {} WHERE {closed}", truth(fact)),
            &qa(rule),
            &["session_id", "dt"],
        ));
    }
    scores.push(compare(
        &input,
        &output,
        "high-risk complaint",
        &format!("SELECT DISTINCT id AS session_id, dt FROM {}", truth("high_risk_complaints")),
        "SELECT DISTINCT session_id, dt FROM risk_alerts WHERE alert_type = 'high_risk_complaint'",
        &["session_id", "dt"],
    ));
    for w in ["1d", "3d"] {
        scores.push(compare(
            &input,
            &output,
            if w == "1d" { "repeat contact 1 day" } else { "repeat contact 3 days" },
            &format!(
                "SELECT DISTINCT customer_id, shop_id, dt FROM {} WHERE \"window\" = '{w}'",
                truth("repeat_contacts")
            ),
            &format!(
                "SELECT DISTINCT customer_id, shop_id, dt FROM risk_alerts WHERE alert_type = 'repeat_contact_{w}'"
            ),
            &["customer_id", "shop_id", "dt"],
        ));
    }
    for s in &scores {
        eprintln!(
            "{:<32} planted {:>5}  found {:>5}  recall {:.3}  precision {:.3}",
            s.name,
            s.tp + s.fn_,
            s.tp + s.fp,
            s.recall(),
            s.precision()
        );
    }
    for s in &scores {
        assert!(s.tp > 0, "{}: nothing planted to find", s.name);
        let alert = !s.name.starts_with("QA");
        let min_recall = if alert { 1.0 } else { 0.95 };
        assert!(s.recall() >= min_recall, "{}: recall {:.3} < {min_recall}", s.name, s.recall());
        assert!(s.precision() >= 0.95, "{}: precision {:.3} < 0.95", s.name, s.precision());
    }

    // Every session and call of a closed day is scored: 100 %, not a sample.
    let r = &query(
        &input,
        &output,
        &format!(
            "SELECT (SELECT COUNT(*) FROM session_facts WHERE {closed}) AS facts, \
                    (SELECT COUNT(*) FROM qa_session_scores WHERE {closed}) AS scored, \
                    (SELECT COUNT(*) FROM qa_session_scores WHERE channel = 'call' AND {closed}) AS calls, \
                    (SELECT COUNT(*) FROM {pii}) AS planted_pii, \
                    (SELECT COUNT(*) FROM message_insights m JOIN {pii} p ON p.message_id = m.message_id \
                      WHERE strpos(m.content_masked, p.value) > 0) AS leaked, \
                    (SELECT COUNT(*) FROM risk_alerts a JOIN {pii} p ON strpos(a.evidence, p.value) > 0) AS leaked_alerts, \
                    (SELECT COUNT(*) FROM qa_deductions d JOIN {pii} p ON strpos(d.evidence, p.value) > 0) AS leaked_qa",
            pii = truth("pii")
        ),
    )[0];
    assert_eq!(r["facts"], r["scored"]);
    assert!(r["calls"].as_u64().unwrap() > 0);
    assert!(r["planted_pii"].as_u64().unwrap() > 0);
    eprintln!(
        "planted PII values {}: leaked into message_insights {}, risk_alerts {}, qa_deductions {}",
        r["planted_pii"], r["leaked"], r["leaked_alerts"], r["leaked_qa"]
    );
    for k in ["leaked", "leaked_alerts", "leaked_qa"] {
        assert_eq!(
            r[k].as_u64().unwrap(),
            0,
            "{k}: a planted phone, ID, e-mail, address or name is in a row-level output"
        );
    }
}
