//! `[cluster]`: several workers sharing one feed list through NATS
//! JetStream. Absent, the worker polls every feed itself.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How this worker finds the others and shares the feeds with them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterConfig {
    /// NATS server with JetStream, e.g. `nats://127.0.0.1:4222`
    /// (several: comma-separated). Every worker of a cluster names the same
    /// deployment.
    pub url: String,
    /// This worker's name among the others; unique per running worker.
    /// Empty: the host name and the process id.
    #[serde(default)]
    pub worker_id: String,
    /// Key-value bucket of worker leases (created when missing).
    #[serde(default = "default_workers_bucket")]
    pub workers_bucket: String,
    /// Key-value bucket of delivered article ids (created when missing), so
    /// that a worker taking a feed over skips what another one delivered.
    #[serde(default = "default_seen_bucket")]
    pub seen_bucket: String,
    /// Key-value bucket of feed polls (created when missing): a worker
    /// claims a feed here before polling it, so that two workers that
    /// briefly disagree on who owns it do not both poll it.
    #[serde(default = "default_polls_bucket")]
    pub polls_bucket: String,
    /// A worker that has not renewed its lease for this long is taken for
    /// dead and its feeds go to the others. It renews every third of it.
    #[serde(default = "default_lease", with = "humantime_serde")]
    pub lease: Duration,
    /// A `.creds` file for servers that require authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<PathBuf>,
    /// PEM file of the CA that signed the server's certificate, when it is
    /// not in the system's roots; TLS is then required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_ca: Option<PathBuf>,
    /// PEM client certificate, for servers that verify clients (with
    /// `tls_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `tls_cert`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
    /// How long to wait for the connection at start.
    #[serde(default = "default_connect_timeout", with = "humantime_serde")]
    pub connect_timeout: Duration,
}

fn default_workers_bucket() -> String {
    "newswire_workers".to_owned()
}

fn default_seen_bucket() -> String {
    "newswire_seen".to_owned()
}

fn default_polls_bucket() -> String {
    "newswire_polls".to_owned()
}

fn default_lease() -> Duration {
    Duration::from_secs(30)
}

fn default_connect_timeout() -> Duration {
    Duration::from_secs(10)
}

impl ClusterConfig {
    /// The credentials and TLS files of the connection.
    pub fn auth(&self) -> super::sinks::NatsAuth<'_> {
        super::sinks::NatsAuth {
            credentials: self.credentials.as_deref(),
            tls_ca: self.tls_ca.as_deref(),
            tls_cert: self.tls_cert.as_deref(),
            tls_key: self.tls_key.as_deref(),
        }
    }

    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        self.auth().validate("cluster", problems);
        if self.url.trim().is_empty() {
            problems.push("cluster.url must name a NATS server".to_owned());
        }
        if !self.worker_id.is_empty() && !is_kv_key(&self.worker_id) {
            problems.push(format!(
                "cluster.worker_id `{}` may hold only letters, digits and - _ = (it is a key-value key)",
                self.worker_id
            ));
        }
        for (key, bucket) in [
            ("workers_bucket", &self.workers_bucket),
            ("seen_bucket", &self.seen_bucket),
            ("polls_bucket", &self.polls_bucket),
        ] {
            if bucket.is_empty()
                || !bucket
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                problems.push(format!(
                    "cluster.{key} `{bucket}` may hold only letters, digits, - and _"
                ));
            }
        }
        let mut buckets = [&self.workers_bucket, &self.seen_bucket, &self.polls_bucket];
        buckets.sort();
        if buckets.windows(2).any(|w| w[0] == w[1]) {
            problems.push(
                "cluster.workers_bucket, seen_bucket and polls_bucket must differ".to_owned(),
            );
        }
        if self.lease < Duration::from_secs(1) {
            problems.push("cluster.lease must be at least 1s".to_owned());
        }
    }
}

/// Whether `key` is a key-value key made of the characters every NATS
/// server takes in one subject token.
pub(crate) fn is_kv_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(worker_id: &str) -> ClusterConfig {
        ClusterConfig {
            url: "nats://127.0.0.1:4222".to_owned(),
            worker_id: worker_id.to_owned(),
            workers_bucket: default_workers_bucket(),
            seen_bucket: default_seen_bucket(),
            polls_bucket: default_polls_bucket(),
            lease: default_lease(),
            credentials: None,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
            connect_timeout: default_connect_timeout(),
        }
    }

    #[test]
    fn good_settings_pass_and_bad_ones_are_named() {
        let mut problems = Vec::new();
        cluster("worker-1").validate(&mut problems);
        cluster("").validate(&mut problems);
        assert!(problems.is_empty(), "{problems:?}");

        let mut bad = cluster("a.b");
        bad.seen_bucket = bad.workers_bucket.clone();
        bad.lease = Duration::from_millis(10);
        bad.url = " ".to_owned();
        bad.tls_cert = Some(PathBuf::from("client.pem"));
        bad.validate(&mut problems);
        let all = problems.join("\n");
        for needle in [
            "cluster.url",
            "cluster.worker_id `a.b`",
            "must differ",
            "cluster.lease",
            "cluster.tls_cert and cluster.tls_key go together",
        ] {
            assert!(all.contains(needle), "{needle}: {all}");
        }
    }
}
