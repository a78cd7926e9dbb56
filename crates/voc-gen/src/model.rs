//! The world: dimensions, orders, refunds, reviews and the contact plan.
//! Everything here is cheap; the expensive text rendering lives in `render`.

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

use crate::rng::Rng;
use crate::vocab::*;
use crate::GenConfig;

pub const DAY_MS: i64 = 86_400_000;

/// The eight RFM archetypes that drive buyers' orders — see `_truth/customer_segments`.
/// (name, frequent, pricey, recent, share of buyers). Each flag is built to land
/// clearly on one side of the population mean a classic RFM model compares with:
/// - frequent: 9–11 purchase occasions (+1 per 60 days of window), else 1–2 (windows
///   shorter than 60 days scale these down, the rare buyers by buying at all);
/// - pricey: every occasion buys from the top quarter of product prices, else from
///   the cheapest 40 % (and never more units than stay inside that band);
/// - recent: the last occasion falls in the last tenth of the window (never on its
///   final day, so a snapshot of the day before sees it), else all occasions fall in
///   its first two fifths.
pub const SEGMENTS: &[(&str, bool, bool, bool, f64)] = &[
    ("重要价值", true, true, true, 0.06),
    ("重要发展", false, true, true, 0.07),
    ("重要保持", true, true, false, 0.05),
    ("重要挽留", false, true, false, 0.07),
    ("一般价值", true, false, true, 0.12),
    ("一般发展", false, false, true, 0.23),
    ("一般保持", true, false, false, 0.15),
    ("一般挽留", false, false, false, 0.25),
];

/// Share of customers who never buy in the window: they only consult (and are
/// the ones whose pre-sale chats do not convert).
pub const BROWSER_SHARE: f64 = 0.3;

/// Price band of a product: the cheapest 40 % and the top quarter of all prices.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Band {
    Low,
    Mid,
    High,
}

pub struct Shop {
    pub id: String,
    pub name: String,
    pub platform: &'static str,
    pub categories: Vec<usize>,
    pub products: Vec<u32>,
    pub agents: Vec<u32>,
    pub pairs: Vec<(u32, u32, f64)>,
}

pub struct Product {
    pub id: String,
    pub shop: u32,
    pub name: String,
    pub category: usize,
    pub price_cents: i64,
    pub skus: Vec<String>,
    pub listed_at: i64,
    pub cause_mix: [f64; 11],
    pub refund_rate: f64,
    pub popularity: f64,
    pub band: Band,
}

pub struct Agent {
    pub id: String,
    pub name: String,
    pub nick: &'static str,
    pub team: String,
    pub shop: u32,
    pub hired_at: i64,
}

#[derive(Clone)]
pub struct Customer {
    /// index into `SEGMENTS`; None for a customer who buys nothing in the window
    pub segment: Option<u8>,
    pub home_shop: u32,
    /// day indexes (sorted) of the planned purchase occasions
    pub visits: Vec<u32>,
}

impl Customer {
    pub fn archetype(&self) -> Option<(&'static str, bool, bool, bool, f64)> {
        self.segment.map(|s| SEGMENTS[s as usize])
    }
}

pub struct Order {
    pub id: String,
    pub shop: u32,
    pub customer: u32,
    pub product: u32,
    pub sku: u16,
    pub qty: i32,
    pub amount_cents: i64,
    pub created: i64,
    pub paid: Option<i64>,
    pub shipped: Option<i64>,
    pub delivered: Option<i64>,
    pub status: &'static str,
    pub day: u32,
}

pub struct Refund {
    pub id: String,
    pub order: u32,
    pub cause: usize,
    pub code: &'static str,
    pub text: Option<String>,
    pub rtype: &'static str,
    pub amount_cents: i64,
    pub applied: i64,
    pub completed: Option<i64>,
    pub status: &'static str,
    pub day: u32,
    pub chat_text: String,
}

pub struct Review {
    pub id: String,
    pub order: u32,
    pub rating: i32,
    pub content: String,
    pub created: i64,
    pub is_append: bool,
    pub label: &'static str,
    pub day: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    PreSale { product: u32 },
    AfterSale { order: u32, issue: u8 },
    RefundChat { refund: u32 },
    Complaint { order: u32, issue: u8 },
    Outbound { order: u32 },
}

#[derive(Clone, Debug)]
pub struct Contact {
    pub day: u32,
    /// seconds after local midnight of the first message / call start
    pub secs: u32,
    pub call: bool,
    pub shop: u32,
    pub customer: u32,
    pub kind: Kind,
    /// 0 = first contact; n = the customer's n-th follow-up about it
    pub follow_up: u8,
    pub platform: &'static str,
    pub converted: Option<u32>,
    pub id: String,
    /// planning sequence (tie-breaker, stream key)
    pub seq: u32,
}

