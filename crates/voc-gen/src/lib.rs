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
//! | `customer_segments` | customer_id, segment, frequent, pricey, recent, visits, first_visit_dt, last_visit_dt | one row per buyer (30 % of customers buy nothing and only consult): the RFM archetype (重要价值 … 一般挽留, `model::SEGMENTS`) that planned their purchase occasions. frequent = 9–11 occasions (+1 per 60 days of window), else 1–2 (a window shorter than 60 days scales both down: n × days/60 occasions, and the rare buyers buy at all with probability days/60 — those who do not are left out of this table); pricey = every order from the top quarter of product prices, else from the cheapest 40 % (never more units than stay in that band); recent = last occasion in the last tenth of the window but not on its final day, else every occasion in its first two fifths. Each occasion is one paid order (a cancelled one is ordered again) plus planted basket partners / extra items of the same band; a converting pre-sale chat is an extra occasion of a frequent buyer, in their band, while they buy. A classic mean-split RFM on a snapshot as of the day before the last recovers `segment` |
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

pub mod model;
pub mod pii;
pub mod render;
pub mod rng;
pub mod table;
pub mod vocab;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow::datatypes::{DataType, SchemaRef};
use bytes::Bytes;
use chrono::NaiveDate;

use model::{Kind, World};
use table::{encode, schema_of, V};
use voc_contract::contract;
use voc_contract::storage::Root;
use voc_contract::{Result, VocError};

pub use model::business_date;

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

/// Names of the truth facts, in the order they are written.
pub const TRUTH_FACTS: &[&str] = &[
    "customer_segments",
    "repeat_contacts",
    "slow_first_reply",
    "forbidden_words",
    "no_greeting",
    "no_closing",
    "unresolved",
    "high_risk_complaints",
    "pii",
    "return_cause_mix",
    "refund_causes",
    "hot_questions",
    "review_sentiment",
    "presale_conversions",
    "basket_pairs",
];

/// The schema of a truth fact.
pub fn truth_schema(fact: &str) -> Option<SchemaRef> {
    use DataType::*;
    let s = |n: &'static str| (n, Utf8, false);
    let cols: Vec<(&str, DataType, bool)> = match fact {
        "customer_segments" => vec![
            s("customer_id"),
            s("segment"),
            ("frequent", Boolean, false),
            ("pricey", Boolean, false),
            ("recent", Boolean, false),
            ("visits", Int32, false),
            s("first_visit_dt"),
            s("last_visit_dt"),
        ],
        "repeat_contacts" => vec![s("customer_id"), s("shop_id"), s("dt"), ("contacts", Int32, false), s("window")],
        "slow_first_reply" => vec![s("session_id"), s("dt"), ("first_response_s", Int32, false)],
        "forbidden_words" => vec![s("session_id"), s("message_id"), s("dt"), s("word")],
        "no_greeting" | "no_closing" | "unresolved" => vec![s("session_id"), s("dt")],
        "high_risk_complaints" => vec![s("id"), s("channel"), s("dt"), s("word")],
        "pii" => vec![s("message_id"), s("session_id"), s("kind"), s("value")],
        "return_cause_mix" => vec![s("product_id"), s("cause"), ("share", Float64, false)],
        "refund_causes" => {
            vec![s("refund_id"), s("order_id"), s("product_id"), s("dt"), s("true_cause"), s("reason_code")]
        }
        "hot_questions" => vec![
            s("category"),
            s("question"),
            ("planted_rank", Int32, false),
            ("weight", Float64, false),
            s("paraphrases"),
        ],
        "review_sentiment" => vec![s("review_id"), ("rating", Int32, false), s("label"), ("is_append", Boolean, false)],
        "presale_conversions" => {
            vec![s("session_id"), s("customer_id"), s("shop_id"), s("product_id"), s("dt"), ("order_id", Utf8, true)]
        }
        "basket_pairs" => vec![s("shop_id"), s("product_a"), s("product_b"), ("attach_prob", Float64, false)],
        _ => return None,
    };
    Some(schema_of(&cols))
}

fn cschema(t: &str) -> SchemaRef {
    contract::schema(t).expect("contract table")
}

fn dec(cents: i64) -> V {
    V::D(cents as i128)
}

fn cust_id(i: u32) -> String {
    format!("c{:06}", i + 1)
}

