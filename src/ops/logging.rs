//! Logging setup: `tracing` to stderr, text on a terminal or JSON lines.
//!
//! stdout is reserved for records, so every log line goes to stderr. The
//! filter comes from `RUST_LOG` when set, else from `[log] level`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogConfig, LogFormat};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// The level filter does not parse.
    #[error("invalid log filter {filter:?} (log.level or RUST_LOG): {message}")]
    Filter {
        /// The filter text.
        filter: String,
        /// The parser's complaint.
        message: String,
    },
}

/// Installs the global subscriber. Call once, early; later calls are no-ops.
pub fn init(config: &LogConfig) -> Result<(), LoggingError> {
    let filter_text = std::env::var("RUST_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| config.level.clone());
    let filter = EnvFilter::try_new(&filter_text).map_err(|e| LoggingError::Filter {
        filter: filter_text.clone(),
        message: e.to_string(),
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .with_target(false)
            .try_init(),
    };
    Ok(())
}
