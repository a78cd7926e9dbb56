//! Segmentation: jieba accurate mode with HMM, plus the domain dictionary.
//!
//! Every other analysis reads the tokens produced here, so a text is segmented once. Tokens keep
//! their byte offsets and a coarse kind: punctuation is kept internally (it bounds clauses for
//! negation and contrast) but [`crate::Analyzer::segment`] returns only words, numbers and Latin
//! words.

use jieba_rs::Jieba;

use crate::config::TextConfig;

/// What a token is, as far as the analyses care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Contains a CJK (or other alphabetic, non-ASCII) character.
    Word,
    /// ASCII letters (possibly with digits).
    Latin,
    /// Digits only (ASCII or full-width, with . or ,).
    Number,
    /// Ends a clause: ， 。 ！ ？ ； , . ! ? ; ~ … and line breaks.
    Break,
    /// Whitespace, other punctuation, emoji, symbols.
    Other,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

impl Tok<'_> {
    /// Words, numbers and Latin words: what `segment` returns.
    pub fn is_term(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Latin | Kind::Number)
    }
}

pub(crate) struct Segmenter {
    jieba: Jieba,
}

/// Frequency given to lexicon words that jieba does not know, so that they stay whole
/// without overriding the default dictionary's choice for words it already has.
const LEXICON_FREQ: usize = 2000;

impl Segmenter {
    /// The default dictionary, the domain dictionary (`config/dict/*.txt`) and the multi-character
    /// sentiment cues (so that e.g. 物美价廉 or 一分钱一分货 is one token the lexicon can see).
    pub fn new(cfg: &TextConfig) -> Segmenter {
        let mut jieba = Jieba::new();
        for e in &cfg.dict {
            jieba.add_word(&e.word, e.freq, e.tag.as_deref());
        }
        let lexicon = cfg.positive.iter().chain(&cfg.negative).map(|(w, _)| w.as_str());
        let extra = lexicon.chain(cfg.neutral.iter().map(String::as_str));
        for w in extra {
            if w.chars().count() >= 2 && !w.is_ascii() && !jieba.has_word(w) {
                jieba.add_word(w, Some(LEXICON_FREQ), None);
            }
        }
        Segmenter { jieba }
    }

    /// The jieba instance with the same dictionary (the benchmark's reference).
    pub fn jieba(&self) -> &Jieba {
        &self.jieba
    }

    pub fn tokens<'a>(&self, text: &'a str) -> Vec<Tok<'a>> {
        self.jieba
            .cut(text, true)
            .into_iter()
            .map(|t| Tok { text: t.word, start: t.byte_start, end: t.byte_end, kind: kind_of(t.word) })
            .collect()
    }
}

/// A non-ASCII letter; the CJK blocks are checked first because they are nearly every case, and
/// the clause punctuation (，。！？) next, which is never a letter and would otherwise take the
/// slow Unicode-table lookup.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    if matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') {
        return true;
    }
    !c.is_ascii() && !is_break_char(c) && c.is_alphabetic()
}

#[inline]
pub(crate) fn is_break_char(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '！'
            | '？'
            | '；'
            | ','
            | '.'
            | '!'
            | '?'
            | ';'
            | '~'
            | '～'
            | '…'
            | '\n'
            | '\r'
            | '、'
            | '：'
            | ':'
    )
}

fn kind_of(word: &str) -> Kind {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return Kind::Other };
    // Nearly every token starts with a CJK character: a word whatever follows.
    if matches!(first, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') {
        return Kind::Word;
    }
    if first.is_ascii_digit() || ('０'..='９').contains(&first) {
        return if word.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '.' || c == ',') {
            Kind::Number
        } else {
            Kind::Latin
        };
    }
    if first.is_ascii_alphabetic() {
        return Kind::Latin;
    }
    if word.chars().any(is_letter) {
        return Kind::Word;
    }
    if word.chars().all(is_break_char) {
        return Kind::Break;
    }
    Kind::Other
}
