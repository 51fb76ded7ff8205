//! Configuration: one TOML file, overridable by `NEWSWIRE_*` variables.
//!
//! Precedence, lowest first: built-in defaults → the TOML file → environment
//! (`NEWSWIRE_FETCH__USER_AGENT=…` sets `fetch.user_agent`; `__` separates
//! levels). Every section is its own type in its own file and uses
//! `deny_unknown_fields`, so a misspelt key is an error, not a silent default.
//! [`Config::validate`] then reports *all* semantic problems at once.
//!
//! Types here:
//! - [`Config`]: the whole resolved configuration.
//! - [`ConfigError`]: why loading failed, naming the key and, where known, the line.
//! - sections: [`LogConfig`], [`ExtractConfig`], [`FetchConfig`],
//!   [`FeedConfig`], [`FilterConfig`], [`ScheduleConfig`], [`StateConfig`], [`SinkConfig`],
//!   [`DeadLetterConfig`], [`ArchiveConfig`], [`WorkerConfig`], [`OpsConfig`], [`ClusterConfig`].

mod archive;
mod cluster;
mod error;
mod extract;
mod feeds;
mod fetch;
mod filter;
mod interpolate;
mod log;
mod ops;
mod schedule;
mod sinks;
mod state;
mod worker;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

pub use archive::ArchiveConfig;
pub use cluster::ClusterConfig;
#[cfg(test)]
pub(crate) use cluster::is_kv_key;
pub use error::ConfigError;
pub use extract::{ExtractConfig, StageName};
pub use feeds::FeedConfig;
pub use fetch::FetchConfig;
pub use filter::FilterConfig;
pub use log::{LogConfig, LogFormat};
pub use ops::OpsConfig;
pub use schedule::ScheduleConfig;
pub use sinks::{
    Compression, DeadLetterConfig, FileSinkConfig, HttpEncoding, HttpSinkConfig, NatsAuth,
    NatsSinkConfig, SinkConfig,
};
pub use state::StateConfig;
pub use worker::WorkerConfig;

/// Prefix of environment variables that override config keys.
pub const ENV_PREFIX: &str = "NEWSWIRE_";

/// Environment variables with the prefix that are not config keys.
const ENV_IGNORED: &[&str] = &["config"];

/// The fully resolved configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// An OPML file whose feeds are polled besides `[[feeds]]`; a relative
    /// path is read from the working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feeds_opml: Option<PathBuf>,
    /// Logging.
    pub log: LogConfig,
    /// The extraction pipeline.
    pub extract: ExtractConfig,
    /// The HTTP client that talks to publishers.
    pub fetch: FetchConfig,
    /// Polling intervals.
    pub schedule: ScheduleConfig,
    /// The state store.
    pub state: StateConfig,
    /// Worker concurrency and shutdown.
    pub worker: WorkerConfig,
    /// Metrics and health endpoint.
    pub ops: OpsConfig,
    /// Where records that cannot be produced go.
    pub dead_letter: DeadLetterConfig,
    /// The fetched pages kept as web archives.
    pub archive: ArchiveConfig,
    /// Which feed entries become articles.
    pub filter: FilterConfig,
    /// Feeds to poll.
    pub feeds: Vec<FeedConfig>,
    /// Record outputs; every record goes to each.
    pub sinks: Vec<SinkConfig>,
    /// Sharing the feeds with other workers; absent, this worker polls all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            feeds_opml: None,
            log: LogConfig::default(),
            extract: ExtractConfig::default(),
            fetch: FetchConfig::default(),
            schedule: ScheduleConfig::default(),
            state: StateConfig::default(),
            worker: WorkerConfig::default(),
            ops: OpsConfig::default(),
            dead_letter: DeadLetterConfig::default(),
            archive: ArchiveConfig::default(),
            filter: FilterConfig::default(),
            feeds: Vec::new(),
            sinks: vec![SinkConfig::File(FileSinkConfig {
                dir: PathBuf::from("output"),
                prefix: "articles".to_owned(),
                max_bytes: 128 * 1024 * 1024,
                max_age: std::time::Duration::from_secs(3600),
                compression: Compression::None,
            })],
            cluster: None,
        }
    }
}

