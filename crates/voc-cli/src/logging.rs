//! Logs: human-readable on a terminal, JSON lines under an orchestrator
//! (stderr not a TTY) or when `VOC_LOG_FORMAT=json`. `VOC_LOG` (or
//! `RUST_LOG`) sets the filter, e.g. `VOC_LOG=debug`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `quiet` commands (sql, list, validate)
/// log warnings only unless a filter is set.
pub fn init(quiet: bool) {
    let default = if quiet { "warn" } else { "info,datafusion=warn,object_store=warn" };
    let filter = std::env::var("VOC_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new(default));
    let json = match std::env::var("VOC_LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok("human") | Ok("text") => false,
        _ => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.with_target(false).with_ansi(std::io::stderr().is_terminal()).compact().try_init()
    };
}
