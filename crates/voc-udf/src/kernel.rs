//! The machinery every text function shares: read any string layout
//! (Utf8, LargeUtf8, Utf8View) without copying, keep nulls as nulls, turn
//! all-scalar calls back into a scalar, and build the common result types.
//!
//! A function file supplies only a [`TextFunction`]: its name, documentation, result
//! [`Column`] and what to append for one text.

use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayBuilder, ArrayRef, AsArray, BooleanBuilder, Float64Builder, ListArray, ListBuilder, StringArray,
    StringBuilder, StructArray, UInt32Array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use voc_text::Analyzer;

/// One text function of one string argument: its name and documentation, the SQL type it
/// returns, and what it appends for one text. A function is one file with one of these.
pub trait TextFunction: Debug + PartialEq + Eq + Hash + Send + Sync + 'static {
    /// The name SQL calls it by.
    const NAME: &'static str;
    const DOC: Doc;
    /// The SQL type of its result, and the builder that collects it.
    type Column: Column;
    /// Appends the result for `text` (never null: a null text gives a null row without a call).
    fn append(analyzer: &Analyzer, text: &str, out: &mut <Self::Column as Column>::Builder);
}

/// A result column: its Arrow type and the builder that makes it, tied together so they cannot
/// disagree.
pub trait Column {
    type Builder: BuildArray;
    fn data_type() -> DataType;
    fn builder(rows: usize) -> Self::Builder;
}

/// `VARCHAR`.
pub struct Utf8;
/// `DOUBLE`.
pub struct Float64;
/// `BOOLEAN`.
pub struct Boolean;
/// `LIST<VARCHAR>`.
pub struct Utf8List;
/// `LIST<STRUCT<aspect, polarity, evidence>>`.
pub struct AspectList;

impl Column for Utf8 {
    type Builder = StringBuilder;
    fn data_type() -> DataType {
        DataType::Utf8
    }
    fn builder(rows: usize) -> StringBuilder {
        StringBuilder::with_capacity(rows, rows * 32)
    }
}

impl Column for Float64 {
    type Builder = Float64Builder;
    fn data_type() -> DataType {
        DataType::Float64
    }
    fn builder(rows: usize) -> Float64Builder {
        Float64Builder::with_capacity(rows)
    }
}

impl Column for Boolean {
    type Builder = BooleanBuilder;
    fn data_type() -> DataType {
        DataType::Boolean
    }
    fn builder(rows: usize) -> BooleanBuilder {
        BooleanBuilder::with_capacity(rows)
    }
}

impl Column for Utf8List {
    type Builder = ListBuilder<StringBuilder>;
    fn data_type() -> DataType {
        string_list_type()
    }
    fn builder(rows: usize) -> ListBuilder<StringBuilder> {
        string_list_builder(rows)
    }
}

impl Column for AspectList {
    type Builder = AspectListBuilder;
    fn data_type() -> DataType {
        aspect_list_type()
    }
    fn builder(rows: usize) -> AspectListBuilder {
        AspectListBuilder::with_capacity(rows)
    }
}

/// The documentation of a function, kept next to it: `voc functions` and DataFusion print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    /// `name(arg TYPE, …)`.
    pub signature: &'static str,
    /// The SQL type returned.
    pub returns: &'static str,
    /// One line.
    pub doc: &'static str,
    /// A runnable SQL example.
    pub example: &'static str,
}

impl Doc {
    pub fn documentation(&self) -> Documentation {
        Documentation::builder(crate::DOC_SECTION, self.doc, format!("{} → {}", self.signature, self.returns))
            .with_sql_example(self.example)
            .build()
    }
}

/// A builder of one result column: a null row, and the array of what was appended.
pub trait BuildArray {
    fn append_null(&mut self);
    fn build(&mut self) -> Result<ArrayRef>;
}

macro_rules! build_with_arrow {
    ($($t:ty),*) => {$(
        impl BuildArray for $t {
            fn append_null(&mut self) {
                <$t>::append_null(self)
            }
            fn build(&mut self) -> Result<ArrayRef> {
                Ok(ArrayBuilder::finish(self))
            }
        }
    )*};
}
build_with_arrow!(ListBuilder<StringBuilder>, StringBuilder, Float64Builder, BooleanBuilder);

