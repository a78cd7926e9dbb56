//! `normalize_question(text)`: a canonical form of a customer question, so one question asked many ways groups together.

use voc_text::Analyzer;

use crate::kernel::{Column, Doc, TextFunction, Utf8};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct NormalizeQuestion;

impl TextFunction for NormalizeQuestion {
    const NAME: &'static str = "normalize_question";
    const DOC: Doc = Doc {
        signature: "normalize_question(text VARCHAR)",
        returns: "VARCHAR",
        doc: "Canonical form of a customer question (发货时间, 有货, 尺码推荐 …) or the cleaned question",
        example: "SELECT normalize_question('亲，170斤穿多大码呀？')",
    };
    type Column = Utf8;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8 as Column>::Builder) {
        out.append_value(analyzer.normalize_question(text));
    }
}
