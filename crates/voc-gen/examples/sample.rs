//! Generates a small data set and prints a few sessions, calls, refunds and reviews:
//! `cargo run -p voc-gen --example sample [-- N]`
//! With `--bench SESSIONS` it instead times a one-day data set of that many sessions.

use arrow::array::{Array, AsArray};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use voc_contract::storage::Root;
use voc_gen::{generate, GenConfig};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = tempfile::tempdir().unwrap();
    let root = Root::parse(dir.path().to_str().unwrap(), true).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    if args.get(1).map(String::as_str) == Some("--bench") {
        let spd: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(80_000);
        let cfg = GenConfig { days: 1, customers: spd * 5, sessions_per_day: Some(spd), ..GenConfig::small(start) };
        let sum = generate(&root, &cfg).await.unwrap();
        let msgs = sum.rows("chat_messages");
        println!("{msgs} messages in {:.2?}: {:.0} messages/s", sum.elapsed, msgs as f64 / sum.elapsed.as_secs_f64());
        for t in sum.tables.iter().chain(sum.truth.iter()) {
            println!("  {:<22} rows {:>9} files {:>3} bytes {:>11}", t.table, t.rows, t.files, t.bytes);
        }
        return;
    }
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(6);
    let sum = generate(&root, &GenConfig::small(start)).await.unwrap();
    for t in sum.tables.iter().chain(sum.truth.iter()) {
        println!("{:<22} rows {:>7} files {:>2} bytes {:>9}", t.table, t.rows, t.files, t.bytes);
    }
    let read = |rel: &str| {
        let f = std::fs::File::open(dir.path().join(rel)).unwrap();
        ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap().next().unwrap().unwrap()
    };
    let b = read("chat_messages/dt=2026-11-02/part-00000.parquet");
    let col = |name: &str| b.column_by_name(name).unwrap().as_string::<i32>().clone();
    let (sid, sender, content, ty, plat) =
        (col("session_id"), col("sender"), col("content"), col("msg_type"), col("platform"));
    let mut shown = 0;
    let mut last = String::new();
    for i in 0..b.num_rows() {
        if sid.value(i) != last {
            shown += 1;
            if shown > n {
                break;
            }
            last = sid.value(i).to_string();
            println!("\n== {} ({})", last, plat.value(i));
        }
        println!("  {:<8} {:<5} {}", sender.value(i), ty.value(i), content.value(i));
    }
    let c = read("call_transcripts/dt=2026-11-02/part-00000.parquet");
    println!("\n== call {}", c.column_by_name("call_id").unwrap().as_string::<i32>().value(0));
    let first = c.column_by_name("call_id").unwrap().as_string::<i32>().value(0).to_string();
    for i in 0..c.num_rows() {
        let id = c.column_by_name("call_id").unwrap().as_string::<i32>().value(i);
        if id != first {
            break;
        }
        println!(
            "  {:<8} {}",
            c.column_by_name("speaker").unwrap().as_string::<i32>().value(i),
            c.column_by_name("text").unwrap().as_string::<i32>().value(i)
        );
    }
    for rel in ["refunds/dt=2026-11-03/part-00000.parquet", "reviews/dt=2026-11-03/part-00000.parquet"] {
        let r = read(rel);
        println!("\n== {rel}");
        for i in 0..r.num_rows().min(8) {
            let cells: Vec<String> = r
                .columns()
                .iter()
                .map(|a| {
                    if a.is_null(i) {
                        "∅".into()
                    } else {
                        arrow::util::display::array_value_to_string(a, i).unwrap()
                    }
                })
                .collect();
            println!("  {}", cells.join(" | "));
        }
    }
}
