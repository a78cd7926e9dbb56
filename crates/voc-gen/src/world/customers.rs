//! Stage 2: customers — who buys nothing and only consults, and for every buyer
//! an RFM archetype ([`SEGMENTS`]) with its purchase occasions (`_truth/customer_segments`).

use super::catalog::Band;
use super::World;
use crate::rng::Rng;

/// An RFM archetype that drives a buyer's orders — see `_truth/customer_segments`.
#[derive(Debug, PartialEq)]
pub struct Segment {
    /// 重要价值 … 一般挽留
    pub name: &'static str,
    /// 9–11 purchase occasions (+1 per 60 days of window), else 1–2 (windows shorter than
    /// 60 days scale these down, the rare buyers by buying at all)
    pub frequent: bool,
    /// every occasion buys from the top quarter of product prices, else from the cheapest
    /// 40 % (and never more units than stay inside that band)
    pub pricey: bool,
    /// the last occasion falls in the last tenth of the window (never on its final day, so
    /// a snapshot of the day before sees it), else all occasions fall in its first two fifths
    pub recent: bool,
    /// share of buyers
    pub share: f64,
}

impl Segment {
    /// 重要 ("important"): the archetypes of high monetary value, i.e. the pricey ones.
    pub fn important(&self) -> bool {
        self.pricey
    }

    /// The price band the archetype shops in.
    pub fn band(&self) -> Band {
        if self.pricey {
            Band::High
        } else {
            Band::Low
        }
    }
}

/// The eight RFM archetypes. Each flag is built to land clearly on one side of the
/// population mean a classic RFM model compares with (see [`Segment`]'s fields).
pub const SEGMENTS: &[Segment] = &[
    Segment { name: "重要价值", frequent: true, pricey: true, recent: true, share: 0.06 },
    Segment { name: "重要发展", frequent: false, pricey: true, recent: true, share: 0.07 },
    Segment { name: "重要保持", frequent: true, pricey: true, recent: false, share: 0.05 },
    Segment { name: "重要挽留", frequent: false, pricey: true, recent: false, share: 0.07 },
    Segment { name: "一般价值", frequent: true, pricey: false, recent: true, share: 0.12 },
    Segment { name: "一般发展", frequent: false, pricey: false, recent: true, share: 0.23 },
    Segment { name: "一般保持", frequent: true, pricey: false, recent: false, share: 0.15 },
    Segment { name: "一般挽留", frequent: false, pricey: false, recent: false, share: 0.25 },
];

/// Share of customers who never buy in the window: they only consult (and are
/// the ones whose pre-sale chats do not convert).
pub const BROWSER_SHARE: f64 = 0.3;

#[derive(Clone)]
pub struct Customer {
    /// the buyer's archetype; None for a customer who buys nothing in the window
    pub segment: Option<&'static Segment>,
    pub home_shop: u32,
    /// day indexes (sorted) of the planned purchase occasions
    pub visits: Vec<u32>,
}

impl Customer {
    pub fn archetype(&self) -> Option<&'static Segment> {
        self.segment
    }
}

/// The `customer_id` of customer index `i`: `c000001`, ….
pub fn customer_id(i: u32) -> String {
    format!("c{:06}", i + 1)
}

impl World {
    /// Plants `n` customers: browsers ([`BROWSER_SHARE`]) and buyers of an archetype drawn
    /// by [`Segment::share`], each with a home shop selling in their price band and their
    /// purchase occasions.
    pub(super) fn plant_customers(&mut self, n: u32) {
        let shares: Vec<f64> = SEGMENTS.iter().map(|s| s.share).collect();
        self.customers = (0..n).map(|i| self.customer(i, &shares)).collect();
    }

    fn customer(&self, i: u32, shares: &[f64]) -> Customer {
        let mut r = Rng::new(&[self.seed, 2, i as u64]);
        if r.chance(BROWSER_SHARE) {
            return Customer { segment: None, home_shop: r.below(self.shops.len() as u64) as u32, visits: Vec::new() };
        }
        let segment = &SEGMENTS[r.weighted(shares)];
        let home = if segment.pricey { &self.high_shops } else { &self.low_shops };
        let home_shop = home[r.below(home.len() as u64) as usize];
        let visits = plan_visits(&mut r, self.days(), segment.frequent, segment.recent);
        Customer { segment: Some(segment), home_shop, visits }
    }

    /// The price band a buyer shops in (None for a customer who buys nothing).
    pub fn band_of(&self, customer: u32) -> Option<Band> {
        self.customers[customer as usize].archetype().map(Segment::band)
    }
}

/// Days before which the purchase occasions of a lapsed buyer fall (the first two fifths).
pub fn lapsed_cut(days: u32) -> u32 {
    (days * 2 / 5).max(1)
}

/// Purchase occasions (sorted day indexes) of a buyer over a window of `days`; see [`Segment`].
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_important_segments_are_the_pricey_ones() {
        for s in SEGMENTS {
            assert_eq!(s.important(), s.name.starts_with("重要"), "{}", s.name);
        }
        let total: f64 = SEGMENTS.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }
}
