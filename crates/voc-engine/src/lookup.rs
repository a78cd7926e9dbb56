//! Lookup tables: rule files under `config/` read as small SQL tables.
//!
//! A job names them in its file:
//!
//! ```toml
//! [lookups]
//! qa_rules = { file = "config/qa_rules.toml", array = "rules" }
//! ```
//!
//! and its SQL joins `qa_rules` like any table. Each `[[rules]]` entry is a
//! row; the columns are the union of the keys of all entries, typed from
//! their values (string → Utf8, integer → Int64, float → Float64, an integer
//! in a float column → Float64, boolean → Boolean, array of strings →
//! List<Utf8>, array of numbers → List<Float64>); a key an entry leaves out
//! is NULL in its row. So an analyst adds a rule (or a second rule of an
//! existing kind with another threshold) by editing TOML, and the SQL stays
//! the one place where a rule kind is evaluated. A malformed file, or a key
//! whose values disagree in type, is a configuration error with file and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, RecordBatch, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::view::ViewTable;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{col, lit, EmptyRelation, LogicalPlan, LogicalPlanBuilder};
use serde::Deserialize;

use crate::config::{line_col, toml_error};
use crate::error::{Result, VocError};

/// `[lookups] name = { file, array }` in a job file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    /// Path relative to the project, e.g. `config/qa_rules.toml`.
    pub file: String,
    /// The array of tables in that file whose entries are the rows.
    pub array: String,
    /// Columns the SQL reads, with their types (`string`, `int`, `float`,
    /// `bool`, `strings`, `floats`): always present (NULL where an entry
    /// leaves the key out, even when no entry has it) and of that type.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Str,
    Int,
    Float,
    Bool,
    StrList,
    NumList,
}

impl Ty {
    fn of(v: &toml::Value) -> Option<Ty> {
        Some(match v {
            toml::Value::String(_) => Ty::Str,
            toml::Value::Integer(_) => Ty::Int,
            toml::Value::Float(_) => Ty::Float,
            toml::Value::Boolean(_) => Ty::Bool,
            toml::Value::Array(a) => {
                if a.iter().all(|x| x.is_str()) {
                    Ty::StrList
                } else if a.iter().all(|x| x.is_integer() || x.is_float()) {
                    Ty::NumList
                } else {
                    return None;
                }
            }
            _ => return None,
        })
    }

    /// The common type of two entries' values, if there is one.
    fn unify(self, other: Ty) -> Option<Ty> {
        match (self, other) {
            (a, b) if a == b => Some(a),
            (Ty::Int, Ty::Float) | (Ty::Float, Ty::Int) => Some(Ty::Float),
            // An empty array types as StrList; it fits a number list too.
            (Ty::StrList, Ty::NumList) | (Ty::NumList, Ty::StrList) => Some(Ty::NumList),
            _ => None,
        }
    }

    fn parse(name: &str) -> Option<Ty> {
        Some(match name {
            "string" => Ty::Str,
            "int" => Ty::Int,
            "float" => Ty::Float,
            "bool" => Ty::Bool,
            "strings" => Ty::StrList,
            "floats" => Ty::NumList,
            _ => return None,
        })
    }

    fn data_type(self) -> DataType {
        match self {
            Ty::Str => DataType::Utf8,
            Ty::Int => DataType::Int64,
            Ty::Float => DataType::Float64,
            Ty::Bool => DataType::Boolean,
            Ty::StrList => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            Ty::NumList => DataType::List(Arc::new(Field::new("item", DataType::Float64, true))),
        }
    }
}

/// Line of the `n`-th `[[array]]` header in `text` (1-based), for messages.
fn entry_line(text: &str, array: &str, n: usize) -> Option<usize> {
    let header = format!("[[{array}]]");
    let mut seen = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(&header) {
            if seen == n {
                return Some(line_col(text, offset).0);
            }
            seen += 1;
        }
        offset += line.len();
    }
    None
}

