//! The hand-written service day (tests/fixtures/service_day.sql): every KPI,
//! QA and risk formula pinned to the numbers worked out by hand in the
//! fixture's header comment.

mod common;

use common::*;
use serde_json::Value;

const D: &str = "2026-11-10";
const N: &str = "2026-11-11";

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
}

impl Fixture {
    /// Writes the fixture's inputs with `voc sql`, then runs every job for D and for N.
    fn run() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let sql = std::fs::read_to_string(repo().join("tests/fixtures/service_day.sql")).unwrap();
        let o = voc().current_dir(&dir).arg("--project").arg(repo()).args(["sql", "--", &sql]).output().unwrap();
        assert_ok(&o);
        for d in [D, N] {
            let o = voc()
                .current_dir(&dir)
                .arg("--project")
                .arg(repo())
                .args(["run", "--all", "--date", d, "--input", "in", "--output", "out"])
                .output()
                .unwrap();
            assert_ok(&o);
        }
        Fixture { _tmp: tmp, dir }
    }

    fn rows(&self, q: &str) -> Vec<Value> {
        let o = voc()
            .current_dir(&self.dir)
            .arg("--project")
            .arg(repo())
            .args(["sql", q, "--format", "json", "--input", "in", "--output", "out"])
            .output()
            .unwrap();
        assert_ok(&o);
        serde_json::from_str::<Value>(stdout(&o).trim()).unwrap().as_array().unwrap().clone()
    }

    fn row(&self, q: &str) -> Value {
        let r = self.rows(q);
        assert_eq!(r.len(), 1, "{q}: expected one row, found {r:?}");
        r[0].clone()
    }
}

#[track_caller]
fn near(row: &Value, col: &str, want: f64) {
    let have = row[col].as_f64().unwrap_or_else(|| panic!("{col} is {:?} in {row}", row[col]));
    assert!((have - want).abs() < 1e-9, "{col}: expected {want}, found {have}");
}

#[track_caller]
fn null(row: &Value, col: &str) {
    assert!(row.get(col).is_none_or(Value::is_null), "{col}: expected NULL, found {:?}", row[col]);
}

