//! `match_words(text, words)`: which of a list of words occur in a text.
//!
//! The general tool for rule files: a QA rule's forbidden phrases or a risk
//! file's complaint words arrive as a `List<Utf8>` column (from a lookup
//! table) and each text is scanned once by a [`voc_text::WordMatcher`] built
//! for that list (ASCII case-insensitive, ASCII words not inside longer
//! ASCII runs). Matchers are cached per distinct list (a rule file has a
//! handful), so rows of a join with several rules do not rebuild them, and a
//! row's list is compared with the cached ones in place, without copying it.

use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, plan_err, DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use voc_text::WordMatcher;

use crate::kernel::{append_strings, arrays, columnar, for_each_str, string_list_builder, string_list_type, Doc};

/// Distinct word lists whose matchers are kept.
const MAX_CACHED: usize = 64;

type Cached = (Vec<String>, Arc<WordMatcher>);

/// Its documentation (`voc functions` and DataFusion print it).
const DOC: Doc = Doc {
    signature: "match_words(text VARCHAR, words LIST<VARCHAR>)",
    returns: "LIST<VARCHAR>",
    doc: "The words of a list that occur in a text, each once, in order of first occurrence (for rule files: forbidden phrases, complaint words).",
    example: "SELECT match_words('再不处理我就打12315投诉', ['12315', '投诉', '律师'])",
};

pub struct MatchWords {
    signature: Signature,
    doc: Documentation,
    matchers: Mutex<Vec<Cached>>,
}

impl MatchWords {
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::user_defined(Volatility::Immutable),
            doc: DOC.documentation(),
            matchers: Mutex::new(Vec::new()),
        })
    }

    /// The shared matcher of `words`, built on first use.
    fn matcher(&self, words: Vec<String>) -> Result<Cached> {
        let mut cache = self.matchers.lock().map_err(|_| DataFusionError::Execution("match_words: poisoned".into()))?;
        if let Some(c) = cache.iter().find(|(k, _)| *k == words) {
            return Ok(c.clone());
        }
        let m =
            Arc::new(WordMatcher::new(&words).map_err(|e| DataFusionError::Execution(format!("match_words: {e}")))?);
        if cache.len() >= MAX_CACHED {
            cache.remove(0);
        }
        cache.push((words.clone(), m.clone()));
        Ok((words, m))
    }
}

impl std::fmt::Debug for MatchWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchWords")
    }
}
impl PartialEq for MatchWords {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for MatchWords {}
impl std::hash::Hash for MatchWords {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "match_words".hash(state);
    }
}

/// The non-null words of a list row, in place.
fn row_words(values: &datafusion::arrow::array::StringArray, from: usize, to: usize) -> impl Iterator<Item = &str> {
    (from..to).filter(|&i| values.is_valid(i)).map(|i| values.value(i))
}

impl ScalarUDFImpl for MatchWords {
    fn name(&self) -> &str {
        "match_words"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let [text, words] = arg_types else {
            return plan_err!("match_words(text, words): expected 2 arguments, found {}", arg_types.len());
        };
        let text = match text {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => text.clone(),
            DataType::Null => DataType::Utf8,
            other => return plan_err!("match_words(text, words): text must be a string, found {other}"),
        };
        match words {
            DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)
                if matches!(
                    f.data_type(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
                ) =>
            {
                Ok(vec![text, string_list_type()])
            }
            DataType::Null => Ok(vec![text, string_list_type()]),
            other => plan_err!("match_words(text, words): words must be a list of strings, found {other}"),
        }
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(string_list_type())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let (arrays, scalar) = arrays(&args)?;
        let lists = match arrays[1].data_type() {
            DataType::List(f) if f.data_type() == &DataType::Utf8 => arrays[1].as_list::<i32>(),
            other => return exec_err!("match_words: words must be a list of strings, found {other}"),
        };
        let values = lists.values().as_string::<i32>();
        let offsets = lists.value_offsets();
        let mut out = string_list_builder(arrays[0].len());
        // The matchers this batch used; rows of one batch nearly always share a list or two.
        let mut seen: Vec<Cached> = Vec::new();
        let mut row = 0usize;
        let mut failure = None;
        for_each_str(&arrays[0], |text| {
            let r = row;
            row += 1;
            let (Some(text), false, None) = (text, lists.is_null(r), failure.as_ref()) else {
                out.append_null();
                return;
            };
            let (from, to) = (offsets[r] as usize, offsets[r + 1] as usize);
            let same = |k: &Vec<String>| k.iter().map(String::as_str).eq(row_words(values, from, to));
            let at = match seen.iter().position(|(k, _)| same(k)) {
                Some(i) => i,
                None => match self.matcher(row_words(values, from, to).map(String::from).collect()) {
                    Ok(c) => {
                        seen.push(c);
                        seen.len() - 1
                    }
                    Err(e) => {
                        failure = Some(e);
                        out.append_null();
                        return;
                    }
                },
            };
            append_strings(&mut out, &seen[at].1.find(text));
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        let result: ArrayRef = datafusion::arrow::array::ArrayBuilder::finish(&mut out);
        columnar(result, scalar)
    }
    fn documentation(&self) -> Option<&Documentation> {
        Some(&self.doc)
    }
}
