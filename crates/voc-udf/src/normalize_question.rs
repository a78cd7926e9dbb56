//! `normalize_question(text)`: a canonical form of a customer question, so one question asked many ways groups together.

use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    NormalizeQuestion,
    "normalize_question",
    DataType::Utf8,
    StringBuilder,
    |rows| string_builder(rows),
    |analyzer, text, out| out.append_value(analyzer.normalize_question(text))
);
