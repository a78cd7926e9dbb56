//! Stage 5: the contact plan — who chats or calls which shop when, and about what:
//! a day's background traffic (pre-sale questions, after-sale issues, complaints,
//! outbound calls), planted repeat contacts (`_truth/repeat_contacts`) and the
//! pre-sale chats that convert into orders (`_truth/presale_conversions`).
//! `render` turns each planned contact into messages or utterances.

use std::collections::BTreeSet;

use super::catalog::Band;
use super::customers::{lapsed_cut, Customer};
use super::orders::Order;
use super::{local_ms, ymd, World};
use crate::rng::Rng;

/// What a contact is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// a question before buying the product
    PreSale { product: u32 },
    /// an after-sale issue (index into `vocab::ISSUES`) with the order
    AfterSale { order: u32, issue: u8 },
    /// a chat about the refund, a little before it is applied for (chats only)
    RefundChat { refund: u32 },
    /// an after-sale issue the customer complains about, with high-risk words
    Complaint { order: u32, issue: u8 },
    /// the shop calls the customer about the order (calls only)
    Outbound { order: u32 },
}

/// How a contact reaches the shop.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Channel {
    /// a chat session (`chat_sessions`, `chat_messages`)
    Chat,
    /// a phone call (`call_transcripts`)
    Call,
}

#[derive(Clone, Debug)]
pub struct Contact {
    /// day index
    pub day: u32,
    /// seconds after local midnight of the first message / call start
    pub secs: u32,
    pub channel: Channel,
    pub shop: u32,
    pub customer: u32,
    pub kind: Kind,
    /// 0 = first contact; n = the customer's n-th follow-up about it
    pub follow_up: u8,
    pub platform: &'static str,
    /// the order a converting pre-sale chat led to
    pub converted: Option<u32>,
    /// session_id / call_id, given once the day's plan is final
    pub id: String,
    /// planning sequence (tie-breaker, stream key)
    pub seq: u32,
}

impl Contact {
    pub fn is_call(&self) -> bool {
        self.channel == Channel::Call
    }
}

/// What a background contact sets out to be, before its subject is found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Intent {
    PreSale,
    AfterSale,
    Complaint,
    Outbound,
}

impl Intent {
    /// Chats: 55 % pre-sale, 40.5 % after-sale, 4.5 % complaints; calls: 25 % outbound,
    /// 12 % complaints, the rest after-sale.
    fn draw(rng: &mut Rng, channel: Channel) -> Intent {
        let r = rng.f64();
        if channel == Channel::Call {
            if r < 0.25 {
                Intent::Outbound
            } else if r < 0.37 {
                Intent::Complaint
            } else {
                Intent::AfterSale
            }
        } else if r < 0.55 {
            Intent::PreSale
        } else if r < 0.955 {
            Intent::AfterSale
        } else {
            Intent::Complaint
        }
    }
}

/// An order that can be the subject of a contact: when it was created, and its index.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct OrderAt {
    created: i64,
    order: u32,
}

/// Plans the contacts of every day; the world is only read.
struct Planner<'w> {
    w: &'w World,
    /// chat sessions per day
    spd: u32,
    /// per shop, its orders (not cancelled) by creation time, to pick after-sale subjects
    by_shop: Vec<Vec<OrderAt>>,
    /// how busy each shop's service is
    shop_w: Vec<f64>,
    /// who asks before buying: frequent buyers (the lapsed ones only while they still buy) and browsers
    recent_frequent: Vec<u32>,
    lapsed_frequent: Vec<u32>,
    browsers: Vec<u32>,
    contacts: Vec<Vec<Contact>>,
    seq: u32,
}

impl World {
    /// Plans every day's contacts: `spd` chats and 10 % as many calls of background
    /// traffic, then the planted repeat contacts of one day and of three days.
    pub(super) fn plan_contacts(&mut self, spd: u32) {
        let mut p = Planner::new(self, spd);
        for day in 0..self.days() {
            let mut rng = Rng::new(&[self.seed, 20, day as u64]);
            p.background(&mut rng, day);
            p.same_day_repeats(&mut rng, day);
        }
        p.three_day_repeats();
        self.contacts = p.contacts;
    }

    /// The chat platform of a contact: mostly the shop's, a few come in over the web or the app.
    pub(super) fn chat_platform(&self, rng: &mut Rng, shop: u32) -> &'static str {
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

