//! The `_SUCCESS` manifest of a committed partition: what a run read, wrote, checked and how long
//! it took. BI tools and `voc status` read it; its fields are a contract (`docs/tables.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::InputStats;
use crate::checks::CheckResult;
use crate::output::OutputFile;

/// The `_SUCCESS` manifest: what a run read, wrote, checked and how long it took.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub voc_version: String,
    pub run_id: String,
    pub job: String,
    /// The run date (`--date`).
    pub date: String,
    /// The partition written: the run date minus the job's `lag_days`.
    pub partition_date: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub engine: EngineInfo,
    pub inputs: Vec<InputStats>,
    pub outputs: Vec<OutputStats>,
    pub checks: Vec<CheckResult>,
    pub timings_ms: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EngineInfo {
    pub mode: String,
    pub target_partitions: usize,
    pub memory_limit_bytes: usize,
    pub timezone: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutputStats {
    pub table: String,
    pub partition: String,
    pub rows: u64,
    pub bytes: u64,
    pub files: Vec<OutputFile>,
}
