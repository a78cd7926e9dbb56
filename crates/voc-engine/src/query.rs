//! Ad-hoc SQL (`voc sql`): every input and output as a table, files and URLs
//! as tables, several statements at once, output as a table, CSV or JSON.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::common::TableReference;
use datafusion::datasource::file_format::FileFormat;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::DFParser;
use datafusion::sql::sqlparser::dialect::GenericDialect;

use crate::catalog::{is_data_file, raw_reference};
use crate::config::Config;
use crate::contract;
use crate::error::{ErrorKind, Result, VocError};
use crate::job::JobSet;
use crate::session::{new_session, register_root};
use crate::sql::sql_error;
use crate::staging::stage_view;
use crate::storage::Root;

/// How `voc sql` prints results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl std::str::FromStr for Format {
    type Err = VocError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(VocError::config(format!("--format: expected table, csv or json, found '{other}'"))),
        }
    }
}

/// What `open` registered, for the prompt's banner and `voc list`.
#[derive(Debug, Default, Clone)]
pub struct Registered {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
    /// Lookup tables of the jobs' rule files.
    pub lookups: Vec<String>,
}

/// A session with every input (staged, all dates) and every output table
/// that exists under the configured roots, plus URL tables.
pub async fn open(cfg: &Config, jobs: Option<&JobSet>) -> Result<(SessionContext, Registered)> {
    let ctx = new_session(cfg)?.enable_url_table();
    let mut reg = Registered::default();
    let params = crate::plan::RunDates::unlagged(cfg.today()).params(cfg.timezone.name(), None);
    if let Some(input) = cfg.input.as_deref() {
        let root = Root::parse(input, false)?;
        register_root(&ctx, &root);
        for table in contract::TABLES {
            if register_all_partitions(&ctx, &root, table, raw_reference(table)).await? {
                stage_view(&ctx, &cfg.project_dir, table, &params).await?;
                reg.inputs.push(table.to_string());
            }
        }
    }
    if let Some(output) = cfg.output.as_deref() {
        let root = Root::parse(output, false)?;
        register_root(&ctx, &root);
        let names: Vec<String> = match jobs {
            Some(j) => j.jobs.values().flat_map(|job| job.output_tables().map(str::to_string)).collect(),
            None => root.list_dirs("").await?.into_iter().filter(|d| !d.starts_with(['_', '.'])).collect(),
        };
        for table in names {
            // Exactly what the committed manifests name: a partition without a complete commit
            // is not read, nor are files a dead run left in a folder.
            let partitions = crate::catalog::committed_partitions(&root, &table).await?;
            if !partitions.is_empty() {
                crate::catalog::register_committed(
                    &ctx,
                    &root,
                    &table,
                    &partitions,
                    TableReference::bare(table.as_str()),
                )
                .await?;
                reg.outputs.push(table);
            }
        }
    }
    // Rule files the jobs read as tables (qa_rules, risk_words …), for trying rules out.
    if let Some(j) = jobs {
        for job in j.jobs.values() {
            crate::lookup::register(&ctx, &cfg.project_dir, &job.spec.lookups)?;
            reg.lookups.extend(job.spec.lookups.keys().cloned());
        }
        reg.lookups.sort();
        reg.lookups.dedup();
    }
    Ok((ctx, reg))
}

/// Registers every `dt=` partition of the input `table` (a shop's dump: every `.parquet` file)
/// as one table; false when the table has no files.
async fn register_all_partitions(
    ctx: &SessionContext,
    root: &Root,
    table: &str,
    reference: TableReference,
) -> Result<bool> {
    let files: Vec<_> = root.list(table).await?.into_iter().filter(is_data_file).collect();
    let Some(newest) = files.iter().max_by(|a, b| a.location.cmp(&b.location)) else {
        return Ok(false);
    };
    let format = crate::catalog::parquet_format(ctx);
    let schema = format
        .infer_schema(&ctx.state(), root.store(), std::slice::from_ref(newest))
        .await
        .map_err(|e| VocError::bad_input(format!("table {table}, file {}: {e}", newest.location)))?;
    let provider = crate::catalog::listing_table(root, table, format, schema)?;
    ctx.register_table(reference, Arc::new(provider)).map_err(|e| VocError::internal(e.to_string()))?;
    Ok(true)
}

/// Runs every `;`-separated statement; returns the batches of each.
pub async fn run_statements(ctx: &SessionContext, text: &str) -> Result<Vec<Vec<RecordBatch>>> {
    let where_ = std::path::Path::new("query");
    let statements = DFParser::parse_sql_with_dialect(text, &GenericDialect {})
        .map_err(|e| VocError::config(format!("query: {e}")))?;
    let mut out = Vec::new();
    for stmt in statements {
        let state = ctx.state();
        let plan = state.statement_to_plan(stmt).await.map_err(|e| sql_error(ErrorKind::Config, where_, text, &e))?;
        let df = ctx.execute_logical_plan(plan).await.map_err(|e| sql_error(ErrorKind::Config, where_, text, &e))?;
        let schema = std::sync::Arc::new(df.schema().as_arrow().clone());
        let mut batches = df.collect().await.map_err(|e| sql_error(ErrorKind::Internal, where_, text, &e))?;
        // A query without rows still has columns: show them (an empty JSON array, a CSV header).
        if batches.is_empty() && !schema.fields().is_empty() {
            batches.push(RecordBatch::new_empty(schema));
        }
        out.push(batches);
    }
    Ok(out)
}

