//! `sorted_list(value)` (aggregate): the values of a group as a list, in
//! ascending order (structs by their first field, then the next …), so the
//! result does not depend on how rows reached the aggregate.
//!
//! What `array_agg(x ORDER BY x)` returns, for the job SQL that builds
//! evidence lists (QA deductions per session, rule counts per agent). It
//! exists because DataFusion 55's `array_agg` keeps, per group, slices of the
//! batches it merged and charges each group the whole batch to the memory
//! pool: on a day of 100,000 sessions that is terabytes of bookkeeping for
//! megabytes of data, and the run fails with "resources exhausted". This
//! accumulator copies each value (`ScalarValue`), so it is charged what it
//! holds. Meant for small groups (a handful of values each).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Documentation, Signature, Volatility};

use crate::kernel::Doc;

/// Its documentation (`voc functions` and DataFusion print it).
const DOC: Doc = Doc {
    signature: "sorted_list(value ANY)",
    returns: "LIST (aggregate)",
    doc: "(aggregate) The values of a group as a list in ascending order (structs by their fields in order); nulls are left out. For small evidence lists.",
    example: "SELECT session_id, sorted_list(named_struct('rule_id', rule_id, 'points', points)) FROM qa_deductions GROUP BY session_id",
};

#[derive(Debug)]
pub struct SortedList {
    signature: Signature,
    doc: Documentation,
}

impl PartialEq for SortedList {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for SortedList {}
impl std::hash::Hash for SortedList {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "sorted_list".hash(state);
    }
}

impl SortedList {
    pub fn udaf() -> AggregateUDF {
        AggregateUDF::new_from_impl(Self {
            signature: Signature::any(1, Volatility::Immutable),
            doc: DOC.documentation(),
        })
    }
}

fn list_of(t: &DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t.clone(), true)))
}

impl AggregateUDFImpl for SortedList {
    fn name(&self) -> &str {
        "sorted_list"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [t] => Ok(list_of(t)),
            _ => plan_err!("sorted_list(value): expected 1 argument, found {}", arg_types.len()),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(SortedListAcc { item: args.exprs[0].data_type(args.schema)?, values: Vec::new(), size: 0 }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[values]", args.name),
            list_of(args.input_fields[0].data_type()),
            true,
        ))])
    }
    fn documentation(&self) -> Option<&Documentation> {
        Some(&self.doc)
    }
}

#[derive(Debug)]
struct SortedListAcc {
    item: DataType,
    values: Vec<ScalarValue>,
    size: usize,
}

impl SortedListAcc {
    fn push_all(&mut self, array: &ArrayRef) -> Result<()> {
        for i in 0..array.len() {
            if array.is_valid(i) {
                // A struct or list scalar is a slice of the batch: compact it into its own buffers.
                let v = ScalarValue::try_from_array(array, i)?.compacted();
                self.size += v.size();
                self.values.push(v);
            }
        }
        Ok(())
    }
}

impl Accumulator for SortedListAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.push_all(&values[0])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let lists = states[0].as_list::<i32>();
        for list in lists.iter().flatten() {
            self.push_all(&list)?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::List(ScalarValue::new_list_nullable(&self.values, &self.item))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // Total order: partial_cmp where it is defined, else the text form.
        self.values.sort_by(|a, b| a.partial_cmp(b).unwrap_or_else(|| a.to_string().cmp(&b.to_string())));
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&self.values, &self.item)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.size + self.values.capacity() * std::mem::size_of::<ScalarValue>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int64Array, StringArray, StructArray};

    #[test]
    fn structs_come_out_sorted_by_their_first_field_across_merges() {
        let item = DataType::Struct(
            vec![Field::new("id", DataType::Utf8, true), Field::new("n", DataType::Int64, true)].into(),
        );
        let batch = |ids: Vec<&str>, ns: Vec<i64>| -> ArrayRef {
            Arc::new(StructArray::from(vec![
                (Arc::new(Field::new("id", DataType::Utf8, true)), Arc::new(StringArray::from(ids)) as ArrayRef),
                (Arc::new(Field::new("n", DataType::Int64, true)), Arc::new(Int64Array::from(ns)) as ArrayRef),
            ]))
        };
        let mut a = SortedListAcc { item: item.clone(), values: vec![], size: 0 };
        a.update_batch(&[batch(vec!["QA07", "QA01"], vec![15, 10])]).unwrap();
        let mut b = SortedListAcc { item: item.clone(), values: vec![], size: 0 };
        b.update_batch(&[batch(vec!["QA03"], vec![20])]).unwrap();
        let state = b.state().unwrap()[0].to_array().unwrap();
        a.merge_batch(&[state]).unwrap();
        let out = a.evaluate().unwrap();
        let ScalarValue::List(l) = out else { panic!() };
        let ids = l.value(0);
        let ids =
            ids.as_struct().column(0).as_string::<i32>().iter().map(|s| s.unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(ids, ["QA01", "QA03", "QA07"]);
        assert!(a.size() > 0);
    }
}
