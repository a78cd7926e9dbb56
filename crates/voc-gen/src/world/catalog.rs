//! Stage 1: the catalog — shops with their products and agents, the price bands
//! over all products, and the basket pairs planted in each shop
//! (`_truth/basket_pairs`, `_truth/return_cause_mix`).

use std::collections::BTreeSet;

use super::{World, DAY_MS};
use crate::rng::Rng;
use crate::vocab::*;

pub struct Shop {
    pub id: String,
    pub name: String,
    pub platform: &'static str,
    /// indexes into `vocab::CATEGORIES`
    pub categories: Vec<usize>,
    pub products: Vec<u32>,
    pub agents: Vec<u32>,
    pub pairs: Vec<BasketPair>,
}

/// Two products of one shop and price band planted to be bought together.
#[derive(Clone, Copy, Debug)]
pub struct BasketPair {
    pub a: u32,
    pub b: u32,
    /// chance that buying one of them adds the other to the basket
    pub attach_prob: f64,
}

pub struct Product {
    pub id: String,
    pub shop: u32,
    pub name: String,
    /// index into `vocab::CATEGORIES`
    pub category: usize,
    pub price_cents: i64,
    pub skus: Vec<String>,
    pub listed_at: i64,
    /// share of each refund cause (`vocab::CAUSES`), rounded to 0.001
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

/// Price band of a product: the cheapest 40 % and the top quarter of all prices.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Band {
    Low,
    Mid,
    High,
}

impl World {
    /// Plants `n` shops, each selling one to three categories with 20–40 products and
    /// served by 4–10 agents in one or two teams.
    pub(super) fn plant_catalog(&mut self, n: u32) {
        let mut rng = Rng::new(&[self.seed, 1]);
        let mut teams = 0u32;
        for s in 0..n {
            self.plant_shop(&mut rng, s, &mut teams);
        }
    }

    /// Shop `s` with its products and agents; `teams` counts the teams planted so far.
    fn plant_shop(&mut self, rng: &mut Rng, s: u32, teams: &mut u32) {
        let platform = PLATFORMS[(s as usize) % PLATFORMS.len()];
        let categories = pick_categories(rng);
        let brand = SHOP_BRANDS[(s as usize + rng.below(3) as usize) % SHOP_BRANDS.len()];
        let name = format!("{brand}{}", rng.pick(SHOP_KINDS));
        let nprod = rng.range(20, 41) as usize;
        let mut names = BTreeSet::new();
        let products = (0..nprod).map(|k| self.plant_product(rng, s, k, &categories, &mut names)).collect();
        let agents = self.plant_agents(rng, s, teams);
        self.shops.push(Shop {
            id: format!("s{:03}", s + 1),
            name,
            platform,
            categories,
            products,
            agents,
            pairs: Vec::new(),
        });
    }

    /// The `k`-th product of shop `shop`: the first ones cover every category of the shop.
    fn plant_product(
        &mut self,
        rng: &mut Rng,
        shop: u32,
        k: usize,
        categories: &[usize],
        names: &mut BTreeSet<String>,
    ) -> u32 {
        let cat =
            if k < categories.len() { categories[k] } else { categories[rng.below(categories.len() as u64) as usize] };
        let c = &CATEGORIES[cat];
        let (base, lo, hi) = rng.pick(c.items);
        let mut name = format!("{}{}{}", rng.pick(c.prefixes), base, rng.pick(c.suffixes));
        if !names.insert(name.clone()) {
            name = format!("{name} {}款", ["A", "B", "C", "D", "E", "F", "G", "H"][k % 8]);
            names.insert(name.clone());
        }
        let yuan = rng.range(lo as i64, hi as i64 + 1);
        let price_cents = yuan * 100 + [0, 0, 90, 99, 80][rng.below(5) as usize];
        let id = format!("p{:05}", self.products.len() + 1);
        let skus = sku_codes(rng, c.skus).into_iter().map(|x| format!("{id}-{x}")).collect();
        let cause_mix = cause_mix(rng, c);
        let refund_rate = match c.skus {
            SkuKind::Apparel | SkuKind::Shoes => 0.2 + 0.2 * rng.f64(),
            _ => 0.08 + 0.12 * rng.f64(),
        };
        let popularity = 1.0 / (1.0 + k as f64 * 0.15) * (0.5 + rng.f64());
        self.products.push(Product {
            id,
            shop,
            name,
            category: cat,
            price_cents,
            skus,
            listed_at: self.day_start[0] - rng.range(10, 700) * DAY_MS - rng.range(0, DAY_MS),
            cause_mix,
            refund_rate,
            popularity,
            band: Band::Mid,
        });
        (self.products.len() - 1) as u32
    }

