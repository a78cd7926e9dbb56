//! `segment(text)`: jieba accurate mode with HMM plus the domain dictionary.

use voc_text::Analyzer;

use crate::kernel::{append_strings, Column, Doc, TextFunction, Utf8List};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Segment;

impl TextFunction for Segment {
    const NAME: &'static str = "segment";
    const DOC: Doc = Doc {
        signature: "segment(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Words of the text: jieba accurate mode with HMM plus the domain dictionary (config/dict); no punctuation or emoji",
        example: "SELECT segment('七天无理由退货，运费险有吗')",
    };
    type Column = Utf8List;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8List as Column>::Builder) {
        append_strings(out, &analyzer.segment(text));
    }
}
