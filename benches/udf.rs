//! SQL-level benchmark of voc's text functions: rows/s of `analyze_text` with one
//! and two DataFusion partitions (scaling across cores), and one `analyze_text`
//! pass against the separate functions over the same texts: all eleven fields
//! (what message_insights reads), and five fields (analyze_text computes all eleven
//! whatever the query reads, so for a few fields the separate functions win).
//!
//! Two corpora of 200,000 rows: `distinct`, where every row differs (a number
//! in each), the worst case for the functions' per-batch deduplication; and
//! `repeated`, 360 texts over and over, like quick replies and bot answers.
//!
//! Measured 2026-11-25 (2 cores; rows/s, one partition → two): distinct corpus,
//! segment 596k → 1.16M; analyze_text with all eleven fields 128k → 240k against
//! 68k → 123k for the eleven separate functions; analyze_text with five fields 142k
//! → 268k against 239k → 427k for five functions. Repeated corpus: analyze_text,
//! all fields 732k → 1.41M (5.7x the distinct corpus: each batch analyses its
//! 360 texts once).
//!
//! Run: `cargo bench -p voc-udf --bench udf` (release; a cold release build of
//! DataFusion is long) or add `--profile dev` for a quick, slower-engine run.

use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};

/// The voc binary's allocator (crates/voc-cli/src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: usize = 200_000;
const BATCH: usize = 8192;

/// Customer-service lines built from parts; with `distinct` each carries its row number.
fn texts(distinct: bool) -> Vec<String> {
    let heads = ["亲，", "你好，", "在吗？", "客服你好，", "", "请问"];
    let bodies = [
        "这件衣服质量很好但是物流太慢了",
        "什么时候发货呀，我急用",
        "收到的杯子破损了，我要投诉",
        "尺码偏大，想换小一码",
        "色差严重，申请七天无理由退货",
        "我的电话是138 1234 5678，麻烦尽快联系",
        "订单号 2231112223334445556 一直没有物流信息",
        "五星好评，会回购的😊",
        "客服态度太差了，再不处理就打12315",
        "有没有优惠券，能便宜点吗",
    ];
    let tails = ["", "。", "！！", "，谢谢", "?", "～"];
    (0..ROWS)
        .map(|i| {
            let n = if distinct { format!("（第{i}条）") } else { String::new() };
            format!("{}{}{n}{}", heads[i % heads.len()], bodies[(i / 7) % bodies.len()], tails[(i / 3) % tails.len()])
        })
        .collect()
}

fn ctx(partitions: usize, texts: &[String]) -> SessionContext {
    let mut ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    let analyzer = Arc::new(voc_text::Analyzer::new(&voc_text::TextConfig::builtin()).unwrap());
    voc_udf::register_all(&mut ctx, analyzer).unwrap();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Utf8, true)]));
    let batches: Vec<RecordBatch> = texts
        .chunks(BATCH)
        .map(|c| RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from_iter_values(c))]).unwrap())
        .collect();
    // Deal batches round-robin into `partitions` streams.
    let mut parts: Vec<Vec<RecordBatch>> = vec![vec![]; partitions];
    for (i, b) in batches.into_iter().enumerate() {
        parts[i % partitions].push(b);
    }
    ctx.register_table("t", Arc::new(MemTable::try_new(schema, parts).unwrap())).unwrap();
    ctx
}

async fn time(ctx: &SessionContext, sql: &str) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..2 {
        let t = Instant::now();
        ctx.sql(sql).await.unwrap().collect().await.unwrap();
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

#[tokio::main]
async fn main() {
    let one = "SELECT SUM(a['sentiment']), SUM(array_length(a['tags'])), COUNT(DISTINCT a['intent']), \
               SUM(length(a['masked'])), SUM(array_length(a['order_ids'])) FROM (SELECT analyze_text(x) AS a FROM t)";
    let five = "SELECT SUM(sentiment(x)), SUM(array_length(tags(x))), COUNT(DISTINCT intent(x)), \
                SUM(length(mask_pii(x))), SUM(array_length(extract_order_ids(x))) FROM t";
    let seg = "SELECT SUM(array_length(segment(x))) FROM t";
    // Everything message_insights reads: one analyze_text() against the eleven functions it stands for.
    let all_one = "SELECT SUM(array_length(a['tokens'])), SUM(array_length(a['keywords'])), SUM(a['sentiment']), \
                   COUNT(DISTINCT a['sentiment_label']), SUM(array_length(a['sentiment_evidence'])), \
                   COUNT(DISTINCT a['intent']), SUM(array_length(a['tags'])), SUM(array_length(a['aspects'])), \
                   SUM(CASE WHEN a['has_pii'] THEN 1 ELSE 0 END), SUM(length(a['masked'])), \
                   SUM(array_length(a['order_ids'])) FROM (SELECT analyze_text(x) AS a FROM t)";
    let all_sep = "SELECT SUM(array_length(segment(x))), SUM(array_length(keywords(x, 5))), SUM(sentiment(x)), \
                   COUNT(DISTINCT sentiment_label(x)), SUM(array_length(sentiment_evidence(x))), \
                   COUNT(DISTINCT intent(x)), SUM(array_length(tags(x))), SUM(array_length(aspects(x))), \
                   SUM(CASE WHEN has_pii(x) THEN 1 ELSE 0 END), SUM(length(mask_pii(x))), \
                   SUM(array_length(extract_order_ids(x))) FROM t";
    println!("voc-udf bench: {ROWS} rows a corpus; best of 2");
    println!("| corpus | query | partitions | seconds | rows/s | MB/s |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (corpus, distinct) in [("distinct", true), ("repeated", false)] {
        let texts = texts(distinct);
        let mb = texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
        for (name, sql) in [
            ("segment", seg),
            ("analyze_text, all eleven fields", all_one),
            ("eleven separate functions", all_sep),
            ("analyze_text, five fields", one),
            ("five separate functions", five),
        ] {
            for p in [1, 2] {
                let s = time(&ctx(p, &texts), sql).await;
                println!("| {corpus} | {name} | {p} | {s:.2} | {:.0} | {:.2} |", ROWS as f64 / s, mb / s);
            }
        }
    }
}
