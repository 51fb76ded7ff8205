//! `[ops]`: the metrics and health endpoint.

use serde::{Deserialize, Serialize};

/// Operations settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpsConfig {
    /// Address of `/metrics`, `/healthz` and `/readyz` for `run`; empty = off.
    /// `once` serves them only when started with `--listen`.
    pub listen: String,
}

impl Default for OpsConfig {
    fn default() -> Self {
        OpsConfig {
            listen: "127.0.0.1:9464".to_owned(),
        }
    }
}

impl OpsConfig {
    /// The listen address, or `None` when the endpoint is off.
    pub fn listen_addr(&self) -> Option<std::net::SocketAddr> {
        self.listen.parse().ok()
    }

    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if !self.listen.is_empty() && self.listen.parse::<std::net::SocketAddr>().is_err() {
            problems.push(format!(
                "ops.listen `{}` is not an address like 127.0.0.1:9464",
                self.listen
            ));
        }
    }
}
