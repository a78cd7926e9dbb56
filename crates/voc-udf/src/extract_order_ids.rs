//! `extract_order_ids(text)`: order numbers by the per-platform patterns in config; never phone numbers.

use datafusion::arrow::array::{ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    ExtractOrderIds,
    "extract_order_ids",
    string_list_type(),
    ListBuilder<StringBuilder>,
    |rows| string_list_builder(rows),
    |analyzer, text, out| append_strings(out, &analyzer.extract_order_ids(text))
);