/// Calls `f` with every value of a string array of any layout, borrowed from it.
pub fn for_each_str<'a>(array: &'a ArrayRef, mut f: impl FnMut(Option<&'a str>)) -> Result<()> {
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().iter().for_each(&mut f),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().for_each(&mut f),
        DataType::Utf8View => array.as_string_view().iter().for_each(&mut f),
        DataType::Null => (0..array.len()).for_each(|_| f(None)),
        other => return exec_err!("expected a string argument (Utf8, LargeUtf8 or Utf8View), found {other}"),
    }
    Ok(())
}

/// Turns the arguments into arrays; remembers whether all were scalars.
pub fn arrays(args: &ScalarFunctionArgs) -> Result<(Vec<ArrayRef>, bool)> {
    let scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
    let rows = if scalar { 1 } else { args.number_rows };
    let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
    Ok((arrays, scalar))
}

/// Wraps a result array back into the shape the call came in.
pub fn columnar(result: ArrayRef, scalar: bool) -> Result<ColumnarValue> {
    if scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&result, 0)?))
    } else {
        Ok(ColumnarValue::Array(result))
    }
}

/// `List<Utf8>` with nullable items named `item`: what ListBuilder makes.
pub fn string_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

pub fn string_list_builder(rows: usize) -> ListBuilder<StringBuilder> {
    ListBuilder::with_capacity(StringBuilder::with_capacity(rows * 4, rows * 16), rows)
}

pub fn append_strings<S: AsRef<str>>(out: &mut ListBuilder<StringBuilder>, items: &[S]) {
    for s in items {
        out.values().append_value(s.as_ref());
    }
    out.append(true);
}

/// Fields of one aspect opinion.
pub fn aspect_fields() -> Fields {
    Fields::from(vec![
        Field::new("aspect", DataType::Utf8, false),
        Field::new("polarity", DataType::Utf8, false),
        Field::new("evidence", DataType::Utf8, false),
    ])
}

pub fn aspect_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Struct(aspect_fields()), true)))
}

/// Builds `List<Struct<aspect, polarity, evidence>>` row by row.
#[derive(Default)]
pub struct AspectListBuilder {
    offsets: Vec<i32>,
    valid: Vec<bool>,
    aspect: Vec<String>,
    polarity: Vec<String>,
    evidence: Vec<String>,
}

impl AspectListBuilder {
    pub fn with_capacity(rows: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Self { offsets, valid: Vec::with_capacity(rows), ..Default::default() }
    }

    pub fn append(&mut self, items: &[voc_text::AspectOpinion]) {
        for a in items {
            self.aspect.push(a.aspect.clone());
            self.polarity.push(a.polarity.clone());
            self.evidence.push(a.evidence.clone());
        }
        self.offsets.push(self.aspect.len() as i32);
        self.valid.push(true);
    }
}

impl BuildArray for AspectListBuilder {
    fn append_null(&mut self) {
        self.offsets.push(self.aspect.len() as i32);
        self.valid.push(false);
    }

    fn build(&mut self) -> Result<ArrayRef> {
        let cols: Vec<ArrayRef> = [&self.aspect, &self.polarity, &self.evidence]
            .iter()
            .map(|v| Arc::new(StringArray::from_iter_values(v.iter())) as ArrayRef)
            .collect();
        let values = StructArray::try_new(aspect_fields(), cols, None)?;
        let nulls = NullBuffer::from(std::mem::take(&mut self.valid));
        let offsets = OffsetBuffer::new(std::mem::replace(&mut self.offsets, vec![0]).into());
        let field = Arc::new(Field::new_list_field(DataType::Struct(aspect_fields()), true));
        self.aspect.clear();
        self.polarity.clear();
        self.evidence.clear();
        let list = ListArray::try_new(field, offsets, Arc::new(values), Some(nulls).filter(|n| n.null_count() > 0))?;
        Ok(Arc::new(list))
    }
}