pub struct World {
    pub seed: u64,
    pub tz: Tz,
    pub dates: Vec<NaiveDate>,
    pub day_start: Vec<i64>,
    pub end_ms: i64,
    pub shops: Vec<Shop>,
    pub products: Vec<Product>,
    pub agents: Vec<Agent>,
    pub customers: Vec<Customer>,
    /// the dearest price in the low band (cheap buyers never spend more per order)
    pub low_max_cents: i64,
    /// shops with products in the high / low price band
    pub high_shops: Vec<u32>,
    pub low_shops: Vec<u32>,
    pub orders: Vec<Order>,
    pub refunds: Vec<Refund>,
    pub reviews: Vec<Review>,
    pub contacts: Vec<Vec<Contact>>,
    /// per category: (question index, weight) sorted by planted rank
    pub hot: Vec<Vec<(usize, f64)>>,
}

/// UTC milliseconds of a local wall-clock time.
pub fn local_ms(tz: &Tz, date: NaiveDate, secs: u32) -> i64 {
    let ndt = date.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(secs as i64);
    match tz.from_local_datetime(&ndt) {
        chrono::LocalResult::Single(t) => t.timestamp_millis(),
        chrono::LocalResult::Ambiguous(t, _) => t.timestamp_millis(),
        chrono::LocalResult::None => {
            tz.from_local_datetime(&(ndt + chrono::Duration::hours(1))).earliest().unwrap().timestamp_millis()
        }
    }
}

/// Local business date of a UTC instant.
pub fn business_date(ts_utc_ms: i64, tz: &Tz) -> NaiveDate {
    tz.timestamp_millis_opt(ts_utc_ms).unwrap().date_naive()
}

