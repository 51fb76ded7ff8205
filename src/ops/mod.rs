//! Operating newswire: logging (and, with the daemon, metrics and health).

pub mod logging;
