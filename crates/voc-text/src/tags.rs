//! Taxonomy tags (`config/taxonomy.toml`): the issue categories that return causes, risk alerts
//! and the product issue pool are counted by.
//!
//! A tag fires on an `any` phrase or a `near` pair, given every `all` phrase, and ignores
//! occurrences overlapping a `none` phrase (没有破损, 压坏 for 坏了) or negated just before (see
//! [`crate::negation`]). `near` distances are in characters, counted between the two phrases.

use crate::config::TextConfig;
use crate::learned::{feature_name, for_each_char, rule_key, Learned, Reading};
use crate::negation::Negator;
use crate::phrases::{Hit, PhraseSetBuilder};

#[derive(Clone, Copy)]
enum Role {
    Any,
    All(u8),
    None,
    NearA(u16),
    NearB(u16),
}

struct Tag {
    name: String,
    all_count: u8,
    /// (within) per near rule.
    near: Vec<usize>,
    negatable: bool,
}

/// A near-rule occurrence: (tag, rule, start, end).
type Near = (u16, u16, usize, usize);

/// The working lists of one [`Taxonomy::tags`] call.
#[derive(Default)]
struct Scratch {
    /// (tag, start, end) of every `none` phrase found.
    nones: Vec<(u16, usize, usize)>,
    /// (hit index, tag, role) of every other role found.
    relevant: Vec<(usize, u16, Role)>,
    any: Vec<bool>,
    all: Vec<u64>,
    near_a: Vec<Near>,
    near_b: Vec<Near>,
}

pub(crate) struct Taxonomy {
    tags: Vec<Tag>,
    /// phrase id -> roles it plays.
    roles: Vec<Vec<(u16, Role)>>,
}

impl Taxonomy {
    pub fn new(cfg: &TextConfig, phrases: &mut PhraseSetBuilder) -> Taxonomy {
        let mut tags = Vec::new();
        let mut pending: Vec<(u32, u16, Role)> = Vec::new();
        for (ti, rule) in cfg.taxonomy.tag.iter().enumerate() {
            let ti = ti as u16;
            let mut push = |w: &str, role: Role| {
                if let Some(id) = phrases.add(w) {
                    pending.push((id, ti, role));
                }
            };
            rule.any.iter().for_each(|w| push(w, Role::Any));
            rule.all.iter().take(64).enumerate().for_each(|(k, w)| push(w, Role::All(k as u8)));
            rule.none.iter().for_each(|w| push(w, Role::None));
            let mut near = Vec::new();
            for (ni, n) in rule.near.iter().enumerate() {
                if let [a, b] = n.words.as_slice() {
                    a.split('|').for_each(|w| push(w.trim(), Role::NearA(ni as u16)));
                    b.split('|').for_each(|w| push(w.trim(), Role::NearB(ni as u16)));
                }
                near.push(n.within);
            }
            tags.push(Tag {
                name: rule.name.clone(),
                all_count: rule.all.len().min(64) as u8,
                near,
                negatable: rule.negatable,
            });
        }
        let max_id = pending.iter().map(|p| p.0 as usize + 1).max().unwrap_or(0);
        let mut roles = vec![Vec::new(); max_id];
        for (id, ti, role) in pending {
            roles[id as usize].push((ti, role));
        }
        Taxonomy { tags, roles }
    }

    /// The tag names, in the file's order.
    pub fn names(&self) -> Vec<String> {
        self.tags.iter().map(|t| t.name.clone()).collect()
    }

