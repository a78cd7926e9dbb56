//! The settings of every Parquet file voc writes, the engine's outputs and the generator's inputs
//! alike.

use ::parquet::basic::{Compression, ZstdLevel};
use ::parquet::file::properties::WriterProperties;

/// Rows a row group holds at most. Several row groups per file let readers (Spark, DuckDB and
/// voc's own later jobs) split a big partition across cores, as a Spark or Flink dump would.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Zstandard at its default level, row groups of [`ROW_GROUP_ROWS`], `created_by` naming the
/// writer.
pub fn writer_properties(created_by: impl Into<String>) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(created_by.into())
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_zstd_in_row_groups_of_128k() {
        let p = writer_properties("voc test");
        assert_eq!(p.max_row_group_row_count(), Some(ROW_GROUP_ROWS));
        assert_eq!(p.created_by(), "voc test");
        assert!(matches!(p.compression(&"x".into()), Compression::ZSTD(_)));
    }
}
