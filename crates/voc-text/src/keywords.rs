//! Keywords: TF-IDF over the message's own tokens.
//!
//! Service chats are full of politeness (亲, 您好, 请问, 谢谢) that a general-purpose IDF rates as
//! informative; `config/idf.txt` pins those low and `config/stopwords.txt` drops function words.
//! Any other word's IDF is its self-information in the jieba dictionary, ln(total / freq): the
//! same ordering a document-frequency IDF gives, without shipping a 6 MB table. Words jieba does
//! not know (HMM-found names, model numbers) are rare by definition and score high.

use std::sync::RwLock;

use jieba_rs::Jieba;

use crate::config::TextConfig;
use crate::hash::FxMap;
use crate::segment::{Kind, Tok};

/// Total frequency of jieba's default dictionary (the denominator of its word probabilities).
const DICT_TOTAL: f64 = 60_101_967.0;

/// Derived IDFs are remembered up to this many words (a day's vocabulary fits many times over).
const CACHE_CAP: usize = 500_000;

pub(crate) struct KeywordModel {
    idf: FxMap<String, f64>,
    stop: FxMap<String, ()>,
    /// ln(total / freq) needs a dictionary walk; words repeat across rows, so remember it.
    cache: RwLock<FxMap<Box<str>, f64>>,
}

impl KeywordModel {
    pub fn new(cfg: &TextConfig) -> KeywordModel {
        KeywordModel {
            idf: cfg.idf.iter().cloned().collect(),
            stop: cfg.stopwords.iter().map(|w| (w.clone(), ())).collect(),
            cache: RwLock::new(FxMap::default()),
        }
    }

    fn idf(&self, word: &str, jieba: &Jieba) -> f64 {
        if let Some(&v) = self.idf.get(word) {
            return v;
        }
        if let Some(&v) = self.cache.read().ok().as_ref().and_then(|c| c.get(word)) {
            return v;
        }
        let freq = jieba.suggest_freq(word).max(1) as f64;
        let v = (DICT_TOTAL / freq).ln().max(0.0);
        if let Ok(mut c) = self.cache.write() {
            if c.len() < CACHE_CAP {
                c.insert(word.into(), v);
            }
        }
        v
    }

    fn candidate(&self, t: &Tok) -> bool {
        match t.kind {
            Kind::Word => t.text.chars().count() >= 2 && !self.stop.contains_key(t.text),
            // Digit strings (phones, order numbers) are identifiers, not topics, and may be PII.
            Kind::Latin => {
                t.text.len() >= 2
                    && t.text.bytes().filter(u8::is_ascii_digit).count() < 5
                    && !self.stop.contains_key(t.text)
            }
            _ => false,
        }
    }

    /// The top `k` tokens by tf x idf; ties keep the order of first appearance.
    pub fn top(&self, toks: &[Tok], k: usize, jieba: &Jieba) -> Vec<String> {
        if k == 0 {
            return Vec::new();
        }
        // (word, count, first position)
        let mut counts: FxMap<&str, (u32, usize)> = FxMap::default();
        for (i, t) in toks.iter().enumerate() {
            if self.candidate(t) {
                counts.entry(t.text).or_insert((0, i)).0 += 1;
            }
        }
        let mut scored: Vec<(f64, usize, &str)> =
            counts.into_iter().map(|(w, (c, first))| (c as f64 * self.idf(w, jieba), first, w)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().take(k).map(|(_, _, w)| w.to_string()).collect()
    }
}