/// Results of the last few batches, keyed by the input array itself.
///
/// DataFusion's optimizer may turn `a['x'], a['y']` over `a = analyze_text(t)`
/// into one `analyze_text(t)` call per field, each on the same input batch; the
/// cache makes those calls share one analysis. An entry holds its input
/// array alive, so a buffer address can never be reused by another batch
/// while it is the key.
#[derive(Default)]
pub struct BatchCache {
    entries: std::sync::Mutex<std::collections::VecDeque<(datafusion::arrow::array::ArrayData, ArrayRef)>>,
}

/// Entries kept: a few batches per partition on a 2–8 core machine.
const CACHE_ENTRIES: usize = 16;

impl BatchCache {
    pub fn get_or_compute(&self, input: &ArrayRef, compute: impl FnOnce() -> Result<ArrayRef>) -> Result<ArrayRef> {
        let key = input.to_data();
        if let Some((_, out)) = self.entries.lock().expect("not poisoned").iter().find(|(k, _)| k.ptr_eq(&key)) {
            return Ok(out.clone());
        }
        let out = compute()?;
        let mut entries = self.entries.lock().expect("not poisoned");
        if entries.len() >= CACHE_ENTRIES {
            entries.pop_front();
        }
        entries.push_back((key, out.clone()));
        Ok(out)
    }
}

/// A scalar UDF made of a [`TextFunction`] and the shared analyzer.
pub struct TextUdf<K: TextFunction> {
    analyzer: Arc<Analyzer>,
    signature: Signature,
    doc: Option<Documentation>,
    cache: BatchCache,
    _kernel: PhantomData<K>,
}

impl<K: TextFunction> TextUdf<K> {
    pub fn udf(analyzer: Arc<Analyzer>) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            analyzer,
            signature: Signature::string(1, Volatility::Immutable),
            doc: Some(K::DOC.documentation()),
            cache: BatchCache::default(),
            _kernel: PhantomData,
        })
    }
}

impl<K: TextFunction> Debug for TextUdf<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TextUdf({})", K::NAME)
    }
}

impl<K: TextFunction> PartialEq for TextUdf<K> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.analyzer, &other.analyzer)
    }
}
impl<K: TextFunction> Eq for TextUdf<K> {}
impl<K: TextFunction> Hash for TextUdf<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        K::NAME.hash(state);
    }
}

impl<K: TextFunction> ScalarUDFImpl for TextUdf<K> {
    fn name(&self) -> &str {
        K::NAME
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(K::Column::data_type())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let (arrays, scalar) = arrays(&args)?;
        let compute = || compute_distinct::<K>(&self.analyzer, &arrays[0]);
        let result = if scalar { compute()? } else { self.cache.get_or_compute(&arrays[0], compute)? };
        columnar(result, scalar)
    }
    fn documentation(&self) -> Option<&Documentation> {
        self.doc.as_ref()
    }
}

/// The values of a string array of any layout, borrowed from it.
pub fn str_values(array: &ArrayRef) -> Result<Vec<Option<&str>>> {
    let mut values = Vec::with_capacity(array.len());
    for_each_str(array, |v| values.push(v))?;
    Ok(values)
}

