//! One Aho-Corasick pass over the raw text for every phrase any rule names.
//!
//! Intent cues, taxonomy phrases, aspect synonyms and emoji are all substrings of the message.
//! Matching them in one automaton means a text is scanned once however many rules there are,
//! and matching the raw text (not tokens) keeps rules independent of how jieba happened to cut.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Collects phrases from every module; each gets a stable id.
#[derive(Default)]
pub(crate) struct PhraseSetBuilder {
    ids: HashMap<String, u32>,
    phrases: Vec<String>,
}

impl PhraseSetBuilder {
    pub fn add(&mut self, phrase: &str) -> Option<u32> {
        if phrase.is_empty() {
            return None;
        }
        if let Some(&id) = self.ids.get(phrase) {
            return Some(id);
        }
        let id = self.phrases.len() as u32;
        self.ids.insert(phrase.to_string(), id);
        self.phrases.push(phrase.to_string());
        Some(id)
    }

    pub fn build(self) -> PhraseSet {
        // A DFA: more memory (phrases are a few thousand bytes in all) for the fastest scan.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&self.phrases)
            .expect("phrase automaton builds");
        let ascii_edges =
            self.phrases.iter().map(|p| (p.starts_with(is_alnum_ascii), p.ends_with(is_alnum_ascii))).collect();
        if std::env::var("VOC_PHRASE_STATS").is_ok() {
            eprintln!("phrases {} mem {}", self.phrases.len(), ac.memory_usage());
            for p in &self.phrases {
                eprintln!("P\t{p}");
            }
        }
        PhraseSet { ac, ascii_edges }
    }
}

fn is_alnum_ascii(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('０'..='９').contains(&c)
}

pub(crate) struct PhraseSet {
    ac: AhoCorasick,
    /// Whether a phrase begins / ends with an ASCII letter or digit: such an end must not touch
    /// another one (12315 inside an order number, "ok" inside "book" are not hits).
    ascii_edges: Vec<(bool, bool)>,
}

/// A phrase occurrence: phrase id and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub id: u32,
    pub start: usize,
    pub end: usize,
}

impl PhraseSet {
    pub fn len(&self) -> usize {
        self.ascii_edges.len()
    }

    /// Every (overlapping) occurrence, in order of end position.
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        // A message has a handful of hits: one allocation, not three growing ones.
        let mut hits = Vec::with_capacity(16);
        for m in self.ac.find_overlapping_iter(text) {
            let id = m.pattern().as_u32();
            let (s_ascii, e_ascii) = self.ascii_edges[id as usize];
            if s_ascii && text[..m.start()].chars().next_back().is_some_and(is_alnum_ascii) {
                continue;
            }
            if e_ascii && text[m.end()..].chars().next().is_some_and(is_alnum_ascii) {
                continue;
            }
            hits.push(Hit { id, start: m.start(), end: m.end() });
        }
        hits
    }
}
