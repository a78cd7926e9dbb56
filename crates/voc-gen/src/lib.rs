//! # voc-gen — deterministic synthetic customer-service data with planted truth
//!
//! `generate` writes the nine contract tables (`voc_contract::contract`) as
//! Hive-partitioned, zstd-compressed Parquet, `<table>/dt=YYYY-MM-DD/part-0000N.parquet`,
//! where `dt` is the business date in `GenConfig::tz` of each row's event time
//! (message `sent_at`, session `started_at`, order `created_at`, refund
//! `applied_at`, `call_started_at`, review `created_at`). Dimension tables
//! (customers, products, agents) are written as identical snapshots into every
//! `dt`. Sessions and calls never cross local midnight. Orders, refunds and
//! reviews only exist inside the window; order timestamps later than the end
//! of the window are NULL and `status` is the state at the end of the window.
//!
//! Same config ⇒ byte-identical files. All text is Simplified Chinese in the
//! style of Tmall/JD/Douyin/PDD shop chats.
//!
//! ## Planted truth: `_truth/<fact>/part-00000.parquet` (not partitioned; `dt` is a column)
//!
//! | fact | columns | meaning |
//! | --- | --- | --- |
//! | `customer_segments` | customer_id, segment, frequent, pricey, recent, visits, first_visit_dt, last_visit_dt | one row per buyer (30 % of customers buy nothing and only consult): the RFM archetype (重要价值 … 一般挽留, `world::SEGMENTS`) that planned their purchase occasions. frequent = 9–11 occasions (+1 per 60 days of window), else 1–2 (a window shorter than 60 days scales both down: n × days/60 occasions, and the rare buyers buy at all with probability days/60 — those who do not are left out of this table); pricey = every order from the top quarter of product prices, else from the cheapest 40 % (never more units than stay in that band); recent = last occasion in the last tenth of the window but not on its final day, else every occasion in its first two fifths. Each occasion is one paid order (a cancelled one is ordered again) plus planted basket partners / extra items of the same band; a converting pre-sale chat is an extra occasion of a frequent buyer, in their band, while they buy. A classic mean-split RFM on a snapshot as of the day before the last recovers `segment` |
//! | `repeat_contacts` | customer_id, shop_id, dt, contacts, window | exact counts of chat sessions + calls of a customer with a shop: window `1d` = contacts on `dt` ≥ 3; window `3d` = contacts over `dt-2..=dt` (days inside the generated range) ≥ 3, one row per end date (a `1d` day also yields a `3d` row) |
//! | `slow_first_reply` | session_id, dt, first_response_s | human sessions whose first bot/agent message comes exactly `first_response_s` (200–900) seconds after the first customer message. Every other session replies within 60 s |
//! | `forbidden_words` | session_id, message_id, dt, word | the one agent message per planted session containing a forbidden phrase (`vocab::FORBIDDEN_WORDS`); no other agent message contains any |
//! | `no_greeting` | session_id, dt | human-served sessions where the agent never greets (no 您好/欢迎 from the agent) |
//! | `no_closing` | session_id, dt | human-served sessions without a closing (no 祝您/随时联系); includes unresolved human sessions |
//! | `unresolved` | session_id, dt | sessions whose last message is an unanswered customer message (no other session ends on a customer message) |
//! | `high_risk_complaints` | id, channel, dt, word | chat sessions (`chat`, id = session_id) and calls (`call`, id = call_id) where the customer uses a high-risk word (`vocab::HIGH_RISK_WORDS`: 12315, 投诉, 曝光, 律师, 起诉, 消协, 工商, 媒体); one row per distinct word; no other session/call contains any |
//! | `pii` | message_id, session_id, kind, value | personal data in customer messages, `kind` ∈ phone, id_card, email, address, name; `value` exactly as written (phones in several spellings incl. full-width, ID cards with valid checksum) |
//! | `return_cause_mix` | product_id, cause, share | the planted distribution of true refund causes per product (`vocab::CAUSES`) |
//! | `refund_causes` | refund_id, order_id, product_id, dt, true_cause, reason_code | true cause of every refund; ~30 % carry reason_code 七天无理由退货 with another real cause, revealed in reason_text and/or a chat session mentioning the order |
//! | `hot_questions` | category, question, planted_rank, weight, paraphrases | per category the Zipf-like distribution of canonical pre-sale questions (first question of each pre-sale session is drawn from it; paraphrases joined by `|`) |
//! | `review_sentiment` | review_id, rating, label, is_append | positive (rating ≥ 4) / neutral (3) / negative (≤ 2); 追评 labelled by their own content |
//! | `presale_conversions` | session_id, customer_id, shop_id, product_id, dt, order_id | every pre-sale chat session; order_id of the order it led to (same customer, shop and product, same or next day) or NULL. A converting session comes from a frequent buyer (see `customer_segments`), the others from customers who buy nothing in the window |
//! | `basket_pairs` | shop_id, product_a, product_b, attach_prob | product pairs planted to be bought together (same customer, same minute) |