pub fn ymd(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn sku_codes(rng: &mut Rng, kind: SkuKind) -> Vec<String> {
    let colours: &[&str] = &["BK", "WH", "GY", "BL", "PK", "GN", "RD", "KH"];
    let mut out = Vec::new();
    match kind {
        SkuKind::Apparel => {
            let nc = rng.range(1, 4) as usize;
            let start = rng.below(colours.len() as u64) as usize;
            for c in 0..nc {
                for s in ["S", "M", "L", "XL"] {
                    out.push(format!("{}-{s}", colours[(start + c) % colours.len()]));
                }
            }
        }
        SkuKind::Shoes => {
            let c = rng.pick(colours);
            for s in 35..=44 {
                out.push(format!("{c}-{s}"));
            }
        }
        SkuKind::Colour => {
            let nc = rng.range(1, 4) as usize;
            let start = rng.below(colours.len() as u64) as usize;
            for c in 0..nc {
                out.push(colours[(start + c) % colours.len()].to_string());
            }
        }
        SkuKind::Volume => {
            out.push("STD".into());
            out.push("SET".into());
        }
        SkuKind::Plain => out.push("STD".into()),
    }
    out
}

impl World {
    pub fn build(cfg: &GenConfig) -> World {
        let seed = cfg.seed;
        let tz = cfg.tz;
        let days = cfg.days.max(1);
        let dates: Vec<NaiveDate> = (0..days).map(|d| cfg.start + chrono::Duration::days(d as i64)).collect();
        let day_start: Vec<i64> = dates.iter().map(|d| local_ms(&tz, *d, 0)).collect();
        let end_ms = local_ms(&tz, cfg.start + chrono::Duration::days(days as i64), 0);
        let start_ms = day_start[0];

        // ---- shops, products, agents
        let mut rng = Rng::new(&[seed, 1]);
        let mut shops = Vec::new();
        let mut products = Vec::new();
        let mut agents = Vec::new();
        let mut team_no = 0u32;
        for s in 0..cfg.shops.max(1) {
            let platform = PLATFORMS[(s as usize) % PLATFORMS.len()];
            let ncat = rng.range(1, 4) as usize;
            let mut cats: Vec<usize> = Vec::new();
            let first = rng.below(CATEGORIES.len() as u64) as usize;
            cats.push(first);
            while cats.len() < ncat {
                let c = rng.below(CATEGORIES.len() as u64) as usize;
                if !cats.contains(&c) {
                    cats.push(c);
                }
            }
            let brand = SHOP_BRANDS[(s as usize + rng.below(3) as usize) % SHOP_BRANDS.len()];
            let name = format!("{brand}{}", rng.pick(SHOP_KINDS));
            let nprod = rng.range(20, 41) as usize;
            let mut pids = Vec::new();
            let mut names = BTreeSet::new();
            for k in 0..nprod {
                let cat = if k < cats.len() { cats[k] } else { cats[rng.below(cats.len() as u64) as usize] };
                let c = &CATEGORIES[cat];
                let (base, lo, hi) = rng.pick(c.items);
                let mut pname = format!("{}{}{}", rng.pick(c.prefixes), base, rng.pick(c.suffixes));
                if !names.insert(pname.clone()) {
                    pname = format!("{pname} {}款", ["A", "B", "C", "D", "E", "F", "G", "H"][k % 8]);
                    names.insert(pname.clone());
                }
                let yuan = rng.range(lo as i64, hi as i64 + 1);
                let cents = yuan * 100 + [0, 0, 90, 99, 80][rng.below(5) as usize];
                let id = format!("p{:05}", products.len() + 1);
                let skus = sku_codes(&mut rng, c.skus).into_iter().map(|x| format!("{id}-{x}")).collect();
                let mut mix = c.causes;
                for m in mix.iter_mut() {
                    *m *= 0.4 + 1.2 * rng.f64();
                }
                if rng.chance(0.25) {
                    // a product with a defect: one dominant cause
                    let i = rng.below(11) as usize;
                    if c.causes[i] > 0.0 {
                        mix[i] += 0.6;
                    }
                }
                let tot: f64 = mix.iter().sum();
                for m in mix.iter_mut() {
                    *m = ((*m / tot) * 1000.0).round() / 1000.0;
                }
                let refund_rate = match c.skus {
                    SkuKind::Apparel | SkuKind::Shoes => 0.2 + 0.2 * rng.f64(),
                    _ => 0.08 + 0.12 * rng.f64(),
                };
                let popularity = 1.0 / (1.0 + k as f64 * 0.15) * (0.5 + rng.f64());
                pids.push(products.len() as u32);
                products.push(Product {
                    id,
                    shop: s,
                    name: pname,
                    category: cat,
                    price_cents: cents,
                    skus,
                    listed_at: start_ms - rng.range(10, 700) * DAY_MS - rng.range(0, DAY_MS),
                    cause_mix: mix,
                    refund_rate,
                    popularity,
                    band: Band::Mid,
                });
            }
            let nteams = rng.range(1, 3) as usize;
            let teams: Vec<String> = (0..nteams)
                .map(|_| {
                    team_no += 1;
                    format!("t{team_no:03}")
                })
                .collect();
            let nag = rng.range(4, 11) as usize;
            let mut aids = Vec::new();
            let mut nick_start = rng.below(AGENT_NICKS.len() as u64) as usize;
            for k in 0..nag {
                nick_start += 1;
                aids.push(agents.len() as u32);
                agents.push(Agent {
                    id: format!("a{:04}", agents.len() + 1),
                    name: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                    nick: AGENT_NICKS[nick_start % AGENT_NICKS.len()],
                    team: teams[k % nteams].clone(),
                    shop: s,
                    hired_at: start_ms - rng.range(30, 1500) * DAY_MS,
                });
            }
            shops.push(Shop {
                id: format!("s{:03}", s + 1),
                name,
                platform,
                categories: cats,
                products: pids,
                agents: aids,
                pairs: Vec::new(),
            });
        }

        // ---- price bands over all products
        let mut prices: Vec<i64> = products.iter().map(|p| p.price_cents).collect();
        prices.sort_unstable();
        let low_max = prices[(prices.len() * 2 / 5).min(prices.len() - 1)];
        let high_min = prices[(prices.len() * 3 / 4).min(prices.len() - 1)];
        for p in products.iter_mut() {
            p.band = if p.price_cents >= high_min {
                Band::High
            } else if p.price_cents <= low_max {
                Band::Low
            } else {
                Band::Mid
            };
        }

        // ---- planted basket pairs: two products of one price band, so the
        //      customers of that band buy them together
        for (s, shop) in shops.iter_mut().enumerate() {
            let mut rng = Rng::new(&[seed, 6, s as u64]);
            for _ in 0..2 {
                let band = if rng.chance(0.5) { Band::High } else { Band::Low };
                let inb: Vec<u32> =
                    shop.products.iter().copied().filter(|p| products[*p as usize].band == band).collect();
                if inb.len() < 2 {
                    continue;
                }
                let a = inb[rng.below(inb.len() as u64) as usize];
                let b = inb[rng.below(inb.len() as u64) as usize];
                if a != b && !shop.pairs.iter().any(|(x, y, _)| (*x == a && *y == b) || (*x == b && *y == a)) {
                    shop.pairs.push((a, b, 0.5 + 0.3 * rng.f64()));
                }
            }
        }

        // ---- customers: an archetype and its purchase occasions (see SEGMENTS)
        let seg_w: Vec<f64> = SEGMENTS.iter().map(|s| s.4).collect();
        let shops_with = |band: Band| -> Vec<u32> {
            let v: Vec<u32> = (0..shops.len() as u32)
                .filter(|s| shops[*s as usize].products.iter().any(|p| products[*p as usize].band == band))
                .collect();
            if v.is_empty() {
                (0..shops.len() as u32).collect()
            } else {
                v
            }
        };
        let (high_shops, low_shops) = (shops_with(Band::High), shops_with(Band::Low));
        let customers: Vec<Customer> = (0..cfg.customers.max(1))
            .map(|i| {
                let mut r = Rng::new(&[seed, 2, i as u64]);
                if r.chance(BROWSER_SHARE) {
                    return Customer {
                        segment: None,
                        home_shop: r.below(shops.len() as u64) as u32,
                        visits: Vec::new(),
                    };
                }
                let segment = r.weighted(&seg_w) as u8;
                let (_, frequent, pricey, recent, _) = SEGMENTS[segment as usize];
                let home = if pricey { &high_shops } else { &low_shops };
                let home_shop = home[r.below(home.len() as u64) as usize];
                Customer { segment: Some(segment), home_shop, visits: plan_visits(&mut r, days, frequent, recent) }
            })
            .collect();

        // ---- hot questions per category
        let hot: Vec<Vec<(usize, f64)>> = CATEGORIES
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let mut r = Rng::new(&[seed, 3, ci as u64]);
                let mut qs: Vec<usize> = COMMON_QUESTIONS.iter().copied().chain(c.questions.iter().copied()).collect();
                // shuffle, with category-specific questions nudged to the top
                for i in (1..qs.len()).rev() {
                    let j = r.below(i as u64 + 1) as usize;
                    qs.swap(i, j);
                }
                qs.sort_by_key(|q| if c.questions.contains(q) { r.below(6) } else { 2 + r.below(10) });
                let ws: Vec<f64> = (0..qs.len()).map(|k| 1.0 / ((k + 1) as f64).powf(1.1)).collect();
                let tot: f64 = ws.iter().sum();
                qs.into_iter().zip(ws).map(|(q, w)| (q, w / tot)).collect()
            })
            .collect();

        let mut w = World {
            seed,
            tz,
            dates,
            day_start,
            end_ms,
            shops,
            products,
            agents,
            customers,
            low_max_cents: low_max,
            high_shops,
            low_shops,
            orders: Vec::new(),
            refunds: Vec::new(),
            reviews: Vec::new(),
            contacts: Vec::new(),
            hot,
        };
        let mut ids = BTreeSet::new();
        w.archetype_orders(&mut ids);
        let spd = cfg.sessions_per_day.unwrap_or((cfg.customers / 20).max(20));
        w.plan_contacts(spd);
        w.conversions(&mut ids);
        w.make_refunds();
        w.make_reviews();
        w.finish_contacts();
        w
    }

    pub fn days(&self) -> u32 {
        self.dates.len() as u32
    }

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
    fn pick_product(&self, rng: &mut Rng, shop: u32) -> u32 {
        self.pick_weighted(rng, &self.shops[shop as usize].products)
    }

    /// The price band a buyer shops in (None for a customer who buys nothing).
    fn band_of(&self, customer: u32) -> Option<Band> {
        self.customers[customer as usize].archetype().map(|a| if a.2 { Band::High } else { Band::Low })
    }

    #[allow(clippy::too_many_arguments)]
    fn push_order(
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

    /// A product of `shop` in the price band, popular and cheaper ones more often; any product
    /// when the shop has none in the band.
    fn pick_in_band(&self, rng: &mut Rng, shop: u32, band: Band) -> u32 {
        let ps = &self.shops[shop as usize].products;
        let inb: Vec<u32> = ps.iter().copied().filter(|p| self.products[*p as usize].band == band).collect();
        self.pick_weighted(rng, if inb.is_empty() { ps } else { &inb })
    }

    /// Units of one order: sometimes two, but a cheap buyer's order stays inside the low band.
    fn qty_for(&self, rng: &mut Rng, product: u32, band: Band, p: f64) -> i32 {
        let two_fit = band != Band::Low || 2 * self.products[product as usize].price_cents <= self.low_max_cents;
        if rng.chance(p) && two_fit {
            2
        } else {
            1
        }
    }

    /// Every buyer's planned purchase occasions, each one order plus planted basket partners
    /// and a few extra items, all in the buyer's price band.
    fn archetype_orders(&mut self, ids: &mut BTreeSet<String>) {
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
                let product = self.pick_in_band(&mut rng, shop, band);
                let qty = self.qty_for(&mut rng, product, band, 0.1);
                let mut last = self.push_order(&mut rng, ids, shop, c, product, day, created, qty);
                while self.orders[last as usize].status == "closed" {
                    // cancelled before paying, and ordered again: the occasion still ends in a paid order
                    let t = self.orders[last as usize].created + rng.range(60_000, 600_000);
                    last = self.push_order(&mut rng, ids, shop, c, product, day, t, qty);
                }
                // basket: planted pairs, and a few random extra items
                let pairs = self.shops[shop as usize].pairs.clone();
                for &(a, b, p) in &pairs {
                    let other = if product == a {
                        Some(b)
                    } else if product == b {
                        Some(a)
                    } else {
                        None
                    };
                    if let Some(o) = other {
                        if rng.chance(p) {
                            let t = created + rng.range(1_000, 20_000);
                            self.push_order(&mut rng, ids, shop, c, o, day, t, 1);
                        }
                    }
                }
                if rng.chance(0.08) {
                    let o = self.pick_in_band(&mut rng, shop, band);
                    if o != product {
                        let t = created + rng.range(1_000, 20_000);
                        self.push_order(&mut rng, ids, shop, c, o, day, t, 1);
                    }
                }
                // a planted pair of the buyer's band is sometimes bought on its own trigger too
                if rng.chance(0.05) {
                    if let Some(&(a, b, _)) = pairs.iter().find(|(a, _, _)| self.products[*a as usize].band == band) {
                        let t = created + rng.range(30_000, 60_000);
                        self.push_order(&mut rng, ids, shop, c, a, day, t, 1);
                        self.push_order(&mut rng, ids, shop, c, b, day, t + 2_000, 1);
                    }
                }
            }
        }
        // a day's dump lists orders in time order
        self.orders.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    }

    fn plan_contacts(&mut self, spd: u32) {
        let days = self.days();
        let nshops = self.shops.len() as u64;
        let ncust = self.customers.len() as u64;
        // orders per shop by creation time, to pick after-sale subjects
        let mut by_shop: Vec<Vec<(i64, u32)>> = vec![Vec::new(); self.shops.len()];
        for (i, o) in self.orders.iter().enumerate() {
            if o.status != "closed" {
                by_shop[o.shop as usize].push((o.created, i as u32));
            }
        }
        for v in by_shop.iter_mut() {
            v.sort();
        }
        let shop_w: Vec<f64> = (0..nshops).map(|s| 1.0 + (Rng::new(&[self.seed, 4, s]).f64())).collect();
        // who asks before buying: frequent buyers (the lapsed ones only while they still buy) and browsers
        let of = |f: &dyn Fn(&Customer) -> bool| -> Vec<u32> {
            (0..ncust as u32).filter(|c| f(&self.customers[*c as usize])).collect()
        };
        let recent_frequent = of(&|c| c.archetype().is_some_and(|a| a.1 && a.3));
        let lapsed_frequent = of(&|c| c.archetype().is_some_and(|a| a.1 && !a.3));
        let browsers = of(&|c| c.segment.is_none());
        let mut all: Vec<Vec<Contact>> = vec![Vec::new(); days as usize];
        let mut seq = 0u32;
        for day in 0..days {
            let mut rng = Rng::new(&[self.seed, 20, day as u64]);
            let ncalls = (spd as f64 * 0.1).round() as u32;
            for k in 0..(spd + ncalls) {
                let call = k >= spd;
                let shop = rng.weighted(&shop_w) as u32;
                let secs = contact_secs(&mut rng);
                let t = local_ms(&self.tz, self.dates[day as usize], secs);
                let r = rng.f64();
                let want = if call {
                    if r < 0.25 {
                        3
                    } else if r < 0.37 {
                        2
                    } else {
                        1
                    }
                } else if r < 0.55 {
                    0
                } else if r < 0.955 {
                    1
                } else {
                    2
                };
                let mut kind = None;
                let mut customer = 0;
                if want != 0 {
                    if let Some(oi) = pick_order(&mut rng, &by_shop[shop as usize], t) {
                        let o = &self.orders[oi as usize];
                        customer = o.customer;
                        let issue = issue_for(&mut rng, o, t);
                        kind = Some(match want {
                            1 => Kind::AfterSale { order: oi, issue },
                            2 => Kind::Complaint { order: oi, issue },
                            _ => Kind::Outbound { order: oi },
                        });
                    }
                }
                let kind = match kind {
                    Some(k) => k,
                    None => {
                        // A pre-sale chat that will convert (see `conversions`) comes from a frequent buyer
                        // who is buying in this period, about a product of their price band, so the order
                        // keeps their archetype; the others come from customers who buy nothing.
                        let converts = !call && Rng::new(&[self.seed, 30, seq as u64]).chance(0.3);
                        let buyer = if converts {
                            let lapsed = if day + 1 < lapsed_cut(days) { lapsed_frequent.len() } else { 0 };
                            let n = recent_frequent.len() + lapsed;
                            (n > 0).then(|| {
                                let k = rng.below(n as u64) as usize;
                                if k < recent_frequent.len() {
                                    recent_frequent[k]
                                } else {
                                    lapsed_frequent[k - recent_frequent.len()]
                                }
                            })
                        } else {
                            None
                        };
                        let product = match buyer.and_then(|b| self.band_of(b).map(|band| (b, band))) {
                            Some((b, band)) => {
                                customer = b;
                                self.pick_in_band(&mut rng, shop, band)
                            }
                            None => {
                                customer = if browsers.is_empty() {
                                    rng.below(ncust) as u32
                                } else {
                                    browsers[rng.below(browsers.len() as u64) as usize]
                                };
                                self.pick_product(&mut rng, shop)
                            }
                        };
                        Kind::PreSale { product }
                    }
                };
                let platform = self.chat_platform(&mut rng, shop);
                all[day as usize].push(Contact {
                    day,
                    secs,
                    call,
                    shop,
                    customer,
                    kind,
                    follow_up: 0,
                    platform,
                    converted: None,
                    id: String::new(),
                    seq,
                });
                seq += 1;
            }
            // planted repeat contacts: one order, 3–4 contacts the same day
            let nrep = (spd / 150).max(1);
            for _ in 0..nrep {
                let shop = rng.below(nshops) as u32;
                let t0 = local_ms(&self.tz, self.dates[day as usize], 9 * 3600);
                let Some(oi) = pick_order(&mut rng, &by_shop[shop as usize], t0) else { continue };
                let o = &self.orders[oi as usize];
                let issue = issue_for(&mut rng, o, t0);
                let n = rng.range(3, 5) as u8;
                let mut secs = rng.range(9 * 3600, 12 * 3600) as u32;
                for f in 0..n {
                    let call = f > 0 && rng.chance(0.3);
                    let kind = if f + 1 == n && rng.chance(0.3) {
                        Kind::Complaint { order: oi, issue }
                    } else {
                        Kind::AfterSale { order: oi, issue }
                    };
                    let platform = self.chat_platform(&mut rng, shop);
                    all[day as usize].push(Contact {
                        day,
                        secs,
                        call,
                        shop,
                        customer: o.customer,
                        kind,
                        follow_up: f,
                        platform,
                        converted: None,
                        id: String::new(),
                        seq,
                    });
                    seq += 1;
                    secs += rng.range(3600, 3 * 3600) as u32;
                }
            }
        }
        // planted 3-day repeats: one contact on each of 3 consecutive days
        if days >= 3 {
            let mut rng = Rng::new(&[self.seed, 21]);
            for day in 0..days - 2 {
                for _ in 0..(spd / 300).max(1) {
                    let shop = rng.below(nshops) as u32;
                    let t0 = local_ms(&self.tz, self.dates[day as usize], 8 * 3600);
                    let Some(oi) = pick_order(&mut rng, &by_shop[shop as usize], t0) else { continue };
                    let o = &self.orders[oi as usize];
                    let issue = issue_for(&mut rng, o, t0);
                    for f in 0..3u32 {
                        let secs = rng.range(9 * 3600, 21 * 3600) as u32;
                        let platform = self.chat_platform(&mut rng, shop);
                        all[(day + f) as usize].push(Contact {
                            day: day + f,
                            secs,
                            call: f == 1 && rng.chance(0.3),
                            shop,
                            customer: o.customer,
                            kind: Kind::AfterSale { order: oi, issue },
                            follow_up: f as u8,
                            platform,
                            converted: None,
                            id: String::new(),
                            seq,
                        });
                        seq += 1;
                    }
                }
            }
        }
        self.contacts = all;
    }

    fn chat_platform(&self, rng: &mut Rng, shop: u32) -> &'static str {
        if rng.chance(0.03) {
            if rng.chance(0.5) {
                "web"
            } else {
                "app"
            }
        } else {
            self.shops[shop as usize].platform
        }
    }

    fn conversions(&mut self, ids: &mut BTreeSet<String>) {
        let days = self.days();
        for day in 0..days as usize {
            for ci in 0..self.contacts[day].len() {
                let c = &self.contacts[day][ci];
                let Kind::PreSale { product } = c.kind else { continue };
                if c.call {
                    continue;
                }
                let mut rng = Rng::new(&[self.seed, 30, c.seq as u64]);
                if !rng.chance(0.3) {
                    continue;
                }
                let (shop, customer) = (c.shop, c.customer);
                let mut secs = c.secs as i64 + rng.range(45 * 60, 180 * 60);
                let mut oday = day as u32;
                if secs >= 86_400 - 300 {
                    if oday + 1 >= days {
                        continue;
                    }
                    oday += 1;
                    secs = rng.range(9 * 3600, 22 * 3600);
                }
                let created = local_ms(&self.tz, self.dates[oday as usize], secs as u32);
                let band = self.band_of(customer).unwrap_or(Band::High);
                let qty = self.qty_for(&mut rng, product, band, 0.15);
                let oi = self.push_order(&mut rng, ids, shop, customer, product, oday, created, qty);
                self.contacts[day][ci].converted = Some(oi);
            }
        }
    }

    fn make_refunds(&mut self) {
        let mut rng = Rng::new(&[self.seed, 40]);
        let mut n = 0u32;
        for oi in 0..self.orders.len() {
            let o = &self.orders[oi];
            let Some(delivered) = o.delivered else { continue };
            let pr = &self.products[o.product as usize];
            if !rng.chance(pr.refund_rate) {
                continue;
            }
            let mut applied = delivered + rng.range(3_600_000, 36 * 3_600_000);
            let d = business_date(applied, &self.tz);
            let day_ms = local_ms(&self.tz, d, 0);
            let secs = (applied - day_ms) / 1000;
            if secs < 8 * 3600 {
                applied = local_ms(&self.tz, d, (8 * 3600 + rng.range(0, 3600)) as u32);
            } else if secs > 22 * 3600 {
                applied = local_ms(&self.tz, d + chrono::Duration::days(1), (9 * 3600 + rng.range(0, 3600)) as u32);
            }
            if applied >= self.end_ms {
                continue;
            }
            let cause = rng.weighted(&pr.cause_mix);
            let texts = CAUSE_TEXTS[cause];
            let chat_text = rng.pick(texts).to_string();
            let hidden = cause != 9 && cause != 8 && rng.chance(0.32);
            let (code, text) = if hidden {
                // the platform code hides the real cause; text may reveal it
                if rng.chance(0.6) {
                    (SEVEN_DAY, Some(format!("{chat_text}，申请七天无理由退货")))
                } else {
                    (SEVEN_DAY, if rng.chance(0.5) { None } else { Some("七天无理由".to_string()) })
                }
            } else if cause == 9 && rng.chance(0.5) {
                (SEVEN_DAY, Some(chat_text.clone()))
            } else {
                (CAUSE_CODES[cause], if rng.chance(0.8) { Some(chat_text.clone()) } else { None })
            };
            let rtype = match cause {
                8 => "price_diff",
                5 | 7 => "refund_only",
                1 | 4 if rng.chance(0.4) => "exchange",
                6 if rng.chance(0.5) => "refund_only",
                _ => "return_refund",
            };
            let amount_cents = match rtype {
                "price_diff" => (o.amount_cents * rng.range(5, 21) / 100).max(100).min(o.amount_cents),
                "exchange" => 0,
                _ if cause == 5 && o.qty > 1 => o.amount_cents / o.qty as i64,
                _ => o.amount_cents,
            };
            let done = applied + rng.range(1_800_000, 72 * 3_600_000);
            let (completed, status) = if done > self.end_ms {
                (None, "processing")
            } else if rng.chance(0.06) {
                (Some(done), "closed")
            } else {
                (Some(done), "success")
            };
            n += 1;
            let day = self.day_of(applied);
            self.refunds.push(Refund {
                id: format!("RF{}{:06}", ymd(self.dates[day as usize]), n),
                order: oi as u32,
                cause,
                code,
                text,
                rtype,
                amount_cents,
                applied,
                completed,
                status,
                day,
                chat_text,
            });
        }
        // refunds discussed in chat: all hidden ones without a revealing text, half of the rest
        for (ri, r) in self.refunds.iter().enumerate() {
            let revealing = r.code != SEVEN_DAY || r.cause == 9 || r.text.as_deref().is_some_and(|t| t.len() > 20);
            if revealing && !rng.chance(0.5) {
                continue;
            }
            let o = &self.orders[r.order as usize];
            let secs = ((r.applied - self.day_start[r.day as usize]) / 1000 - rng.range(300, 1800)) as u32;
            let platform = if rng.chance(0.03) { "app" } else { self.shops[o.shop as usize].platform };
            let c = Contact {
                day: r.day,
                secs,
                call: false,
                shop: o.shop,
                customer: o.customer,
                kind: Kind::RefundChat { refund: ri as u32 },
                follow_up: 0,
                platform,
                converted: None,
                id: String::new(),
                seq: 10_000_000 + ri as u32,
            };
            self.contacts[r.day as usize].push(c);
        }
    }

    pub fn day_of(&self, ts: i64) -> u32 {
        let d = business_date(ts, &self.tz);
        self.dates.iter().position(|x| *x == d).expect("event inside the window") as u32
    }

    fn make_reviews(&mut self) {
        let mut rng = Rng::new(&[self.seed, 50]);
        let mut refunded: BTreeMap<u32, usize> = BTreeMap::new();
        for r in &self.refunds {
            refunded.insert(r.order, r.cause);
        }
        let mut n = 0u32;
        for oi in 0..self.orders.len() {
            let o = &self.orders[oi];
            let Some(delivered) = o.delivered else { continue };
            if !rng.chance(0.5) {
                continue;
            }
            let created = delivered + rng.range(3_600_000, 48 * 3_600_000);
            if created >= self.end_ms {
                continue;
            }
            let cat = &CATEGORIES[self.products[o.product as usize].category];
            let rating = if let Some(cause) = refunded.get(&(oi as u32)) {
                if *cause == 9 || *cause == 8 {
                    [3, 4, 5][rng.below(3) as usize]
                } else {
                    [1, 1, 2, 2, 3][rng.below(5) as usize]
                }
            } else {
                [5, 5, 5, 5, 5, 5, 4, 4, 3, 2, 1][rng.below(11) as usize]
            };
            let fill = |rng: &mut Rng, t: &str| {
                let (g, b) = (rng.below(cat.good.len() as u64) as usize, rng.below(cat.bad.len() as u64) as usize);
                t.replace("{g2}", cat.good[(g + 1) % cat.good.len()])
                    .replace("{g}", cat.good[g])
                    .replace("{b2}", cat.bad[(b + 1) % cat.bad.len()])
                    .replace("{b}", cat.bad[b])
            };
            let (content, label) = match rating {
                5 if rng.chance(0.06) => (rng.pick(REVIEW_SPAM).to_string(), "positive"),
                4 | 5 => (
                    {
                        let t = rng.pick(REVIEW_POS);
                        fill(&mut rng, t)
                    },
                    "positive",
                ),
                3 => (
                    {
                        let t = rng.pick(REVIEW_MID);
                        fill(&mut rng, t)
                    },
                    "neutral",
                ),
                _ => (
                    {
                        let t = rng.pick(REVIEW_NEG);
                        fill(&mut rng, t)
                    },
                    "negative",
                ),
            };
            let _ = rng.next_u64();
            n += 1;
            let day = self.day_of(created);
            self.reviews.push(Review {
                id: format!("RV{}{:06}", ymd(self.dates[day as usize]), n),
                order: oi as u32,
                rating,
                content,
                created,
                is_append: false,
                label,
                day,
            });
            if rng.chance(0.15) {
                let t = created + rng.range(12 * 3_600_000, 48 * 3_600_000);
                if t < self.end_ms {
                    let neg = rating <= 2 || rng.chance(0.3);
                    let content = if neg {
                        {
                            let t = rng.pick(APPEND_NEG);
                            fill(&mut rng, t)
                        }
                    } else {
                        {
                            let t = rng.pick(APPEND_POS);
                            fill(&mut rng, t)
                        }
                    };
                    let _ = rng.next_u64();
                    n += 1;
                    let day = self.day_of(t);
                    self.reviews.push(Review {
                        id: format!("RV{}{:06}", ymd(self.dates[day as usize]), n),
                        order: oi as u32,
                        rating,
                        content,
                        created: t,
                        is_append: true,
                        label: if neg { "negative" } else { "positive" },
                        day,
                    });
                }
            }
        }
    }

    /// Sorts each day's contacts by start time and assigns ids.
    fn finish_contacts(&mut self) {
        for (d, v) in self.contacts.iter_mut().enumerate() {
            v.sort_by_key(|c| (c.secs, c.seq));
            let day = ymd(self.dates[d]);
            let (mut ns, mut nc) = (0u32, 0u32);
            for c in v.iter_mut() {
                if c.call {
                    nc += 1;
                    c.id = format!("CL{day}{nc:06}");
                } else {
                    ns += 1;
                    c.id = format!("SS{day}{ns:07}");
                }
            }
        }
    }
}

