//! Stage 4: orders — every buyer's purchase occasions become orders in their price
//! band, with planted basket partners and a few extra items (`_truth/basket_pairs`,
//! `_truth/customer_segments`). Pre-sale chats add more orders later
//! (`World::convert_presale_chats`).

use std::collections::BTreeSet;

use chrono::Datelike;

use super::catalog::Band;
use super::{local_ms, World};
use crate::rng::Rng;
use crate::vocab::*;

pub struct Order {
    pub id: String,
    pub shop: u32,
    pub customer: u32,
    pub product: u32,
    /// index into the product's `skus`
    pub sku: u16,
    pub qty: i32,
    pub amount_cents: i64,
    pub created: i64,
    /// NULL when later than the end of the window (or never paid)
    pub paid: Option<i64>,
    pub shipped: Option<i64>,
    pub delivered: Option<i64>,
    /// the state at the end of the window
    pub status: &'static str,
    /// day index of `created`
    pub day: u32,
}

/// One purchase occasion of a buyer: where, when and in which price band they buy.
#[derive(Clone, Copy)]
struct Occasion {
    customer: u32,
    shop: u32,
    band: Band,
    day: u32,
    created: i64,
}

impl World {
    /// Every buyer's planned purchase occasions, each one paid order plus planted basket
    /// partners and a few extra items, all in the buyer's price band. Orders end up in
    /// time order, as a day's dump lists them.
    pub(super) fn place_archetype_orders(&mut self, ids: &mut BTreeSet<String>) {
        for c in 0..self.customers.len() as u32 {
            let Some(band) = self.band_of(c) else { continue };
            let cu = &self.customers[c as usize];
            let (home, visits) = (cu.home_shop, cu.visits.clone());
            let mut rng = Rng::new(&[self.seed, 10, c as u64]);
            for day in visits {
                let shop = if rng.chance(0.75) {
                    home
                } else {
                    let away = if band == Band::High { &self.high_shops } else { &self.low_shops };
                    away[rng.below(away.len() as u64) as usize]
                };
                let secs = local_secs(&mut rng);
                let created = local_ms(&self.tz, self.dates[day as usize], secs);
                self.place_occasion(&mut rng, ids, Occasion { customer: c, shop, band, day, created });
            }
        }
        self.orders.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    }

    /// The orders of one occasion: the main product (ordered again while cancelled), then the basket.
    fn place_occasion(&mut self, rng: &mut Rng, ids: &mut BTreeSet<String>, at: Occasion) {
        let Occasion { customer: c, shop, band, day, created } = at;
        let product = self.pick_in_band(rng, shop, band);
        let qty = self.qty_for(rng, product, band, 0.1);
        let mut last = self.push_order(rng, ids, shop, c, product, day, created, qty);
        while self.orders[last as usize].status == "closed" {
            // cancelled before paying, and ordered again: the occasion still ends in a paid order
            let t = self.orders[last as usize].created + rng.range(60_000, 600_000);
            last = self.push_order(rng, ids, shop, c, product, day, t, qty);
        }
        self.fill_basket(rng, ids, at, product);
    }

    /// Basket of an occasion around `product`: planted pairs, and a few random extra items.
    fn fill_basket(&mut self, rng: &mut Rng, ids: &mut BTreeSet<String>, at: Occasion, product: u32) {
        let Occasion { customer: c, shop, band, day, created } = at;
        let pairs = self.shops[shop as usize].pairs.clone();
        for pair in &pairs {
            let other = if product == pair.a {
                Some(pair.b)
            } else if product == pair.b {
                Some(pair.a)
            } else {
                None
            };
            if let Some(o) = other {
                if rng.chance(pair.attach_prob) {
                    let t = created + rng.range(1_000, 20_000);
                    self.push_order(rng, ids, shop, c, o, day, t, 1);
                }
            }
        }
        if rng.chance(0.08) {
            let o = self.pick_in_band(rng, shop, band);
            if o != product {
                let t = created + rng.range(1_000, 20_000);
                self.push_order(rng, ids, shop, c, o, day, t, 1);
            }
        }
        // a planted pair of the buyer's band is sometimes bought on its own trigger too
        if rng.chance(0.05) {
            if let Some(pair) = pairs.iter().find(|p| self.products[p.a as usize].band == band) {
                let t = created + rng.range(30_000, 60_000);
                self.push_order(rng, ids, shop, c, pair.a, day, t, 1);
                self.push_order(rng, ids, shop, c, pair.b, day, t + 2_000, 1);
            }
        }
    }

