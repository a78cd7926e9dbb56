//! `aspects(text)`: aspect-level opinions: list of (aspect, polarity, evidence).

use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(
    Aspects,
    "aspects",
    aspect_list_type(),
    AspectListBuilder,
    |rows| AspectListBuilder::with_capacity(rows),
    |analyzer, text, out| out.append(&analyzer.aspects(text))
);
