//! `mask_pii(text)`: the text with phone numbers, ID cards, bank cards, e-mails, addresses and names masked, shape kept.

use voc_text::Analyzer;

use crate::kernel::{Column, Doc, TextFunction, Utf8};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct MaskPii;

impl TextFunction for MaskPii {
    const NAME: &'static str = "mask_pii";
    const DOC: Doc = Doc {
        signature: "mask_pii(text VARCHAR)",
        returns: "VARCHAR",
        doc: "Text with phones, landlines, ID cards, bank cards, e-mails, addresses and names masked, shape kept; order numbers untouched",
        example: "SELECT mask_pii('电话138 1234 5678，订单号1234567890123456789')",
    };
    type Column = Utf8;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8 as Column>::Builder) {
        out.append_value(analyzer.mask_pii(text));
    }
}