fn dim_rows(w: &World, table: &str) -> Vec<Vec<V>> {
    match table {
        "customers" => (0..w.customers.len() as u32)
            .map(|i| {
                let mut r = rng::Rng::new(&[w.seed, 5, i as u64]);
                let (prov, cities) = r.pick(vocab::PLACES);
                let (city, _) = r.pick(cities);
                // 重要 segments skew to higher member levels
                let level = if w.customers[i as usize].segment.is_some_and(|s| s < 4) {
                    vocab::MEMBER_LEVELS[r.range(1, 5) as usize]
                } else {
                    vocab::MEMBER_LEVELS[r.range(0, 3) as usize]
                };
                let nick = format!(
                    "{}{}{}",
                    r.pick(vocab::NICK_PARTS_A),
                    r.pick(vocab::NICK_PARTS_B),
                    if r.chance(0.5) { r.below(1000).to_string() } else { String::new() }
                );
                let gender = match r.below(10) {
                    0..=5 => V::St("女"),
                    6..=8 => V::St("男"),
                    _ => V::N,
                };
                vec![
                    V::S(cust_id(i)),
                    if r.chance(0.97) { V::S(nick) } else { V::N },
                    V::St(level),
                    gender,
                    V::St(prov),
                    V::St(city),
                    V::T(w.day_start[0] - r.range(30, 3000) * model::DAY_MS - r.range(0, model::DAY_MS)),
                ]
            })
            .collect(),
        "products" => w
            .products
            .iter()
            .map(|p| {
                vec![
                    V::S(p.id.clone()),
                    V::S(w.shops[p.shop as usize].id.clone()),
                    V::S(p.name.clone()),
                    V::St(vocab::CATEGORIES[p.category].name),
                    dec(p.price_cents),
                    V::T(p.listed_at),
                ]
            })
            .collect(),
        "agents" => w
            .agents
            .iter()
            .map(|a| {
                vec![
                    V::S(a.id.clone()),
                    V::S(a.name.clone()),
                    V::S(a.team.clone()),
                    V::S(w.shops[a.shop as usize].id.clone()),
                    V::T(a.hired_at),
                ]
            })
            .collect(),
        _ => unreachable!(),
    }
}

fn opt_t(t: Option<i64>) -> V {
    t.map(V::T).unwrap_or(V::N)
}

fn fact_rows(w: &World, table: &str, day: u32) -> Vec<Vec<V>> {
    match table {
        "orders" => w
            .orders
            .iter()
            .filter(|o| o.day == day)
            .map(|o| {
                let p = &w.products[o.product as usize];
                vec![
                    V::S(o.id.clone()),
                    V::St(w.shops[o.shop as usize].platform),
                    V::S(w.shops[o.shop as usize].id.clone()),
                    V::S(cust_id(o.customer)),
                    V::S(p.id.clone()),
                    V::S(p.skus[o.sku as usize].clone()),
                    V::St(vocab::CATEGORIES[p.category].name),
                    V::I(o.qty),
                    dec(o.amount_cents),
                    V::T(o.created),
                    opt_t(o.paid),
                    opt_t(o.shipped),
                    opt_t(o.delivered),
                    V::St(o.status),
                ]
            })
            .collect(),
        "refunds" => w
            .refunds
            .iter()
            .filter(|r| r.day == day)
            .map(|r| {
                let o = &w.orders[r.order as usize];
                let p = &w.products[o.product as usize];
                vec![
                    V::S(r.id.clone()),
                    V::S(o.id.clone()),
                    V::S(w.shops[o.shop as usize].id.clone()),
                    V::S(cust_id(o.customer)),
                    V::S(p.id.clone()),
                    V::S(p.skus[o.sku as usize].clone()),
                    V::St(r.rtype),
                    V::St(r.code),
                    r.text.clone().map(V::S).unwrap_or(V::N),
                    dec(r.amount_cents),
                    V::T(r.applied),
                    opt_t(r.completed),
                    V::St(r.status),
                ]
            })
            .collect(),
        "reviews" => w
            .reviews
            .iter()
            .filter(|r| r.day == day)
            .map(|r| {
                let o = &w.orders[r.order as usize];
                let p = &w.products[o.product as usize];
                vec![
                    V::S(r.id.clone()),
                    V::S(o.id.clone()),
                    V::St(w.shops[o.shop as usize].platform),
                    V::S(w.shops[o.shop as usize].id.clone()),
                    V::S(cust_id(o.customer)),
                    V::S(p.id.clone()),
                    V::S(p.skus[o.sku as usize].clone()),
                    V::I(r.rating),
                    V::S(r.content.clone()),
                    V::T(r.created),
                    V::B(r.is_append),
                ]
            })
            .collect(),
        _ => unreachable!(),
    }
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

/// A file to write: relative path, table name, bytes, rows.
type File = (String, String, Vec<u8>, u64);

fn files_of(dir: &str, table: &str, schema: &SchemaRef, rows: &[Vec<V>]) -> Result<Vec<File>> {
    let n = rows.len();
    let parts = encode(schema, rows)?;
    let mut left = n;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let r = left.min(table::ROWS_PER_FILE);
            left -= r;
            (format!("{dir}/part-{i:05}.parquet"), table.to_string(), b, r as u64)
        })
        .collect())
}

