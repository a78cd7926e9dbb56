//! [`WordMatcher`]: which words of a caller's list occur in a text. What SQL's
//! `match_words(text, words)` runs for rule files (a QA rule's forbidden
//! phrases, a risk file's complaint words): the list is data, not part of the
//! analyzer's configuration, so it gets its own automaton.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::phrases::{ascii_edges, inside_ascii_run};

/// One word list, compiled. ASCII letters match case-insensitively; a word that starts or ends
/// with an ASCII letter or digit must not touch another one (the same rule as the analyzer's
/// phrases). Empty words are ignored.
#[derive(Debug)]
pub struct WordMatcher {
    ac: AhoCorasick,
    words: Vec<String>,
    edges: Vec<(bool, bool)>,
}

impl WordMatcher {
    pub fn new<S: AsRef<str>>(words: &[S]) -> Result<WordMatcher, String> {
        let words: Vec<String> = words.iter().map(|w| w.as_ref()).filter(|w| !w.is_empty()).map(String::from).collect();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(&words)
            .map_err(|e| format!("word list of {} words: {e}", words.len()))?;
        let edges = words.iter().map(|w| ascii_edges(w)).collect();
        Ok(WordMatcher { ac, words, edges })
    }

    /// The words found in `text`, each once, in order of first occurrence.
    pub fn find(&self, text: &str) -> Vec<&str> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in self.ac.find_overlapping_iter(text) {
            let id = m.pattern().as_usize();
            if inside_ascii_run(text, m.start(), m.end(), self.edges[id]) {
                continue;
            }
            if !found.iter().any(|&(_, i)| i == id) {
                found.push((m.start(), id));
            }
        }
        found.sort_unstable();
        found.into_iter().map(|(_, id)| self.words[id].as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<'a>(text: &str, words: &'a [&'a str]) -> Vec<String> {
        WordMatcher::new(words).unwrap().find(text).into_iter().map(String::from).collect()
    }

    #[test]
    fn finds_each_word_once_in_order_of_first_occurrence() {
        assert_eq!(run("我要投诉！律师函，再投诉", &["律师", "投诉", "曝光"]), ["投诉", "律师"]);
        assert_eq!(run("订单123153456已发货", &["12315"]), Vec::<String>::new());
        assert_eq!(run("打12315了", &["12315"]), ["12315"]);
        assert_eq!(run("SB客服", &["sb", ""]), ["sb"]);
        assert_eq!(run("", &["a"]), Vec::<String>::new());
    }
}
