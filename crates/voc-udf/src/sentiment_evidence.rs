//! `sentiment_evidence(text)`: the cues that decided the sentiment.

use datafusion::arrow::array::{ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    SentimentEvidence,
    "sentiment_evidence",
    string_list_type(),
    ListBuilder<StringBuilder>,
    |rows| string_list_builder(rows),
    |analyzer, text, out| append_strings(out, &analyzer.sentiment(text).evidence)
);
