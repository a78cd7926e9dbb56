//! `keywords(text, k)`: the top-k keywords of a text (TF-IDF with the
//! domain IDF, stop words removed). `k` defaults to 5 when omitted.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{plan_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use voc_text::Analyzer;

use crate::kernel::{
    append_strings, arrays, columnar, for_each_str, string_list_builder, string_list_type, BuildArray, Doc,
};

/// Largest k accepted: keyword lists are summaries, not token dumps.
const MAX_K: i64 = 100;

/// Its documentation (`voc functions` and DataFusion print it).
const DOC: Doc = Doc {
    signature: "keywords(text VARCHAR, k INT DEFAULT 5)",
    returns: "LIST<VARCHAR>",
    doc: "Top-k TF-IDF keywords; service boilerplate (亲, 您好, 请问) weighs little and stop words never appear",
    example: "SELECT keywords('亲，这款羽绒服充绒量是多少，会不会钻绒', 3)",
};

pub struct Keywords {
    analyzer: Arc<Analyzer>,
    signature: Signature,
    doc: Option<Documentation>,
}

impl Keywords {
    pub fn udf(analyzer: Arc<Analyzer>) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            analyzer,
            signature: Signature::user_defined(Volatility::Immutable),
            doc: Some(DOC.documentation()),
        })
    }
}

impl std::fmt::Debug for Keywords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keywords")
    }
}

impl PartialEq for Keywords {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.analyzer, &other.analyzer)
    }
}
impl Eq for Keywords {}
impl std::hash::Hash for Keywords {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "keywords".hash(state);
    }
}

impl ScalarUDFImpl for Keywords {
    fn name(&self) -> &str {
        "keywords"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let text = match arg_types.first() {
            Some(t @ (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)) => t.clone(),
            Some(DataType::Null) => DataType::Utf8,
            Some(other) => return plan_err!("keywords(text, k): text must be a string, found {other}"),
            None => return plan_err!("keywords(text, k): expected 1 or 2 arguments, found none"),
        };
        match arg_types.len() {
            1 => Ok(vec![text]),
            2 if arg_types[1].is_integer() || arg_types[1] == DataType::Null => Ok(vec![text, DataType::Int64]),
            2 => plan_err!("keywords(text, k): k must be an integer, found {}", arg_types[1]),
            n => plan_err!("keywords(text, k): expected 1 or 2 arguments, found {n}"),
        }
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(string_list_type())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let (arrays, scalar) = arrays(&args)?;
        let ks = arrays.get(1).map(|a| a.as_primitive::<Int64Type>().clone());
        let mut out = string_list_builder(arrays[0].len());
        let mut row = 0usize;
        for_each_str(&arrays[0], |v| {
            let k = match &ks {
                None => Some(5),
                Some(ks) if ks.is_null(row) => None,
                Some(ks) => Some(ks.value(row).clamp(0, MAX_K)),
            };
            match (v, k) {
                (Some(text), Some(k)) => append_strings(&mut out, &self.analyzer.keywords(text, k as usize)),
                _ => out.append_null(),
            }
            row += 1;
        })?;
        columnar(out.build()?, scalar)
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.doc.as_ref()
    }
}
