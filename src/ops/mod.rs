//! Operating newswire: logging, Prometheus metrics and the health endpoint.

pub mod logging;
pub mod metrics;
pub mod server;
