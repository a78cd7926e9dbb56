//! `sentiment(text)`: lexicon-and-rules sentiment score in [-1, 1].

use datafusion::arrow::array::Float64Builder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    Sentiment,
    "sentiment",
    DataType::Float64,
    Float64Builder,
    |rows| float_builder(rows),
    |analyzer, text, out| out.append_value(analyzer.sentiment(text).score)
);