    pub fn tags(&self, text: &str, hits: &[Hit], negator: &Negator) -> Vec<String> {
        if !hits.iter().any(|h| self.roles.get(h.id as usize).is_some_and(|r| !r.is_empty())) {
            return Vec::new();
        }
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
        }
        // Working lists reused across rows (a re-entrant call gets fresh ones).
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.tags_with(text, hits, negator, &mut s),
            Err(_) => self.tags_with(text, hits, negator, &mut Scratch::default()),
        })
    }

    fn tags_with(&self, text: &str, hits: &[Hit], negator: &Negator, s: &mut Scratch) -> Vec<String> {
        let n = self.tags.len();
        let Scratch { nones, relevant, any, all, near_a, near_b } = s;
        nones.clear();
        relevant.clear();
        near_a.clear();
        near_b.clear();
        for (k, h) in hits.iter().enumerate() {
            let Some(roles) = self.roles.get(h.id as usize) else { continue };
            for &(ti, role) in roles {
                match role {
                    Role::None => nones.push((ti, h.start, h.end)),
                    _ => relevant.push((k, ti, role)),
                }
            }
        }
        if relevant.is_empty() {
            return Vec::new();
        }
        any.clear();
        any.resize(n, false);
        all.clear();
        all.resize(n, 0);
        for &(k, ti, role) in relevant.iter() {
            let h = &hits[k];
            let tag = &self.tags[ti as usize];
            let hidden = nones.iter().any(|&(t, s, e)| t == ti && s < h.end && h.start < e);
            if hidden {
                continue;
            }
            let needs_check = matches!(role, Role::Any | Role::NearA(_) | Role::NearB(_));
            if needs_check && tag.negatable && negator.negated_before(text, h.start) {
                continue;
            }
            match role {
                Role::Any => any[ti as usize] = true,
                Role::All(k) => all[ti as usize] |= 1 << k,
                Role::NearA(k) => near_a.push((ti, k, h.start, h.end)),
                Role::NearB(k) => near_b.push((ti, k, h.start, h.end)),
                Role::None => {}
            }
        }
        let mut out = Vec::new();
        for (ti, tag) in self.tags.iter().enumerate() {
            let all_ok = tag.all_count == 0 || all[ti].count_ones() == tag.all_count as u32;
            if !all_ok {
                continue;
            }
            // Most rows have no near pair at all: no list is built then.
            let near_ok = || {
                !near_a.is_empty()
                    && !near_b.is_empty()
                    && (0..tag.near.len()).any(|k| {
                        let within = tag.near[k];
                        let mut bs: Vec<(usize, usize)> = near_b
                            .iter()
                            .filter(|b| b.0 as usize == ti && b.1 as usize == k)
                            .map(|b| (b.2, b.3))
                            .collect();
                        bs.sort_unstable();
                        // A phrase is at most 64 bytes here and a char at most 4: only nearby b can match.
                        let reach = within * 4 + 64;
                        near_a.iter().filter(|a| a.0 as usize == ti && a.1 as usize == k).any(|a| {
                            let lo = bs.partition_point(|b| b.0 + reach < a.2);
                            bs[lo..]
                                .iter()
                                .take_while(|b| b.0 <= a.3 + reach)
                                .any(|b| char_gap(text, (a.2, a.3), *b).is_some_and(|g| g <= within))
                        })
                    })
            };
            if any[ti] || near_ok() {
                out.push(tag.name.clone());
            }
        }
        out
    }
}

/// Characters between two byte ranges (0 when they touch or overlap; None when one contains the
/// other, which is one phrase inside another rather than two phrases near each other).
fn char_gap(text: &str, a: (usize, usize), b: (usize, usize)) -> Option<usize> {
    if (a.0 <= b.0 && b.1 <= a.1) || (b.0 <= a.0 && a.1 <= b.1) {
        return None;
    }
    let (l, r) = if a.1 <= b.0 {
        (a.1, b.0)
    } else if b.1 <= a.0 {
        (b.1, a.0)
    } else {
        return Some(0);
    };
    Some(text[l..r].chars().count())
}

/// The learned tag model (`config/tags_model.tsv`): one independent logistic column per tag over
/// the message's characters and character pairs and the tags the rules gave (`r:<tag>`). It adds
/// the tags real customers describe without the taxonomy's words (鞋底开胶了 → 质量问题); a
/// tag the rules give is always kept.
pub(crate) struct TagModel {
    /// Key of `r:<tag>` for each column.
    rule_keys: Vec<u64>,
}

/// A tag is added at this probability or above.
const TAG_PROBABILITY: f32 = 0.5;

impl TagModel {
    pub fn new(learned: &Learned) -> TagModel {
        TagModel { rule_keys: learned.tags.classes.iter().map(|c| rule_key(c)).collect() }
    }

    /// The rules' tags, then the tags the model (the tag part of `learned`, which read `reading`
    /// in `text`) adds, in the model's column order.
    pub fn extend(&self, text: &str, mut tags: Vec<String>, (learned, reading): (&Learned, &Reading)) -> Vec<String> {
        let part = &learned.tags;
        if part.is_empty() || text.trim().is_empty() {
            return tags;
        }
        let k = part.classes.len();
        let mut z = learned.sums(part, reading);
        for (z, b) in z.iter_mut().zip(&part.bias) {
            *z += b;
        }
        for (c, class) in part.classes.iter().enumerate() {
            if tags.contains(class) {
                if let Some(w) = learned.get(part, self.rule_keys[c]) {
                    (0..k).for_each(|j| z[j] += w[j]);
                }
            }
        }
        // sigmoid(z) >= p  <=>  z >= ln(p / (1 - p))
        let cut = (TAG_PROBABILITY / (1.0 - TAG_PROBABILITY)).ln();
        for (c, class) in part.classes.iter().enumerate() {
            if z[c] >= cut && !tags.contains(class) {
                tags.push(class.clone());
            }
        }
        tags
    }

    /// What training sees: `r:<tag>` for each tag the rules gave, `c:` characters and pairs.
    pub fn features(text: &str, rule_tags: &[String]) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = rule_tags.iter().map(|t| (format!("r:{t}"), 1.0)).collect();
        for_each_char(text, 0, |o| out.push((feature_name(text, &o), 1.0)));
        out
    }
}
