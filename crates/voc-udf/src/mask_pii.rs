//! `mask_pii(text)`: the text with phone numbers, ID cards, bank cards, e-mails, addresses and names masked, shape kept.

use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(MaskPii, "mask_pii", DataType::Utf8, StringBuilder, |rows| string_builder(rows), |analyzer, text, out| {
    out.append_value(analyzer.mask_pii(text))
});
