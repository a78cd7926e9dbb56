//! `match_words(text, words)`: which of a list of words occur in a text.
//!
//! The general tool for rule files: a QA rule's forbidden phrases or a risk
//! file's complaint words arrive as a `List<Utf8>` column (from a lookup
//! table) and each text is scanned once by an Aho-Corasick automaton built
//! for that list. Automata are cached per distinct list (a rule file has a
//! handful), so rows of a join with several rules do not rebuild them.
//! ASCII letters match case-insensitively; a word that starts or ends with
//! an ASCII letter or digit must not touch another one (12315 inside an
//! order number is not a hit).

use std::sync::{Arc, Mutex};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, plan_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::kernel::{append_strings, arrays, columnar, for_each_str, string_list_builder, string_list_type};

pub struct MatchWords {
    signature: Signature,
    doc: Documentation,
    automaton: Mutex<Vec<(Vec<String>, Arc<AhoCorasick>)>>,
}

impl MatchWords {
    pub fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::user_defined(Volatility::Immutable),
            doc: Documentation::builder(
                crate::DOC_SECTION,
                "The words of a list that occur in a text, each once, in order of first occurrence (for rule files: forbidden phrases, complaint words).",
                "match_words(text, words list) → list of strings",
            )
            .with_sql_example("SELECT match_words('再不处理我就打12315投诉', ['12315', '投诉', '律师'])")
            .build(),
            automaton: Mutex::new(Vec::new()),
        })
    }

    fn automaton(&self, words: &[String]) -> Result<Arc<AhoCorasick>> {
        let mut cache = self
            .automaton
            .lock()
            .map_err(|_| datafusion::error::DataFusionError::Execution("match_words: poisoned".into()))?;
        if let Some((_, ac)) = cache.iter().find(|(k, _)| k.as_slice() == words) {
            return Ok(ac.clone());
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(words.iter().filter(|w| !w.is_empty()))
            .map_err(|e| datafusion::error::DataFusionError::Execution(format!("match_words: {e}")))?;
        let ac = Arc::new(ac);
        if cache.len() >= MAX_CACHED {
            cache.remove(0);
        }
        cache.push((words.to_vec(), ac.clone()));
        Ok(ac)
    }
}

/// Distinct word lists whose automata are kept.
const MAX_CACHED: usize = 64;

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

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('０'..='９').contains(&c)
}

/// Distinct matched words of `list`, in order of first occurrence.
fn matches(ac: &AhoCorasick, words: &[String], text: &str) -> Vec<String> {
    let kept: Vec<&String> = words.iter().filter(|w| !w.is_empty()).collect();
    let mut found: Vec<(usize, u32)> = Vec::new();
    for m in ac.find_overlapping_iter(text) {
        let id = m.pattern().as_u32();
        let w = kept[id as usize];
        if w.starts_with(alnum) && text[..m.start()].chars().next_back().is_some_and(alnum) {
            continue;
        }
        if w.ends_with(alnum) && text[m.end()..].chars().next().is_some_and(alnum) {
            continue;
        }
        if !found.iter().any(|(_, i)| *i == id) {
            found.push((m.start(), id));
        }
    }
    found.sort();
    found.into_iter().map(|(_, id)| kept[id as usize].clone()).collect()
}

fn list_words(list: &ListArray, row: usize, out: &mut Vec<String>) -> Result<bool> {
    out.clear();
    if list.is_null(row) {
        return Ok(false);
    }
    let values = list.value(row);
    for_each_str(&values, |w| {
        if let Some(w) = w {
            out.push(w.to_string());
        }
    })?;
    Ok(true)
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
        let lists: &ListArray = match arrays[1].data_type() {
            DataType::List(_) => arrays[1].as_list::<i32>(),
            other => return exec_err!("match_words: words must be a list of strings, found {other}"),
        };
        let mut out = string_list_builder(arrays[0].len());
        let mut words = Vec::new();
        let mut seen: Vec<(Vec<String>, Arc<AhoCorasick>)> = Vec::new();
        let mut row = 0usize;
        let mut failure = None;
        for_each_str(&arrays[0], |text| {
            if failure.is_some() {
                out.append_null();
                return;
            }
            let have_list = match list_words(lists, row, &mut words) {
                Ok(b) => b,
                Err(e) => {
                    failure = Some(e);
                    false
                }
            };
            row += 1;
            let (Some(text), true) = (text, have_list) else {
                out.append_null();
                return;
            };
            let at = match seen.iter().position(|(k, _)| *k == words) {
                Some(i) => i,
                None => match self.automaton(&words) {
                    Ok(ac) => {
                        seen.push((words.clone(), ac));
                        seen.len() - 1
                    }
                    Err(e) => {
                        failure = Some(e);
                        out.append_null();
                        return;
                    }
                },
            };
            let (k, ac) = &seen[at];
            append_strings(&mut out, &matches(ac, k, text));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, words: &[&str]) -> Vec<String> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .build(words.iter().filter(|w| !w.is_empty()))
            .unwrap();
        matches(&ac, &words, text)
    }

    #[test]
    fn finds_each_word_once_in_order_of_first_occurrence() {
        assert_eq!(run("我要投诉！律师函，再投诉", &["律师", "投诉", "曝光"]), ["投诉", "律师"]);
        assert_eq!(run("订单123153456已发货", &["12315"]), Vec::<String>::new());
        assert_eq!(run("打12315了", &["12315"]), ["12315"]);
        assert_eq!(run("SB客服", &["sb", ""]), ["sb"]);
        assert_eq!(run("", &["a"]), Vec::<String>::new());
    }
}
