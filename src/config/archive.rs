//! `[archive]`: the fetched pages, kept as web archives to extract again.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Compression, FileSinkConfig};

/// Where and how the fetched pages are archived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveConfig {
    /// Directory of the archive files (created when missing); unset: pages
    /// are not archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// File name prefix; files are `<prefix>-<UTC time>-<seq>.warc.gz`.
    pub prefix: String,
    /// A file is closed and a new one started past this many bytes.
    pub max_bytes: u64,
    /// A file is closed and a new one started when it is this old.
    #[serde(with = "humantime_serde")]
    pub max_age: Duration,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        ArchiveConfig {
            dir: None,
            prefix: "pages".to_owned(),
            max_bytes: 1024 * 1024 * 1024,
            max_age: Duration::from_secs(3600),
        }
    }
}

impl ArchiveConfig {
    /// The rotating-file settings of the archive, when it is on.
    pub fn files(&self) -> Option<FileSinkConfig> {
        Some(FileSinkConfig {
            dir: self.dir.clone()?,
            prefix: self.prefix.clone(),
            max_bytes: self.max_bytes,
            max_age: self.max_age,
            compression: Compression::Gzip,
        })
    }

    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.dir.as_ref().is_some_and(|d| d.as_os_str().is_empty()) {
            problems
                .push("archive.dir must not be empty (leave it unset for no archive)".to_owned());
        }
        if self.prefix.is_empty() || self.prefix.contains(['/', '\\']) {
            problems.push(format!(
                "archive.prefix `{}` must be a non-empty file name part",
                self.prefix
            ));
        }
        if self.max_bytes == 0 {
            problems.push("archive.max_bytes must be greater than 0".to_owned());
        }
        if self.max_age.is_zero() {
            problems.push("archive.max_age must be greater than 0".to_owned());
        }
    }
}