    /// Appends an order with its payment, shipping and delivery (each NULL past the end of
    /// the window; 4 % are cancelled before paying) and returns its index.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_order(
        &mut self,
        rng: &mut Rng,
        ids: &mut BTreeSet<String>,
        shop: u32,
        customer: u32,
        product: u32,
        day: u32,
        created: i64,
        qty: i32,
    ) -> u32 {
        let id = self.order_id(rng, shop, day, ids);
        let pr = &self.products[product as usize];
        let sku = rng.below(pr.skus.len() as u64) as u16;
        let amount_cents = pr.price_cents * qty as i64;
        let end = self.end_ms;
        let cap = |t: i64| if t <= end { Some(t) } else { None };
        let closed = rng.chance(0.04);
        let paid = if closed { None } else { cap(created + rng.range(5_000, 1_800_000)) };
        let shipped = paid.and_then(|p| cap(p + rng.range(3_600_000, 20 * 3_600_000)));
        let delivered = shipped.and_then(|s| cap(s + rng.range(8 * 3_600_000, 40 * 3_600_000)));
        let status = if closed {
            "closed"
        } else if let Some(d) = delivered {
            if end - d > 36 * 3_600_000 && rng.chance(0.6) {
                "completed"
            } else {
                "delivered"
            }
        } else if shipped.is_some() {
            "shipped"
        } else if paid.is_some() {
            "paid"
        } else {
            "created"
        };
        self.orders.push(Order {
            id,
            shop,
            customer,
            product,
            sku,
            qty,
            amount_cents,
            created,
            paid,
            shipped,
            delivered,
            status,
            day,
        });
        (self.orders.len() - 1) as u32
    }

    /// A new order number in the style of the shop's platform, unique in `ids`.
    fn order_id(&self, rng: &mut Rng, shop: u32, day: u32, ids: &mut BTreeSet<String>) -> String {
        loop {
            let id = match self.shops[shop as usize].platform {
                "tmall" => {
                    let n = if rng.chance(0.5) { 18 } else { 19 };
                    let mut s = rng.digits(n, &[1, 2, 3, 4]);
                    if n == 18 && crate::pii::id_card_valid(&s) {
                        // never let an order number pass as an ID card
                        let last = s.pop().unwrap();
                        s.push(if last == '9' { '0' } else { (last as u8 + 1) as char });
                    }
                    s
                }
                "jd" => rng.digits(12, &[2, 3]),
                "douyin" => format!(
                    "{}{}",
                    if rng.chance(0.6) { "69" } else { "48" },
                    rng.digits(17, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
                ),
                _ => {
                    let d = self.dates[day as usize];
                    format!(
                        "{:02}{:02}{:02}-{}",
                        d.year() % 100,
                        d.month(),
                        d.day(),
                        rng.digits(15, &[1, 2, 3, 4, 5, 6, 7, 8, 9])
                    )
                }
            };
            // an order number never holds a high-risk word (12315) by chance: the planted
            // high-risk contacts are the only texts with one
            if !HIGH_RISK_WORDS.iter().any(|w| id.contains(w)) && ids.insert(id.clone()) {
                return id;
            }
        }
    }

    /// One of `from`: popular and cheaper products more often.
    fn pick_weighted(&self, rng: &mut Rng, from: &[u32]) -> u32 {
        let ws: Vec<f64> = from
            .iter()
            .map(|p| {
                let pr = &self.products[*p as usize];
                pr.popularity / (pr.price_cents as f64 / 100.0).sqrt()
            })
            .collect();
        from[rng.weighted(&ws)]
    }

    /// A product someone asks about.
    pub(super) fn pick_product(&self, rng: &mut Rng, shop: u32) -> u32 {
        self.pick_weighted(rng, &self.shops[shop as usize].products)
    }

    /// A product of `shop` in the price band, popular and cheaper ones more often; any product
    /// when the shop has none in the band.
    pub(super) fn pick_in_band(&self, rng: &mut Rng, shop: u32, band: Band) -> u32 {
        let ps = &self.shops[shop as usize].products;
        let inb: Vec<u32> = ps.iter().copied().filter(|p| self.products[*p as usize].band == band).collect();
        self.pick_weighted(rng, if inb.is_empty() { ps } else { &inb })
    }

    /// Units of one order: sometimes two, but a cheap buyer's order stays inside the low band.
    pub(super) fn qty_for(&self, rng: &mut Rng, product: u32, band: Band, p: f64) -> i32 {
        let two_fit = band != Band::Low || 2 * self.products[product as usize].price_cents <= self.low_max_cents;
        if rng.chance(p) && two_fit {
            2
        } else {
            1
        }
    }
}

/// Order-time of day: mostly daytime/evening, some at night.
fn local_secs(rng: &mut Rng) -> u32 {
    if rng.chance(0.08) {
        rng.range(0, 8 * 3600) as u32
    } else {
        rng.range(8 * 3600, 86_400 - 60) as u32
    }
}
