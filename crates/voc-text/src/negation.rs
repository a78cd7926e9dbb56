//! "Is this phrase negated?" on raw text, shared by tags and aspects-free rules.
//!
//! Taxonomy phrases are matched as substrings, so negation is judged on the characters just before
//! a match: 没有任何破损 must not tag 破损, 一直不发货 is still a shipping complaint (that rule is
//! not negatable). Common words that merely start with a negation character (不小心, 不但, 没想到)
//! are not negations.

use crate::segment::is_break_char;

/// How many characters before a phrase a negation may stand: a two-character negation (没有, 不是)
/// up to 4 (没有任何破损); a one-character one (不, 没) only 2, since 不 and 没 start many
/// unrelated words (再不到我就投诉).
const WINDOW_CHARS: usize = 4;
const SHORT_WINDOW_CHARS: usize = 2;
/// Words that begin with a negation character but do not negate what follows.
const NOT_NEGATIONS: &[&str] = &[
    "不小心",
    "不知道",
    "不仅",
    "不但",
    "不光",
    "不只",
    "不过",
    "不管",
    "没想到",
    "不料",
    "无论",
    "不久",
    "非常",
    "无法",
];

pub(crate) struct Negator {
    words: Vec<String>,
    /// First characters of the words: most windows contain none, and are done at once.
    first_chars: Vec<char>,
}

impl Negator {
    pub fn new(words: &[String]) -> Negator {
        // 非 alone is mostly 非常 in this position; 无 is kept (无破损) but 无法 is excepted above.
        let words: Vec<String> = words.iter().filter(|w| w.as_str() != "非").cloned().collect();
        let mut first_chars: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
        first_chars.sort_unstable();
        first_chars.dedup();
        Negator { words, first_chars }
    }

    /// Whether a negation word stands in the few characters before byte `start`, same clause.
    pub fn negated_before(&self, text: &str, start: usize) -> bool {
        let before = &text[..start];
        let mut from = start;
        for (n, (i, c)) in before.char_indices().rev().enumerate() {
            if n >= WINDOW_CHARS || is_break_char(c) {
                break;
            }
            from = i;
        }
        let window = &before[from..];
        if window.is_empty() || !window.chars().any(|c| self.first_chars.contains(&c)) {
            return false;
        }
        // Look a little further back for the exceptions, which are up to 3 characters long.
        let mut wide_from = from;
        for (n, (i, _)) in before[..from].char_indices().rev().enumerate() {
            if n >= 2 {
                break;
            }
            wide_from = i;
        }
        let wide = &before[wide_from..];
        let window_start = wide.len() - window.len();
        for w in &self.words {
            for (pos, _) in wide.match_indices(w.as_str()) {
                if pos + w.len() <= window_start {
                    continue;
                }
                if w.chars().count() == 1 && wide[pos..].chars().count() > SHORT_WINDOW_CHARS {
                    continue;
                }
                let excepted = NOT_NEGATIONS
                    .iter()
                    .any(|x| wide.match_indices(x).any(|(xp, _)| xp <= pos && pos + w.len() <= xp + x.len()));
                if !excepted {
                    return true;
                }
            }
        }
        false
    }
}
