//! The rows of the contract tables that come straight from the world: the dimension
//! snapshots (customers, products, agents) and a day's orders, refunds and reviews.
//! Chat messages, sessions and calls are rendered (`render`).

use crate::rng::Rng;
use crate::table::{Cell, Row};
use crate::vocab;
use crate::world::{customer_id, Order, Refund, Review, World, DAY_MS};

/// The rows of a dimension table: `customers`, `products` or `agents`.
pub fn dim_rows(w: &World, table: &str) -> Vec<Row> {
    match table {
        "customers" => (0..w.customers.len() as u32).map(|i| customer_row(w, i)).collect(),
        "products" => w
            .products
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.id.clone()),
                    Cell::Text(w.shops[p.shop as usize].id.clone()),
                    Cell::Text(p.name.clone()),
                    Cell::Static(vocab::CATEGORIES[p.category].name),
                    Cell::cents(p.price_cents),
                    Cell::Timestamp(p.listed_at),
                ]
            })
            .collect(),
        "agents" => w
            .agents
            .iter()
            .map(|a| {
                vec![
                    Cell::Text(a.id.clone()),
                    Cell::Text(a.name.clone()),
                    Cell::Text(a.team.clone()),
                    Cell::Text(w.shops[a.shop as usize].id.clone()),
                    Cell::Timestamp(a.hired_at),
                ]
            })
            .collect(),
        _ => unreachable!(),
    }
}

/// A customer's profile: home place, member level (重要 segments skew higher), nick, gender
/// and registration, from the customer's own stream.
fn customer_row(w: &World, i: u32) -> Row {
    let mut r = Rng::new(&[w.seed, 5, i as u64]);
    let (prov, cities) = r.pick(vocab::PLACES);
    let (city, _) = r.pick(cities);
    let level = if w.customers[i as usize].archetype().is_some_and(|s| s.important()) {
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
        0..=5 => Cell::Static("女"),
        6..=8 => Cell::Static("男"),
        _ => Cell::Null,
    };
    vec![
        Cell::Text(customer_id(i)),
        if r.chance(0.97) { Cell::Text(nick) } else { Cell::Null },
        Cell::Static(level),
        gender,
        Cell::Static(prov),
        Cell::Static(city),
        Cell::Timestamp(w.day_start[0] - r.range(30, 3000) * DAY_MS - r.range(0, DAY_MS)),
    ]
}

/// The rows of a fact table on day index `day`: `orders`, `refunds` or `reviews`.
pub fn fact_rows(w: &World, table: &str, day: u32) -> Vec<Row> {
    match table {
        "orders" => w.orders.iter().filter(|o| o.day == day).map(|o| order_row(w, o)).collect(),
        "refunds" => w.refunds.iter().filter(|r| r.day == day).map(|r| refund_row(w, r)).collect(),
        "reviews" => w.reviews.iter().filter(|r| r.day == day).map(|r| review_row(w, r)).collect(),
        _ => unreachable!(),
    }
}

fn order_row(w: &World, o: &Order) -> Row {
    let p = &w.products[o.product as usize];
    let shop = &w.shops[o.shop as usize];
    vec![
        Cell::Text(o.id.clone()),
        Cell::Static(shop.platform),
        Cell::Text(shop.id.clone()),
        Cell::Text(customer_id(o.customer)),
        Cell::Text(p.id.clone()),
        Cell::Text(p.skus[o.sku as usize].clone()),
        Cell::Static(vocab::CATEGORIES[p.category].name),
        Cell::Int(o.qty),
        Cell::cents(o.amount_cents),
        Cell::Timestamp(o.created),
        Cell::timestamp_or_null(o.paid),
        Cell::timestamp_or_null(o.shipped),
        Cell::timestamp_or_null(o.delivered),
        Cell::Static(o.status),
    ]
}

fn refund_row(w: &World, r: &Refund) -> Row {
    let o = &w.orders[r.order as usize];
    let p = &w.products[o.product as usize];
    vec![
        Cell::Text(r.id.clone()),
        Cell::Text(o.id.clone()),
        Cell::Text(w.shops[o.shop as usize].id.clone()),
        Cell::Text(customer_id(o.customer)),
        Cell::Text(p.id.clone()),
        Cell::Text(p.skus[o.sku as usize].clone()),
        Cell::Static(r.rtype),
        Cell::Static(r.code),
        Cell::text_or_null(r.text.clone()),
        Cell::cents(r.amount_cents),
        Cell::Timestamp(r.applied),
        Cell::timestamp_or_null(r.completed),
        Cell::Static(r.status),
    ]
}

fn review_row(w: &World, r: &Review) -> Row {
    let o = &w.orders[r.order as usize];
    let p = &w.products[o.product as usize];
    let shop = &w.shops[o.shop as usize];
    vec![
        Cell::Text(r.id.clone()),
        Cell::Text(o.id.clone()),
        Cell::Static(shop.platform),
        Cell::Text(shop.id.clone()),
        Cell::Text(customer_id(o.customer)),
        Cell::Text(p.id.clone()),
        Cell::Text(p.skus[o.sku as usize].clone()),
        Cell::Int(r.rating),
        Cell::Text(r.content.clone()),
        Cell::Timestamp(r.created),
        Cell::Bool(r.is_append),
    ]
}