impl Config {
    /// Loads defaults, then `path` (when given), then the environment, and
    /// validates the result.
    ///
    /// A missing file is an error when the path was given explicitly: a typo
    /// in `-c` must not silently run on defaults.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_with_env(path, Env::prefixed(ENV_PREFIX))
    }

    /// [`Config::load`] with an explicit environment provider (for tests).
    fn load_with_env(path: Option<&Path>, env: Env) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        let mut source_text = None;
        if let Some(path) = path {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            // Syntax errors first, with toml's own line and column.
            let mut table = text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Syntax {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            let lookup = |name: &str| std::env::var(name).ok();
            let replaced = interpolate::interpolate(&mut table, &lookup).map_err(|problems| {
                ConfigError::Environment {
                    path: path.to_path_buf(),
                    problems,
                }
            })?;
            figment = if replaced {
                figment.merge(Serialized::defaults(table))
            } else {
                figment.merge(Toml::string(&text))
            };
            source_text = Some((path.to_path_buf(), text));
        }
        figment = figment.merge(env.ignore(ENV_IGNORED).split("__"));
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::from_figment(e, source_text.as_ref()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what serde cannot: ranges, non-empty strings, consistent pairs.
    /// Returns every problem found, not just the first.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        self.log.validate(&mut problems);
        self.extract.validate(&mut problems);
        self.fetch.validate(&mut problems);
        self.schedule.validate(&mut problems);
        self.state.validate(&mut problems);
        self.worker.validate(&mut problems);
        self.ops.validate(&mut problems);
        self.filter.validate(&mut problems);
        self.archive.validate(&mut problems);
        if let Some(cluster) = &self.cluster {
            cluster.validate(&mut problems);
        }
        for (i, feed) in self.feeds.iter().enumerate() {
            feed.validate(i, &mut problems);
        }
        if self.sinks.is_empty() {
            problems.push("at least one [[sinks]] entry is needed".to_owned());
        }
        for (i, sink) in self.sinks.iter().enumerate() {
            sink.validate(i, &mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError::Invalid(problems))
        }
    }

    /// The configuration as TOML, for `check-config`, with the passwords of
    /// the proxy's and the HTTP sinks' URLs and the values of credential
    /// headers (`Cookie`, `Authorization`) masked: the output ends up in
    /// terminals and CI logs.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        for feed in &mut shown.feeds {
            mask_credentials(&mut feed.headers);
        }
        for sink in &mut shown.sinks {
            if let SinkConfig::Http(http) = sink {
                mask_credentials(&mut http.headers);
                mask_password(&mut http.url);
            }
        }
        mask_password(&mut shown.fetch.proxy);
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Replaces the values of credential headers (`Cookie`, `Authorization`,
/// `Proxy-Authorization`, and API-key headers such as `X-Api-Key`) with
/// `****`.
fn mask_credentials(headers: &mut std::collections::BTreeMap<String, String>) {
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        if ["cookie", "authorization", "proxy-authorization"].contains(&name.as_str())
            || name.contains("api-key")
            || name.contains("token")
        {
            *value = "****".to_owned();
        }
    }
}

/// What keeps `url` from being a URL newswire can request (an `http` or
/// `https` URL), naming it, if anything: a feed's, a proxy's, an HTTP
/// sink's.
pub(crate) fn http_url_problem(url: &str) -> Option<String> {
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => None,
        Ok(u) => Some(format!(
            "`{url}`: scheme `{}` is not http or https",
            u.scheme()
        )),
        Err(e) => Some(format!("`{url}`: {e}")),
    }
}

