//! `sentiment_label(text)`: positive / neutral / negative.

use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    SentimentLabel,
    "sentiment_label",
    DataType::Utf8,
    StringBuilder,
    |rows| string_builder(rows),
    |analyzer, text, out| out.append_value(analyzer.sentiment(text).label)
);
