//! voc's engine: everything between a job file and a committed partition.
//!
//! It knows no specific job: jobs are data (`jobs/*.toml`, `sql/<job>/*.sql`).
//! The flow of one run is in [`runner`]; the commit protocol in [`output`].

pub mod catalog;
pub mod checks;
pub mod cluster;
pub mod commit;
pub mod config;
pub mod job;
pub mod lease;
pub mod lookup;
pub mod manifest;
pub mod output;
pub mod plan;
pub mod quality;
pub mod query;
pub mod runner;
pub mod session;
pub mod sql;
pub mod staging;
pub mod validate;

// The contract, errors and storage roots live in voc-contract (the generator shares them); their
// old paths here stay.
pub use voc_contract::{contract, error, storage};

pub use config::Config;
pub use error::{ErrorKind, Result, VocError};
pub use job::{Job, JobSet};
pub use manifest::Manifest;
pub use runner::Roots;