/// Reads one lookup as a record batch.
pub fn load(project_dir: &Path, name: &str, spec: &LookupSpec) -> Result<RecordBatch> {
    let path = project_dir.join(&spec.file);
    let rel = Path::new(&spec.file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| VocError::config(format!("{}: lookup '{name}': {e}", rel.display())))?;
    let doc: toml::Table = toml::from_str(&text).map_err(|e| VocError::config(toml_error(rel, &text, &e)))?;
    let rows = match doc.get(&spec.array) {
        Some(toml::Value::Array(rows)) => rows,
        Some(other) => {
            return Err(VocError::config(format!(
                "{}: lookup '{name}': expected [[{}]] entries, found a {}",
                rel.display(),
                spec.array,
                other.type_str()
            )))
        }
        None => {
            return Err(VocError::config(format!(
                "{}: lookup '{name}': expected [[{}]] entries, found none",
                rel.display(),
                spec.array
            )))
        }
    };
    let at = |i: usize| match entry_line(&text, &spec.array, i) {
        Some(l) => format!("{}:{l}", rel.display()),
        None => format!("{} ({}[{i}])", rel.display(), spec.array),
    };
    let mut declared: BTreeMap<&str, Ty> = BTreeMap::new();
    for (k, d) in &spec.columns {
        let Some(want) = Ty::parse(d) else {
            return Err(VocError::config(format!(
                "lookup '{name}': columns.{k}: expected one of string, int, float, bool, strings, floats, found '{d}'"
            )));
        };
        declared.insert(k.as_str(), want);
    }
    let mut tables = Vec::with_capacity(rows.len());
    let mut types: BTreeMap<String, Ty> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(t) = row.as_table() else {
            return Err(VocError::config(format!(
                "{}: expected a table of keys in {}, found a {}",
                at(i),
                spec.array,
                row.type_str()
            )));
        };
        for (k, v) in t {
            let Some(ty) = Ty::of(v) else {
                return Err(VocError::config(format!(
                    "{}: {}.{k}: expected a string, number, boolean or a list of strings or numbers, found {}",
                    at(i),
                    spec.array,
                    v.type_str()
                )));
            };
            if let Some(&want) = declared.get(k.as_str()) {
                if ty.unify(want) != Some(want) {
                    return Err(VocError::config(format!(
                        "{}: {}.{k}: expected {} (declared by the job's lookup '{name}'), found {}",
                        at(i),
                        spec.array,
                        spec.columns[k],
                        v.type_str()
                    )));
                }
            }
            match types.get(k).copied() {
                None => {
                    types.insert(k.clone(), ty);
                    order.push(k.clone());
                }
                Some(prev) => match prev.unify(ty) {
                    Some(u) => {
                        types.insert(k.clone(), u);
                    }
                    None => {
                        return Err(VocError::config(format!(
                            "{}: {}.{k}: expected {:?} like the entries before, found {}",
                            at(i),
                            spec.array,
                            prev.data_type(),
                            v.type_str()
                        )))
                    }
                },
            }
        }
        tables.push(t);
    }
    for (k, &want) in &declared {
        if !types.contains_key(*k) {
            order.push(k.to_string());
        }
        types.insert(k.to_string(), want);
    }
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for k in &order {
        let ty = types[k];
        fields.push(Field::new(k, ty.data_type(), true));
        let values = tables.iter().map(|t| t.get(k));
        columns.push(build(ty, values));
    }
    let schema = Arc::new(Schema::new(fields));
    if order.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    RecordBatch::try_new(schema, columns).map_err(|e| VocError::internal(format!("lookup {name}: {e}")))
}

fn num(v: &toml::Value) -> Option<f64> {
    v.as_float().or_else(|| v.as_integer().map(|i| i as f64))
}

