//! The functions through DataFusion SQL: every string layout, nulls kept as
//! nulls, scalars and arrays, and `analyze_text` agreeing with each function.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::prelude::SessionContext;
use voc_text::Analyzer;

const TEXTS: &[&str] = &[
    "这件衣服质量很好但是物流太慢了",
    "亲，什么时候发货呀？订单号 2231112223334445556",
    "收到的杯子破损了，我要投诉，电话 138-1234-5678",
    "不太满意，色差严重，申请七天无理由退货",
    "😊👍 好评！会回购",
    "",
];

fn ctx() -> SessionContext {
    let mut ctx = SessionContext::new();
    voc_udf::register_all(&mut ctx, Arc::new(Analyzer::new(&voc_text::TextConfig::builtin()).unwrap())).unwrap();
    ctx
}

async fn register_texts(ctx: &SessionContext) {
    let values: Vec<String> = TEXTS.iter().map(|t| format!("('{t}')")).chain(["(NULL)".to_string()]).collect();
    ctx.sql(&format!("CREATE VIEW texts AS SELECT * FROM (VALUES {}) t(x)", values.join(", ")))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
}

async fn rows(ctx: &SessionContext, sql: &str) -> String {
    let batches = ctx.sql(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}")).collect().await.unwrap();
    pretty_format_batches(&batches).unwrap().to_string()
}

/// The names of the text functions of one string argument, from the registry itself.
fn text_functions() -> Vec<String> {
    let analyzer = Arc::new(Analyzer::new(&voc_text::TextConfig::builtin()).unwrap());
    voc_udf::text_udfs(analyzer).iter().map(|f| f.name().to_string()).collect()
}

#[tokio::test]
async fn every_function_reads_every_string_layout_and_keeps_nulls() {
    let ctx = ctx();
    register_texts(&ctx).await;
    let functions = text_functions();
    assert!(functions.len() >= 12 && functions.contains(&"analyze_text".to_string()), "{functions:?}");
    for f in &functions {
        let plain = rows(&ctx, &format!("SELECT {f}(x) AS r FROM texts")).await;
        for layout in ["LargeUtf8", "Utf8View"] {
            let other = rows(&ctx, &format!("SELECT {f}(arrow_cast(x, '{layout}')) AS r FROM texts")).await;
            assert_eq!(plain, other, "{f} over {layout}");
        }
        let batches =
            ctx.sql(&format!("SELECT {f}(x) AS r FROM texts WHERE x IS NULL")).await.unwrap().collect().await.unwrap();
        assert_eq!(batches[0].column(0).null_count(), 1, "{f}(NULL) is NULL");
        let scalar = rows(&ctx, &format!("SELECT {f}('{}') AS r", TEXTS[0])).await;
        assert!(scalar.lines().count() == 5, "{f} on a literal gives one row: {scalar}");
    }
}

#[tokio::test]
async fn analyze_agrees_with_each_function() {
    let ctx = ctx();
    register_texts(&ctx).await;
    for (field, f) in [
        ("tokens", "segment(x)"),
        ("keywords", "keywords(x, 5)"),
        ("sentiment", "sentiment(x)"),
        ("sentiment_label", "sentiment_label(x)"),
        ("sentiment_evidence", "sentiment_evidence(x)"),
        ("intent", "intent(x)"),
        ("tags", "tags(x)"),
        ("aspects", "aspects(x)"),
        ("has_pii", "has_pii(x)"),
        ("masked", "mask_pii(x)"),
        ("order_ids", "extract_order_ids(x)"),
    ] {
        let q = format!(
            "SELECT COUNT(*) AS n FROM texts WHERE x IS NOT NULL AND analyze_text(x)['{field}'] IS DISTINCT FROM {f}"
        );
        let batches = ctx.sql(&q).await.unwrap().collect().await.unwrap();
        let n = batches[0].column(0).as_primitive::<datafusion::arrow::datatypes::Int64Type>().value(0);
        assert_eq!(n, 0, "analyze_text(x)['{field}'] differs from {f}");
    }
}

/// The one-pass function parses wherever an analyst may put it, not only first in a SELECT list
/// (ANALYZE is an SQL keyword; the function is named `analyze_text` for that reason).
#[tokio::test]
async fn analyze_text_parses_in_every_position() {
    let ctx = ctx();
    register_texts(&ctx).await;
    let queries = [
        "SELECT analyze_text(x) FROM texts",
        "SELECT x, analyze_text(x) FROM texts",
        "SELECT length(x) AS n, analyze_text(x) AS a, x FROM texts",
        "SELECT analyze_text(x)['intent'] AS i, analyze_text(x)['tags'] AS t FROM texts",
        "SELECT x FROM texts WHERE analyze_text(x)['sentiment_label'] = 'negative'",
        "SELECT analyze_text(x)['intent'] AS i, COUNT(*) FROM texts GROUP BY analyze_text(x)['intent']",
        "SELECT x FROM texts ORDER BY analyze_text(x)['sentiment'] NULLS LAST",
        "SELECT i, COUNT(*) FROM (SELECT analyze_text(x)['intent'] AS i FROM texts) GROUP BY i HAVING COUNT(*) > 0",
        "WITH a AS (SELECT analyze_text(x) AS r FROM texts) SELECT r['masked'] FROM a",
        "SELECT CASE WHEN analyze_text(x)['has_pii'] THEN 'pii' ELSE 'clean' END FROM texts",
        "SELECT array_length(analyze_text(x)['tokens']) FROM texts",
        "SELECT x FROM texts WHERE x IN (SELECT x FROM texts WHERE analyze_text(x)['has_pii'])",
        "SELECT analyze_text('快递三天了还没到')['intent']",
    ];
    for q in queries {
        let df = ctx.sql(q).await.unwrap_or_else(|e| panic!("{q}: {e}"));
        let batches = df.collect().await.unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(batches.iter().map(|b| b.num_rows()).sum::<usize>() > 0, "{q} returned no row");
    }
}

