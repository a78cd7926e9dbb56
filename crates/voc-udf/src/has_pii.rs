//! `has_pii(text)`: true when the text holds personal data that mask_pii would mask.

use datafusion::arrow::array::BooleanBuilder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(HasPii, "has_pii", DataType::Boolean, BooleanBuilder, |rows| bool_builder(rows), |analyzer, text, out| {
    out.append_value(analyzer.has_pii(text))
});
