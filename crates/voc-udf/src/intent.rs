//! `intent(text)`: presale / aftersale / logistics / refund_return / complaint / chitchat / other.

use voc_text::Analyzer;

use crate::kernel::{Column, Doc, TextFunction, Utf8};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Intent;

impl TextFunction for Intent {
    const NAME: &'static str = "intent";
    const DOC: Doc = Doc {
        signature: "intent(text VARCHAR)",
        returns: "VARCHAR",
        doc: "presale | aftersale | logistics | refund_return | complaint | chitchat | other: the learned model (config/intent_model.tsv) over characters and the rules of config/intent.toml that fired",
        example: "SELECT intent('再不处理我就打12315投诉')",
    };
    type Column = Utf8;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8 as Column>::Builder) {
        out.append_value(analyzer.intent(text).label);
    }
}