    /// The agents of shop `shop`, spread over its one or two teams.
    fn plant_agents(&mut self, rng: &mut Rng, shop: u32, teams: &mut u32) -> Vec<u32> {
        let nteams = rng.range(1, 3) as usize;
        let team_ids: Vec<String> = (0..nteams)
            .map(|_| {
                *teams += 1;
                format!("t{:03}", *teams)
            })
            .collect();
        let nag = rng.range(4, 11) as usize;
        let mut nick = rng.below(AGENT_NICKS.len() as u64) as usize;
        let mut ids = Vec::with_capacity(nag);
        for k in 0..nag {
            nick += 1;
            ids.push(self.agents.len() as u32);
            self.agents.push(Agent {
                id: format!("a{:04}", self.agents.len() + 1),
                name: format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN)),
                nick: AGENT_NICKS[nick % AGENT_NICKS.len()],
                team: team_ids[k % nteams].clone(),
                shop,
                hired_at: self.day_start[0] - rng.range(30, 1500) * DAY_MS,
            });
        }
        ids
    }

    /// Sorts every product into its price band ([`Band`]) and notes the shops that sell
    /// in the high and in the low band.
    pub(super) fn plant_price_bands(&mut self) {
        let mut prices: Vec<i64> = self.products.iter().map(|p| p.price_cents).collect();
        prices.sort_unstable();
        let low_max = prices[(prices.len() * 2 / 5).min(prices.len() - 1)];
        let high_min = prices[(prices.len() * 3 / 4).min(prices.len() - 1)];
        for p in self.products.iter_mut() {
            p.band = if p.price_cents >= high_min {
                Band::High
            } else if p.price_cents <= low_max {
                Band::Low
            } else {
                Band::Mid
            };
        }
        self.low_max_cents = low_max;
        self.high_shops = self.shops_with(Band::High);
        self.low_shops = self.shops_with(Band::Low);
    }

    /// The shops with a product in `band` (all shops when none has one).
    fn shops_with(&self, band: Band) -> Vec<u32> {
        let v: Vec<u32> = (0..self.shops.len() as u32)
            .filter(|s| self.shops[*s as usize].products.iter().any(|p| self.products[*p as usize].band == band))
            .collect();
        if v.is_empty() {
            (0..self.shops.len() as u32).collect()
        } else {
            v
        }
    }

    /// Plants up to two basket pairs per shop: two products of one price band, so the
    /// customers of that band buy them together (`_truth/basket_pairs`).
    pub(super) fn plant_basket_pairs(&mut self) {
        for (s, shop) in self.shops.iter_mut().enumerate() {
            let mut rng = Rng::new(&[self.seed, 6, s as u64]);
            for _ in 0..2 {
                let band = if rng.chance(0.5) { Band::High } else { Band::Low };
                let inb: Vec<u32> =
                    shop.products.iter().copied().filter(|p| self.products[*p as usize].band == band).collect();
                if inb.len() < 2 {
                    continue;
                }
                let a = inb[rng.below(inb.len() as u64) as usize];
                let b = inb[rng.below(inb.len() as u64) as usize];
                if a != b && !shop.pairs.iter().any(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a)) {
                    shop.pairs.push(BasketPair { a, b, attach_prob: 0.5 + 0.3 * rng.f64() });
                }
            }
        }
    }
}

/// One to three distinct categories (indexes into `CATEGORIES`).
fn pick_categories(rng: &mut Rng) -> Vec<usize> {
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
    cats
}

/// A product's refund causes: its category's mix, jittered, and for a quarter of the
/// products a defect that makes one cause dominant; shares rounded to 0.001.
fn cause_mix(rng: &mut Rng, c: &Category) -> [f64; 11] {
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
    mix
}

/// The SKU suffixes of a product of this kind (colour, size, set …).
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
