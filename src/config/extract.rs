//! `[extract]`: which stages run and the limits that protect them.

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
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            stages: StageName::ALL.to_vec(),
            max_html_bytes: 8 * 1024 * 1024,
        }
    }
}

impl ExtractConfig {
    /// Adds every problem with these settings to `problems`.
    pub(crate) fn validate(&self, problems: &mut Vec<String>) {
        if self.max_html_bytes < 1024 {
            problems.push("extract.max_html_bytes must be at least 1024".to_owned());
        }
        for (i, s) in self.stages.iter().enumerate() {
            if self.stages[..i].contains(s) {
                problems.push(format!("extract.stages lists `{}` twice", s.as_str()));
            }
        }
    }
}

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
    /// People, organizations and places named in the text (English only).
    Entities,
    /// Direct quotations with their speakers (English only).
    Quotes,
}

impl StageName {
    /// Every stage, in pipeline order.
    pub const ALL: &'static [StageName] = &[
        StageName::Clean,
        StageName::Content,
        StageName::Metadata,
        StageName::Entities,
        StageName::Quotes,
    ];

    /// The name used in config files and warnings.
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Clean => "clean",
            StageName::Content => "content",
            StageName::Metadata => "metadata",
            StageName::Entities => "entities",
            StageName::Quotes => "quotes",
        }
    }
}
