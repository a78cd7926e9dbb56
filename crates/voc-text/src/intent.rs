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
}

pub(crate) struct IntentRules {
    rules: Vec<Rule>,
    /// phrase id -> (rule, word index, whether it is an `all` word).
    roles: Vec<Vec<(u16, u16, bool)>>,
}

impl IntentRules {
    pub fn new(cfg: &TextConfig, phrases: &mut PhraseSetBuilder) -> IntentRules {
        let mut roles: Vec<Vec<(u16, u16, bool)>> = Vec::new();
        let mut rules = Vec::new();
        for (ri, r) in cfg.intent.rule.iter().enumerate() {
            for (is_all, words) in [(false, &r.any), (true, &r.all)] {
                for (wi, w) in words.iter().enumerate() {
                    if let Some(id) = phrases.add(w) {
                        let id = id as usize;
                        if roles.len() <= id {
                            roles.resize(id + 1, Vec::new());
                        }
                        roles[id].push((ri as u16, wi as u16, is_all));
                    }
                }
            }
            rules.push(Rule { intent: r.intent.clone(), weight: r.weight, any: r.any.clone(), all: r.all.clone() });
        }
        IntentRules { rules, roles }
    }

    pub fn classify(&self, hits: &[Hit]) -> Intent {
        // The cues present. A cue lying inside a longer cue found at the same place is not a cue
        // of its own: the longer one says what was meant (快递 in 发什么快递, 运费险 in 有运费险吗,
        // 不是正品 in 是不是正品).
        let cues: Vec<&Hit> =
            hits.iter().filter(|h| self.roles.get(h.id as usize).is_some_and(|r| !r.is_empty())).collect();
        let inside =
            |h: &Hit| cues.iter().any(|o| o.start <= h.start && h.end <= o.end && o.end - o.start > h.end - h.start);
        // (rule, word index, all?) of every cue kept, deduplicated.
        let mut found: Vec<(u16, u16, bool)> = cues
            .iter()
            .filter(|h| !inside(h))
            .filter_map(|h| self.roles.get(h.id as usize))
            .flatten()
            .copied()
            .collect();
        if found.is_empty() {
            return other();
        }
        found.sort_unstable();
        found.dedup();
        // Score every rule without allocating; only the winner's evidence is built.
        let mut best: Option<(f64, usize)> = None;
        let mut words: Vec<&str> = Vec::new();
        for (idx, rule) in self.rules.iter().enumerate() {
            let mine = || found.iter().filter(move |f| f.0 as usize == idx);
            if mine().filter(|f| f.2).count() < rule.all.len() {
                continue;
            }
            words.clear();
            words.extend(rule.all.iter().map(String::as_str));
            let all_len = words.len();
            words.extend(mine().filter(|f| !f.2).map(|f| rule.any[f.1 as usize].as_str()));
            let any_found = words.len() - all_len;
            if (any_found == 0 && !rule.any.is_empty()) || words.is_empty() {
                continue;
            }
            // A cue inside a longer cue of the same rule (退款 in 仅退款) is not a second cue.
            let distinct = words.iter().filter(|w| !words.iter().any(|o| o != *w && o.contains(*w))).count();
            let score = rule.weight * distinct as f64;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, idx));
            }
        }
        match best {
            Some((_, idx)) => {
                let rule = &self.rules[idx];
                let mut evidence: Vec<String> = rule.all.clone();
                evidence.extend(
                    found.iter().filter(|f| f.0 as usize == idx && !f.2).map(|f| rule.any[f.1 as usize].clone()),
                );
                Intent { label: rule.intent.clone(), evidence }
            }
            None => other(),
        }
    }
}

fn other() -> Intent {
    Intent { label: "other".to_string(), evidence: Vec::new() }
}