/// Renders batches as a text table, CSV (with header) or a JSON array.
pub fn render(batches: &[RecordBatch], format: Format) -> Result<String> {
    let err = |e: datafusion::arrow::error::ArrowError| VocError::internal(format!("formatting results: {e}"));
    match format {
        Format::Table => Ok(pretty_format_batches(batches).map_err(err)?.to_string()),
        Format::Csv => {
            let mut buf = Vec::new();
            {
                let mut w = datafusion::arrow::csv::WriterBuilder::new().with_header(true).build(&mut buf);
                for b in batches {
                    w.write(&nested_as_json(b)?).map_err(err)?;
                }
            }
            Ok(String::from_utf8_lossy(&buf).into_owned())
        }
        Format::Json => {
            let mut buf = Vec::new();
            {
                let mut w = datafusion::arrow::json::ArrayWriter::new(&mut buf);
                for b in batches {
                    w.write(b).map_err(err)?;
                }
                w.finish().map_err(err)?;
            }
            if buf.is_empty() {
                buf.extend_from_slice(b"[]");
            }
            Ok(String::from_utf8_lossy(&buf).into_owned())
        }
    }
}

/// A column type a CSV cell cannot hold as it is: lists, structs, maps, unions.
fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(..)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::Struct(_)
            | DataType::Map(..)
            | DataType::Union(..)
    )
}

/// `batch` with every nested column replaced by its values as JSON text (`["物流","太慢"]`,
/// `{"aspect":"质量","polarity":-1}`), null staying null: what a spreadsheet or a BI tool can
/// read from one CSV cell.
fn nested_as_json(batch: &RecordBatch) -> Result<RecordBatch> {
    if !batch.schema().fields().iter().any(|f| is_nested(f.data_type())) {
        return Ok(batch.clone());
    }
    let err = |e: String| VocError::internal(format!("formatting nested values as JSON: {e}"));
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        if !is_nested(field.data_type()) {
            fields.push(field.as_ref().clone());
            columns.push(column.clone());
            continue;
        }
        // One single-column batch written as JSON lines ({"v":…} a row, {} for null).
        let one = Schema::new(vec![Field::new("v", field.data_type().clone(), true)]);
        let one = RecordBatch::try_new(Arc::new(one), vec![column.clone()]).map_err(|e| err(e.to_string()))?;
        let mut buf = Vec::new();
        {
            let mut w = datafusion::arrow::json::LineDelimitedWriter::new(&mut buf);
            w.write(&one).map_err(|e| err(e.to_string()))?;
            w.finish().map_err(|e| err(e.to_string()))?;
        }
        let text = String::from_utf8(buf).map_err(|e| err(e.to_string()))?;
        let mut cells = StringBuilder::with_capacity(batch.num_rows(), text.len());
        for line in text.lines() {
            let row: serde_json::Value = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
            match row.get("v") {
                Some(v) if !v.is_null() => cells.append_value(v.to_string()),
                _ => cells.append_null(),
            }
        }
        fields.push(Field::new(field.name(), DataType::Utf8, true));
        columns.push(Arc::new(cells.finish()));
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| err(e.to_string()))
}

/// One function as `voc functions` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FunctionInfo {
    pub name: String,
    pub kind: String,
    pub syntax: String,
    pub doc: String,
    pub example: String,
}

/// voc's own functions as registered in a session, with the documentation
/// each UDF carries (the doc block beside its implementation).
pub fn functions(cfg: &Config) -> Result<Vec<FunctionInfo>> {
    let ctx = new_session(cfg)?;
    let state = ctx.state();
    let mut out = Vec::new();
    let mut add = |name: &String, kind: &str, doc: Option<&datafusion::logical_expr::Documentation>| {
        if let Some(d) = doc.filter(|d| d.doc_section.label == voc_udf::DOC_SECTION.label) {
            out.push(FunctionInfo {
                name: name.clone(),
                kind: kind.into(),
                syntax: d.syntax_example.clone(),
                doc: d.description.clone(),
                example: d.sql_example.clone().unwrap_or_default(),
            });
        }
    };
    for (name, f) in state.scalar_functions() {
        add(name, "scalar", f.documentation());
    }
    for (name, f) in state.aggregate_functions() {
        add(name, "aggregate", f.documentation());
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    async fn batches(sql: &str) -> Vec<RecordBatch> {
        SessionContext::new().sql(sql).await.unwrap().collect().await.unwrap()
    }

    /// CSV has no nested cells: lists and structs are written as JSON text, nulls stay empty,
    /// and every other format still renders the same batch.
    #[tokio::test]
    async fn csv_writes_nested_columns_as_json_text() {
        let b = batches(
            "SELECT 1 AS id, ['物流', '太慢'] AS terms, named_struct('aspect', '质量', 'polarity', -1) AS a, \
             CAST(NULL AS VARCHAR) AS n \
             UNION ALL SELECT 2, NULL, named_struct('aspect', 'say \"hi\"', 'polarity', 1), 'x'",
        )
        .await;
        let csv = render(&b, Format::Csv).unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("id,terms,a,n"));
        let rows: Vec<&str> = lines.collect();
        assert!(rows.contains(&r#"1,"[""物流"",""太慢""]","{""aspect"":""质量"",""polarity"":-1}","#), "{csv}");
        assert!(rows.iter().any(|r| r.starts_with("2,,") && r.contains(r#"""aspect"":""say \""hi\"""""#)), "{csv}");
        for f in [Format::Table, Format::Json] {
            assert!(!render(&b, f).unwrap().is_empty());
        }
    }

    #[tokio::test]
    async fn csv_writes_lists_of_structs_and_maps() {
        let b = batches("SELECT [named_struct('k', 1), named_struct('k', 2)] AS l, map(['a'], [1]) AS m").await;
        let csv = render(&b, Format::Csv).unwrap();
        assert!(csv.contains(r#""[{""k"":1},{""k"":2}]""#), "{csv}");
        assert!(csv.contains(r#""{""a"":1}""#), "{csv}");
    }
}
