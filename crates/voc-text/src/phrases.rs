//! One pass over the raw text for every phrase any rule names.
//!
//! Intent cues, taxonomy phrases, aspect synonyms and emoji are all substrings of the message.
//! Matching them in one trie means a text is scanned once however many rules there are,
//! and matching the raw text (not tokens) keeps rules independent of how jieba happened to cut.

use std::collections::HashMap;

use crate::hash::FxMap;

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
        // Characters of the phrases get dense classes (1..); 0 is every other character.
        let mut classes: FxMap<char, u16> = FxMap::default();
        for c in self.phrases.iter().flat_map(|p| p.chars()) {
            let n = classes.len() as u16 + 1;
            classes.entry(c).or_insert(n);
        }
        let mut bmp = vec![0u16; 0x1_0000];
        let mut astral = FxMap::default();
        for (&c, &k) in &classes {
            if (c as u32) < 0x1_0000 {
                bmp[c as usize] = k;
            } else {
                astral.insert(c, k);
            }
        }
        // The trie, built with a map, then laid out as arrays.
        let mut edges: FxMap<(u32, u16), u32> = FxMap::default();
        let mut output: Vec<u32> = vec![NO_PHRASE];
        for (id, p) in self.phrases.iter().enumerate() {
            let mut node = 0u32;
            for c in p.chars() {
                node = *edges.entry((node, classes[&c])).or_insert_with(|| {
                    output.push(NO_PHRASE);
                    (output.len() - 1) as u32
                });
            }
            output[node as usize] = id as u32;
        }
        let mut root = vec![0u32; classes.len() + 1];
        let mut by_node: Vec<Vec<(u16, u32)>> = vec![Vec::new(); output.len()];
        for (&(from, k), &to) in &edges {
            if from == 0 {
                root[k as usize] = to;
            } else {
                by_node[from as usize].push((k, to));
            }
        }
        let mut child_at = Vec::with_capacity(output.len() + 1);
        let mut children = Vec::new();
        for mut list in by_node {
            list.sort_unstable();
            child_at.push(children.len() as u32);
            children.extend(list);
        }
        child_at.push(children.len() as u32);
        let ascii_edges = self.phrases.iter().map(|p| ascii_edges(p)).collect();
        PhraseSet { bmp, astral, root, child_at, children, output, ascii_edges }
    }
}

const NO_PHRASE: u32 = u32::MAX;

fn is_alnum_ascii(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('０'..='９').contains(&c)
}

/// Whether a phrase begins / ends with an ASCII letter or digit (full-width digits too).
pub(crate) fn ascii_edges(phrase: &str) -> (bool, bool) {
    (phrase.starts_with(is_alnum_ascii), phrase.ends_with(is_alnum_ascii))
}

/// A phrase end that is an ASCII letter or digit must not touch another one: 12315 inside an
/// order number, "ok" inside "book" are not occurrences. `edges` is [`ascii_edges`] of the phrase
/// found at `text[start..end]`.
#[inline]
pub(crate) fn inside_ascii_run(text: &str, start: usize, end: usize, edges: (bool, bool)) -> bool {
    (edges.0 && text[..start].chars().next_back().is_some_and(is_alnum_ascii))
        || (edges.1 && text[end..].chars().next().is_some_and(is_alnum_ascii))
}

/// The phrases as a character trie. Nearly every character of a message is the first character
/// of no phrase (one bitmap test); from one that is, the trie is walked while the text follows it.
/// A few hundred phrases make a trie of a few thousand edges, one small hash table that stays in
/// cache (an Aho-Corasick DFA of the same phrases is ~1.5 MB and misses the cache at every byte).
pub(crate) struct PhraseSet {
    /// Character class of each BMP character (0: in no phrase).
    bmp: Vec<u16>,
    /// Character classes beyond the BMP (emoji).
    astral: FxMap<char, u16>,
    /// Class -> child of the root (0: none).
    root: Vec<u32>,
    /// Node -> its children's range in `children`.
    child_at: Vec<u32>,
    /// (class, child node) of every node, each node's sorted by class.
    children: Vec<(u16, u32)>,
    /// Node -> the phrase ending there, or [`NO_PHRASE`].
    output: Vec<u32>,
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

    /// Every (overlapping) occurrence, in order of start position (longer after shorter).
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        // A message has a few hits (6 on average in the benchmark): one allocation, not three.
        let mut hits = Vec::with_capacity(16);
        self.scan_into(text, &mut hits);
        hits
    }

    #[inline]
    fn class(&self, c: char) -> u16 {
        if (c as u32) < 0x1_0000 {
            self.bmp[c as usize]
        } else {
            self.astral.get(&c).copied().unwrap_or(0)
        }
    }

    /// [`PhraseSet::scan`] appending to `hits`.
    pub fn scan_into(&self, text: &str, hits: &mut Vec<Hit>) {
        for (start, c) in text.char_indices() {
            let node = self.root[self.class(c) as usize];
            if node == 0 {
                continue;
            }
            let mut node = node;
            let mut end = start + c.len_utf8();
            loop {
                let id = self.output[node as usize];
                if id != NO_PHRASE {
                    self.push_hit(text, id, start, end, hits);
                }
                let Some(c) = text[end..].chars().next() else { break };
                let k = self.class(c);
                if k == 0 {
                    break;
                }
                let lo = self.child_at[node as usize] as usize;
                let hi = self.child_at[node as usize + 1] as usize;
                match self.children[lo..hi].iter().find(|e| e.0 == k) {
                    Some(e) => {
                        node = e.1;
                        end += c.len_utf8();
                    }
                    None => break,
                }
            }
        }
    }

    #[inline]
    fn push_hit(&self, text: &str, id: u32, start: usize, end: usize, hits: &mut Vec<Hit>) {
        if !inside_ascii_run(text, start, end, self.ascii_edges[id as usize]) {
            hits.push(Hit { id, start, end });
        }
    }
}
