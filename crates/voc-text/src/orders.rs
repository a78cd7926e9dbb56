//! Order numbers (`config/order_ids.toml`): join chats, calls and reviews to orders.
//!
//! A candidate is a maximal digit run (ASCII or full-width, returned as ASCII), or two runs joined
//! by a dash (拼多多 231125-123456789012345). It is an order id when a platform pattern matches
//! the whole of it, or when an order word (订单号, 单号 …) stands right before it and it has
//! `context_min_digits..=context_max_digits` digits. Never an order id: an 11-digit mobile number,
//! and (without an order word before it) digits that are a valid ID-card or bank-card number —
//! the PII masker reads those as PII, and the two must agree.

use regex::RegexSet;

use crate::config::{TextConfig, TextError};
use crate::digits::{has_digit, is_id15, is_id18, is_mobile, luhn, order_context, runs};

pub(crate) struct OrderRules {
    set: RegexSet,
    words: Vec<String>,
    min: usize,
    max: usize,
}

impl OrderRules {
    pub fn new(cfg: &TextConfig) -> Result<OrderRules, TextError> {
        let o = &cfg.order_ids;
        let patterns: Vec<String> = o.platform.iter().map(|p| format!("^(?:{})$", p.pattern)).collect();
        let set = RegexSet::new(&patterns)
            .map_err(|e| TextError::new("order_ids.toml", 0, format!("an order-id pattern does not compile: {e}")))?;
        Ok(OrderRules { set, words: o.context_words.clone(), min: o.context_min_digits, max: o.context_max_digits })
    }

    pub fn order_words(&self) -> &[String] {
        &self.words
    }

    /// Unique order ids in order of appearance.
    pub fn extract(&self, text: &str) -> Vec<String> {
        if !has_digit(text) {
            return Vec::new();
        }
        let rs = runs(text);
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < rs.len() {
            let r = &rs[i];
            let ctx = order_context(text, r.start, &self.words);
            // Dash-joined form first.
            if let Some(n) = rs.get(i + 1) {
                if matches!(&text[r.end..n.start], "-" | "－") {
                    let joined = format!("{}-{}", r.digits, n.digits);
                    if self.set.is_match(&joined) {
                        push_unique(&mut out, joined);
                        i += 2;
                        continue;
                    }
                }
            }
            let d = &r.digits;
            let after_letter = text[..r.start].chars().next_back().is_some_and(|c| c.is_ascii_alphabetic());
            let looks_pii = is_id18(d) || is_id15(d) || ((16..=19).contains(&d.len()) && luhn(d));
            let followed_by_x = text[r.end..].starts_with(['X', 'x']);
            let ok = !is_mobile(d)
                && !after_letter
                && !followed_by_x
                && ((ctx && (self.min..=self.max).contains(&d.len())) || (!looks_pii && self.set.is_match(d)));
            if ok {
                push_unique(&mut out, d.to_string());
            }
            i += 1;
        }
        out
    }
}

fn push_unique(out: &mut Vec<String>, id: String) {
    if !out.contains(&id) {
        out.push(id);
    }
}
