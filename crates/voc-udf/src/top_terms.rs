//! `top_terms(list, k)` (aggregate): the k most frequent terms over the
//! lists of a group, most frequent first (ties by term), for keyword
//! roll-ups such as `SELECT shop_id, top_terms(keywords(content, 5), 10) … GROUP BY shop_id`.
//! Memory per group is one counter per distinct term.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type, UInt64Type};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Documentation, Signature, Volatility};

use crate::kernel::{for_each_str, string_list_type, Doc};

/// k when the call gives none.
const DEFAULT_K: usize = 10;

/// Its documentation (`voc functions` and DataFusion print it).
const DOC: Doc = Doc {
    signature: "top_terms(terms LIST<VARCHAR>, k INT DEFAULT 10)",
    returns: "LIST<VARCHAR> (aggregate)",
    doc: "Aggregate: the k most frequent terms over the lists of a group, most frequent first (ties by term)",
    example: "SELECT shop_id, top_terms(keywords(content, 5), 10) FROM chat_messages GROUP BY shop_id",
};

#[derive(Debug)]
pub struct TopTerms {
    signature: Signature,
    doc: Option<Documentation>,
}

impl PartialEq for TopTerms {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for TopTerms {}
impl std::hash::Hash for TopTerms {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "top_terms".hash(state);
    }
}

impl TopTerms {
    pub fn udaf() -> AggregateUDF {
        AggregateUDF::new_from_impl(Self {
            signature: Signature::user_defined(Volatility::Immutable),
            doc: Some(DOC.documentation()),
        })
    }
}

impl AggregateUDFImpl for TopTerms {
    fn name(&self) -> &str {
        "top_terms"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let list = match arg_types.first() {
            Some(DataType::List(f) | DataType::LargeList(f))
                if matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) =>
            {
                string_list_type()
            }
            Some(DataType::Null) => string_list_type(),
            Some(other) => return plan_err!("top_terms(list, k): expected a list of strings, found {other}"),
            None => return plan_err!("top_terms(list, k): expected 1 or 2 arguments, found none"),
        };
        match arg_types.len() {
            1 => Ok(vec![list]),
            2 if arg_types[1].is_integer() => Ok(vec![list, DataType::Int64]),
            2 => plan_err!("top_terms(list, k): k must be an integer, found {}", arg_types[1]),
            n => plan_err!("top_terms(list, k): expected 1 or 2 arguments, found {n}"),
        }
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(string_list_type())
    }
    fn accumulator(&self, _args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(TopTermsAcc::default()))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let counts = DataType::List(Arc::new(Field::new_list_field(DataType::UInt64, true)));
        Ok(vec![
            Arc::new(Field::new(format!("{}[terms]", args.name), string_list_type(), true)),
            Arc::new(Field::new(format!("{}[counts]", args.name), counts, true)),
            Arc::new(Field::new(format!("{}[k]", args.name), DataType::Int64, true)),
        ])
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.doc.as_ref()
    }
}

#[derive(Debug, Default)]
struct TopTermsAcc {
    counts: HashMap<String, u64>,
    k: Option<usize>,
}

impl TopTermsAcc {
    fn take_k(&mut self, k: Option<&ArrayRef>) {
        if self.k.is_some() {
            return;
        }
        if let Some(k) = k {
            let k = k.as_primitive::<Int64Type>();
            if let Some(v) = k.iter().flatten().next() {
                self.k = Some(v.clamp(0, 10_000) as usize);
            }
        }
    }
}

impl Accumulator for TopTermsAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.take_k(values.get(1));
        let lists = values[0].as_list::<i32>();
        for row in lists.iter().flatten() {
            for_each_str(&row, |t| {
                if let Some(t) = t {
                    match self.counts.get_mut(t) {
                        Some(c) => *c += 1,
                        None => {
                            self.counts.insert(t.to_string(), 1);
                        }
                    }
                }
            })?;
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.take_k(states.get(2));
        let terms = states[0].as_list::<i32>();
        let counts = states[1].as_list::<i32>();
        for (t, c) in terms.iter().zip(counts.iter()) {
            let (Some(t), Some(c)) = (t, c) else { continue };
            let c = c.as_primitive::<UInt64Type>();
            let mut i = 0;
            for_each_str(&t, |term| {
                if let Some(term) = term {
                    *self.counts.entry(term.to_string()).or_default() += c.value(i);
                }
                i += 1;
            })?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let (terms, counts): (Vec<ScalarValue>, Vec<ScalarValue>) = self
            .counts
            .iter()
            .map(|(t, c)| (ScalarValue::Utf8(Some(t.clone())), ScalarValue::UInt64(Some(*c))))
            .unzip();
        Ok(vec![
            ScalarValue::List(ScalarValue::new_list_nullable(&terms, &DataType::Utf8)),
            ScalarValue::List(ScalarValue::new_list_nullable(&counts, &DataType::UInt64)),
            ScalarValue::Int64(self.k.map(|k| k as i64)),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut all: Vec<(&String, &u64)> = self.counts.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let top: Vec<ScalarValue> = all
            .into_iter()
            .take(self.k.unwrap_or(DEFAULT_K))
            .map(|(t, _)| ScalarValue::Utf8(Some(t.clone())))
            .collect();
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&top, &DataType::Utf8)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self.counts.capacity() * (std::mem::size_of::<(String, u64)>() + 1)
            + self.counts.keys().map(|k| k.capacity()).sum::<usize>()
    }
}