/// Days before which the purchase occasions of a lapsed buyer fall (the first two fifths).
pub fn lapsed_cut(days: u32) -> u32 {
    (days * 2 / 5).max(1)
}

/// Purchase occasions (sorted day indexes) of a buyer over a window of `days`; see `SEGMENTS`.
fn plan_visits(r: &mut Rng, days: u32, frequent: bool, recent: bool) -> Vec<u32> {
    // windows shorter than 60 days get proportionally fewer occasions (RFM over a week means little)
    let scale = days.min(60) as f64 / 60.0;
    let n = if frequent {
        ((9 + r.below(3)) as f64 * scale).round().max(1.0) as u32 + days / 60
    } else if r.chance(scale) {
        1 + r.chance(0.3) as u32
    } else {
        0
    };
    let mut v = Vec::with_capacity(n as usize);
    if n == 0 {
        return v;
    }
    if days < 3 {
        v.extend((0..n).map(|_| r.below(days as u64) as u32));
    } else if recent {
        // the last occasion in the last tenth, never on the final day
        let w = (days / 10).max(1);
        let last = days - 1 - w + r.below(w as u64) as u32;
        v.push(last);
        // frequent buyers keep buying to the end; the others only up to `last`
        let hi = if frequent { days } else { last + 1 };
        v.extend((1..n).map(|_| r.below(hi as u64) as u32));
    } else {
        let cut = lapsed_cut(days);
        v.extend((0..n).map(|_| r.below(cut as u64) as u32));
    }
    v.sort_unstable();
    v
}