fn build<'a>(ty: Ty, values: impl Iterator<Item = Option<&'a toml::Value>>) -> ArrayRef {
    match ty {
        Ty::Str => {
            let mut b = StringBuilder::new();
            values.for_each(|v| b.append_option(v.and_then(|v| v.as_str())));
            Arc::new(b.finish())
        }
        Ty::Int => {
            let mut b = Int64Builder::new();
            values.for_each(|v| b.append_option(v.and_then(|v| v.as_integer())));
            Arc::new(b.finish())
        }
        Ty::Float => {
            let mut b = Float64Builder::new();
            values.for_each(|v| b.append_option(v.and_then(num)));
            Arc::new(b.finish())
        }
        Ty::Bool => {
            let mut b = BooleanBuilder::new();
            values.for_each(|v| b.append_option(v.and_then(|v| v.as_bool())));
            Arc::new(b.finish())
        }
        Ty::StrList => {
            let mut b = ListBuilder::new(StringBuilder::new());
            for v in values {
                match v.and_then(|v| v.as_array()) {
                    Some(a) => {
                        a.iter().for_each(|x| b.values().append_option(x.as_str()));
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
        Ty::NumList => {
            let mut b = ListBuilder::new(Float64Builder::new());
            for v in values {
                match v.and_then(|v| v.as_array()) {
                    Some(a) => {
                        a.iter().for_each(|x| b.values().append_option(num(x)));
                        b.append(true);
                    }
                    None => b.append(false),
                }
            }
            Arc::new(b.finish())
        }
    }
}

/// Registers every lookup of a job as a view over its rows as literal values (`VALUES`). Not an
/// in-memory table: a plan that reads a lookup must travel to a cluster's scheduler and
/// executors, and literals are part of the plan where an in-memory table's batches are not.
pub fn register(
    ctx: &datafusion::prelude::SessionContext,
    project_dir: &Path,
    lookups: &BTreeMap<String, LookupSpec>,
) -> Result<()> {
    for (name, spec) in lookups {
        let batch = load(project_dir, name, spec)?;
        let plan = values_plan(&batch).map_err(|e| VocError::internal(format!("lookup {name}: {e}")))?;
        ctx.register_table(name.as_str(), Arc::new(ViewTable::new(plan, None)))
            .map_err(|e| VocError::internal(format!("lookup {name}: {e}")))?;
    }
    Ok(())
}

/// The rows of a batch as a `VALUES` plan with the batch's schema (no rows: an empty relation).
fn values_plan(batch: &RecordBatch) -> datafusion::common::Result<LogicalPlan> {
    let schema = Arc::new(DFSchema::try_from(batch.schema())?);
    if batch.num_rows() == 0 {
        return Ok(LogicalPlan::EmptyRelation(EmptyRelation { produce_one_row: false, schema }));
    }
    let rows = (0..batch.num_rows())
        .map(|r| batch.columns().iter().map(|c| Ok(lit(ScalarValue::try_from_array(c, r)?))).collect())
        .collect::<datafusion::common::Result<Vec<Vec<_>>>>()?;
    // VALUES names its columns column1, column2, …: give them the lookup's names.
    let names: Vec<_> =
        schema.fields().iter().enumerate().map(|(i, f)| col(format!("column{}", i + 1)).alias(f.name())).collect();
    LogicalPlanBuilder::values_with_schema(rows, &schema)?.project(names)?.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, Float64Array};

    fn write(dir: &Path, text: &str) -> LookupSpec {
        std::fs::create_dir_all(dir.join("config")).unwrap();
        std::fs::write(dir.join("config/r.toml"), text).unwrap();
        LookupSpec { file: "config/r.toml".into(), array: "rules".into(), columns: BTreeMap::new() }
    }

    #[test]
    fn entries_become_rows_with_the_union_of_keys() {
        let dir = tempfile::tempdir().unwrap();
        let spec = write(
            dir.path(),
            "pass = 80\n[[rules]]\nid = \"A\"\npoints = 5\nwords = [\"x\", \"y\"]\n\n[[rules]]\nid = \"B\"\npoints = 2.5\ncritical = true\n",
        );
        let b = load(dir.path(), "r", &spec).unwrap();
        assert_eq!(b.num_rows(), 2);
        let names: Vec<String> = b.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["id", "points", "words", "critical"]);
        let points = b.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(points.values(), &[5.0, 2.5]);
        assert!(b.column(3).is_null(0) && b.column(3).as_boolean().value(1));
        assert!(b.column(2).is_null(1));
        assert_eq!(b.column(2).as_list::<i32>().value(0).len(), 2);
    }

    #[test]
    fn declared_columns_are_present_and_typed() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = write(dir.path(), "[[rules]]\nid = \"A\"\nlimit = 3\n");
        spec.columns = [("limit", "float"), ("words", "strings")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        let b = load(dir.path(), "r", &spec).unwrap();
        assert_eq!(b.schema().field_with_name("limit").unwrap().data_type(), &DataType::Float64);
        assert!(b.column_by_name("words").unwrap().is_null(0));
        spec.columns = [("id".to_string(), "int".to_string())].into();
        let e = load(dir.path(), "r", &spec).unwrap_err();
        assert!(e.message.contains("config/r.toml:1") && e.message.contains("expected int"), "{}", e.message);
    }

    #[test]
    fn disagreeing_types_and_bad_toml_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let spec = write(dir.path(), "[[rules]]\nid = \"A\"\n\n[[rules]]\nid = 3\n");
        let e = load(dir.path(), "r", &spec).unwrap_err();
        assert!(e.message.contains("config/r.toml:4") && e.message.contains("rules.id"), "{}", e.message);
        let spec = write(dir.path(), "[[rules]]\nid = \"A\n");
        let e = load(dir.path(), "r", &spec).unwrap_err();
        assert!(e.message.starts_with("config/r.toml:2:"), "{}", e.message);
        let spec = write(dir.path(), "[[other]]\nid = 1\n");
        let e = load(dir.path(), "r", &spec).unwrap_err();
        assert!(e.message.contains("expected [[rules]] entries, found none"), "{}", e.message);
    }
}