#[test]
fn the_hand_written_day_gives_the_hand_computed_kpis_scores_and_alerts() {
    let f = Fixture::run();

    // Preconditions the expected numbers rest on: the lexicon's verdicts on the fixture's lines.
    let m = f.rows(&format!(
        "SELECT message_id, intent, sentiment FROM message_insights WHERE dt = '{D}' AND message_id IN ('A1', 'A3', 'E1', 'B1', 'B6', 'B8') ORDER BY message_id"
    ));
    let by_id = |id: &str| m.iter().find(|r| r["message_id"] == id).unwrap().clone();
    for id in ["A1", "A3", "E1"] {
        assert_eq!(by_id(id)["intent"], "presale", "{id}");
    }
    assert!(by_id("B1")["sentiment"].as_f64().unwrap() >= 0.0);
    assert!(by_id("B6")["sentiment"].as_f64().unwrap() <= -0.5);
    assert!(by_id("B8")["sentiment"].as_f64().unwrap() <= -0.5);

    // kpi_shop_daily, chat row.
    let k = f.row(&format!("SELECT * FROM kpi_shop_daily WHERE dt = '{D}' AND shop_id = 's1' AND platform = 'tmall'"));
    near(&k, "sessions", 5.0);
    near(&k, "customers", 5.0);
    near(&k, "frt_p50_s", 30.0);
    near(&k, "frt_p90_s", 480.0);
    near(&k, "avg_reply_s", 1504.0 / 9.0);
    near(&k, "resolution_rate", 0.4);
    near(&k, "repeat_contact_rate", 0.6);
    near(&k, "csat_avg", 11.0 / 3.0);
    near(&k, "csat_top2_rate", 2.0 / 3.0);
    near(&k, "transfer_rate", 0.5);
    near(&k, "question_rounds", 7.0);
    near(&k, "response_3min_rate", 3.0 / 7.0);
    near(&k, "presale_customers", 2.0);
    near(&k, "conversion_rate", 0.5);
    // The phone row.
    let p = f.row(&format!("SELECT * FROM kpi_shop_daily WHERE dt = '{D}' AND shop_id = 's1' AND platform = 'phone'"));
    assert_eq!(p["channel"], "call");
    near(&p, "sessions", 3.0);
    near(&p, "customers", 2.0);
    near(&p, "resolution_rate", 2.0 / 3.0);
    near(&p, "repeat_contact_rate", 1.0 / 3.0);
    for c in ["frt_p50_s", "csat_avg", "transfer_rate", "response_3min_rate", "conversion_rate"] {
        null(&p, c);
    }

    // session_facts: the 24 h window crosses into N (E → F at 08:30), and the call facts.
    let e = f.row(&format!("SELECT * FROM session_facts WHERE dt = '{D}' AND session_id = 'E'"));
    assert_eq!(e["recontact_24h"], true);
    assert_eq!(e["resolved"], false);
    let k1 = f.row(&format!("SELECT * FROM session_facts WHERE dt = '{D}' AND session_id = 'K1'"));
    near(&k1, "duration_s", 13.0);
    near(&k1, "agent_talk_share", 40.0 / 47.0);
    assert_eq!(k1["resolved"], true);
    let b = f.row(&format!("SELECT * FROM session_facts WHERE dt = '{D}' AND session_id = 'B'"));
    near(&b, "first_response_s", 2.0);
    near(&b, "human_first_response_s", 251.0);
    // B6 asks for 退货退款 or a resend of a broken cup: refund_return by the intent definitions
    // (an explicit refund, return or exchange request); the keyword rules alone said aftersale.
    assert_eq!(b["intent"], "refund_return");
    assert_eq!(b["bot_started"], true);

    // QA.
    let scores =
        f.rows(&format!("SELECT session_id, score FROM qa_session_scores WHERE dt = '{D}' ORDER BY session_id"));
    let got: Vec<(String, f64)> =
        scores.iter().map(|r| (r["session_id"].as_str().unwrap().to_string(), r["score"].as_f64().unwrap())).collect();
    let want = [
        ("A", 100.0),
        ("B", 65.0),
        ("C", 65.0),
        ("E", 100.0),
        ("G", 85.0),
        ("H", 0.0),
        ("K1", 100.0),
        ("K2", 90.0),
        ("K3", 90.0),
    ];
    assert_eq!(got, want.map(|(s, v)| (s.to_string(), v)).to_vec());
    let d =
        f.rows(&format!("SELECT session_id, rule_id FROM qa_deductions WHERE dt = '{D}' ORDER BY session_id, rule_id"));
    let pairs: Vec<String> =
        d.iter().map(|r| format!("{}:{}", r["session_id"].as_str().unwrap(), r["rule_id"].as_str().unwrap())).collect();
    assert_eq!(
        pairs,
        [
            "B:QA06", "B:QA07", "B:QA08", "B:QA09", "C:QA01", "C:QA03", "C:QA05", "G:QA01", "G:QA06", "H:QA03",
            "H:QA04", "H:QA06", "K2:QA08", "K3:QA08"
        ]
    );
    let q = f.row(&format!("SELECT * FROM qa_shop_daily WHERE dt = '{D}' AND shop_id = 's1'"));
    near(&q, "sessions", 8.0);
    near(&q, "score_avg", 86.875);
    near(&q, "below_pass_rate", 0.25);

    // kpi_agent_daily.
    let a1 = f.row(&format!("SELECT * FROM kpi_agent_daily WHERE dt = '{D}' AND agent_id = 'a1'"));
    near(&a1, "sessions", 3.0);
    near(&a1, "frt_p50_s", 300.0);
    near(&a1, "avg_reply_s", 204.0);
    near(&a1, "csat_avg", 5.0);
    near(&a1, "qa_score_avg", 250.0 / 3.0);
    near(&a1, "resolution_rate", 2.0 / 3.0);
    let a2 = f.row(&format!("SELECT * FROM kpi_agent_daily WHERE dt = '{D}' AND agent_id = 'a2'"));
    near(&a2, "sessions", 4.0);
    near(&a2, "frt_p50_s", 251.0);
    near(&a2, "avg_reply_s", 161.0);
    near(&a2, "csat_avg", 2.0);
    near(&a2, "qa_score_avg", 86.25);
    near(&a2, "resolution_rate", 0.5);

    // kpi_hourly: 24 rows, the load where the sessions were.
    let h = f.rows(&format!(
        "SELECT hour, sessions, customer_messages FROM kpi_hourly WHERE dt = '{D}' AND shop_id = 's1' ORDER BY hour"
    ));
    assert_eq!(h.len(), 24);
    let busy: Vec<(i64, i64, i64)> = h
        .iter()
        .map(|r| {
            (r["hour"].as_i64().unwrap(), r["sessions"].as_i64().unwrap(), r["customer_messages"].as_i64().unwrap())
        })
        .filter(|r| r.1 > 0 || r.2 > 0)
        .collect();
    assert_eq!(busy, [(2, 1, 1), (9, 1, 1), (10, 1, 2), (15, 1, 2), (18, 1, 1), (20, 1, 4), (21, 1, 1), (22, 1, 1)]);

    // risk_alerts.
    let r = f.rows("SELECT dt, alert_type, severity, customer_id, session_id FROM risk_alerts ORDER BY dt, alert_type");
    let alerts: Vec<String> = r
        .iter()
        .map(|a| {
            format!(
                "{} {} {} {} {}",
                a["dt"].as_str().unwrap(),
                a["alert_type"].as_str().unwrap(),
                a["severity"].as_str().unwrap(),
                a["customer_id"].as_str().unwrap(),
                a["session_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        alerts,
        [
            format!("{D} high_risk_complaint critical c2 K3"),
            format!("{D} negative_escalation medium c2 B"),
            format!("{D} repeat_contact_1d medium c2 K3"),
            format!("{D} repeat_contact_3d medium c2 K3"),
            format!("{D} vip_complaint high c2 B"),
            format!("{D} vip_complaint high c2 K3"),
            format!("{N} repeat_contact_3d medium c2 K3"),
        ]
    );
}

#[test]
fn the_hand_written_insight_day_gives_the_hand_computed_rules_and_cause_shares() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Thresholds low enough for five baskets.
    let project = copy_project(dir);
    std::fs::write(
        project.join("config/basket_rules.toml"),
        "[[thresholds]]\nmin_orders = 1\nmin_support = 0.0\nmin_confidence = 0.0\n",
    )
    .unwrap();
    let sql = std::fs::read_to_string(repo().join("tests/fixtures/insights_day.sql")).unwrap();
    let voc_here = || {
        let mut c = voc();
        c.current_dir(dir).arg("--project").arg(&project);
        c
    };
    assert_ok(&voc_here().args(["sql", "--", &sql]).output().unwrap());
    for (job, d) in [
        ("message_insights", D),
        ("message_insights", N),
        ("return_root_causes", N),
        ("basket_rules", D),
        ("session_facts", N),
        ("customer_profile", N),
    ] {
        assert_ok(&voc_here().args(["run", job, "--date", d, "--input", "in", "--output", "out"]).output().unwrap());
    }
    let rows = |q: &str| -> Vec<Value> {
        let o = voc_here().args(["sql", q, "--format", "json", "--input", "in", "--output", "out"]).output().unwrap();
        assert_ok(&o);
        serde_json::from_str::<Value>(stdout(&o).trim()).unwrap().as_array().unwrap().clone()
    };

    let rules = rows(&format!("SELECT * FROM basket_rules WHERE dt = '{D}' ORDER BY antecedent, consequent"));
    let got: Vec<(String, f64, f64, f64)> = rules
        .iter()
        .map(|r| {
            (
                format!("{}>{}", r["antecedent"].as_str().unwrap(), r["consequent"].as_str().unwrap()),
                r["support"].as_f64().unwrap(),
                r["confidence"].as_f64().unwrap(),
                r["lift"].as_f64().unwrap(),
            )
        })
        .collect();
    // Evidence: one basket holding both (the smallest pair of order ids).
    let examples: Vec<&str> = rules.iter().map(|r| r["example_orders"].as_str().unwrap()).collect();
    assert_eq!(
        examples,
        [
            "6995171422418977001+6995171422418977002",
            "6995171422418977002+6995171422418977001",
            "6995171422418977006+6995171422418977007",
            "6995171422418977007+6995171422418977006",
        ]
    );
    let want = [
        ("A>B", 0.4, 2.0 / 3.0, 10.0 / 9.0),
        ("B>A", 0.4, 2.0 / 3.0, 10.0 / 9.0),
        ("B>C", 0.2, 1.0 / 3.0, 5.0 / 6.0),
        ("C>B", 0.2, 0.5, 5.0 / 6.0),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((name, s, c, l), (wn, ws, wc, wl)) in got.iter().zip(want) {
        assert_eq!(name, wn);
        assert!((s - ws).abs() < 1e-9 && (c - wc).abs() < 1e-9 && (l - wl).abs() < 1e-9, "{name}: {s} {c} {l}");
    }

    let causes =
        rows(&format!("SELECT refund_id, cause, cause_source FROM refund_causes WHERE dt = '{D}' ORDER BY refund_id"));
    let got: Vec<String> = causes
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["refund_id"].as_str().unwrap(),
                r["cause"].as_str().unwrap(),
                r["cause_source"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "R1 quality reason_code",
            "R2 size reason_text",
            "R3 colour_difference chat",
            "R4 wrong_item reason_code",
            "R5 size reason_code",
            "R6 unknown none",
        ]
    );
    let shares = rows(&format!(
        "SELECT product_id, sku_id, cause, refunds, share, CAST(amount AS DOUBLE) AS amount FROM return_root_causes WHERE dt = '{D}' ORDER BY product_id, sku_id, cause"
    ));
    let got: Vec<String> = shares
        .iter()
        .map(|r| {
            format!(
                "{}/{} {} {} {:.3} {}",
                r["product_id"].as_str().unwrap(),
                r["sku_id"].as_str().unwrap(),
                r["cause"].as_str().unwrap(),
                r["refunds"],
                r["share"].as_f64().unwrap(),
                r["amount"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "A/A-1 quality 1 0.200 100.0",
            "A/A-1 size 2 0.400 200.0",
            "A/A-2 colour_difference 1 0.200 80.0",
            "A/A-2 wrong_item 1 0.200 80.0",
            "B/B-1 unknown 1 1.000 50.0",
        ]
    );

    // Customer profile as of D: every number worked out in the fixture's header.
    let profile = rows(&format!(
        "SELECT customer_id, recency_days, frequency, monetary, spend, r_score, f_score, m_score, rfm_segment, \
                contacts_30d, refunds, tags, churn_risk, last_order_id, tag_evidence FROM customer_profile WHERE dt = '{D}' ORDER BY customer_id"
    ));
    let got: Vec<String> = profile
        .iter()
        .map(|r| {
            format!(
                "{} R{} F{} M{} spend{} {}{}{} {} contacts{} tags{}",
                r["customer_id"].as_str().unwrap(),
                r["recency_days"],
                r["frequency"],
                r["monetary"],
                r["spend"],
                r["r_score"],
                r["f_score"],
                r["m_score"],
                r["rfm_segment"].as_str().unwrap_or("-"),
                r["contacts_30d"],
                r["tags"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            r#"c1 R0 F2 M100.0 spend200.0 331 一般价值 contacts1 tags["新客","频繁退货"]"#,
            r#"c2 R0 F2 M100.0 spend200.0 331 一般价值 contacts1 tags["新客"]"#,
            r#"c3 R0 F1 M100.0 spend100.0 311 一般发展 contacts0 tags["新客"]"#,
            r#"c4 R0 F2 M100.0 spend200.0 331 一般价值 contacts0 tags["新客"]"#,
            r#"c5 R0 F1 M100.0 spend100.0 311 一般发展 contacts0 tags["新客"]"#,
            r#"c7 Rnull F0 Mnull spend0.0 nullnullnull - contacts1 tags[]"#,
            r#"r1 R5 F3 M600.0 spend1800.0 245 重要价值 contacts0 tags["高价值"]"#,
            r#"r2 R254 F1 M1000.0 spend1000.0 115 重要挽留 contacts0 tags["沉睡"]"#,
            r#"r3 R123 F4 M50.0 spend200.0 251 一般保持 contacts0 tags[]"#,
            r#"r4 R364 F1 M30.0 spend30.0 111 一般挽留 contacts0 tags["沉睡"]"#,
            r#"r5 R1 F1 M300.0 spend300.0 314 重要发展 contacts0 tags["新客"]"#,
            r#"r6 R162 F3 M500.0 spend1500.0 144 重要保持 contacts0 tags["高价值"]"#,
        ]
    );
    // Evidence: the last order behind recency, the values behind each tag.
    let ev = |id: &str, col: &str| profile.iter().find(|r| r["customer_id"] == id).unwrap()[col].to_string();
    assert_eq!(ev("r1", "last_order_id"), r#""6995171422418978003""#);
    assert_eq!(ev("r4", "last_order_id"), r#""6995171422418978010""#);
    assert_eq!(ev("r1", "tag_evidence"), r#"["高价值：f_score=4.0, m_score=5.0"]"#);
    assert_eq!(ev("r4", "tag_evidence"), r#"["沉睡：recency_days=364.0"]"#);
    assert_eq!(ev("c1", "tag_evidence"), r#"["新客：tenure_days=0.0","频繁退货：refund_rate=2.0, refunds=4.0"]"#);
    let churn = |id: &str| profile.iter().find(|r| r["customer_id"] == id).unwrap()["churn_risk"].as_f64().unwrap();
    assert!((churn("r1") - (1.0 - (-5.0f64 / 17.5).exp())).abs() < 1e-9, "{}", churn("r1"));
    assert!((churn("r2") - (1.0 - (-254.0f64 / 90.0).exp())).abs() < 1e-9, "{}", churn("r2"));
    // The look-back year listed only its own partitions: 2025-11-10 is a day too old.
    let m: Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("out/customer_profile/dt={D}/_SUCCESS"))).unwrap())
            .unwrap();
    let orders = m["inputs"].as_array().unwrap().iter().find(|i| i["table"] == "orders").unwrap();
    let listed: Vec<&str> = orders["partitions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(listed.len(), 14, "{listed:?}");
    assert!(listed.iter().all(|p| !p.contains("2025-11-10")), "{listed:?}");
}