pub mod pii;
pub mod render;
pub mod rng;
pub mod rows;
pub mod table;
pub mod truth;
pub mod vocab;
pub mod world;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::datatypes::SchemaRef;
use bytes::Bytes;
use chrono::NaiveDate;

use table::{encode, Row};
use voc_contract::contract;
use voc_contract::storage::Root;
use voc_contract::{Result, VocError};
use world::World;

pub use truth::{truth_schema, TRUTH_FACTS};
pub use world::business_date;

#[derive(Debug, Clone)]
pub struct GenConfig {
    pub start: NaiveDate,
    pub days: u32,
    pub shops: u32,
    pub customers: u32,
    pub seed: u64,
    /// chat sessions per day over all shops; None = customers / 20 (at least 20)
    pub sessions_per_day: Option<u32>,
    /// business time zone; dt partitions are local dates in it
    pub tz: chrono_tz::Tz,
}

impl GenConfig {
    /// 3 days, 4 shops, 2000 customers, seed 42, Asia/Shanghai.
    pub fn small(start: NaiveDate) -> Self {
        GenConfig {
            start,
            days: 3,
            shops: 4,
            customers: 2000,
            seed: 42,
            sessions_per_day: None,
            tz: chrono_tz::Asia::Shanghai,
        }
    }

    pub fn sessions_per_day(&self) -> u32 {
        self.sessions_per_day.unwrap_or((self.customers / 20).max(20))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSummary {
    pub table: String,
    pub rows: u64,
    pub files: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone)]
pub struct GenSummary {
    pub tables: Vec<TableSummary>,
    pub truth: Vec<TableSummary>,
    pub elapsed: Duration,
}

impl GenSummary {
    pub fn rows(&self, table: &str) -> u64 {
        self.tables.iter().chain(self.truth.iter()).filter(|t| t.table == table).map(|t| t.rows).sum()
    }
}

/// Generates the whole data set below `root`: plans the world, writes the dimension
/// snapshots and each day's tables, then the planted truth.
pub async fn generate(root: &Root, cfg: &GenConfig) -> Result<GenSummary> {
    let started = Instant::now();
    if cfg.days == 0 || cfg.shops == 0 || cfg.customers == 0 {
        return Err(VocError::config("voc-gen: days, shops and customers must be at least 1"));
    }
    let c = cfg.clone();
    let world = Arc::new(blocking(move || Ok(World::build(&c))).await?);
    let mut acc: BTreeMap<String, TableSummary> = BTreeMap::new();

    let w = world.clone();
    let dims = blocking(move || dim_snapshots(&w)).await?;

    let mut rendered = render::Out::default();
    for day in 0..world.days() {
        let w = world.clone();
        let (mut files, out) = blocking(move || day_files(&w, day)).await?;
        rendered.append(out);
        let dt = world.dt(day);
        for d in &dims {
            files.extend(d.files(&dt));
        }
        put_all(root, files, &mut acc).await?;
    }

    let w = world.clone();
    let truth_files: Vec<File> = blocking(move || {
        let t = truth::truth_rows(&w, &rendered);
        let mut files = Vec::new();
        for fact in TRUTH_FACTS {
            let rows = t.get(fact).map(|v| v.as_slice()).unwrap_or(&[]);
            files.extend(files_of(&format!("_truth/{fact}"), fact, &truth_schema(fact).unwrap(), rows)?);
        }
        Ok(files)
    })
    .await?;
    let mut tacc = BTreeMap::new();
    put_all(root, truth_files, &mut tacc).await?;

    let tables = contract::TABLES.iter().filter_map(|t| acc.remove(*t)).collect();
    let truth = TRUTH_FACTS.iter().filter_map(|t| tacc.remove(*t)).collect();
    Ok(GenSummary { tables, truth, elapsed: started.elapsed() })
}

/// A file to write.
struct File {
    /// path below the root
    path: String,
    /// the table (or truth fact) it belongs to
    table: String,
    bytes: Vec<u8>,
    rows: u64,
}

/// A dimension table encoded once, to be written into every dt.
struct DimSnapshot {
    table: &'static str,
    parts: Vec<Vec<u8>>,
    rows: u64,
}

impl DimSnapshot {
    /// Its files in partition `dt`.
    fn files(&self, dt: &str) -> Vec<File> {
        let mut left = self.rows;
        let mut files = Vec::new();
        for (i, b) in self.parts.iter().enumerate() {
            let r = left.min(table::ROWS_PER_FILE as u64);
            left -= r;
            let path = format!("{}/dt={dt}/part-{i:05}.parquet", self.table);
            files.push(File { path, table: self.table.to_string(), bytes: b.clone(), rows: r });
        }
        files
    }
}

fn cschema(t: &str) -> SchemaRef {
    contract::schema(t).expect("contract table")
}

/// The customers, products and agents snapshots.
fn dim_snapshots(w: &World) -> Result<Vec<DimSnapshot>> {
    let jobs = ["customers", "products", "agents"];
    par_map(&jobs, |t| {
        let rows = rows::dim_rows(w, t);
        Ok(DimSnapshot { table: t, parts: encode(&cschema(t), &rows)?, rows: rows.len() as u64 })
    })
    .into_iter()
    .collect()
}

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8)
}

