//! Chinese customer-service text analytics on `&str`: segmentation with a domain dictionary,
//! keywords, sentiment with evidence, intent, issue tags, aspects, PII masking, order-number
//! extraction and question normalisation.
//!
//! Knows nothing of Arrow or DataFusion: `voc-udf` wraps these functions per row. The rules are
//! data in the repository's `config/` folder ([`TextConfig`]); an [`Analyzer`] compiles them once
//! (dictionary, automata, regexes) and is then shared read-only across threads. Every function
//! segments and scans its text at most once; [`Analyzer::analyze`] does that once for all of them,
//! and [`Analyzer::analyze_core`] once for the per-row essentials (tokens, sentiment, intent, tags,
//! PII, order ids) without keywords and aspects.
//!
//! Cost: segmentation (jieba) is the floor every analysis pays; `benches/text.rs` reports each
//! function as a multiple of bare `jieba.cut` with the same dictionary.

mod aspects;
mod config;
mod digits;
mod hash;
mod intent;
mod keywords;
mod learned;
mod negation;
mod orders;
mod phrases;
mod pii;
mod question;
mod segment;
mod sentiment;
mod tags;
pub mod train;
mod words;

use std::borrow::Cow;
use std::sync::OnceLock;

pub use aspects::AspectOpinion;
pub use config::{DictEntry, TextConfig, TextError};
pub use intent::Intent;
pub use learned::ModelFile;
pub use pii::PiiMatch;
pub use sentiment::{Sentiment, LABEL_THRESHOLD};
pub use words::WordMatcher;

use phrases::{PhraseSet, PhraseSetBuilder};
use segment::{Segmenter, Tok};

/// How many keywords [`Analyzer::analyze`] returns (the same as `keywords(text, 5)`).
pub const ANALYZE_KEYWORDS: usize = 5;

/// Everything about one text, from one segmentation pass. Tokens and the masked text borrow
/// from the text (the masked text is the text itself when it has no PII).
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis<'a> {
    pub tokens: Vec<&'a str>,
    pub keywords: Vec<String>,
    pub sentiment: Sentiment,
    pub intent: Intent,
    pub tags: Vec<String>,
    pub aspects: Vec<AspectOpinion>,
    pub pii: Vec<PiiMatch>,
    pub masked: Cow<'a, str>,
    pub order_ids: Vec<String>,
    /// The text was longer than the analyzer's `max_chars`: every field describes its first
    /// `max_chars` characters, and `masked` is that part followed by [`TRUNCATED_MARK`].
    pub truncated: bool,
}

/// The per-row essentials of one text from one segmentation pass: [`Analysis`] without keywords
/// and aspects (which need TF-IDF and aspect-opinion pairing on top). Every field equals the
/// corresponding field of [`Analyzer::analyze`].
#[derive(Debug, Clone, PartialEq)]
pub struct CoreAnalysis<'a> {
    pub tokens: Vec<&'a str>,
    pub sentiment: Sentiment,
    pub intent: Intent,
    pub tags: Vec<String>,
    pub pii: Vec<PiiMatch>,
    pub masked: Cow<'a, str>,
    pub order_ids: Vec<String>,
    pub truncated: bool,
}

/// The compiled rules. Build once, share everywhere (`Send + Sync`); every method takes `&self`.
pub struct Analyzer {
    seg: Segmenter,
    phrases: PhraseSet,
    sentiment: sentiment::SentimentModel,
    intent: intent::IntentRules,
    tags: tags::Taxonomy,
    tag_model: tags::TagModel,
    /// The learned sentiment, intent and tag models in one table.
    learned: learned::Learned,
    aspects: aspects::Aspects,
    negator: negation::Negator,
    keywords: keywords::KeywordModel,
    orders: orders::OrderRules,
    pii: pii::PiiScanner,
    question: question::QuestionNormalizer,
    /// Texts are analysed on their first this many characters ([`TextConfig::max_chars`]).
    max_chars: usize,
}

/// What ends the masked text of a text cut at `max_chars`: the rest is neither analysed nor
/// written.
pub const TRUNCATED_MARK: &str = "…[truncated]";

/// Tokens and phrase hits of one text: the shared first step of every analysis.
struct Pass<'a> {
    toks: Vec<Tok<'a>>,
    hits: Vec<phrases::Hit>,
}

