//! `segment(text)`: jieba accurate mode with HMM plus the domain dictionary.

use datafusion::arrow::array::{ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    Segment,
    "segment",
    string_list_type(),
    ListBuilder<StringBuilder>,
    |rows| string_list_builder(rows),
    |analyzer, text, out| append_strings(out, &analyzer.segment(text))
);