/// Renders and encodes one day: its fact tables plus the rendered truth rows.
fn day_files(w: &World, day: u32) -> Result<(Vec<File>, render::Out)> {
    let dt = w.dates[day as usize].format("%Y-%m-%d").to_string();
    let contacts = &w.contacts[day as usize];
    let nchunks = (threads() * 4).min(contacts.len().max(1));
    let size = contacts.len().div_ceil(nchunks).max(1);
    let chunks: Vec<&[model::Contact]> = contacts.chunks(size).collect();
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
            _ => files_of(&dir, t, &s, &fact_rows(w, t, day)),
        }
    });
    let mut files = Vec::new();
    for e in encoded {
        files.extend(e?);
    }
    Ok((files, out))
}

fn truth_from_world(w: &World, rendered: &render::Out) -> BTreeMap<&'static str, Vec<Vec<V>>> {
    let mut t: BTreeMap<&'static str, Vec<Vec<V>>> = BTreeMap::new();
    let dts: Vec<String> = w.dates.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect();
    t.insert(
        "customer_segments",
        w.customers
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let (name, frequent, pricey, recent, _) = c.archetype()?;
                if c.visits.is_empty() {
                    return None;
                }
                Some(vec![
                    V::S(cust_id(i as u32)),
                    V::St(name),
                    V::B(frequent),
                    V::B(pricey),
                    V::B(recent),
                    V::I(c.visits.len() as i32),
                    V::S(dts[c.visits[0] as usize].clone()),
                    V::S(dts[*c.visits.last().unwrap() as usize].clone()),
                ])
            })
            .collect(),
    );
    // repeat contacts, counted from the final contact plan
    let mut counts: BTreeMap<(u32, u32), Vec<i32>> = BTreeMap::new();
    for (d, v) in w.contacts.iter().enumerate() {
        for c in v {
            counts.entry((c.customer, c.shop)).or_insert_with(|| vec![0; w.dates.len()])[d] += 1;
        }
    }
    let mut rep = Vec::new();
    for ((cu, sh), v) in &counts {
        for d in 0..v.len() {
            let row = |n: i32, win: &'static str| {
                vec![
                    V::S(cust_id(*cu)),
                    V::S(w.shops[*sh as usize].id.clone()),
                    V::S(dts[d].clone()),
                    V::I(n),
                    V::St(win),
                ]
            };
            if v[d] >= 3 {
                rep.push(row(v[d], "1d"));
            }
            let n3: i32 = v[d.saturating_sub(2)..=d].iter().sum();
            if n3 >= 3 {
                rep.push(row(n3, "3d"));
            }
        }
    }
    rep.sort_by(|a, b| {
        format!("{:?}", (&a[2], &a[0], &a[1], &a[4])).cmp(&format!("{:?}", (&b[2], &b[0], &b[1], &b[4])))
    });
    t.insert("repeat_contacts", rep);
    t.insert("slow_first_reply", rendered.slow.clone());
    t.insert("forbidden_words", rendered.forbidden.clone());
    t.insert("no_greeting", rendered.no_greeting.clone());
    t.insert("no_closing", rendered.no_closing.clone());
    t.insert("unresolved", rendered.unresolved.clone());
    t.insert("high_risk_complaints", rendered.high_risk.clone());
    t.insert("pii", rendered.pii.clone());
    t.insert(
        "return_cause_mix",
        w.products
            .iter()
            .flat_map(|p| {
                p.cause_mix
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| **s > 0.0)
                    .map(|(i, s)| vec![V::S(p.id.clone()), V::St(vocab::CAUSES[i]), V::F(*s)])
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    t.insert(
        "refund_causes",
        w.refunds
            .iter()
            .map(|r| {
                let o = &w.orders[r.order as usize];
                vec![
                    V::S(r.id.clone()),
                    V::S(o.id.clone()),
                    V::S(w.products[o.product as usize].id.clone()),
                    V::S(dts[r.day as usize].clone()),
                    V::St(vocab::CAUSES[r.cause]),
                    V::St(r.code),
                ]
            })
            .collect(),
    );
    t.insert(
        "hot_questions",
        w.hot
            .iter()
            .enumerate()
            .flat_map(|(ci, qs)| {
                qs.iter()
                    .enumerate()
                    .map(|(rank, (q, wt))| {
                        let q = &vocab::QUESTIONS[*q];
                        vec![
                            V::St(vocab::CATEGORIES[ci].name),
                            V::St(q.canonical),
                            V::I(rank as i32 + 1),
                            V::F(*wt),
                            V::S(q.paraphrases.join("|")),
                        ]
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    t.insert(
        "review_sentiment",
        w.reviews.iter().map(|r| vec![V::S(r.id.clone()), V::I(r.rating), V::St(r.label), V::B(r.is_append)]).collect(),
    );
    let mut conv = Vec::new();
    for (d, v) in w.contacts.iter().enumerate() {
        for c in v {
            if let (Kind::PreSale { product }, false) = (c.kind, c.call) {
                conv.push(vec![
                    V::S(c.id.clone()),
                    V::S(cust_id(c.customer)),
                    V::S(w.shops[c.shop as usize].id.clone()),
                    V::S(w.products[product as usize].id.clone()),
                    V::S(dts[d].clone()),
                    c.converted.map(|o| V::S(w.orders[o as usize].id.clone())).unwrap_or(V::N),
                ]);
            }
        }
    }
    t.insert("presale_conversions", conv);
    t.insert(
        "basket_pairs",
        w.shops
            .iter()
            .flat_map(|s| {
                s.pairs
                    .iter()
                    .map(|(a, b, p)| {
                        vec![
                            V::S(s.id.clone()),
                            V::S(w.products[*a as usize].id.clone()),
                            V::S(w.products[*b as usize].id.clone()),
                            V::F(*p),
                        ]
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    t
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
    for (_, table, bytes, rows) in &files {
        add(acc, table, *rows, bytes.len() as u64);
    }
    let puts = files.into_iter().map(|(rel, _, bytes, _)| {
        let root = root.clone();
        async move { root.put(&rel, Bytes::from(bytes)).await }
    });
    let results: Vec<Result<()>> = futures::stream::iter(puts).buffer_unordered(8).collect().await;
    results.into_iter().collect()
}

/// Generates the whole data set below `root`.
pub async fn generate(root: &Root, cfg: &GenConfig) -> Result<GenSummary> {
    let started = Instant::now();
    if cfg.days == 0 || cfg.shops == 0 || cfg.customers == 0 {
        return Err(VocError::config("voc-gen: days, shops and customers must be at least 1"));
    }
    let c = cfg.clone();
    let world = Arc::new(blocking(move || Ok(World::build(&c))).await?);
    let mut acc: BTreeMap<String, TableSummary> = BTreeMap::new();

    // dimension snapshots: encoded once, written into every dt
    let w = world.clone();
    let dims: Vec<(String, Vec<Vec<u8>>, u64)> = blocking(move || {
        let jobs = ["customers", "products", "agents"];
        par_map(&jobs, |t| {
            let rows = dim_rows(&w, t);
            Ok((t.to_string(), encode(&cschema(t), &rows)?, rows.len() as u64))
        })
        .into_iter()
        .collect()
    })
    .await?;

    let mut rendered = render::Out::default();
    for day in 0..world.days() {
        let w = world.clone();
        let (mut files, out) = blocking(move || day_files(&w, day)).await?;
        rendered.append(out);
        let dt = world.dates[day as usize].format("%Y-%m-%d").to_string();
        for (t, parts, rows) in &dims {
            let mut left = *rows;
            for (i, b) in parts.iter().enumerate() {
                let r = left.min(table::ROWS_PER_FILE as u64);
                left -= r;
                files.push((format!("{t}/dt={dt}/part-{i:05}.parquet"), t.clone(), b.clone(), r));
            }
        }
        put_all(root, files, &mut acc).await?;
    }

    let w = world.clone();
    let truth_files: Vec<File> = blocking(move || {
        let t = truth_from_world(&w, &rendered);
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