impl Analyzer {
    pub fn new(cfg: &TextConfig) -> Result<Analyzer, TextError> {
        let mut pb = PhraseSetBuilder::default();
        let learned = learned::Learned::new(&cfg.sentiment_model, &cfg.intent_model, &cfg.tags_model);
        let sentiment = sentiment::SentimentModel::new(cfg, &learned, &mut pb);
        let intent = intent::IntentRules::new(cfg, &mut pb);
        let tags = tags::Taxonomy::new(cfg, &mut pb);
        let aspects = aspects::Aspects::new(cfg, &mut pb);
        let orders = orders::OrderRules::new(cfg)?;
        let pii = pii::PiiScanner::new(orders.order_words());
        Ok(Analyzer {
            seg: Segmenter::new(cfg),
            phrases: pb.build(),
            sentiment,
            intent,
            tags,
            tag_model: tags::TagModel::new(&learned),
            learned,
            aspects,
            negator: negation::Negator::new(&cfg.negation),
            keywords: keywords::KeywordModel::new(cfg),
            orders,
            pii,
            question: question::QuestionNormalizer::new(cfg),
            max_chars: cfg.max_chars,
        })
    }

    /// `text` cut to its first `max_chars` characters, and whether it was cut. Every function
    /// reads at most that much, so a row costs at most a bounded amount whatever it holds.
    pub fn cut<'a>(&self, text: &'a str) -> (&'a str, bool) {
        if text.len() <= self.max_chars {
            return (text, false); // bytes bound characters
        }
        match text.char_indices().nth(self.max_chars) {
            Some((at, _)) => (&text[..at], true),
            None => (text, false),
        }
    }

    /// The characters every function reads of a text.
    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// The analyzer of the built-in configuration, built on first use.
    pub fn builtin() -> &'static Analyzer {
        static BUILTIN: OnceLock<Analyzer> = OnceLock::new();
        BUILTIN.get_or_init(|| Analyzer::new(&TextConfig::builtin()).expect("the built-in config compiles"))
    }

    /// The jieba instance with this analyzer's dictionary (for benchmarks and comparisons).
    pub fn jieba(&self) -> &jieba_rs::Jieba {
        self.seg.jieba()
    }

    /// Number of distinct phrases in the shared automaton (diagnostics).
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    fn pass<'a>(&self, text: &'a str) -> Pass<'a> {
        Pass { toks: self.seg.tokens(text), hits: self.phrases.scan(text) }
    }

    /// Words, numbers and Latin words: jieba accurate mode with HMM and the domain dictionary.
    pub fn segment(&self, text: &str) -> Vec<String> {
        let text = self.cut(text).0;
        self.seg.tokens(text).iter().filter(|t| t.is_term()).map(|t| t.text.to_string()).collect()
    }

    /// Top-`k` TF-IDF keywords, stop words removed.
    pub fn keywords(&self, text: &str, k: usize) -> Vec<String> {
        let text = self.cut(text).0;
        self.keywords.top(&self.seg.tokens(text), k, self.seg.jieba())
    }

    pub fn sentiment(&self, text: &str) -> Sentiment {
        let text = self.cut(text).0;
        let p = self.pass(text);
        self.learned.with_reading(text, Some(&p.toks), |reading| {
            self.sentiment.with_infos(&p.toks, |infos| {
                self.sentiment.analyze(text, &p.toks, infos, &p.hits, (&self.learned, reading))
            })
        })
    }

    /// What the learned sentiment model is trained on for `text`: its named features (`w:`
    /// words, `c:` one to three adjacent characters, each occurrence valued 1/√n) and the rules' total.
    pub fn sentiment_features(&self, text: &str) -> (Vec<(String, f64)>, f64) {
        let p = self.pass(text);
        self.sentiment.with_infos(&p.toks, |infos| self.sentiment.features(text, &p.toks, infos, &p.hits))
    }

    /// What the learned tag model is trained on for `text`: `r:<tag>` for each tag the rules
    /// give, `c:` characters and pairs.
    pub fn tag_features(&self, text: &str) -> Vec<(String, f64)> {
        tags::TagModel::features(text, &self.tags.tags(text, &self.phrases.scan(text), &self.negator))
    }

    /// The tag names of the taxonomy, in its order (the columns of the tag model).
    pub fn tag_names(&self) -> Vec<String> {
        self.tags.names()
    }

    /// The named features the learned intent model reads in `text`: what training sees.
    pub fn intent_features(&self, text: &str) -> Vec<(String, f64)> {
        self.intent.features(text, &self.phrases.scan(text))
    }

    pub fn intent(&self, text: &str) -> Intent {
        let text = self.cut(text).0;
        let hits = self.phrases.scan(text);
        self.learned.with_reading(text, None, |r| self.intent.classify(text, &hits, (&self.learned, r)))
    }

    pub fn tags(&self, text: &str) -> Vec<String> {
        let text = self.cut(text).0;
        let rules = self.tags.tags(text, &self.phrases.scan(text), &self.negator);
        self.learned.with_reading(text, None, |r| self.tag_model.extend(text, rules, (&self.learned, r)))
    }

    pub fn aspects(&self, text: &str) -> Vec<AspectOpinion> {
        let text = self.cut(text).0;
        let p = self.pass(text);
        self.sentiment.with_infos(&p.toks, |infos| self.aspects.find(text, &p.toks, infos, &p.hits, &self.sentiment))
    }

    pub fn mask_pii(&self, text: &str) -> String {
        let (text, cut) = self.cut(text);
        masked(text, &self.pii.find(text), cut).into_owned()
    }

    pub fn has_pii(&self, text: &str) -> bool {
        let text = self.cut(text).0;
        !self.pii.find(text).is_empty()
    }

    pub fn pii(&self, text: &str) -> Vec<PiiMatch> {
        let text = self.cut(text).0;
        self.pii.find(text).into_iter().map(|f| f.m).collect()
    }

    pub fn extract_order_ids(&self, text: &str) -> Vec<String> {
        let text = self.cut(text).0;
        self.orders.extract(text)
    }

    pub fn normalize_question(&self, text: &str) -> String {
        let text = self.cut(text).0;
        self.question.normalize(text)
    }

    /// One segmentation pass and one phrase scan feeding everything.
    pub fn analyze<'a>(&self, text: &'a str) -> Analysis<'a> {
        let (text, cut) = self.cut(text);
        let p = self.pass(text);
        let keywords = self.keywords.top(&p.toks, ANALYZE_KEYWORDS, self.seg.jieba());
        let (aspects, c) = self.sentiment.with_infos(&p.toks, |infos| {
            (self.aspects.find(text, &p.toks, infos, &p.hits, &self.sentiment), self.core(text, cut, &p, infos))
        });
        Analysis {
            tokens: c.tokens,
            keywords,
            sentiment: c.sentiment,
            intent: c.intent,
            tags: c.tags,
            aspects,
            pii: c.pii,
            masked: c.masked,
            order_ids: c.order_ids,
            truncated: c.truncated,
        }
    }

    /// Tokens, sentiment, intent, tags, PII (matches and masked text) and order ids from one
    /// segmentation pass and one phrase scan: [`Analyzer::analyze`] without keywords and aspects.
    pub fn analyze_core<'a>(&self, text: &'a str) -> CoreAnalysis<'a> {
        let (text, cut) = self.cut(text);
        let p = self.pass(text);
        self.sentiment.with_infos(&p.toks, |infos| self.core(text, cut, &p, infos))
    }

    fn core<'a>(&self, text: &'a str, cut: bool, p: &Pass<'a>, infos: &[sentiment::Info]) -> CoreAnalysis<'a> {
        let found = self.pii.find(text);
        // One read of the text's learned features for the three models.
        let (sentiment, intent, tags) = self.learned.with_reading(text, Some(&p.toks), |reading| {
            let learned = (&self.learned, reading);
            (
                self.sentiment.analyze(text, &p.toks, infos, &p.hits, learned),
                self.intent.classify(text, &p.hits, learned),
                self.tag_model.extend(text, self.tags.tags(text, &p.hits, &self.negator), learned),
            )
        });
        CoreAnalysis {
            tokens: p.toks.iter().filter(|t| t.is_term()).map(|t| t.text).collect(),
            sentiment,
            intent,
            tags,
            masked: masked(text, &found, cut),
            pii: found.into_iter().map(|f| f.m).collect(),
            order_ids: self.orders.extract(text),
            truncated: cut,
        }
    }
}

/// `text` with `found` masked, followed by [`TRUNCATED_MARK`] when it is the cut part of a longer
/// text.
fn masked<'a>(text: &'a str, found: &[pii::Found], cut: bool) -> Cow<'a, str> {
    match pii::PiiScanner::mask(text, found) {
        m if cut => Cow::Owned(format!("{m}{TRUNCATED_MARK}")),
        m => m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Analyzer>();
    }
}
