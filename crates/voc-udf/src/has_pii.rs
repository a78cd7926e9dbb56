//! `has_pii(text)`: true when the text holds personal data that mask_pii would mask.

use voc_text::Analyzer;

use crate::kernel::{Boolean, Column, Doc, TextFunction};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HasPii;

impl TextFunction for HasPii {
    const NAME: &'static str = "has_pii";
    const DOC: Doc = Doc {
        signature: "has_pii(text VARCHAR)",
        returns: "BOOLEAN",
        doc: "Whether mask_pii would change anything",
        example: "SELECT has_pii('收件人：张三，手机+86 13812345678')",
    };
    type Column = Boolean;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Boolean as Column>::Builder) {
        out.append_value(analyzer.has_pii(text));
    }
}
