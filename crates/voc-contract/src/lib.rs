//! What voc's engine and its data generator share, and nothing else: the input contract's table
//! schemas ([`contract`]), where data lives ([`storage::Root`] over local folders and S3), the
//! error type with its exit codes ([`error`]) and the settings every Parquet file voc writes is
//! written with ([`parquet`]).
//!
//! It knows no SQL, no job and no text function: the generator depends on this crate, not on the
//! engine (like ripgrep's `grep-matcher`, an interface crate both sides build on).

pub mod contract;
pub mod error;
pub mod parquet;
pub mod storage;

pub use error::{ErrorKind, Result, ResultExt, VocError};
pub use storage::Root;
