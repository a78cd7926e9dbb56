//! `tags(text)`: taxonomy tags from config/taxonomy.toml.

use voc_text::Analyzer;

use crate::kernel::{append_strings, Column, Doc, TextFunction, Utf8List};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Tags;

impl TextFunction for Tags {
    const NAME: &'static str = "tags";
    const DOC: Doc = Doc {
        signature: "tags(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Issue tags (物流慢, 破损, 质量问题 …): the rules of config/taxonomy.toml, then the tags the learned model (config/tags_model.tsv) adds",
        example: "SELECT tags('外包装没有破损，但是衣服起球了')",
    };
    type Column = Utf8List;

    fn append(analyzer: &Analyzer, text: &str, out: &mut <Utf8List as Column>::Builder) {
        append_strings(out, &analyzer.tags(text));
    }
}
