//! `sentiment_label(text)`: positive / neutral / negative.

use voc_text::Analyzer;

use crate::kernel::{Column, Doc, TextFunction, Utf8};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SentimentLabel;

impl TextFunction for SentimentLabel {
    const NAME: &'static str = "sentiment_label";
    const DOC: Doc = Doc {
        signature: "sentiment_label(text VARCHAR)",
        returns: "VARCHAR",
        doc: "positive | neutral | negative: the most probable class of the learned model (rules alone: score at or beyond ±0.15)",
        example: "SELECT sentiment_label('质量不错，就是物流有点慢')",
    };
    type Column = Utf8;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8 as Column>::Builder) {
        out.append_value(analyzer.sentiment(text).label);
    }
}
