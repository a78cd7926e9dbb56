//! Question normalisation (`config/question_synonyms.toml`): the same pre-sale question asked many
//! ways must land in one `hot_questions` row.
//!
//! The text is cleaned (greetings at clause starts and ends, particles at clause ends,
//! punctuation, emoji, whitespace, numbers with their units and clothing sizes dropped; Latin
//! lower-cased), then the longest synonym phrase found names its canonical question. With no
//! match the cleaned text itself is the key.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::config::TextConfig;
use crate::digits::digit;
use crate::segment::is_letter;

pub(crate) struct QuestionNormalizer {
    greetings: Vec<String>,
    particles: Vec<String>,
    ac: AhoCorasick,
    /// phrase index -> (canonical index, phrase length in bytes)
    phrase_canon: Vec<(usize, usize)>,
    names: Vec<String>,
}

/// Units that make a number product noise (170cm, 65kg, 38码, 2件).
const UNITS: &[&str] = &[
    "kg", "KG", "Kg", "cm", "CM", "ml", "ML", "g", "斤", "公斤", "厘米", "码", "号", "岁", "米", "克", "寸", "元",
    "块", "件", "个", "天", "w", "W",
];
/// Clothing sizes, matched as whole Latin words (case-insensitive).
const SIZES: &[&str] = &["xs", "s", "m", "l", "xl", "xxl", "xxxl", "2xl", "3xl", "4xl", "xxxxl"];

impl QuestionNormalizer {
    pub fn new(cfg: &TextConfig) -> QuestionNormalizer {
        let q = &cfg.questions;
        let mut greetings = q.greetings.clone();
        greetings.sort_by_key(|g| std::cmp::Reverse(g.len()));
        let mut particles = q.particles.clone();
        particles.sort_by_key(|g| std::cmp::Reverse(g.len()));
        let mut me = QuestionNormalizer {
            greetings,
            particles,
            ac: AhoCorasick::new(Vec::<&str>::new()).expect("empty automaton"),
            phrase_canon: Vec::new(),
            names: q.canonical.iter().map(|c| c.name.clone()).collect(),
        };
        let mut phrases = Vec::new();
        for (ci, c) in q.canonical.iter().enumerate() {
            for p in &c.phrases {
                let cleaned = me.clean(p);
                if !cleaned.is_empty() {
                    me.phrase_canon.push((ci, cleaned.len()));
                    phrases.push(cleaned);
                }
            }
        }
        me.ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .expect("question automaton builds");
        me
    }

    pub fn normalize(&self, text: &str) -> String {
        let cleaned = self.clean(text);
        let mut best: Option<(usize, usize)> = None; // (len, canonical)
        for m in self.ac.find_overlapping_iter(&cleaned) {
            let (ci, len) = self.phrase_canon[m.pattern().as_usize()];
            if best.is_none_or(|(bl, bc)| len > bl || (len == bl && ci < bc)) {
                best = Some((len, ci));
            }
        }
        match best {
            Some((_, ci)) => self.names[ci].clone(),
            None => cleaned,
        }
    }

    fn clean(&self, text: &str) -> String {
        let mut out = String::new();
        for clause in split_clauses(text) {
            let mut c = clause.as_str();
            loop {
                let before = c.len();
                for g in &self.greetings {
                    c = c.strip_prefix(g.as_str()).unwrap_or(c);
                    c = c.strip_suffix(g.as_str()).unwrap_or(c);
                }
                for p in &self.particles {
                    c = c.strip_suffix(p.as_str()).unwrap_or(c);
                }
                if c.len() == before {
                    break;
                }
            }
            out.push_str(c);
        }
        out
    }
}

/// Clauses of kept characters: CJK and other letters, and Latin words that are not sizes;
/// numbers (with their unit) are dropped; everything else (punctuation, emoji, space) splits.
fn split_clauses(text: &str) -> Vec<String> {
    let mut clauses = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if digit(c).is_some() {
            while i < chars.len() && (digit(chars[i]).is_some() || matches!(chars[i], '.' | '-' | '/')) {
                i += 1;
            }
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            if let Some(u) = UNITS.iter().filter(|u| rest.starts_with(*u)).max_by_key(|u| u.len()) {
                i += u.chars().count();
            }
            continue;
        }
        if c.is_ascii_alphabetic() {
            let s = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            let word: String = chars[s..i].iter().collect::<String>().to_ascii_lowercase();
            if !SIZES.contains(&word.as_str()) && !word.chars().any(|c| c.is_ascii_digit()) {
                cur.push_str(&word);
            }
            continue;
        }
        if is_letter(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            clauses.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    if !cur.is_empty() {
        clauses.push(cur);
    }
    clauses
}
