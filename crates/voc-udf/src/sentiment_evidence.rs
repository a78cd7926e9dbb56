//! `sentiment_evidence(text)`: the cues that decided the sentiment.

use voc_text::Analyzer;

use crate::kernel::{append_strings, Column, Doc, TextFunction, Utf8List};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SentimentEvidence;

impl TextFunction for SentimentEvidence {
    const NAME: &'static str = "sentiment_evidence";
    const DOC: Doc = Doc {
        signature: "sentiment_evidence(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "The cues that decided the sentiment: rule cues such as 非常+好(+1.8), 不+满意(neg,-1.2), 但是→later clause x1.5, the learned features that pushed most, learned:太差(-1.2), and the rules' share, rules→-0.9",
        example: "SELECT sentiment_evidence('不太满意，但是客服态度很好')",
    };
    type Column = Utf8List;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8List as Column>::Builder) {
        append_strings(out, &analyzer.sentiment(text).evidence);
    }
}
