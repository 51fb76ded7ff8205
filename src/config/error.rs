//! Configuration errors that name the key, the file and the line.
//!
//! figment reports the key path of a bad value but not its line, so
//! [`ConfigError::from_figment`] looks the key up in the file text itself
//! ([`find_key_line`]): a user fixing a config wants to jump to the line.

use std::path::PathBuf;

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file named with `-c` could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("config file {path} is not valid TOML: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// toml's message, which includes line and column.
        message: String,
    },
    /// A key is unknown or its value has the wrong type.
    #[error("config key `{key}`{location}: {message}")]
    Key {
        /// Dotted key path, e.g. `fetch.timeout`.
        key: String,
        /// ` (file.toml line N)`, or ` (environment)`, or empty.
        location: String,
        /// What is wrong with it.
        message: String,
    },
    /// `${NAME}` references in the file that cannot be replaced.
    #[error("config file {path}: {}", .problems.join("; "))]
    Environment {
        /// The file.
        path: PathBuf,
        /// Each key and what is wrong with its reference.
        problems: Vec<String>,
    },
    /// Values that parse but make no sense, all of them at once.
    #[error("invalid configuration: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

impl ConfigError {
    /// Turns a figment error into a [`ConfigError::Key`], finding the line of
    /// the key in `source` (the config file path and text) when it came from there.
    pub(crate) fn from_figment(err: figment::Error, source: Option<&(PathBuf, String)>) -> Self {
        use figment::error::Kind;
        let mut path = err.path.clone();
        // For unknown fields figment's path is the parent table; add the field.
        if let Kind::UnknownField(field, _) = &err.kind
            && path.last() != Some(field)
        {
            path.push(field.clone());
        }
        let key = path.join(".");
        let from_env = err
            .metadata
            .as_ref()
            .is_some_and(|m| m.name.to_lowercase().contains("environment"));
        let location = if from_env {
            format!(
                " (environment variable {}{})",
                super::ENV_PREFIX,
                path.join("__").to_uppercase()
            )
        } else {
            match source
                .and_then(|(file, text)| find_key_line(text, &path).map(|line| (file, line)))
            {
                Some((file, line)) => format!(" ({} line {line})", file.display()),
                None => String::new(),
            }
        };
        ConfigError::Key {
            key,
            location,
            message: err.kind.to_string(),
        }
    }
}

/// The 1-based line on which the dotted key `path` is set in TOML `text`.
///
/// A small scanner, not a parser: it tracks `[table]` / `[[table]]` headers and
/// matches `key =` lines under them. Good enough to point at the line; the
/// error is still reported without a line when it finds nothing.
pub(crate) fn find_key_line(text: &str, path: &[String]) -> Option<usize> {
    let mut table: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[');
            let end = header.find(']').unwrap_or(header.len());
            table = header[..end]
                .split('.')
                .map(|s| s.trim().trim_matches('"').to_owned())
                .collect();
            if table == path {
                return Some(i + 1);
            }
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let mut full = table.clone();
        full.extend(
            key.split('.')
                .map(|s| s.trim().trim_matches('"').to_owned()),
        );
        if full == path {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn finds_keys_under_tables_and_arrays() {
        let text = "a = 1\n[x]\nb = 2\n\n[[feeds]]\nurl = \"u\"\n# c\n[y.z]\n c = 3\n";
        assert_eq!(find_key_line(text, &p("a")), Some(1));
        assert_eq!(find_key_line(text, &p("x.b")), Some(3));
        assert_eq!(find_key_line(text, &p("feeds.url")), Some(6));
        assert_eq!(find_key_line(text, &p("y.z.c")), Some(9));
        assert_eq!(find_key_line(text, &p("x.c")), None);
    }
}
