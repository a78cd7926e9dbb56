//! Intent: what the customer wants, from ordered keyword rules (`config/intent.toml`).
//!
//! Rules instead of a classifier because the labels drive routing and KPIs: an analyst must be able
//! to read why a message was called a complaint and fix a rule in minutes. Each rule scores
//! weight x distinct cue words found; the highest score wins, ties to the earlier rule.

use crate::config::TextConfig;
use crate::phrases::{Hit, PhraseSetBuilder};

/// The intent of a message and the cue words that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// presale | aftersale | logistics | refund_return | complaint | chitchat | other
    pub label: String,
    pub evidence: Vec<String>,
}

struct Rule {
    intent: String,
    weight: f64,
    any: Vec<String>,
    all: Vec<String>,
    /// Index of this rule's first word in the global word numbering (its `any` words, then its
    /// `all` words).
    base: usize,
}

pub(crate) struct IntentRules {
    rules: Vec<Rule>,
    /// phrase id -> global indices of the rule words it is.
    roles: Vec<Vec<u32>>,
    /// Global word index -> its rule.
    rule_of: Vec<u16>,
    /// Global word index -> the other words of its rule that contain it (退款 in 仅退款): found
    /// with one of them it is not a second cue.
    containers: Vec<Vec<u32>>,
}

/// Words of all rules a bit set on the stack holds (64 each); more take a vector.
const INLINE_WORDS: usize = 32;

impl IntentRules {
    pub fn new(cfg: &TextConfig, phrases: &mut PhraseSetBuilder) -> IntentRules {
        let mut roles: Vec<Vec<u32>> = Vec::new();
        let mut rules = Vec::new();
        let mut rule_of: Vec<u16> = Vec::new();
        let mut containers: Vec<Vec<u32>> = Vec::new();
        for (ri, r) in cfg.intent.rule.iter().enumerate() {
            let base = rule_of.len();
            let texts: Vec<&str> = r.any.iter().chain(&r.all).map(String::as_str).collect();
            for w in &texts {
                let g = rule_of.len() as u32;
                rule_of.push(ri as u16);
                containers.push(
                    texts
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| *o != w && o.contains(w))
                        .map(|(j, _)| (base + j) as u32)
                        .collect(),
                );
                if let Some(id) = phrases.add(w) {
                    let id = id as usize;
                    if roles.len() <= id {
                        roles.resize(id + 1, Vec::new());
                    }
                    roles[id].push(g);
                }
            }
            rules.push(Rule {
                intent: r.intent.clone(),
                weight: r.weight,
                any: r.any.clone(),
                all: r.all.clone(),
                base,
            });
        }
        IntentRules { rules, roles, rule_of, containers }
    }

    fn roles_of(&self, h: &Hit) -> &[u32] {
        self.roles.get(h.id as usize).map_or(&[], Vec::as_slice)
    }

    pub fn classify(&self, hits: &[Hit]) -> Intent {
        // The cues present. A cue lying inside a longer cue found at the same place is not a cue
        // of its own: the longer one says what was meant (快递 in 发什么快递, 运费险 in 有运费险吗,
        // 不是正品 in 是不是正品).
        let is_cue = |h: &Hit| !self.roles_of(h).is_empty();
        if !hits.iter().any(is_cue) {
            return other();
        }
        let inside = |h: &Hit| {
            hits.iter().any(|o| o.start <= h.start && h.end <= o.end && o.end - o.start > h.end - h.start && is_cue(o))
        };
        // The rule words found, as a bit set over the global word numbering.
        let bits = self.rule_of.len().div_ceil(64);
        let mut found_inline = [0u64; INLINE_WORDS];
        let mut found_spill: Vec<u64> = Vec::new();
        let found: &mut [u64] = if bits <= INLINE_WORDS {
            &mut found_inline[..bits]
        } else {
            found_spill.resize(bits, 0);
            &mut found_spill
        };
        for h in hits {
            let roles = self.roles_of(h);
            if roles.is_empty() || inside(h) {
                continue;
            }
            for &g in roles {
                found[g as usize / 64] |= 1 << (g % 64);
            }
        }
        let is_found = |g: usize| found[g / 64] & (1 << (g % 64)) != 0;
        // Score the rules with a word found (no other can fire) without allocating; only the
        // winner's evidence is built. Global indices group by rule, in rule order.
        let mut best: Option<(f64, usize)> = None;
        let mut g = 0;
        while let Some(first) = next_found(found, g) {
            let idx = self.rule_of[first] as usize;
            let rule = &self.rules[idx];
            let any_end = rule.base + rule.any.len();
            let end = any_end + rule.all.len();
            g = end;
            let (mut any_found, mut all_found, mut distinct) = (0, 0, 0);
            let mut k = first;
            while k < end {
                if k < any_end {
                    any_found += 1;
                } else {
                    all_found += 1;
                }
                // A cue inside a longer cue of the same rule (退款 in 仅退款) is not a second cue.
                if !self.containers[k].iter().any(|&o| is_found(o as usize)) {
                    distinct += 1;
                }
                match next_found(found, k + 1) {
                    Some(n) => k = n,
                    None => break,
                }
            }
            if all_found < rule.all.len() || (any_found == 0 && !rule.any.is_empty()) {
                continue;
            }
            let score = rule.weight * distinct as f64;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, idx));
            }
        }
        match best {
            Some((_, idx)) => {
                let rule = &self.rules[idx];
                let mut evidence: Vec<String> = rule.all.clone();
                let any = rule.base..rule.base + rule.any.len();
                evidence.extend(any.filter(|&g| is_found(g)).map(|g| rule.any[g - rule.base].clone()));
                Intent { label: rule.intent.clone(), evidence }
            }
            None => other(),
        }
    }
}

/// The first set bit at or after `from`.
#[inline]
fn next_found(bits: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    if w >= bits.len() {
        return None;
    }
    let mut word = bits[w] & (u64::MAX << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        if w >= bits.len() {
            return None;
        }
        word = bits[w];
    }
}

fn other() -> Intent {
    Intent { label: "other".to_string(), evidence: Vec::new() }
}