/// Order-time of day: mostly daytime/evening, some at night.
fn local_secs(rng: &mut Rng) -> u32 {
    if rng.chance(0.08) {
        rng.range(0, 8 * 3600) as u32
    } else {
        rng.range(8 * 3600, 86_400 - 60) as u32
    }
}

/// Start of a session or call: 08:00–23:00 mostly, a few at night (00:00–07:30).
fn contact_secs(rng: &mut Rng) -> u32 {
    if rng.chance(0.05) {
        rng.range(0, 7 * 3600 + 1800) as u32
    } else {
        // busier around 10–12 and 20–22
        let peaks = [(10.5, 1.5), (15.0, 2.5), (21.0, 1.2)];
        let (m, sd) = peaks[rng.weighted(&[0.4, 0.3, 0.3])];
        let z = (rng.f64() + rng.f64() + rng.f64() - 1.5) * 2.0;
        let h = (m + z * sd).clamp(8.0, 22.99);
        (h * 3600.0) as u32
    }
}

fn pick_order(rng: &mut Rng, v: &[(i64, u32)], before: i64) -> Option<u32> {
    let n = v.partition_point(|(t, _)| *t < before - 600_000);
    if n == 0 {
        return None;
    }
    // recent orders are more likely to need service
    let lo = if rng.chance(0.5) { 0 } else { n.saturating_sub((n / 4).max(400)) };
    Some(v[lo + rng.below((n - lo) as u64) as usize].1)
}

fn issue_for(rng: &mut Rng, o: &Order, t: i64) -> u8 {
    let delivered = o.delivered.is_some_and(|d| d < t - 600_000);
    let shipped = o.shipped.is_some_and(|s| s < t);
    if delivered {
        // indices 2.. need delivery
        let w = [0.0, 0.0, 0.12, 0.1, 0.1, 0.22, 0.1, 0.16, 0.12, 0.08];
        rng.weighted(&w) as u8
    } else if shipped {
        0
    } else {
        1
    }
}
