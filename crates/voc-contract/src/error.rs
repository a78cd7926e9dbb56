//! One error type with a kind an orchestrator can act on.
//!
//! The message is a single line that says what was expected, what was found
//! and where (job, table, file, column). The kind picks the exit code.

use std::fmt;

/// What went wrong, in the terms a scheduler retries or pages on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// voc.toml, a job file, a rule file or SQL is wrong: fix the config.
    Config,
    /// An input file or partition does not meet the contract.
    BadInput,
    /// A data check declared in a job file failed; nothing was published.
    CheckFailed,
    /// Object storage refused or failed a read, write or list.
    Storage,
    /// The run date's input partition does not exist yet: retry later.
    InputNotReady,
    /// Another run of the same job and partition holds the output's lease: retry later.
    AlreadyRunning,
    /// A bug or an engine failure that fits none of the above.
    Internal,
}

impl ErrorKind {
    /// The process exit code documented in README.md.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Config => 3,
            ErrorKind::BadInput => 4,
            ErrorKind::CheckFailed => 5,
            ErrorKind::Storage => 6,
            ErrorKind::InputNotReady => 7,
            ErrorKind::AlreadyRunning => 8,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ErrorKind::Config => "configuration error",
            ErrorKind::BadInput => "bad input data",
            ErrorKind::CheckFailed => "data check failed",
            ErrorKind::Storage => "storage error",
            ErrorKind::InputNotReady => "input not ready",
            ErrorKind::AlreadyRunning => "already running",
            ErrorKind::Internal => "internal error",
        }
    }
}

#[derive(Debug, Clone)]
pub struct VocError {
    pub kind: ErrorKind,
    pub message: String,
}

pub type Result<T, E = VocError> = std::result::Result<T, E>;

impl VocError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        // One line on stderr: fold any newline a library put in its message.
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Self { kind, message }
    }
    pub fn config(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, m)
    }
    pub fn bad_input(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadInput, m)
    }
    pub fn check_failed(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::CheckFailed, m)
    }
    pub fn storage(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Storage, m)
    }
    pub fn not_ready(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::InputNotReady, m)
    }
    pub fn already_running(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::AlreadyRunning, m)
    }
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, m)
    }

    /// Prefixes the message with where it happened ("job session_facts: ...").
    pub fn context(mut self, ctx: impl fmt::Display) -> Self {
        self.message = format!("{ctx}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

impl fmt::Display for VocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.label(), self.message)
    }
}

impl std::error::Error for VocError {}

impl From<object_store::Error> for VocError {
    fn from(e: object_store::Error) -> Self {
        VocError::storage(e.to_string())
    }
}

/// Adds context to any error on the way into a `VocError`.
pub trait ResultExt<T> {
    fn or_kind(self, kind: ErrorKind, ctx: impl fmt::Display) -> Result<T>;
}

impl<T, E: fmt::Display> ResultExt<T> for std::result::Result<T, E> {
    fn or_kind(self, kind: ErrorKind, ctx: impl fmt::Display) -> Result<T> {
        self.map_err(|e| VocError::new(kind, format!("{ctx}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_per_kind() {
        let kinds = [
            ErrorKind::Config,
            ErrorKind::BadInput,
            ErrorKind::CheckFailed,
            ErrorKind::Storage,
            ErrorKind::InputNotReady,
            ErrorKind::AlreadyRunning,
            ErrorKind::Internal,
        ];
        let mut codes: Vec<i32> = kinds.iter().map(|k| k.exit_code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        assert!(!codes.contains(&0) && !codes.contains(&2), "0 is ok, 2 is usage");
    }

    #[test]
    fn messages_are_one_line() {
        let e = VocError::bad_input("line one\nline two").context("table orders");
        assert_eq!(e.to_string(), "bad input data: table orders: line one line two");
    }
}
