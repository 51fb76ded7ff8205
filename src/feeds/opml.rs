//! Feed lists from OPML files (what feed readers export).

use std::path::Path;

use crate::config::FeedConfig;

/// Why an OPML file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    /// The file could not be read.
    #[error("cannot read OPML file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not OPML.
    #[error("cannot parse OPML file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

/// Reads every `xmlUrl` of an OPML file, nested outlines included; an
/// outline's category path becomes the feed's tags.
pub fn read_opml(path: &Path) -> Result<Vec<FeedConfig>, OpmlError> {
    let text = std::fs::read_to_string(path).map_err(|source| OpmlError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_opml(&text).map_err(|message| OpmlError::Parse {
        path: path.display().to_string(),
        message,
    })
}

/// Parses OPML text. A missing `version` attribute (common, and rejected by
/// the opml crate) is supplied.
pub fn parse_opml(text: &str) -> Result<Vec<FeedConfig>, String> {
    let fixed;
    let text = if text.contains("<opml") && !opml_has_version(text) {
        fixed = text.replacen("<opml", "<opml version=\"2.0\"", 1);
        fixed.as_str()
    } else {
        text
    };
    let doc = opml::OPML::from_str(text).map_err(|e| e.to_string())?;
    let mut feeds = Vec::new();
    let mut stack: Vec<(&opml::Outline, Vec<String>)> = doc
        .body
        .outlines
        .iter()
        .rev()
        .map(|o| (o, Vec::new()))
        .collect();
    while let Some((outline, tags)) = stack.pop() {
        if let Some(url) = outline.xml_url.as_deref().filter(|u| !u.trim().is_empty()) {
            let mut feed = FeedConfig::new(url.trim());
            feed.tags = tags.clone();
            feeds.push(feed);
        }
        let mut child_tags = tags;
        if outline.xml_url.is_none() && !outline.text.trim().is_empty() {
            child_tags.push(outline.text.trim().to_owned());
        }
        for child in outline.outlines.iter().rev() {
            stack.push((child, child_tags.clone()));
        }
    }
    Ok(feeds)
}

fn opml_has_version(text: &str) -> bool {
    text.split("<opml")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .is_some_and(|attrs| attrs.contains("version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_become_tagged_feeds() {
        let text = r#"<?xml version="1.0"?><opml><head><title>x</title></head><body>
<outline text="World"><outline text="A" type="rss" xmlUrl="https://a.example/feed"/></outline>
<outline text="B" type="rss" xmlUrl="https://b.example/rss"/>
</body></opml>"#;
        let feeds = parse_opml(text).unwrap();
        assert_eq!(feeds.len(), 2);
        assert_eq!(feeds[0].url, "https://a.example/feed");
        assert_eq!(feeds[0].tags, ["World"]);
        assert!(feeds[1].tags.is_empty());
    }

    #[test]
    fn not_opml_is_an_error() {
        assert!(parse_opml("<html></html>").is_err());
    }
}
