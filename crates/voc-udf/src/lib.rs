//! voc's SQL functions: DataFusion UDFs over Arrow arrays that call
//! `voc-text`. One `register_all` is used everywhere SQL runs (`voc run`,
//! `voc sql`, later the Ballista executors), so every place knows the same
//! functions by the same names. No business rules live here: they are in
//! the rule files `voc-text` loads.

use std::sync::Arc;

use datafusion::execution::FunctionRegistry;
use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use voc_text::Analyzer;

mod analyze_text;
mod aspects;
mod extract_order_ids;
mod has_pii;
mod intent;
mod kernel;
mod keywords;
mod local_time;
mod mask_pii;
mod match_words;
mod normalize_question;
mod segment;
mod sentiment;
mod sentiment_evidence;
mod sentiment_label;
mod sorted_list;
mod tags;
mod top_terms;

pub use analyze_text::analysis_fields;
use kernel::TextUdf;

/// The section voc's functions are listed under.
pub const DOC_SECTION: datafusion::logical_expr::DocSection = datafusion::logical_expr::DocSection {
    include: true,
    label: "voc text functions",
    description: Some("Chinese customer-service text analytics (voc-text)"),
};

/// The text functions of one string argument (each a [`kernel::TextFunction`]), sharing one
/// analyzer.
pub fn text_udfs(analyzer: Arc<Analyzer>) -> Vec<ScalarUDF> {
    vec![
        TextUdf::<segment::Segment>::udf(analyzer.clone()),
        TextUdf::<sentiment::Sentiment>::udf(analyzer.clone()),
        TextUdf::<sentiment_label::SentimentLabel>::udf(analyzer.clone()),
        TextUdf::<sentiment_evidence::SentimentEvidence>::udf(analyzer.clone()),
        TextUdf::<intent::Intent>::udf(analyzer.clone()),
        TextUdf::<tags::Tags>::udf(analyzer.clone()),
        TextUdf::<aspects::Aspects>::udf(analyzer.clone()),
        TextUdf::<mask_pii::MaskPii>::udf(analyzer.clone()),
        TextUdf::<has_pii::HasPii>::udf(analyzer.clone()),
        TextUdf::<extract_order_ids::ExtractOrderIds>::udf(analyzer.clone()),
        TextUdf::<normalize_question::NormalizeQuestion>::udf(analyzer.clone()),
        TextUdf::<analyze_text::AnalyzeText>::udf(analyzer),
    ]
}

/// Every scalar function, sharing one analyzer: the text functions, then those of more
/// arguments.
pub fn scalar_udfs(analyzer: Arc<Analyzer>) -> Vec<ScalarUDF> {
    let mut all = text_udfs(analyzer.clone());
    all.extend([keywords::Keywords::udf(analyzer), match_words::MatchWords::udf(), local_time::LocalTime::udf()]);
    all
}

/// Every aggregate function.
pub fn aggregate_udfs() -> Vec<AggregateUDF> {
    vec![top_terms::TopTerms::udaf(), sorted_list::SortedList::udaf()]
}

/// Registers every voc function with a session (or any function registry).
pub fn register_all(registry: &mut dyn FunctionRegistry, analyzer: Arc<Analyzer>) -> datafusion::common::Result<()> {
    for f in scalar_udfs(analyzer) {
        registry.register_udf(Arc::new(f))?;
    }
    for f in aggregate_udfs() {
        registry.register_udaf(Arc::new(f))?;
    }
    Ok(())
}
