//! Stage 6: refunds — some delivered orders are refunded for a true cause drawn from
//! the product's mix; about 30 % hide it behind 七天无理由退货, revealed in the reason
//! text and/or a chat about the refund (`_truth/refund_causes`, `_truth/return_cause_mix`).

use super::contacts::{Channel, Contact, Kind};
use super::{business_date, local_ms, ymd, World};
use crate::rng::Rng;
use crate::vocab::*;

pub struct Refund {
    pub id: String,
    pub order: u32,
    /// the true cause, index into `vocab::CAUSES`
    pub cause: usize,
    /// the platform reason code the customer picked
    pub code: &'static str,
    /// the reason text, if any
    pub text: Option<String>,
    /// refund_type: return_refund, refund_only, exchange or price_diff
    pub rtype: &'static str,
    pub amount_cents: i64,
    pub applied: i64,
    pub completed: Option<i64>,
    pub status: &'static str,
    /// day index of `applied`
    pub day: u32,
    /// how the customer words the true cause (in the reason text and in chat)
    pub chat_text: String,
}

impl Refund {
    /// Whether the refund alone tells its true cause: an honest code, a real 七天无理由, or
    /// a reason text longer than the bare code.
    fn revealing(&self) -> bool {
        self.code != SEVEN_DAY
            || self.cause == cause::CHANGED_MIND
            || self.text.as_deref().is_some_and(|t| t.len() > 20)
    }
}

impl World {
    /// Refunds delivered orders (at the product's refund rate) and plans the chats about
    /// them: every hidden refund without a revealing text, and half of the others.
    pub(super) fn make_refunds(&mut self) {
        let mut rng = Rng::new(&[self.seed, 40]);
        for oi in 0..self.orders.len() as u32 {
            if let Some(r) = self.refund_of(&mut rng, oi) {
                self.refunds.push(r);
            }
        }
        self.plan_refund_chats(&mut rng);
    }

    /// The refund of order `oi`, if it gets one inside the window.
    fn refund_of(&self, rng: &mut Rng, oi: u32) -> Option<Refund> {
        let o = &self.orders[oi as usize];
        let delivered = o.delivered?;
        let pr = &self.products[o.product as usize];
        if !rng.chance(pr.refund_rate) {
            return None;
        }
        let applied = self.refund_applied_at(rng, delivered);
        if applied >= self.end_ms {
            return None;
        }
        let cause = rng.weighted(&pr.cause_mix);
        let chat_text = rng.pick(CAUSE_TEXTS[cause]).to_string();
        let (code, text) = stated_reason(rng, cause, &chat_text);
        let rtype = refund_type(rng, cause);
        let amount_cents = match rtype {
            "price_diff" => (o.amount_cents * rng.range(5, 21) / 100).max(100).min(o.amount_cents),
            "exchange" => 0,
            _ if cause == cause::MISSING_ITEM && o.qty > 1 => o.amount_cents / o.qty as i64,
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
        let day = self.day_of(applied);
        Some(Refund {
            id: format!("RF{}{:06}", ymd(self.dates[day as usize]), self.refunds.len() + 1),
            order: oi,
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
        })
    }

    /// 1–36 hours after delivery, moved into 08:00–23:00 local time (a night application
    /// waits for the morning).
    fn refund_applied_at(&self, rng: &mut Rng, delivered: i64) -> i64 {
        let applied = delivered + rng.range(3_600_000, 36 * 3_600_000);
        let d = business_date(applied, &self.tz);
        let day_ms = local_ms(&self.tz, d, 0);
        let secs = (applied - day_ms) / 1000;
        if secs < 8 * 3600 {
            local_ms(&self.tz, d, (8 * 3600 + rng.range(0, 3600)) as u32)
        } else if secs > 22 * 3600 {
            local_ms(&self.tz, d + chrono::Duration::days(1), (9 * 3600 + rng.range(0, 3600)) as u32)
        } else {
            applied
        }
    }

    /// A chat about each refund that does not reveal its cause, and about half of the
    /// others, a few minutes before the application.
    fn plan_refund_chats(&mut self, rng: &mut Rng) {
        for (ri, r) in self.refunds.iter().enumerate() {
            if r.revealing() && !rng.chance(0.5) {
                continue;
            }
            let o = &self.orders[r.order as usize];
            let secs = ((r.applied - self.day_start[r.day as usize]) / 1000 - rng.range(300, 1800)) as u32;
            let platform = if rng.chance(0.03) { "app" } else { self.shops[o.shop as usize].platform };
            let c = Contact {
                day: r.day,
                secs,
                channel: Channel::Chat,
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
}

/// The reason code and text the customer gives: about a third of the refunds (other than
/// 七天无理由 and price differences) hide their cause behind 七天无理由退货, the text may
/// still reveal it.
fn stated_reason(rng: &mut Rng, cause: usize, chat_text: &str) -> (&'static str, Option<String>) {
    let hidden = cause != cause::CHANGED_MIND && cause != cause::PRICE_DIFFERENCE && rng.chance(0.32);
    if hidden {
        // the platform code hides the real cause; text may reveal it
        if rng.chance(0.6) {
            (SEVEN_DAY, Some(format!("{chat_text}，申请七天无理由退货")))
        } else {
            (SEVEN_DAY, if rng.chance(0.5) { None } else { Some("七天无理由".to_string()) })
        }
    } else if cause == cause::CHANGED_MIND && rng.chance(0.5) {
        (SEVEN_DAY, Some(chat_text.to_string()))
    } else {
        (CAUSE_CODES[cause], if rng.chance(0.8) { Some(chat_text.to_string()) } else { None })
    }
}

/// The refund_type a cause leads to.
fn refund_type(rng: &mut Rng, cause: usize) -> &'static str {
    match cause {
        cause::PRICE_DIFFERENCE => "price_diff",
        cause::MISSING_ITEM | cause::LOGISTICS_LATE => "refund_only",
        cause::SIZE | cause::WRONG_ITEM if rng.chance(0.4) => "exchange",
        cause::DAMAGED if rng.chance(0.5) => "refund_only",
        _ => "return_refund",
    }
}
