//! `aspects(text)`: aspect-level opinions: list of (aspect, polarity, evidence).

use voc_text::Analyzer;

use crate::kernel::{AspectList, Column, Doc, TextFunction};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Aspects;

impl TextFunction for Aspects {
    const NAME: &'static str = "aspects";
    const DOC: Doc = Doc {
        signature: "aspects(text VARCHAR)",
        returns: "LIST<STRUCT<aspect VARCHAR, polarity VARCHAR, evidence VARCHAR>>",
        doc: "Aspect mentions (质量, 尺码, 物流 …) with the polarity of the opinion next to them",
        example: "SELECT aspects('质量很好，物流太慢')",
    };
    type Column = AspectList;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <AspectList as Column>::Builder) {
        out.append(&analyzer.aspects(text));
    }
}
