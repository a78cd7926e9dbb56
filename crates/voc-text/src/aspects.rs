//! Aspects: which part of the product or service an opinion is about (`config/aspects.toml`).
//!
//! The product issue pool counts negative mentions per aspect, so each mention needs its own
//! polarity: the opinion is the sentiment cue in the aspect's own token (质量好 is one token), else
//! the nearest cue within `window` tokens after it, else before it, never crossing a clause.
//! Cues come from the sentiment lexicon with its negation and degree rules, so 质量不太好 is
//! negative and 没有色差 is not.

use std::collections::HashSet;

use crate::config::TextConfig;
use crate::phrases::{Hit, PhraseSetBuilder};
use crate::segment::{Kind, Tok};
use crate::sentiment::{Cue, Info, SentimentModel};

/// One aspect mention with the opinion about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectOpinion {
    pub aspect: String,
    /// positive | negative | neutral
    pub polarity: String,
    /// The text from the aspect to its opinion word (or the aspect alone).
    pub evidence: String,
}

/// Looking further back than this for a clause start is pointless (cues are within a few tokens).
const MAX_CLAUSE_TOKENS: usize = 16;

pub(crate) struct Aspects {
    names: Vec<String>,
    /// phrase id -> aspect index.
    by_phrase: Vec<Option<usize>>,
    window: usize,
}

impl Aspects {
    pub fn new(cfg: &TextConfig, phrases: &mut PhraseSetBuilder) -> Aspects {
        let mut by_phrase: Vec<Option<usize>> = Vec::new();
        let mut names = Vec::new();
        for (i, a) in cfg.aspects.aspect.iter().enumerate() {
            names.push(a.name.clone());
            for s in &a.synonyms {
                if let Some(id) = phrases.add(s) {
                    let id = id as usize;
                    if by_phrase.len() <= id {
                        by_phrase.resize(id + 1, None);
                    }
                    by_phrase[id].get_or_insert(i);
                }
            }
        }
        Aspects { names, by_phrase, window: cfg.aspects.window.max(1) }
    }

    pub fn find(
        &self,
        text: &str,
        toks: &[Tok],
        infos: &[Info],
        hits: &[Hit],
        model: &SentimentModel,
    ) -> Vec<AspectOpinion> {
        let mut mine: Vec<(&Hit, usize)> =
            hits.iter().filter_map(|h| self.by_phrase.get(h.id as usize).copied().flatten().map(|a| (h, a))).collect();
        if mine.is_empty() {
            return Vec::new();
        }
        // Longest first at each start, then drop a synonym inside a longer one (包装 in 外包装).
        mine.sort_by_key(|(h, _)| (h.start, std::cmp::Reverse(h.end)));
        let mut out: Vec<AspectOpinion> = Vec::new();
        let mut seen = HashSet::new();
        let mut covered_to = 0;
        for &(h, aspect) in &mine {
            if h.end <= covered_to {
                continue;
            }
            covered_to = h.end;
            let first = toks.partition_point(|t| t.end <= h.start);
            if first >= toks.len() {
                continue;
            }
            let mut last = first;
            while last + 1 < toks.len() && toks[last].end < h.end {
                last += 1;
            }
            let mut clause_start = first;
            while clause_start > 0
                && first - clause_start < MAX_CLAUSE_TOKENS
                && toks[clause_start - 1].kind != Kind::Break
            {
                clause_start -= 1;
            }
            let opinion = self.opinion(toks, infos, first, last, clause_start, model);
            let (polarity, evidence) = match opinion {
                Some((cue, at)) => {
                    let lo = toks[cue.first.min(first)].start.min(h.start);
                    let hi = toks[at].end.max(h.end);
                    let p = if cue.value > 0.0 { "positive" } else { "negative" };
                    (p, text[lo..hi].to_string())
                }
                None => ("neutral", text[h.start..h.end].to_string()),
            };
            let item = AspectOpinion { aspect: self.names[aspect].clone(), polarity: polarity.to_string(), evidence };
            if seen.insert((item.aspect.clone(), item.polarity.clone(), item.evidence.clone())) {
                out.push(item);
            }
        }
        out
    }

    /// The cue deciding the aspect covering tokens first..=last, and the token it is on.
    fn opinion(
        &self,
        toks: &[Tok],
        infos: &[Info],
        first: usize,
        last: usize,
        clause_start: usize,
        model: &SentimentModel,
    ) -> Option<(Cue, usize)> {
        for i in first..=last {
            if let Some(c) = model.cue_at(toks, infos, i, clause_start) {
                return Some((c, i));
            }
        }
        let mut seen = 0;
        let mut j = last + 1;
        while j < toks.len() && seen < self.window && toks[j].kind != Kind::Break {
            if toks[j].is_term() {
                seen += 1;
                if let Some(c) = model.cue_at(toks, infos, j, clause_start) {
                    return Some((c, j));
                }
            }
            j += 1;
        }
        let mut seen = 0;
        let mut j = first;
        while j > clause_start && seen < self.window {
            j -= 1;
            if toks[j].is_term() {
                seen += 1;
                if let Some(c) = model.cue_at(toks, infos, j, clause_start) {
                    return Some((c, j));
                }
            }
        }
        None
    }
}
