//! Rows of loosely typed cells → Arrow batches → zstd Parquet bytes.

use std::sync::Arc;

use arrow::array::{ArrayRef, ArrowPrimitiveType, BooleanBuilder, PrimitiveArray, PrimitiveBuilder, StringBuilder};
use arrow::datatypes::{
    DataType, Decimal128Type, Field, Float64Type, Int32Type, Int64Type, Schema, SchemaRef, TimeUnit,
    TimestampMillisecondType,
};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use voc_contract::{Result, VocError};

/// One cell of a row; its column's type in the schema decides which variants it takes.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Utf8
    Text(String),
    /// Utf8, from a fixed vocabulary
    Static(&'static str),
    /// NULL, in a column of any type
    Null,
    /// Timestamp(ms), UTC milliseconds
    Timestamp(i64),
    /// Int32
    Int(i32),
    /// Int64
    Long(i64),
    /// Decimal128, the unscaled value (cents of a money column)
    Decimal(i128),
    /// Boolean
    Bool(bool),
    /// Float64
    Float(f64),
}

impl Cell {
    /// A money amount in cents, for a Decimal128 column of scale 2.
    pub fn cents(cents: i64) -> Cell {
        Cell::Decimal(cents as i128)
    }

    pub fn timestamp_or_null(t: Option<i64>) -> Cell {
        t.map(Cell::Timestamp).unwrap_or(Cell::Null)
    }

    pub fn text_or_null(s: Option<String>) -> Cell {
        s.map(Cell::Text).unwrap_or(Cell::Null)
    }
}

/// A row of cells, in its table's column order.
pub type Row = Vec<Cell>;

/// Rows per Parquet file before a table is split into part-00001, ….
pub const ROWS_PER_FILE: usize = 1_000_000;

fn batch(schema: &SchemaRef, rows: &[Row]) -> Result<RecordBatch> {
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (ci, f) in schema.fields().iter().enumerate() {
        let arr: ArrayRef = match f.data_type() {
            DataType::Utf8 => Arc::new(strings(rows, ci, f)?),
            DataType::Int32 => Arc::new(primitive::<Int32Type>(rows, ci, f, |c| match c {
                Cell::Int(x) => Some(*x),
                _ => None,
            })?),
            DataType::Int64 => Arc::new(primitive::<Int64Type>(rows, ci, f, |c| match c {
                Cell::Long(x) => Some(*x),
                _ => None,
            })?),
            DataType::Float64 => Arc::new(primitive::<Float64Type>(rows, ci, f, |c| match c {
                Cell::Float(x) => Some(*x),
                _ => None,
            })?),
            DataType::Boolean => Arc::new(booleans(rows, ci, f)?),
            DataType::Decimal128(p, s) => {
                let a = primitive::<Decimal128Type>(rows, ci, f, |c| match c {
                    Cell::Decimal(x) => Some(*x),
                    _ => None,
                })?;
                Arc::new(a.with_precision_and_scale(*p, *s).map_err(|e| VocError::internal(e.to_string()))?)
            }
            DataType::Timestamp(TimeUnit::Millisecond, tz) => {
                let a = primitive::<TimestampMillisecondType>(rows, ci, f, |c| match c {
                    Cell::Timestamp(x) => Some(*x),
                    _ => None,
                })?;
                Arc::new(a.with_timezone_opt(tz.clone()))
            }
            other => return Err(VocError::internal(format!("voc-gen: unsupported type {other}"))),
        };
        cols.push(arr);
    }
    RecordBatch::try_new(schema.clone(), cols).map_err(|e| VocError::internal(format!("voc-gen: {e}")))
}

fn bad(f: &Field, c: &Cell) -> VocError {
    VocError::internal(format!("voc-gen: column {} ({}) got {c:?}", f.name(), f.data_type()))
}

/// Column `ci` of a Utf8 field.
fn strings(rows: &[Row], ci: usize, f: &Field) -> Result<arrow::array::StringArray> {
    let bytes: usize = rows
        .iter()
        .map(|r| match &r[ci] {
            Cell::Text(s) => s.len(),
            Cell::Static(s) => s.len(),
            _ => 0,
        })
        .sum();
    let mut b = StringBuilder::with_capacity(rows.len(), bytes);
    for r in rows {
        match &r[ci] {
            Cell::Text(s) => b.append_value(s),
            Cell::Static(s) => b.append_value(s),
            Cell::Null => b.append_null(),
            c => return Err(bad(f, c)),
        }
    }
    Ok(b.finish())
}

/// Column `ci` of a Boolean field.
fn booleans(rows: &[Row], ci: usize, f: &Field) -> Result<arrow::array::BooleanArray> {
    let mut b = BooleanBuilder::with_capacity(rows.len());
    for r in rows {
        match &r[ci] {
            Cell::Bool(x) => b.append_value(*x),
            Cell::Null => b.append_null(),
            c => return Err(bad(f, c)),
        }
    }
    Ok(b.finish())
}

/// Column `ci` of a primitive field; `value` takes the cells of its type.
fn primitive<T: ArrowPrimitiveType>(
    rows: &[Row],
    ci: usize,
    f: &Field,
    value: impl Fn(&Cell) -> Option<T::Native>,
) -> Result<PrimitiveArray<T>> {
    let mut b = PrimitiveBuilder::<T>::with_capacity(rows.len());
    for r in rows {
        match (&r[ci], value(&r[ci])) {
            (_, Some(x)) => b.append_value(x),
            (Cell::Null, None) => b.append_null(),
            (c, None) => return Err(bad(f, c)),
        }
    }
    Ok(b.finish())
}

/// voc's Parquet settings ([`voc_contract::parquet`]), written by `voc-gen`.
pub fn props() -> WriterProperties {
    voc_contract::parquet::writer_properties("voc-gen")
}

/// Encodes rows as one or more Parquet files (split every [`ROWS_PER_FILE`] rows).
/// An empty table still yields one (empty) file.
pub fn encode(schema: &SchemaRef, rows: &[Row]) -> Result<Vec<Vec<u8>>> {
    let mut files = Vec::new();
    let chunks: Vec<&[Row]> = if rows.is_empty() { vec![rows] } else { rows.chunks(ROWS_PER_FILE).collect() };
    for chunk in chunks {
        let b = batch(schema, chunk)?;
        let mut w = ArrowWriter::try_new(Vec::new(), schema.clone(), Some(props()))
            .map_err(|e| VocError::internal(format!("voc-gen: parquet writer: {e}")))?;
        w.write(&b).map_err(|e| VocError::internal(format!("voc-gen: parquet write: {e}")))?;
        files.push(w.into_inner().map_err(|e| VocError::internal(format!("voc-gen: parquet close: {e}")))?);
    }
    Ok(files)
}

/// A schema from (name, type, nullable) triples (truth tables).
pub fn schema_of(cols: &[(&str, DataType, bool)]) -> SchemaRef {
    Arc::new(Schema::new(cols.iter().map(|(n, t, null)| Field::new(*n, t.clone(), *null)).collect::<Vec<_>>()))
}
