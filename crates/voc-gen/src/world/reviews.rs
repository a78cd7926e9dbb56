//! Stage 7: reviews — half of the delivered orders get a review (rated low after a
//! refund for a real fault), some a 追评 later (`_truth/review_sentiment`).

use std::collections::BTreeMap;

use super::{ymd, World};
use crate::rng::Rng;
use crate::vocab::*;

pub struct Review {
    pub id: String,
    pub order: u32,
    pub rating: i32,
    pub content: String,
    pub created: i64,
    /// a 追评 (follow-up review), rated like the first one
    pub is_append: bool,
    /// positive, neutral or negative (a 追评 by its own content)
    pub label: &'static str,
    /// day index of `created`
    pub day: u32,
}

impl World {
    /// Reviews half of the delivered orders 1–48 hours after delivery, and adds a 追评 to
    /// 15 % of them 12–48 hours later (inside the window only).
    pub(super) fn make_reviews(&mut self) {
        let mut rng = Rng::new(&[self.seed, 50]);
        let mut refunded: BTreeMap<u32, usize> = BTreeMap::new();
        for r in &self.refunds {
            refunded.insert(r.order, r.cause);
        }
        for oi in 0..self.orders.len() as u32 {
            let o = &self.orders[oi as usize];
            let Some(delivered) = o.delivered else { continue };
            if !rng.chance(0.5) {
                continue;
            }
            let created = delivered + rng.range(3_600_000, 48 * 3_600_000);
            if created >= self.end_ms {
                continue;
            }
            let cat = &CATEGORIES[self.products[o.product as usize].category];
            let rating = rating_for(&mut rng, refunded.get(&oi).copied());
            let (content, label) = first_review(&mut rng, cat, rating);
            let _ = rng.next_u64(); // a spare draw, part of the pinned stream
            self.push_review(oi, rating, content, created, false, label);
            if rng.chance(0.15) {
                let t = created + rng.range(12 * 3_600_000, 48 * 3_600_000);
                if t < self.end_ms {
                    let neg = rating <= 2 || rng.chance(0.3);
                    let template = rng.pick(if neg { APPEND_NEG } else { APPEND_POS });
                    let content = fill(&mut rng, cat, template);
                    let _ = rng.next_u64(); // a spare draw, part of the pinned stream
                    self.push_review(oi, rating, content, t, true, if neg { "negative" } else { "positive" });
                }
            }
        }
    }

    fn push_review(
        &mut self,
        order: u32,
        rating: i32,
        content: String,
        created: i64,
        is_append: bool,
        label: &'static str,
    ) {
        let day = self.day_of(created);
        self.reviews.push(Review {
            id: format!("RV{}{:06}", ymd(self.dates[day as usize]), self.reviews.len() + 1),
            order,
            rating,
            content,
            created,
            is_append,
            label,
            day,
        });
    }
}

/// The rating of an order refunded for `refund_cause` (index into `vocab::CAUSES`), if it was.
fn rating_for(rng: &mut Rng, refund_cause: Option<usize>) -> i32 {
    match refund_cause {
        Some(c) if c == cause::CHANGED_MIND || c == cause::PRICE_DIFFERENCE => [3, 4, 5][rng.below(3) as usize],
        Some(_) => [1, 1, 2, 2, 3][rng.below(5) as usize],
        None => [5, 5, 5, 5, 5, 5, 4, 4, 3, 2, 1][rng.below(11) as usize],
    }
}

/// The text and label of a first review: 6 % of the five-star ones are spam.
fn first_review(rng: &mut Rng, cat: &Category, rating: i32) -> (String, &'static str) {
    match rating {
        5 if rng.chance(0.06) => (rng.pick(REVIEW_SPAM).to_string(), "positive"),
        4 | 5 => {
            let t = rng.pick(REVIEW_POS);
            (fill(rng, cat, t), "positive")
        }
        3 => {
            let t = rng.pick(REVIEW_MID);
            (fill(rng, cat, t), "neutral")
        }
        _ => {
            let t = rng.pick(REVIEW_NEG);
            (fill(rng, cat, t), "negative")
        }
    }
}

/// Fills a review template's `{g}`/`{g2}` (good aspects) and `{b}`/`{b2}` (bad aspects)
/// of the category.
fn fill(rng: &mut Rng, cat: &Category, t: &str) -> String {
    let (g, b) = (rng.below(cat.good.len() as u64) as usize, rng.below(cat.bad.len() as u64) as usize);
    t.replace("{g2}", cat.good[(g + 1) % cat.good.len()])
        .replace("{g}", cat.good[g])
        .replace("{b2}", cat.bad[(b + 1) % cat.bad.len()])
        .replace("{b}", cat.bad[b])
}
