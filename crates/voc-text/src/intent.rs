//! Intent: what the customer wants, from ordered keyword rules (`config/intent.toml`).
//!
//! Rules instead of a classifier because the labels drive routing and KPIs: an analyst must be able
//! to read why a message was called a complaint and fix a rule in minutes. Each rule scores
//! weight x distinct cue words found; the highest score wins, ties to the earlier rule.

use crate::config::TextConfig;
use crate::learned::{feature_name, for_each_char, learned_evidence, rule_key, Learned, Reading};
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
    /// Rule index -> the key of its learned feature (`r:<intent>`).
    rule_keys: Vec<u64>,
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
        let rule_keys = rules.iter().map(|r| rule_key(&r.intent)).collect();
        IntentRules { rules, roles, rule_of, rule_keys, containers }
    }

    fn roles_of(&self, h: &Hit) -> &[u32] {
        self.roles.get(h.id as usize).map_or(&[], Vec::as_slice)
    }

    /// The intent of a message: the learned model over its characters and pairs and the rules that
    /// fired; without a model, the rules alone (highest weight x distinct cues). The model is the
    /// intent part of `learned` (`config/intent_model.tsv`), `reading` what it read in `text`.
    pub fn classify(&self, text: &str, hits: &[Hit], (learned, reading): (&Learned, &Reading)) -> Intent {
        let mut fired = [(0u16, 0u16); MAX_FIRED];
        let n = self.fired(hits, &mut fired);
        let fired = &fired[..n];
        let part = &learned.intent;
        if part.is_empty() {
            // Highest score; ties to the earlier rule.
            let best =
                fired.iter().max_by(|a, b| self.rule_score(a).total_cmp(&self.rule_score(b)).then(b.0.cmp(&a.0)));
            return match best {
                Some(&(idx, _)) => self.rule_intent(idx as usize, hits),
                None => other(),
            };
        }
        if text.trim().is_empty() {
            return other(); // nothing said
        }
        let k = part.classes.len();
        let mut scores = learned.sums(part, reading);
        for (s, b) in scores.iter_mut().zip(&part.bias) {
            *s += b;
        }
        for &(idx, distinct) in fired {
            if let Some(w) = learned.get(part, self.rule_keys[idx as usize]) {
                (0..k).for_each(|c| scores[c] += w[c] * distinct as f32);
            }
        }
        let best = (0..k).max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a))).unwrap_or(0);
        let label = &part.classes[best];
        // Evidence: the cue words of the rules of that intent, then the characters that weigh most for it.
        let mut evidence = Vec::new();
        for &(idx, _) in fired {
            if self.rules[idx as usize].intent == *label {
                evidence.extend(self.rule_intent(idx as usize, hits).evidence);
            }
        }
        for (w, name) in learned.strongest(part, reading, best, None).named(text) {
            evidence.push(learned_evidence(name, w as f64));
        }
        Intent { label: label.clone(), evidence }
    }

    /// The named features the learned model reads (what training sees): `r:<intent>` for each
    /// rule that fired, valued by its distinct cues, and `c:` for each character pair.
    pub fn features(&self, text: &str, hits: &[Hit]) -> Vec<(String, f64)> {
        let mut fired = [(0u16, 0u16); MAX_FIRED];
        let n = self.fired(hits, &mut fired);
        let mut out: Vec<(String, f64)> =
            fired[..n].iter().map(|&(i, d)| (format!("r:{}", self.rules[i as usize].intent), d as f64)).collect();
        for_each_char(text, 0, |o| out.push((feature_name(text, &o), 1.0)));
        out
    }

    /// A cue lying inside a longer cue found at the same place.
    fn inside_longer_cue(&self, h: &Hit, hits: &[Hit]) -> bool {
        hits.iter().any(|o| {
            o.start <= h.start && h.end <= o.end && o.end - o.start > h.end - h.start && !self.roles_of(o).is_empty()
        })
    }

    /// [`Self::inside_longer_cue`] for every hit of a text: pair by pair for the few hits of a
    /// message, through the sorted cue spans for many (a 1 MB text has ~10^5 hits, and comparing
    /// every pair made `intent` quadratic in text length).
    fn inside_test<'h>(&'h self, hits: &'h [Hit]) -> impl Fn(&Hit) -> bool + 'h {
        let spans = (hits.len() > PAIRWISE_HITS).then(|| CueSpans::new(self, hits));
        move |h: &Hit| match &spans {
            None => self.inside_longer_cue(h, hits),
            Some(s) => s.inside_longer(h),
        }
    }

    fn rule_score(&self, f: &(u16, u16)) -> f64 {
        self.rules[f.0 as usize].weight * f.1 as f64
    }

    /// The rules that fire, as (rule index, distinct cue words found), in rule order.
    fn fired(&self, hits: &[Hit], out: &mut [(u16, u16); MAX_FIRED]) -> usize {
        // The cues present. A cue lying inside a longer cue found at the same place is not a cue
        // of its own: the longer one says what was meant (快递 in 发什么快递, 运费险 in 有运费险吗,
        // 不是正品 in 是不是正品).
        let is_cue = |h: &Hit| !self.roles_of(h).is_empty();
        if !hits.iter().any(is_cue) {
            return 0;
        }
        let inside = self.inside_test(hits);
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
        // The rules with a word found (no other can fire), without allocating. Global indices
        // group by rule, in rule order.
        let mut n = 0;
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
            if n < MAX_FIRED {
                out[n] = (idx as u16, distinct as u16);
                n += 1;
            }
        }
        n
    }

    /// The rule's intent with its cue words found as evidence.
    fn rule_intent(&self, idx: usize, hits: &[Hit]) -> Intent {
        let rule = &self.rules[idx];
        let any = rule.base..rule.base + rule.any.len();
        // The rule's `any` words found (not inside a longer cue), in rule order: one walk of the hits.
        let mut found: Vec<usize> = Vec::new();
        let inside = self.inside_test(hits);
        for h in hits {
            let mine = self.roles_of(h).iter().map(|&g| g as usize).filter(|g| any.contains(g));
            for g in mine {
                if !found.contains(&g) && !inside(h) {
                    found.push(g);
                }
            }
        }
        found.sort_unstable();
        let mut evidence: Vec<String> = rule.all.clone();
        for g in found {
            let word = &rule.any[g - rule.base];
            if !evidence.contains(word) {
                evidence.push(word.clone());
            }
        }
        Intent { label: rule.intent.clone(), evidence }
    }
}

/// Up to this many hits, a cue's containers are looked up pair by pair (no allocation).
const PAIRWISE_HITS: usize = 32;

/// The spans of a text's cue hits, sorted, with the longest one's length: a cue's possible
/// containers start at most that far before it, so each lookup reads a few neighbours.
struct CueSpans {
    spans: Vec<(usize, usize)>,
    longest: usize,
}

impl CueSpans {
    fn new(rules: &IntentRules, hits: &[Hit]) -> CueSpans {
        let mut spans: Vec<(usize, usize)> =
            hits.iter().filter(|h| !rules.roles_of(h).is_empty()).map(|h| (h.start, h.end)).collect();
        spans.sort_unstable();
        spans.dedup();
        let longest = spans.iter().map(|(s, e)| e - s).max().unwrap_or(0);
        CueSpans { spans, longest }
    }

    fn inside_longer(&self, h: &Hit) -> bool {
        let from = self.spans.partition_point(|s| s.0 < h.start.saturating_sub(self.longest));
        self.spans[from..].iter().take_while(|s| s.0 <= h.start).any(|&(s, e)| h.end <= e && e - s > h.end - h.start)
    }
}

/// Rules that can fire in one message (one per intent in the shipped file).
const MAX_FIRED: usize = 32;

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
