//! `[extract]`: which stages run and the limits that protect them.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Extraction pipeline settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Stages to run, in order. `clean` and `content` are required for text.
    pub stages: Vec<StageName>,
    /// Pages larger than this many bytes (after decompression) are cut to
    /// this size before parsing, with a warning: hostile sizes stay bounded.
    pub max_html_bytes: usize,
    /// Also write the main text as Markdown (`markdown` in the record):
    /// headings, lists, links, emphasis, quotes, code and tables kept, for
    /// consumers that render the article or feed it to a language model.
    /// Off by default: it adds about the text's size again to each record.
    pub markdown: bool,
    /// How many earlier articles the near-duplicate index remembers; the
    /// oldest is forgotten first, so memory stays bounded in the daemon.
    pub dedup_capacity: usize,
    /// Largest Hamming distance between two SimHashes that still counts as
    /// a near-duplicate. Small values (0..=7) keep the lookup fast.
    pub dedup_max_distance: u32,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            stages: StageName::ALL.to_vec(),
            max_html_bytes: 8 * 1024 * 1024,
            markdown: false,
            dedup_capacity: 100_000,
            dedup_max_distance: 5,
        }
    }
}

impl ExtractConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.max_html_bytes < 1024 {
            problems.push("extract.max_html_bytes must be at least 1024".to_owned());
        }
        if self.dedup_capacity == 0 {
            problems.push(
                "extract.dedup_capacity must be at least 1 (remove `dedup` from extract.stages to turn it off)"
                    .to_owned(),
            );
        }
        if self.dedup_max_distance > MAX_DEDUP_DISTANCE {
            problems.push(format!(
                "extract.dedup_max_distance must be at most {MAX_DEDUP_DISTANCE}, got {}",
                self.dedup_max_distance
            ));
        }
        for (i, s) in self.stages.iter().enumerate() {
            if self.stages[..i].contains(s) {
                problems.push(format!("extract.stages lists `{}` twice", s.as_str()));
            }
        }
    }
}

/// Largest accepted `dedup_max_distance`: beyond it the index's exact-match
/// blocks get so short that a lookup degrades towards a linear scan.
pub const MAX_DEDUP_DISTANCE: u32 = 7;

/// The stages of the extraction pipeline, in their natural order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StageName {
    /// Remove scripts, styles, hidden and boilerplate elements.
    Clean,
    /// Find the main text.
    Content,
    /// Title, authors, dates, site name, description, image, tags.
    Metadata,
    /// Language of the main text (declared language when the text is short).
    Language,
    /// People, organizations and places named in the text (English only).
    Entities,
    /// Direct quotations with their speakers (English only).
    Quotes,
    /// Key phrases of the main text (English only).
    Keywords,
    /// SimHash of the main text and the earlier near-duplicate, if any.
    Dedup,
}

impl StageName {
    /// Every stage, in pipeline order.
    pub const ALL: &'static [StageName] = &[
        StageName::Clean,
        StageName::Content,
        StageName::Metadata,
        StageName::Language,
        StageName::Entities,
        StageName::Quotes,
        StageName::Keywords,
        StageName::Dedup,
    ];

    /// The name used in config files and warnings.
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Clean => "clean",
            StageName::Content => "content",
            StageName::Metadata => "metadata",
            StageName::Language => "language",
            StageName::Entities => "entities",
            StageName::Quotes => "quotes",
            StageName::Keywords => "keywords",
            StageName::Dedup => "dedup",
        }
    }
}

/// A name that is not one of [`StageName::ALL`].
#[derive(Debug, thiserror::Error)]
#[error("unknown stage `{0}`")]
pub struct UnknownStage(pub String);

impl FromStr for StageName {
    type Err = UnknownStage;

    /// Parses the config-file name, so tools can take a stage list on
    /// their command line.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StageName::ALL
            .iter()
            .copied()
            .find(|n| n.as_str() == s.trim())
            .ok_or_else(|| UnknownStage(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_parse_back() {
        for &n in StageName::ALL {
            assert_eq!(n.as_str().parse::<StageName>().unwrap(), n);
        }
        assert!("lemmas".parse::<StageName>().is_err());
    }

    #[test]
    fn dedup_limits_are_checked() {
        let c = ExtractConfig {
            dedup_capacity: 0,
            dedup_max_distance: 9,
            ..ExtractConfig::default()
        };
        let mut problems = Vec::new();
        c.validate(&mut problems);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
