//! The input contract: the canonical tables that staging SQL must produce.
//!
//! Every generator, staging view and job reads these definitions; the map
//! (`shared/design/README.md`, "Input contract") is the prose version.
//! Timestamps are UTC milliseconds; ids are strings; money is decimal(12,2).
//! The partition column `dt` is not part of a file's schema: it comes from
//! the Hive path `<table>/dt=YYYY-MM-DD/`.

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Name of the Hive partition column every table carries.
pub const PARTITION_COLUMN: &str = "dt";

/// The canonical input tables, in the order `voc generate` writes them.
pub const TABLES: &[&str] = &[
    "chat_messages",
    "chat_sessions",
    "orders",
    "refunds",
    "call_transcripts",
    "reviews",
    "customers",
    "products",
    "agents",
];

/// Arrow type used for every timestamp of the contract.
pub fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

/// Arrow type used for money.
pub fn money_type() -> DataType {
    DataType::Decimal128(12, 2)
}

fn s(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}
fn ts(name: &str, nullable: bool) -> Field {
    Field::new(name, ts_type(), nullable)
}
fn i32f(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int32, nullable)
}
fn money(name: &str, nullable: bool) -> Field {
    Field::new(name, money_type(), nullable)
}
fn boolean(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Boolean, nullable)
}

/// The file schema (without `dt`) of a canonical table, or `None` when the
/// name is not part of the contract.
pub fn schema(table: &str) -> Option<SchemaRef> {
    let fields = match table {
        "chat_messages" => vec![
            s("message_id", false),
            s("session_id", false),
            s("platform", false),
            s("shop_id", false),
            s("customer_id", false),
            s("agent_id", true),
            s("sender", false),
            ts("sent_at", false),
            s("content", true),
            s("msg_type", false),
        ],
        "chat_sessions" => vec![
            s("session_id", false),
            s("platform", false),
            s("shop_id", false),
            s("customer_id", false),
            s("agent_id", true),
            s("team_id", true),
            ts("started_at", false),
            ts("ended_at", false),
            boolean("transferred_to_human", false),
            i32f("csat", true),
            s("csat_comment", true),
        ],
        "orders" => vec![
            s("order_id", false),
            s("platform", false),
            s("shop_id", false),
            s("customer_id", false),
            s("product_id", false),
            s("sku_id", false),
            s("category", false),
            i32f("quantity", false),
            money("amount", false),
            ts("created_at", false),
            ts("paid_at", true),
            ts("shipped_at", true),
            ts("delivered_at", true),
            s("status", false),
        ],
        "refunds" => vec![
            s("refund_id", false),
            s("order_id", false),
            s("shop_id", false),
            s("customer_id", false),
            s("product_id", false),
            s("sku_id", false),
            s("refund_type", false),
            s("reason_code", false),
            s("reason_text", true),
            money("amount", false),
            ts("applied_at", false),
            ts("completed_at", true),
            s("status", false),
        ],
        "call_transcripts" => vec![
            s("call_id", false),
            s("shop_id", false),
            s("customer_id", false),
            s("agent_id", false),
            s("team_id", false),
            s("direction", false),
            ts("call_started_at", false),
            i32f("seq", false),
            s("speaker", false),
            Field::new("offset_ms", DataType::Int64, false),
            s("text", true),
        ],
        "reviews" => vec![
            s("review_id", false),
            s("order_id", false),
            s("platform", false),
            s("shop_id", false),
            s("customer_id", false),
            s("product_id", false),
            s("sku_id", false),
            i32f("rating", false),
            s("content", true),
            ts("created_at", false),
            boolean("is_append", false),
        ],
        "customers" => vec![
            s("customer_id", false),
            s("nickname", true),
            s("member_level", false),
            s("gender", true),
            s("province", true),
            s("city", true),
            ts("registered_at", false),
        ],
        "products" => vec![
            s("product_id", false),
            s("shop_id", false),
            s("product_name", false),
            s("category", false),
            money("price", false),
            ts("listed_at", false),
        ],
        "agents" => vec![
            s("agent_id", false),
            s("agent_name", false),
            s("team_id", false),
            s("shop_id", false),
            ts("hired_at", false),
        ],
        _ => return None,
    };
    Some(Arc::new(Schema::new(fields)))
}

