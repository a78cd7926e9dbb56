//! `extract_order_ids(text)`: order numbers by the per-platform patterns in config; never phone numbers.

use voc_text::Analyzer;

use crate::kernel::{append_strings, Column, Doc, TextFunction, Utf8List};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ExtractOrderIds;

impl TextFunction for ExtractOrderIds {
    const NAME: &'static str = "extract_order_ids";
    const DOC: Doc = Doc {
        signature: "extract_order_ids(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Order numbers (Tmall/Taobao 18–19 digits, JD 12, Douyin 19, PDD 6-15 with a dash, or any 10–20 digits after 订单号), unique, in order",
        example: "SELECT extract_order_ids('订单号：3456789012345678901 还没发货')",
    };
    type Column = Utf8List;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8List as Column>::Builder) {
        append_strings(out, &analyzer.extract_order_ids(text));
    }
}