    /// 30 % of the pre-sale chat sessions convert: the customer orders the product 45 min – 3 h
    /// later, or the next day when that would be after 23:55 (not after the last day).
    pub(super) fn convert_presale_chats(&mut self, ids: &mut BTreeSet<String>) {
        let days = self.days();
        for day in 0..days as usize {
            for ci in 0..self.contacts[day].len() {
                let c = &self.contacts[day][ci];
                let Kind::PreSale { product } = c.kind else { continue };
                if c.is_call() {
                    continue;
                }
                // the same draw as the planner's, which chose a buyer for the converting ones
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

    /// Sorts each day's contacts by start time and assigns ids: `SS<yyyymmdd><n>` for
    /// chat sessions, `CL<yyyymmdd><n>` for calls.
    pub(super) fn finish_contacts(&mut self) {
        for (d, v) in self.contacts.iter_mut().enumerate() {
            v.sort_by_key(|c| (c.secs, c.seq));
            let day = ymd(self.dates[d]);
            let (mut ns, mut nc) = (0u32, 0u32);
            for c in v.iter_mut() {
                match c.channel {
                    Channel::Call => {
                        nc += 1;
                        c.id = format!("CL{day}{nc:06}");
                    }
                    Channel::Chat => {
                        ns += 1;
                        c.id = format!("SS{day}{ns:07}");
                    }
                }
            }
        }
    }
}

impl<'w> Planner<'w> {
    fn new(w: &'w World, spd: u32) -> Self {
        let mut by_shop: Vec<Vec<OrderAt>> = vec![Vec::new(); w.shops.len()];
        for (i, o) in w.orders.iter().enumerate() {
            if o.status != "closed" {
                by_shop[o.shop as usize].push(OrderAt { created: o.created, order: i as u32 });
            }
        }
        for v in by_shop.iter_mut() {
            v.sort();
        }
        let shop_w = (0..w.shops.len() as u64).map(|s| 1.0 + (Rng::new(&[w.seed, 4, s]).f64())).collect();
        let of = |f: &dyn Fn(&Customer) -> bool| -> Vec<u32> {
            (0..w.customers.len() as u32).filter(|c| f(&w.customers[*c as usize])).collect()
        };
        Planner {
            w,
            spd,
            by_shop,
            shop_w,
            recent_frequent: of(&|c| c.archetype().is_some_and(|a| a.frequent && a.recent)),
            lapsed_frequent: of(&|c| c.archetype().is_some_and(|a| a.frequent && !a.recent)),
            browsers: of(&|c| c.segment.is_none()),
            contacts: vec![Vec::new(); w.days() as usize],
            seq: 0,
        }
    }

    /// Adds a contact to its day's plan under the next planning sequence number.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        day: u32,
        secs: u32,
        channel: Channel,
        shop: u32,
        customer: u32,
        kind: Kind,
        follow_up: u8,
        platform: &'static str,
    ) {
        let seq = self.seq;
        self.contacts[day as usize].push(Contact {
            day,
            secs,
            channel,
            shop,
            customer,
            kind,
            follow_up,
            platform,
            converted: None,
            id: String::new(),
            seq,
        });
        self.seq += 1;
    }

    /// A day's background traffic: `spd` chats, then 10 % as many calls.
    fn background(&mut self, rng: &mut Rng, day: u32) {
        let ncalls = (self.spd as f64 * 0.1).round() as u32;
        for k in 0..(self.spd + ncalls) {
            let channel = if k >= self.spd { Channel::Call } else { Channel::Chat };
            self.background_contact(rng, day, channel);
        }
    }

    /// One contact of the background traffic: its shop, start, intent and subject. A
    /// service intent without an order of the shop to be about becomes a pre-sale question.
    fn background_contact(&mut self, rng: &mut Rng, day: u32, channel: Channel) {
        let w = self.w;
        let shop = rng.weighted(&self.shop_w) as u32;
        let secs = contact_secs(rng);
        let t = local_ms(&w.tz, w.dates[day as usize], secs);
        let intent = Intent::draw(rng, channel);
        let subject = match intent {
            Intent::PreSale => None,
            _ => self.service_subject(rng, shop, t, intent),
        };
        let (customer, kind) = match subject {
            Some(s) => s,
            None => self.presale_subject(rng, day, shop, channel),
        };
        let platform = w.chat_platform(rng, shop);
        self.push(day, secs, channel, shop, customer, kind, 0, platform);
    }

    /// The customer and subject of an after-sale contact, complaint or outbound call: an
    /// order of the shop from before `t` (None when the shop has none yet).
    fn service_subject(&self, rng: &mut Rng, shop: u32, t: i64, intent: Intent) -> Option<(u32, Kind)> {
        let oi = pick_order(rng, &self.by_shop[shop as usize], t)?;
        let o = &self.w.orders[oi as usize];
        let issue = issue_for(rng, o, t);
        let kind = match intent {
            Intent::AfterSale => Kind::AfterSale { order: oi, issue },
            Intent::Complaint => Kind::Complaint { order: oi, issue },
            _ => Kind::Outbound { order: oi },
        };
        Some((o.customer, kind))
    }

    /// The customer and product of a pre-sale question.
    ///
    /// A pre-sale chat that will convert (see `World::convert_presale_chats`) comes from a
    /// frequent buyer who is buying in this period, about a product of their price band, so
    /// the order keeps their archetype; the others come from customers who buy nothing.
    fn presale_subject(&self, rng: &mut Rng, day: u32, shop: u32, channel: Channel) -> (u32, Kind) {
        let w = self.w;
        let converts = channel == Channel::Chat && Rng::new(&[w.seed, 30, self.seq as u64]).chance(0.3);
        let buyer = if converts { self.converting_buyer(rng, day) } else { None };
        match buyer.and_then(|b| w.band_of(b).map(|band| (b, band))) {
            Some((b, band)) => (b, Kind::PreSale { product: w.pick_in_band(rng, shop, band) }),
            None => {
                let customer = if self.browsers.is_empty() {
                    rng.below(w.customers.len() as u64) as u32
                } else {
                    self.browsers[rng.below(self.browsers.len() as u64) as usize]
                };
                (customer, Kind::PreSale { product: w.pick_product(rng, shop) })
            }
        }
    }

    /// A frequent buyer still buying on `day`: any recent one, a lapsed one only in the
    /// first two fifths of the window.
    fn converting_buyer(&self, rng: &mut Rng, day: u32) -> Option<u32> {
        let (recent, lapsed) = (&self.recent_frequent, &self.lapsed_frequent);
        let nlapsed = if day + 1 < lapsed_cut(self.w.days()) { lapsed.len() } else { 0 };
        let n = recent.len() + nlapsed;
        (n > 0).then(|| {
            let k = rng.below(n as u64) as usize;
            if k < recent.len() {
                recent[k]
            } else {
                lapsed[k - recent.len()]
            }
        })
    }

    /// Planted repeat contacts of one day: about one order, 3–4 contacts the same day,
    /// the last one sometimes a complaint.
    fn same_day_repeats(&mut self, rng: &mut Rng, day: u32) {
        let w = self.w;
        let nrep = (self.spd / 150).max(1);
        for _ in 0..nrep {
            let shop = rng.below(w.shops.len() as u64) as u32;
            let t0 = local_ms(&w.tz, w.dates[day as usize], 9 * 3600);
            let Some(oi) = pick_order(rng, &self.by_shop[shop as usize], t0) else { continue };
            let o = &w.orders[oi as usize];
            let issue = issue_for(rng, o, t0);
            let n = rng.range(3, 5) as u8;
            let mut secs = rng.range(9 * 3600, 12 * 3600) as u32;
            for f in 0..n {
                let channel = if f > 0 && rng.chance(0.3) { Channel::Call } else { Channel::Chat };
                let kind = if f + 1 == n && rng.chance(0.3) {
                    Kind::Complaint { order: oi, issue }
                } else {
                    Kind::AfterSale { order: oi, issue }
                };
                let platform = w.chat_platform(rng, shop);
                self.push(day, secs, channel, shop, o.customer, kind, f, platform);
                secs += rng.range(3600, 3 * 3600) as u32;
            }
        }
    }

    /// Planted 3-day repeats: about one order, one contact on each of 3 consecutive days.
    fn three_day_repeats(&mut self) {
        let w = self.w;
        let days = w.days();
        if days < 3 {
            return;
        }
        let mut rng = Rng::new(&[w.seed, 21]);
        for day in 0..days - 2 {
            for _ in 0..(self.spd / 300).max(1) {
                let shop = rng.below(w.shops.len() as u64) as u32;
                let t0 = local_ms(&w.tz, w.dates[day as usize], 8 * 3600);
                let Some(oi) = pick_order(&mut rng, &self.by_shop[shop as usize], t0) else { continue };
                let o = &w.orders[oi as usize];
                let issue = issue_for(&mut rng, o, t0);
                for f in 0..3u32 {
                    let secs = rng.range(9 * 3600, 21 * 3600) as u32;
                    let platform = w.chat_platform(&mut rng, shop);
                    let channel = if f == 1 && rng.chance(0.3) { Channel::Call } else { Channel::Chat };
                    let kind = Kind::AfterSale { order: oi, issue };
                    self.push(day + f, secs, channel, shop, o.customer, kind, f as u8, platform);
                }
            }
        }
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

/// An order from `v` created at least 10 minutes before `before`; half the time one of the
/// latest quarter (at least the latest 400), as recent orders more often need service.
fn pick_order(rng: &mut Rng, v: &[OrderAt], before: i64) -> Option<u32> {
    let n = v.partition_point(|o| o.created < before - 600_000);
    if n == 0 {
        return None;
    }
    // recent orders are more likely to need service
    let lo = if rng.chance(0.5) { 0 } else { n.saturating_sub((n / 4).max(400)) };
    Some(v[lo + rng.below((n - lo) as u64) as usize].order)
}

/// The after-sale issue (index into `vocab::ISSUES`) an order has at time `t`: not shipped
/// yet, not delivered yet, or one of the issues that need delivery.
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
