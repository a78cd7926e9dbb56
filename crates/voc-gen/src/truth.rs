//! The planted truth (`_truth/<fact>`): which facts there are, their schemas, and their
//! rows — taken from the world's plan or collected while rendering (`render::Out`).

use std::collections::BTreeMap;

use arrow::datatypes::{DataType, SchemaRef};

use crate::render;
use crate::table::{schema_of, Cell, Row};
use crate::vocab;
use crate::world::{customer_id, Kind, World};

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

/// The rows of every truth fact: those of the plan from the world, the others as
/// rendering collected them.
pub fn truth_rows(w: &World, rendered: &render::Out) -> BTreeMap<&'static str, Vec<Row>> {
    let dts: Vec<String> = (0..w.days()).map(|d| w.dt(d)).collect();
    let mut t: BTreeMap<&'static str, Vec<Row>> = BTreeMap::new();
    t.insert("customer_segments", customer_segments(w, &dts));
    t.insert("repeat_contacts", repeat_contacts(w, &dts));
    t.insert("slow_first_reply", rendered.slow.clone());
    t.insert("forbidden_words", rendered.forbidden.clone());
    t.insert("no_greeting", rendered.no_greeting.clone());
    t.insert("no_closing", rendered.no_closing.clone());
    t.insert("unresolved", rendered.unresolved.clone());
    t.insert("high_risk_complaints", rendered.high_risk.clone());
    t.insert("pii", rendered.pii.clone());
    t.insert("return_cause_mix", return_cause_mix(w));
    t.insert("refund_causes", refund_causes(w, &dts));
    t.insert("hot_questions", hot_questions(w));
    t.insert("review_sentiment", review_sentiment(w));
    t.insert("presale_conversions", presale_conversions(w, &dts));
    t.insert("basket_pairs", basket_pairs(w));
    t
}

/// Every buyer with at least one occasion: their archetype and first and last occasion.
fn customer_segments(w: &World, dts: &[String]) -> Vec<Row> {
    w.customers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let seg = c.archetype()?;
            let (first, last) = (*c.visits.first()?, *c.visits.last()?);
            Some(vec![
                Cell::Text(customer_id(i as u32)),
                Cell::Static(seg.name),
                Cell::Bool(seg.frequent),
                Cell::Bool(seg.pricey),
                Cell::Bool(seg.recent),
                Cell::Int(c.visits.len() as i32),
                Cell::Text(dts[first as usize].clone()),
                Cell::Text(dts[last as usize].clone()),
            ])
        })
        .collect()
}

/// Repeat contacts, counted from the final contact plan: per customer, shop and day the
/// contacts of that day (window `1d`) and of the three days up to it (window `3d`), when ≥ 3;
/// by dt, customer, shop and window.
fn repeat_contacts(w: &World, dts: &[String]) -> Vec<Row> {
    let mut counts: BTreeMap<(u32, u32), Vec<i32>> = BTreeMap::new();
    for (d, v) in w.contacts.iter().enumerate() {
        for c in v {
            counts.entry((c.customer, c.shop)).or_insert_with(|| vec![0; w.dates.len()])[d] += 1;
        }
    }
    // (dt, customer_id, shop_id, window, contacts)
    let mut rep: Vec<(&str, String, &str, &'static str, i32)> = Vec::new();
    for ((cu, sh), v) in &counts {
        let shop_id = w.shops[*sh as usize].id.as_str();
        for d in 0..v.len() {
            if v[d] >= 3 {
                rep.push((&dts[d], customer_id(*cu), shop_id, "1d", v[d]));
            }
            let n3: i32 = v[d.saturating_sub(2)..=d].iter().sum();
            if n3 >= 3 {
                rep.push((&dts[d], customer_id(*cu), shop_id, "3d", n3));
            }
        }
    }
    rep.sort_by(|a, b| (a.0, &a.1, a.2, a.3).cmp(&(b.0, &b.1, b.2, b.3)));
    rep.into_iter()
        .map(|(dt, cu, shop, window, n)| {
            vec![
                Cell::Text(cu),
                Cell::Text(shop.to_string()),
                Cell::Text(dt.to_string()),
                Cell::Int(n),
                Cell::Static(window),
            ]
        })
        .collect()
}

/// Each product's planted refund causes with a share above zero.
fn return_cause_mix(w: &World) -> Vec<Row> {
    w.products
        .iter()
        .flat_map(|p| {
            p.cause_mix
                .iter()
                .enumerate()
                .filter(|(_, s)| **s > 0.0)
                .map(|(i, s)| vec![Cell::Text(p.id.clone()), Cell::Static(vocab::CAUSES[i]), Cell::Float(*s)])
                .collect::<Vec<_>>()
        })
        .collect()
}

fn refund_causes(w: &World, dts: &[String]) -> Vec<Row> {
    w.refunds
        .iter()
        .map(|r| {
            let o = &w.orders[r.order as usize];
            vec![
                Cell::Text(r.id.clone()),
                Cell::Text(o.id.clone()),
                Cell::Text(w.products[o.product as usize].id.clone()),
                Cell::Text(dts[r.day as usize].clone()),
                Cell::Static(vocab::CAUSES[r.cause]),
                Cell::Static(r.code),
            ]
        })
        .collect()
}

fn hot_questions(w: &World) -> Vec<Row> {
    w.hot
        .iter()
        .enumerate()
        .flat_map(|(ci, qs)| {
            qs.iter()
                .enumerate()
                .map(|(rank, h)| {
                    let q = &vocab::QUESTIONS[h.question];
                    vec![
                        Cell::Static(vocab::CATEGORIES[ci].name),
                        Cell::Static(q.canonical),
                        Cell::Int(rank as i32 + 1),
                        Cell::Float(h.weight),
                        Cell::Text(q.paraphrases.join("|")),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn review_sentiment(w: &World) -> Vec<Row> {
    w.reviews
        .iter()
        .map(|r| vec![Cell::Text(r.id.clone()), Cell::Int(r.rating), Cell::Static(r.label), Cell::Bool(r.is_append)])
        .collect()
}

/// Every pre-sale chat session and the order it led to, if any.
fn presale_conversions(w: &World, dts: &[String]) -> Vec<Row> {
    let mut conv = Vec::new();
    for (d, v) in w.contacts.iter().enumerate() {
        for c in v {
            let Kind::PreSale { product } = c.kind else { continue };
            if c.is_call() {
                continue;
            }
            conv.push(vec![
                Cell::Text(c.id.clone()),
                Cell::Text(customer_id(c.customer)),
                Cell::Text(w.shops[c.shop as usize].id.clone()),
                Cell::Text(w.products[product as usize].id.clone()),
                Cell::Text(dts[d].clone()),
                Cell::text_or_null(c.converted.map(|o| w.orders[o as usize].id.clone())),
            ]);
        }
    }
    conv
}

fn basket_pairs(w: &World) -> Vec<Row> {
    w.shops
        .iter()
        .flat_map(|s| {
            s.pairs
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(s.id.clone()),
                        Cell::Text(w.products[p.a as usize].id.clone()),
                        Cell::Text(w.products[p.b as usize].id.clone()),
                        Cell::Float(p.attach_prob),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
