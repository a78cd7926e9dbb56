//! `analyze_text(text)`: the one-pass analysis. Segments once and returns every
//! result as one struct, so a query that needs sentiment, tags, intent and
//! masking of the same text pays for segmentation once:
//! `SELECT a['sentiment'], a['tags'] FROM (SELECT analyze_text(content) AS a FROM chat_messages)`.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanBuilder, Float64Builder, ListBuilder, StringBuilder, StructArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Field, Fields};

use crate::kernel::*;

/// The struct's fields, in order.
pub fn analysis_fields() -> Fields {
    Fields::from(vec![
        Field::new("tokens", Utf8List::data_type(), true),
        Field::new("keywords", Utf8List::data_type(), true),
        Field::new("sentiment", Float64::data_type(), true),
        Field::new("sentiment_label", Utf8::data_type(), true),
        Field::new("sentiment_evidence", Utf8List::data_type(), true),
        Field::new("intent", Utf8::data_type(), true),
        Field::new("tags", Utf8List::data_type(), true),
        Field::new("aspects", AspectList::data_type(), true),
        Field::new("has_pii", Boolean::data_type(), true),
        Field::new("masked", Utf8::data_type(), true),
        Field::new("order_ids", Utf8List::data_type(), true),
        Field::new("truncated", Boolean::data_type(), true),
    ])
}

/// Column builders for a batch of analyses.
pub struct AnalysisBuilder {
    valid: Vec<bool>,
    tokens: ListBuilder<StringBuilder>,
    keywords: ListBuilder<StringBuilder>,
    sentiment: Float64Builder,
    label: StringBuilder,
    evidence: ListBuilder<StringBuilder>,
    intent: StringBuilder,
    tags: ListBuilder<StringBuilder>,
    aspects: AspectListBuilder,
    has_pii: BooleanBuilder,
    masked: StringBuilder,
    order_ids: ListBuilder<StringBuilder>,
    truncated: BooleanBuilder,
}

impl AnalysisBuilder {
    pub fn with_capacity(rows: usize) -> Self {
        Self {
            valid: Vec::with_capacity(rows),
            tokens: Utf8List::builder(rows),
            keywords: Utf8List::builder(rows),
            sentiment: Float64::builder(rows),
            label: Utf8::builder(rows),
            evidence: Utf8List::builder(rows),
            intent: Utf8::builder(rows),
            tags: Utf8List::builder(rows),
            aspects: AspectList::builder(rows),
            has_pii: Boolean::builder(rows),
            masked: Utf8::builder(rows),
            order_ids: Utf8List::builder(rows),
            truncated: Boolean::builder(rows),
        }
    }

    pub fn append(&mut self, analyzer: &voc_text::Analyzer, text: &str) {
        let a = analyzer.analyze(text);
        self.valid.push(true);
        append_strings(&mut self.tokens, &a.tokens);
        append_strings(&mut self.keywords, &a.keywords[..a.keywords.len().min(voc_text::ANALYZE_KEYWORDS)]);
        self.sentiment.append_value(a.sentiment.score);
        self.label.append_value(a.sentiment.label);
        append_strings(&mut self.evidence, &a.sentiment.evidence);
        self.intent.append_value(&a.intent.label);
        append_strings(&mut self.tags, &a.tags);
        self.aspects.append(&a.aspects);
        self.has_pii.append_value(!a.pii.is_empty());
        self.masked.append_value(&a.masked);
        append_strings(&mut self.order_ids, &a.order_ids);
        self.truncated.append_value(a.truncated);
    }
}

impl BuildArray for AnalysisBuilder {
    fn append_null(&mut self) {
        self.valid.push(false);
        self.tokens.append_null();
        self.keywords.append_null();
        self.sentiment.append_null();
        self.label.append_null();
        self.evidence.append_null();
        self.intent.append_null();
        self.tags.append_null();
        self.aspects.append_null();
        self.has_pii.append_null();
        self.masked.append_null();
        self.order_ids.append_null();
        self.truncated.append_null();
    }

    fn build(&mut self) -> datafusion::common::Result<ArrayRef> {
        let cols: Vec<ArrayRef> = vec![
            self.tokens.build()?,
            self.keywords.build()?,
            self.sentiment.build()?,
            self.label.build()?,
            self.evidence.build()?,
            self.intent.build()?,
            self.tags.build()?,
            self.aspects.build()?,
            self.has_pii.build()?,
            self.masked.build()?,
            self.order_ids.build()?,
            self.truncated.build()?,
        ];
        let nulls = NullBuffer::from(std::mem::take(&mut self.valid));
        let nulls = Some(nulls).filter(|n| n.null_count() > 0);
        Ok(Arc::new(StructArray::try_new(analysis_fields(), cols, nulls)?))
    }
}

/// `STRUCT<tokens, keywords, …>` ([`analysis_fields`]).
pub struct AnalysisStruct;

impl Column for AnalysisStruct {
    type Builder = AnalysisBuilder;
    fn data_type() -> DataType {
        DataType::Struct(analysis_fields())
    }
    fn builder(rows: usize) -> AnalysisBuilder {
        AnalysisBuilder::with_capacity(rows)
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct AnalyzeText;

impl TextFunction for AnalyzeText {
    const NAME: &'static str = "analyze_text";
    const DOC: Doc = Doc {
        signature: "analyze_text(text VARCHAR)",
        returns: "STRUCT<tokens, keywords, sentiment, sentiment_label, sentiment_evidence, intent, tags, aspects, has_pii, masked, order_ids, truncated>",
        doc: "Everything above from one segmentation pass; each field equals its single function. Every function reads a text's first max_chars characters (config/limits.toml, 20,000): truncated says a text was longer, and masked then ends with …[truncated]",
        example: "SELECT shop_id, analyze_text(content)['intent'], analyze_text(content)['tags'] FROM chat_messages LIMIT 10",
    };
    type Column = AnalysisStruct;

    fn append(analyzer: &voc_text::Analyzer, text: &str, out: &mut AnalysisBuilder) {
        out.append(analyzer, text);
    }
}
