//! The world the data set describes, planned in cheap stages before any text is
//! rendered (that is `render`'s job). [`World::build`] tells the story in order;
//! each stage lives in its own file:
//!
//! 1. [`catalog`] — shops with their products and agents, price bands, planted basket pairs;
//! 2. [`customers`] — every customer's RFM archetype ([`SEGMENTS`]) and purchase occasions;
//! 3. [`questions`] — per category, the planted ranking of pre-sale questions;
//! 4. [`orders`] — the buyers' orders on their occasions;
//! 5. [`contacts`] — the contact plan: chats and calls per day, planted repeat contacts,
//!    and the pre-sale chats that convert into orders;
//! 6. [`refunds`] — refunds of delivered orders, and the chats about them;
//! 7. [`reviews`] — reviews and 追评 of delivered orders;
//!
//! and finally every contact gets its place in the day and its id.
//!
//! Every stage draws from its own [`Rng`](crate::rng::Rng) streams, keyed by the seed and a
//! stage tag, so the same config always plans the same world.

pub mod catalog;
pub mod contacts;
pub mod customers;
pub mod orders;
pub mod questions;
pub mod refunds;
pub mod reviews;

use chrono::{Datelike, NaiveDate, TimeZone};
use chrono_tz::Tz;
use std::collections::BTreeSet;

use crate::GenConfig;

pub use catalog::{Agent, Band, BasketPair, Product, Shop};
pub use contacts::{Channel, Contact, Kind};
pub use customers::{customer_id, lapsed_cut, Customer, Segment, BROWSER_SHARE, SEGMENTS};
pub use orders::Order;
pub use questions::HotQuestion;
pub use refunds::Refund;
pub use reviews::Review;

pub const DAY_MS: i64 = 86_400_000;

pub struct World {
    pub seed: u64,
    pub tz: Tz,
    /// the local dates of the window, one per day index
    pub dates: Vec<NaiveDate>,
    /// UTC milliseconds of each day's local midnight
    pub day_start: Vec<i64>,
    /// UTC milliseconds of the local midnight after the last day
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
    /// per day index, that day's chats and calls (in start order once built)
    pub contacts: Vec<Vec<Contact>>,
    /// per category, its pre-sale questions by planted rank
    pub hot: Vec<Vec<HotQuestion>>,
}

impl World {
    /// Plans the whole world of `cfg`, stage by stage.
    pub fn build(cfg: &GenConfig) -> World {
        let mut w = World::empty(cfg);
        w.plant_catalog(cfg.shops.max(1));
        w.plant_price_bands();
        w.plant_basket_pairs();
        w.plant_customers(cfg.customers.max(1));
        w.plant_hot_questions();
        // every order number handed out so far: they are unique over the data set
        let mut order_ids = BTreeSet::new();
        w.place_archetype_orders(&mut order_ids);
        w.plan_contacts(cfg.sessions_per_day());
        w.convert_presale_chats(&mut order_ids);
        w.make_refunds();
        w.make_reviews();
        w.finish_contacts();
        w
    }

    /// The calendar of `cfg` (at least one day) and nothing else yet.
    fn empty(cfg: &GenConfig) -> World {
        let tz = cfg.tz;
        let days = cfg.days.max(1);
        let dates: Vec<NaiveDate> = (0..days).map(|d| cfg.start + chrono::Duration::days(d as i64)).collect();
        let day_start: Vec<i64> = dates.iter().map(|d| local_ms(&tz, *d, 0)).collect();
        let end_ms = local_ms(&tz, cfg.start + chrono::Duration::days(days as i64), 0);
        World {
            seed: cfg.seed,
            tz,
            dates,
            day_start,
            end_ms,
            shops: Vec::new(),
            products: Vec::new(),
            agents: Vec::new(),
            customers: Vec::new(),
            low_max_cents: 0,
            high_shops: Vec::new(),
            low_shops: Vec::new(),
            orders: Vec::new(),
            refunds: Vec::new(),
            reviews: Vec::new(),
            contacts: Vec::new(),
            hot: Vec::new(),
        }
    }

    pub fn days(&self) -> u32 {
        self.dates.len() as u32
    }

    /// The day index of an instant inside the window.
    pub fn day_of(&self, ts: i64) -> u32 {
        let d = business_date(ts, &self.tz);
        self.dates.iter().position(|x| *x == d).expect("event inside the window") as u32
    }

    /// The `dt` partition value of a day index, `YYYY-MM-DD`.
    pub fn dt(&self, day: u32) -> String {
        self.dates[day as usize].format("%Y-%m-%d").to_string()
    }
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

/// A date as `YYYYMMDD` (inside order, refund, review and contact ids).
pub fn ymd(d: NaiveDate) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}