/// Runs `jobs` on up to `threads()` scoped threads, results in job order.
fn par_map<T: Sync, R: Send>(jobs: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = threads().min(jobs.len().max(1));
    if n <= 1 {
        return jobs.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = (0..jobs.len()).map(|_| None).collect();
    let results = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|s| {
        for _ in 0..n {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs.len() {
                    break;
                }
                let r = f(&jobs[i]);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    slots.into_iter().map(|r| r.expect("job ran")).collect()
}

/// The files of one table below `dir`, split every `table::ROWS_PER_FILE` rows.
fn files_of(dir: &str, table: &str, schema: &SchemaRef, rows: &[Row]) -> Result<Vec<File>> {
    let n = rows.len();
    let parts = encode(schema, rows)?;
    let mut left = n;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, bytes)| {
            let r = left.min(table::ROWS_PER_FILE);
            left -= r;
            File { path: format!("{dir}/part-{i:05}.parquet"), table: table.to_string(), bytes, rows: r as u64 }
        })
        .collect())
}

/// Renders and encodes one day: its fact tables plus the rendered truth rows.
fn day_files(w: &World, day: u32) -> Result<(Vec<File>, render::Out)> {
    let dt = w.dt(day);
    let contacts = &w.contacts[day as usize];
    let nchunks = (threads() * 4).min(contacts.len().max(1));
    let size = contacts.len().div_ceil(nchunks).max(1);
    let chunks: Vec<&[world::Contact]> = contacts.chunks(size).collect();
    let outs = par_map(&chunks, |c| render::render(w, c, &dt));
    let mut out = render::Out::default();
    for o in outs {
        out.append(o);
    }
    let messages = std::mem::take(&mut out.messages);
    let sessions = std::mem::take(&mut out.sessions);
    let calls = std::mem::take(&mut out.calls);
    let jobs: Vec<&str> = vec!["chat_messages", "chat_sessions", "call_transcripts", "orders", "refunds", "reviews"];
    let encoded = par_map(&jobs, |t| {
        let dir = format!("{t}/dt={dt}");
        let s = cschema(t);
        match *t {
            "chat_messages" => files_of(&dir, t, &s, &messages),
            "chat_sessions" => files_of(&dir, t, &s, &sessions),
            "call_transcripts" => files_of(&dir, t, &s, &calls),
            _ => files_of(&dir, t, &s, &rows::fact_rows(w, t, day)),
        }
    });
    let mut files = Vec::new();
    for e in encoded {
        files.extend(e?);
    }
    Ok((files, out))
}

fn add(acc: &mut BTreeMap<String, TableSummary>, table: &str, rows: u64, bytes: u64) {
    let e = acc.entry(table.to_string()).or_insert_with(|| TableSummary {
        table: table.to_string(),
        rows: 0,
        files: 0,
        bytes: 0,
    });
    e.rows += rows;
    e.files += 1;
    e.bytes += bytes;
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| VocError::internal(format!("voc-gen worker: {e}")))?
}

async fn put_all(root: &Root, files: Vec<File>, acc: &mut BTreeMap<String, TableSummary>) -> Result<()> {
    use futures::StreamExt;
    for f in &files {
        add(acc, &f.table, f.rows, f.bytes.len() as u64);
    }
    let puts = files.into_iter().map(|f| {
        let root = root.clone();
        async move { root.put(&f.path, Bytes::from(f.bytes)).await }
    });
    let results: Vec<Result<()>> = futures::stream::iter(puts).buffer_unordered(8).collect().await;
    results.into_iter().collect()
}