/// Replaces the password of a URL (`https://user:secret@host/`) with `****`.
fn mask_password(url: &mut String) {
    if let Ok(mut parsed) = url::Url::parse(url)
        && parsed.password().is_some()
        && parsed.set_password(Some("****")).is_ok()
    {
        *url = parsed.to_string();
    }
}

/// Where the default config file lives, relative to the working directory.
pub fn default_path() -> PathBuf {
    PathBuf::from("config/newswire.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn no_env() -> Env {
        Env::prefixed("NEWSWIRE_TEST_UNSET_PREFIX_")
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn shipped_sample_config_loads_and_equals_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/newswire.toml");
        let loaded = Config::load_with_env(Some(&path), no_env()).unwrap();
        assert_eq!(loaded, Config::default());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let f = write("[log]\nlevel = \"info\"\n\n[fetch]\nuser_agnt = \"x\"\n");
        let err = Config::load_with_env(Some(f.path()), no_env()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("fetch.user_agnt"), "{msg}");
        assert!(msg.contains("line 5"), "{msg}");
    }

    #[test]
    fn wrong_type_names_key() {
        let f = write("[fetch]\nmax_redirects = \"many\"\n");
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("fetch.max_redirects"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn syntax_error_has_line() {
        let f = write("[fetch\n");
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("line 1"), "{msg}");
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail API fixes the error type
    fn env_overrides_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[fetch]\nuser_agent = \"from-file\"\n")?;
            jail.set_env("NEWSWIRE_FETCH__USER_AGENT", "from-env");
            jail.set_env("NEWSWIRE_CONFIG", "ignored.toml");
            let c = Config::load(Some(Path::new("c.toml"))).unwrap();
            assert_eq!(c.fetch.user_agent, "from-env");
            Ok(())
        });
    }

    #[test]
    fn feed_headers_are_checked_and_credentials_masked_in_the_printed_config() {
        let f = write(
            "[[feeds]]\nurl = \"https://example.com/feed.xml\"\n\
             headers = { Cookie = \"consent=yes\", \"User-Agent\" = \"reader/2\" }\n",
        );
        let c = Config::load_with_env(Some(f.path()), no_env()).unwrap();
        let shown = c.to_toml();
        assert!(shown.contains("Cookie = \"****\""), "{shown}");
        assert!(shown.contains("User-Agent = \"reader/2\""), "{shown}");
        assert!(!shown.contains("consent=yes"), "{shown}");

        let f = write(
            "[[feeds]]\nurl = \"https://example.com/feed.xml\"\nheaders = { \"Bad Name\" = \"x\" }\n",
        );
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("feeds[0].headers: `Bad Name` is not an HTTP header name"),
            "{msg}"
        );
    }

    #[test]
    fn an_http_sink_is_checked_and_its_credentials_masked() {
        let f = write(
            "[[sinks]]\ntype = \"http\"\nurl = \"https://ingest.example/v1\"\n\
             headers = { Authorization = \"Bearer abc\", \"X-Api-Key\" = \"k1\", \"X-Team\" = \"news\" }\n",
        );
        let c = Config::load_with_env(Some(f.path()), no_env()).unwrap();
        let [SinkConfig::Http(h)] = c.sinks.as_slice() else {
            panic!("{:?}", c.sinks)
        };
        assert_eq!(h.encoding, HttpEncoding::Ndjson);
        assert_eq!(h.max_request_bytes, 10 * 1024 * 1024);
        let shown = c.to_toml();
        assert!(shown.contains("Authorization = \"****\""), "{shown}");
        assert!(shown.contains("X-Api-Key = \"****\""), "{shown}");
        assert!(shown.contains("X-Team = \"news\""), "{shown}");
        assert!(!shown.contains("abc") && !shown.contains("k1"), "{shown}");
        let mut with_password = c.clone();
        if let SinkConfig::Http(h) = &mut with_password.sinks[0] {
            h.url = "https://ingest:pa55@ingest.example/v1".to_owned();
        }
        let shown = with_password.to_toml();
        assert!(
            shown.contains("https://ingest:****@ingest.example/v1"),
            "{shown}"
        );

        let f = write(
            "[[sinks]]\ntype = \"http\"\nurl = \"ftp://ingest.example/\"\nmax_request_bytes = 10\n\
             headers = { \"Bad Name\" = \"x\" }\ntls_cert = \"client.pem\"\n",
        );
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        for problem in [
            "sinks[0].tls_cert and sinks[0].tls_key go together",
            "sinks[0].url `ftp://ingest.example/`: scheme `ftp` is not http or https",
            "sinks[0].headers: `Bad Name` is not an HTTP header name",
            "sinks[0].max_request_bytes must be at least 1024",
        ] {
            assert!(msg.contains(problem), "{msg}");
        }

        // The bulk API needs an index, and only it reads one.
        let f = write(
            "[[sinks]]\ntype = \"http\"\nurl = \"http://es:9200/_bulk\"\nencoding = \"elasticsearch\"\n\
             [[sinks]]\ntype = \"http\"\nurl = \"http://ingest/\"\nindex = \"news\"\n",
        );
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("sinks[0].index is required with encoding = \"elasticsearch\""),
            "{msg}"
        );
        assert!(
            msg.contains("sinks[1].index is read only with encoding = \"elasticsearch\""),
            "{msg}"
        );
    }

    #[test]
    fn a_proxy_password_is_masked_in_the_printed_config() {
        let mut c = Config::default();
        c.fetch.proxy = "http://ops:s3cret@proxy.internal:3128".to_owned();
        let shown = c.to_toml();
        assert!(
            shown.contains("http://ops:****@proxy.internal:3128"),
            "{shown}"
        );
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn validation_reports_every_problem() {
        let mut c = Config::default();
        c.fetch.user_agent.clear();
        c.fetch.max_body_bytes = 0;
        let msg = c.validate().unwrap_err().to_string();
        assert!(msg.contains("fetch.user_agent"), "{msg}");
        assert!(msg.contains("fetch.max_body_bytes"), "{msg}");

        let mut c = Config::default();
        let mut feed = FeedConfig::new("https://example.com/feed.xml");
        feed.content_selector = Some("article p".into());
        c.feeds.push(feed.clone());
        assert!(c.validate().is_ok());
        feed.content_selector = Some("article >".into());
        c.feeds.push(feed);
        let msg = c.validate().unwrap_err().to_string();
        assert!(
            msg.contains("feeds[1].content_selector: `article >` is not a CSS selector"),
            "{msg}"
        );

        let mut c = Config::default();
        let mut feed = FeedConfig::new("https://example.com/feed.xml");
        feed.remove_selector = Some(".ad, >".into());
        c.feeds.push(feed);
        let msg = c.validate().unwrap_err().to_string();
        assert!(
            msg.contains("feeds[0].remove_selector: `.ad, >` is not a CSS selector"),
            "{msg}"
        );
    }

    #[test]
    fn nats_sink_takes_defaults_and_rejects_bad_names() {
        let f = write("[[sinks]]\ntype = \"nats\"\nurl = \"nats://127.0.0.1:4222\"\n");
        let c = Config::load_with_env(Some(f.path()), no_env()).unwrap();
        let [SinkConfig::Nats(n)] = c.sinks.as_slice() else {
            panic!("{:?}", c.sinks)
        };
        assert_eq!(
            (n.subject.as_str(), n.stream.as_str(), n.create_stream),
            ("newswire.articles", "NEWSWIRE", true)
        );
        let f = write(
            "[[sinks]]\ntype = \"nats\"\nurl = \"nats://x\"\nsubject = \"a.*\"\nstream = \"a.b\"\n",
        );
        let msg = Config::load_with_env(Some(f.path()), no_env())
            .unwrap_err()
            .to_string();
        assert!(msg.contains("sinks[0].subject"), "{msg}");
        assert!(msg.contains("sinks[0].stream"), "{msg}");
    }
}
