//! Issue 5's business-insight jobs over generated data with planted truth,
//! run day by day as a scheduler would.

mod common;

use std::collections::BTreeMap;

use common::*;

#[test]
fn return_root_causes_recover_the_planted_causes_seven_day_ones_included() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, output) = generate_and_run_daily(
        tmp.path(),
        "2026-10-01",
        12,
        &["--shops", "2", "--customers", "60000", "--sessions-per-day", "200", "--seed", "5"],
    );
    let truth = format!("'{}/_truth/refund_causes/part-00000.parquet'", input.display());

    // Refund by refund.
    let r = &query(
        &input,
        &output,
        &format!(
            "SELECT COUNT(*) AS n, SUM(CASE WHEN c.cause = t.true_cause THEN 1 ELSE 0 END) AS ok, \
                    SUM(CASE WHEN t.reason_code = '七天无理由退货' THEN 1 ELSE 0 END) AS seven, \
                    SUM(CASE WHEN t.reason_code = '七天无理由退货' AND c.cause = t.true_cause THEN 1 ELSE 0 END) AS seven_ok \
             FROM refund_causes c JOIN {truth} t ON t.refund_id = c.refund_id"
        ),
    )[0];
    let n = |k: &str| r[k].as_f64().unwrap();
    eprintln!(
        "refunds {} classified right {:.4}; 七天无理由 {} classified right {:.4}",
        n("n"),
        n("ok") / n("n"),
        n("seven"),
        n("seven_ok") / n("seven")
    );
    assert!(n("n") > 2000.0 && n("seven") > 300.0);

    // Shares of one product on one day sum to 1.
    let bad = query(
        &input,
        &output,
        "SELECT dt, product_id, SUM(share) AS s FROM return_root_causes GROUP BY dt, product_id HAVING abs(SUM(share) - 1) > 1e-9",
    );
    assert!(bad.is_empty(), "{bad:?}");

    // Per product with >= 50 refunds over the closed days: the cause mix within ±5 points of
    // the planted causes of those same refunds (all of them, and the 七天无理由 ones alone).
    let mix = |filter: &str| -> BTreeMap<(String, String), (f64, f64)> {
        let rows = query(
            &input,
            &output,
            &format!(
                "WITH t AS (SELECT t.refund_id, t.product_id, t.true_cause, t.reason_code FROM {truth} t \
                            JOIN refund_causes c ON c.refund_id = t.refund_id), \
                      n AS (SELECT product_id, COUNT(*) AS refunds FROM t WHERE {filter} GROUP BY product_id HAVING COUNT(*) >= 50), \
                      want AS (SELECT t.product_id, t.true_cause AS cause, COUNT(*) AS k FROM t JOIN n USING (product_id) WHERE {filter} GROUP BY 1, 2), \
                      got AS (SELECT c.product_id, c.cause, COUNT(*) AS k FROM refund_causes c JOIN n USING (product_id) \
                              JOIN t ON t.refund_id = c.refund_id WHERE {filter} GROUP BY 1, 2) \
                 SELECT COALESCE(w.product_id, g.product_id) AS product_id, COALESCE(w.cause, g.cause) AS cause, \
                        CAST(COALESCE(w.k, 0) AS DOUBLE) / n.refunds AS want, CAST(COALESCE(g.k, 0) AS DOUBLE) / n.refunds AS got \
                 FROM want w FULL JOIN got g ON w.product_id = g.product_id AND w.cause = g.cause \
                 JOIN n ON n.product_id = COALESCE(w.product_id, g.product_id)"
            ),
        );
        rows.iter()
            .map(|r| {
                (
                    (r["product_id"].as_str().unwrap().to_string(), r["cause"].as_str().unwrap().to_string()),
                    (r["want"].as_f64().unwrap(), r["got"].as_f64().unwrap()),
                )
            })
            .collect()
    };
    for (what, filter) in [("all refunds", "TRUE"), ("七天无理由", "t.reason_code = '七天无理由退货'")] {
        let m = mix(filter);
        let products: std::collections::BTreeSet<&String> = m.keys().map(|(p, _)| p).collect();
        let worst = m.values().map(|(w, g)| (w - g).abs()).fold(0.0, f64::max);
        eprintln!("{what}: {} products with >= 50 refunds, largest share error {:.4}", products.len(), worst);
        assert!(!products.is_empty(), "{what}: no product with 50 refunds");
        for ((p, c), (w, g)) in &m {
            assert!((w - g).abs() <= 0.05, "{what}: {p} {c}: planted {w:.3}, found {g:.3}");
        }
    }
}
