//! `tags(text)`: taxonomy tags from config/taxonomy.toml.

use datafusion::arrow::array::{ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    Tags,
    "tags",
    string_list_type(),
    ListBuilder<StringBuilder>,
    |rows| string_list_builder(rows),
    |analyzer, text, out| append_strings(out, &analyzer.tags(text))
);