#[tokio::test]
async fn the_examples_from_the_issue_work() {
    let ctx = ctx();
    let s = rows(&ctx, "SELECT segment('这件衣服质量很好但是物流太慢了') AS s").await;
    assert!(s.contains("物流") && s.contains("衣服"), "{s}");
    let s = rows(&ctx, "SELECT mask_pii('电话 138-1234-5678 订单号 2231112223334445556') AS m").await;
    assert!(s.contains("138-****-5678") && s.contains("2231112223334445556"), "{s}");
}

#[tokio::test]
async fn top_terms_counts_terms_across_a_group() {
    let ctx = ctx();
    let q = "SELECT g, top_terms(t, 2) AS top FROM (VALUES
        ('a', ['物流', '太慢']), ('a', ['物流', '破损']), ('a', ['物流', '破损']), ('a', NULL),
        ('b', ['好评'])) v(g, t) GROUP BY g ORDER BY g";
    let batches = ctx.sql(q).await.unwrap().collect().await.unwrap();
    let lists = batches[0].column(1).as_list::<i32>();
    let a: Vec<String> = lists.value(0).as_string::<i32>().iter().map(|s| s.unwrap().to_string()).collect();
    assert_eq!(a, vec!["物流", "破损"]);
    let b: Vec<String> = lists.value(1).as_string::<i32>().iter().map(|s| s.unwrap().to_string()).collect();
    assert_eq!(b, vec!["好评"]);
    // Partial aggregates merge across partitions.
    let ctx2 = SessionContext::new_with_config(datafusion::prelude::SessionConfig::new().with_target_partitions(4));
    let mut ctx2 = ctx2;
    voc_udf::register_all(&mut ctx2, Arc::new(Analyzer::new(&voc_text::TextConfig::builtin()).unwrap())).unwrap();
    let q = "SELECT top_terms(segment(x), 1) AS top FROM (SELECT '物流太慢' AS x FROM generate_series(1, 5000)
             UNION ALL SELECT '破损' AS x FROM generate_series(1, 100))";
    let s = rows(&ctx2, q).await;
    assert!(s.contains("[物流]") || s.contains("[太慢]"), "{s}");
}

/// The struct `analyze_text` is documented to return is the one it returns.
#[test]
fn the_analyze_doc_names_the_struct_fields_it_returns() {
    let analyzer = Arc::new(Analyzer::new(&voc_text::TextConfig::builtin()).unwrap());
    let udfs = voc_udf::scalar_udfs(analyzer);
    let doc = udfs.iter().find(|f| f.name() == "analyze_text").and_then(|f| f.documentation()).unwrap();
    let names: Vec<String> = voc_udf::analysis_fields().iter().map(|f| f.name().clone()).collect();
    assert!(doc.syntax_example.ends_with(&format!("→ STRUCT<{}>", names.join(", "))), "{}", doc.syntax_example);
}

/// Every function voc registers, scalar or aggregate, carries its documentation (what `voc
/// functions` prints): one line, a syntax and an example that is a query.
#[test]
fn every_registered_function_is_documented() {
    let analyzer = Arc::new(Analyzer::new(&voc_text::TextConfig::builtin()).unwrap());
    let scalars = voc_udf::scalar_udfs(analyzer);
    let aggregates = voc_udf::aggregate_udfs();
    let docs: Vec<(String, Option<&datafusion::logical_expr::Documentation>)> = scalars
        .iter()
        .map(|f| (f.name().to_string(), f.documentation()))
        .chain(aggregates.iter().map(|f| (f.name().to_string(), f.documentation())))
        .collect();
    assert!(docs.len() >= 17, "{} functions", docs.len());
    for (name, doc) in docs {
        let doc = doc.unwrap_or_else(|| panic!("{name} has no documentation"));
        assert_eq!(doc.doc_section.label, voc_udf::DOC_SECTION.label, "{name}");
        assert!(!doc.description.is_empty() && !doc.description.contains('\n'), "{name}: {}", doc.description);
        assert!(doc.syntax_example.starts_with(&format!("{name}(")), "{name}: {}", doc.syntax_example);
        let example = doc.sql_example.as_deref().unwrap_or_default();
        assert!(example.starts_with("SELECT") && example.contains(&format!("{name}(")), "{name}: {example}");
    }
}
