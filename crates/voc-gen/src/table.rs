//! Rows of loosely typed values → Arrow batches → zstd Parquet bytes.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Decimal128Builder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use voc_contract::{Result, VocError};

/// One cell.
#[derive(Clone, Debug)]
pub enum V {
    S(String),
    St(&'static str),
    N,
    T(i64),
    I(i32),
    L(i64),
    D(i128),
    B(bool),
    F(f64),
}

/// Rows per Parquet file before a table is split into part-00001, ….
pub const ROWS_PER_FILE: usize = 1_000_000;

fn batch(schema: &SchemaRef, rows: &[Vec<V>]) -> Result<RecordBatch> {
    let n = rows.len();
    let mut cols: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (ci, f) in schema.fields().iter().enumerate() {
        let bad = |v: &V| VocError::internal(format!("voc-gen: column {} ({}) got {v:?}", f.name(), f.data_type()));
        let arr: ArrayRef = match f.data_type() {
            DataType::Utf8 => {
                let bytes: usize = rows
                    .iter()
                    .map(|r| match &r[ci] {
                        V::S(s) => s.len(),
                        V::St(s) => s.len(),
                        _ => 0,
                    })
                    .sum();
                let mut b = StringBuilder::with_capacity(n, bytes);
                for r in rows {
                    match &r[ci] {
                        V::S(s) => b.append_value(s),
                        V::St(s) => b.append_value(s),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int32 => {
                let mut b = Int32Builder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::I(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Int64 => {
                let mut b = Int64Builder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::L(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Float64 => {
                let mut b = Float64Builder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::F(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Boolean => {
                let mut b = BooleanBuilder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::B(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish())
            }
            DataType::Decimal128(p, s) => {
                let mut b = Decimal128Builder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::D(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish().with_precision_and_scale(*p, *s).map_err(|e| VocError::internal(e.to_string()))?)
            }
            DataType::Timestamp(TimeUnit::Millisecond, tz) => {
                let mut b = TimestampMillisecondBuilder::with_capacity(n);
                for r in rows {
                    match &r[ci] {
                        V::T(x) => b.append_value(*x),
                        V::N => b.append_null(),
                        v => return Err(bad(v)),
                    }
                }
                Arc::new(b.finish().with_timezone_opt(tz.clone()))
            }
            other => return Err(VocError::internal(format!("voc-gen: unsupported type {other}"))),
        };
        cols.push(arr);
    }
    RecordBatch::try_new(schema.clone(), cols).map_err(|e| VocError::internal(format!("voc-gen: {e}")))
}

/// voc's Parquet settings ([`voc_contract::parquet`]), written by `voc-gen`.
pub fn props() -> WriterProperties {
    voc_contract::parquet::writer_properties("voc-gen")
}

/// Encodes rows as one or more Parquet files (split every [`ROWS_PER_FILE`] rows).
/// An empty table still yields one (empty) file.
pub fn encode(schema: &SchemaRef, rows: &[Vec<V>]) -> Result<Vec<Vec<u8>>> {
    let mut files = Vec::new();
    let chunks: Vec<&[Vec<V>]> = if rows.is_empty() { vec![rows] } else { rows.chunks(ROWS_PER_FILE).collect() };
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