/// The columns that identify a row of a canonical table within one `dt` partition.
pub fn primary_key(table: &str) -> &'static [&'static str] {
    match table {
        "chat_messages" => &["message_id"],
        "chat_sessions" => &["session_id"],
        "orders" => &["order_id"],
        "refunds" => &["refund_id"],
        "call_transcripts" => &["call_id", "seq"],
        "reviews" => &["review_id"],
        "customers" => &["customer_id"],
        "products" => &["product_id"],
        "agents" => &["agent_id"],
        _ => &[],
    }
}

/// Broad type families: the contract pins the family (and decimal scale),
/// not the physical layout, because Parquet readers legitimately hand back
/// `Utf8View` for `Utf8` or a different integer width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFamily {
    String,
    Integer,
    Float,
    Boolean,
    Decimal(i8),
    TimestampMs,
    Date,
    Other,
}

impl TypeFamily {
    pub fn of(dt: &DataType) -> Self {
        match dt {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Self::String,
            DataType::Dictionary(_, v) => Self::of(v),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Self::Integer,
            DataType::Float32 | DataType::Float64 => Self::Float,
            DataType::Boolean => Self::Boolean,
            DataType::Decimal128(_, s) | DataType::Decimal256(_, s) => Self::Decimal(*s),
            DataType::Timestamp(TimeUnit::Millisecond, tz)
                if tz.as_deref().is_none_or(|z| z == "UTC" || z == "+00:00") =>
            {
                Self::TimestampMs
            }
            DataType::Date32 | DataType::Date64 => Self::Date,
            _ => Self::Other,
        }
    }
}

/// One way a schema departs from the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    Missing { column: String, expected: DataType },
    Retyped { column: String, expected: DataType, found: DataType },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::Missing { column, expected } => {
                write!(f, "column '{column}' is missing (expected {expected})")
            }
            Mismatch::Retyped { column, expected, found } => {
                write!(f, "column '{column}' has type {found}, expected {expected}")
            }
        }
    }
}

/// Compares `found` against the contract schema of `expected`; extra columns
/// are allowed (a dump may carry more than voc reads).
pub fn compare(expected: &Schema, found: &Schema) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for want in expected.fields() {
        match found.field_with_name(want.name()) {
            Err(_) => out.push(Mismatch::Missing { column: want.name().clone(), expected: want.data_type().clone() }),
            Ok(have) => {
                if TypeFamily::of(have.data_type()) != TypeFamily::of(want.data_type()) {
                    out.push(Mismatch::Retyped {
                        column: want.name().clone(),
                        expected: want.data_type().clone(),
                        found: have.data_type().clone(),
                    });
                }
            }
        }
    }
    out
}

/// Columns of `table` that the contract says are never null.
pub fn required_columns(table: &str) -> Vec<String> {
    schema(table)
        .map(|s| s.fields().iter().filter(|f| !f.is_nullable()).map(|f| f.name().clone()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_schema_with_string_ids() {
        for t in TABLES {
            let sch = schema(t).expect("contract table");
            let id = sch.field(0);
            assert!(id.name().ends_with("_id"), "{t}: first column is its id");
            assert_eq!(id.data_type(), &DataType::Utf8);
        }
        assert!(schema("nope").is_none());
    }

    #[test]
    fn view_strings_and_other_int_widths_still_match_the_contract() {
        let want = schema("chat_sessions").unwrap();
        let mut fields: Vec<Field> = want.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields[0] = Field::new("session_id", DataType::Utf8View, false);
        fields[9] = Field::new("csat", DataType::Int64, true);
        assert!(compare(&want, &Schema::new(fields)).is_empty());
    }

    #[test]
    fn missing_and_retyped_columns_are_named() {
        let want = schema("chat_sessions").unwrap();
        let mut fields: Vec<Field> = want.fields().iter().map(|f| f.as_ref().clone()).collect();
        fields[9] = Field::new("csat", DataType::Utf8, true);
        fields.remove(7);
        let got = compare(&want, &Schema::new(fields));
        assert_eq!(got.len(), 2);
        assert!(got[0].to_string().contains("'ended_at' is missing"));
        assert!(got[1].to_string().contains("'csat' has type Utf8, expected Int32"));
    }
}