/// Runs a kernel over one batch, once per distinct text.
///
/// Customer-service text repeats: quick replies (快捷短语), bot answers, system
/// notices, 好的 / 谢谢 / 在吗. A text met again in the batch costs one hash
/// lookup; its result row is copied (`take`) instead of analysed again. A batch
/// without repeats is computed row by row as before.
pub fn compute_distinct<K: TextFunction>(analyzer: &Analyzer, array: &ArrayRef) -> Result<ArrayRef> {
    let values = str_values(array)?;
    let mut first: HashMap<&str, u32> = HashMap::with_capacity(values.len());
    let mut distinct: Vec<&str> = Vec::new();
    let indices: Vec<Option<u32>> = values
        .iter()
        .map(|v| {
            v.map(|text| {
                *first.entry(text).or_insert_with(|| {
                    distinct.push(text);
                    (distinct.len() - 1) as u32
                })
            })
        })
        .collect();
    let rows_of = |texts: &mut dyn Iterator<Item = Option<&str>>, n: usize| {
        let mut out = K::Column::builder(n);
        for v in texts {
            match v {
                Some(text) => K::append(analyzer, text, &mut out),
                None => out.append_null(),
            }
        }
        out.build()
    };
    let with_text = indices.iter().filter(|i| i.is_some()).count();
    if distinct.is_empty() || distinct.len() == with_text {
        return rows_of(&mut values.iter().copied(), values.len());
    }
    let once = rows_of(&mut distinct.iter().map(|t| Some(*t)), distinct.len())?;
    Ok(take(&once, &UInt32Array::from(indices), None)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kernel applied row by row, as before batches were deduplicated.
    fn row_by_row<K: TextFunction>(analyzer: &Analyzer, array: &ArrayRef) -> ArrayRef {
        let mut out = K::Column::builder(array.len());
        for_each_str(array, |v| match v {
            Some(text) => K::append(analyzer, text, &mut out),
            None => out.append_null(),
        })
        .unwrap();
        out.build().unwrap()
    }

    #[test]
    fn a_batch_with_repeats_gives_what_row_by_row_gives() {
        let analyzer = Analyzer::builtin();
        let texts = [
            Some("好的"),
            None,
            Some("收到的杯子破损了，电话13812345678，我要投诉"),
            Some("好的"),
            Some(""),
            Some("收到的杯子破损了，电话13812345678，我要投诉"),
            None,
            Some("这件衣服质量很好但是物流太慢了"),
            Some(""),
            Some("好的"),
        ];
        let layouts: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(texts.to_vec())),
            Arc::new(datafusion::arrow::array::LargeStringArray::from(texts.to_vec())),
            Arc::new(datafusion::arrow::array::StringViewArray::from(texts.to_vec())),
            Arc::new(StringArray::from(vec![None::<&str>, None])),
            Arc::new(StringArray::from(vec!["一", "二"])),
        ];
        for input in &layouts {
            let a = compute_distinct::<crate::analyze_text::AnalyzeText>(analyzer, input).unwrap();
            assert_eq!(a.as_ref(), row_by_row::<crate::analyze_text::AnalyzeText>(analyzer, input).as_ref());
            assert_eq!(a.null_count(), input.null_count());
            let s = compute_distinct::<crate::segment::Segment>(analyzer, input).unwrap();
            assert_eq!(s.as_ref(), row_by_row::<crate::segment::Segment>(analyzer, input).as_ref());
            let f = compute_distinct::<crate::sentiment::Sentiment>(analyzer, input).unwrap();
            assert_eq!(f.as_ref(), row_by_row::<crate::sentiment::Sentiment>(analyzer, input).as_ref());
        }
    }

    #[test]
    fn the_cache_serves_the_same_array_and_only_it() {
        let cache = BatchCache::default();
        let calls = std::cell::Cell::new(0);
        let compute = |n: i32| {
            calls.set(calls.get() + 1);
            Ok(Arc::new(datafusion::arrow::array::Int32Array::from(vec![n])) as ArrayRef)
        };
        let a: ArrayRef = Arc::new(StringArray::from(vec!["物流太慢"]));
        let same_text_other_array: ArrayRef = Arc::new(StringArray::from(vec!["物流太慢"]));
        cache.get_or_compute(&a, || compute(1)).unwrap();
        let again = cache.get_or_compute(&a.clone(), || compute(2)).unwrap();
        assert_eq!(calls.get(), 1, "same input array: computed once");
        assert_eq!(again.as_primitive::<datafusion::arrow::datatypes::Int32Type>().value(0), 1);
        cache.get_or_compute(&same_text_other_array, || compute(3)).unwrap();
        assert_eq!(calls.get(), 2, "another array is computed, even with equal text");
        let sliced = a.slice(0, 0);
        cache.get_or_compute(&sliced, || compute(4)).unwrap();
        assert_eq!(calls.get(), 3, "a slice of the same buffers is another input");
        for i in 0..CACHE_ENTRIES as i32 {
            let x: ArrayRef = Arc::new(StringArray::from(vec![format!("{i}")]));
            cache.get_or_compute(&x, || compute(i)).unwrap();
        }
        assert_eq!(cache.entries.lock().unwrap().len(), CACHE_ENTRIES, "bounded");
    }
}
