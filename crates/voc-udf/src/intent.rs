//! `intent(text)`: presale / aftersale / logistics / refund_return / complaint / chitchat / other.

use datafusion::arrow::array::StringBuilder;
use datafusion::arrow::datatypes::DataType;

use crate::kernel::*;

text_kernel!(Intent, "intent", DataType::Utf8, StringBuilder, |rows| string_builder(rows), |analyzer, text, out| out
    .append_value(analyzer.intent(text).label));
