//! `sentiment(text)`: lexicon-and-rules sentiment score in [-1, 1].

use voc_text::Analyzer;

use crate::kernel::{Column, Doc, Float64, TextFunction};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Sentiment;

impl TextFunction for Sentiment {
    const NAME: &'static str = "sentiment";
    const DOC: Doc = Doc {
        signature: "sentiment(text VARCHAR)",
        returns: "DOUBLE",
        doc: "Sentiment score in [-1, 1]: P(positive) - P(negative) of the learned model (config/sentiment/model.tsv) over words, characters and the lexicon rules' total (negation, degree, contrast, emoji)",
        example: "SELECT sentiment('物流太慢了，差评')",
    };
    type Column = Float64;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Float64 as Column>::Builder) {
        out.append_value(analyzer.sentiment(text).score);
    }
}
