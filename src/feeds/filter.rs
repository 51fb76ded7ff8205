//! Which feed entries become articles: block and keep rules on an entry's
//! link, title and categories, and a maximum age, as Miniflux's entry
//! filters do.
//!
//! A rule is `field:regex`, the field one of `url`, `title` or `category`
//! (any of the entry's categories), the regex in the `regex` crate's syntax
//! (`(?i)` for case-insensitive): `url:/(video|live)/`,
//! `title:(?i)^sponsored`, `category:(?i)^sport$`. Rules come from `[filter]`
//! (every feed) and from each `[[feeds]]` table; an entry must pass both.
//! Filtered entries are not remembered: a rule changed later applies to the
//! entries still in the feed at the next poll.

use std::time::Duration;

use chrono::{DateTime, Utc};
use regex::Regex;

use super::FeedEntry;

/// Why a rule could not be read; names the rule.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The rule does not name a field.
    #[error("rule `{rule}` must start with url:, title: or category:")]
    Field {
        /// The rule as written.
        rule: String,
    },
    /// The regex does not compile.
    #[error("rule `{rule}`: {source}")]
    Regex {
        /// The rule as written.
        rule: String,
        /// The regex crate's error.
        #[source]
        source: Box<regex::Error>,
    },
}

/// The part of an entry a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Url,
    Title,
    Category,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    field: Field,
    regex: Regex,
}

impl Rule {
    /// Reads `field:regex`.
    pub fn parse(rule: &str) -> Result<Rule, RuleError> {
        let (field, pattern) = rule.split_once(':').ok_or_else(|| RuleError::Field {
            rule: rule.to_owned(),
        })?;
        let field = match field.trim() {
            "url" => Field::Url,
            "title" => Field::Title,
            "category" => Field::Category,
            _ => {
                return Err(RuleError::Field {
                    rule: rule.to_owned(),
                });
            }
        };
        let regex = Regex::new(pattern).map_err(|source| RuleError::Regex {
            rule: rule.to_owned(),
            source: Box::new(source),
        })?;
        Ok(Rule { field, regex })
    }

    fn matches(&self, entry: &FeedEntry) -> bool {
        match self.field {
            Field::Url => self.regex.is_match(entry.link.as_str()),
            Field::Title => entry
                .title
                .as_deref()
                .is_some_and(|t| self.regex.is_match(t)),
            Field::Category => entry.categories.iter().any(|c| self.regex.is_match(c)),
        }
    }
}

/// Reads every rule of `rules`, reporting each bad one (for config
/// validation; `key` names where they were found, as `filter.block`).
pub fn check_rules(key: &str, rules: &[String], problems: &mut Vec<String>) {
    for (i, rule) in rules.iter().enumerate() {
        if let Err(e) = Rule::parse(rule) {
            problems.push(format!("{key}[{i}]: {e}"));
        }
    }
}

/// What the filter made of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It becomes an article.
    Keep,
    /// Published longer ago than the maximum age.
    TooOld,
    /// A block rule matched.
    Blocked,
    /// Keep rules exist and none matched.
    NotKept,
}

impl Verdict {
    /// The label of the `newswire_entries_filtered_total` counter.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Keep => "kept",
            Verdict::TooOld => "too_old",
            Verdict::Blocked => "blocked",
            Verdict::NotKept => "not_kept",
        }
    }
}

/// The rules that apply to one feed.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    max_age: Option<Duration>,
    block: Vec<Rule>,
    /// Each group must have a match when it is not empty: the global keep
    /// rules, the feed's.
    keep: Vec<Vec<Rule>>,
}

impl EntryFilter {
    /// The filter every feed starts from (`[filter]`): the age limit and
    /// the global rules, compiled once.
    pub fn global(
        max_age: Option<Duration>,
        block: &[String],
        keep: &[String],
    ) -> Result<EntryFilter, RuleError> {
        EntryFilter::default()
            .with_rules(block, keep)
            .map(|f| EntryFilter {
                max_age: max_age.filter(|d| !d.is_zero()),
                ..f
            })
    }

    /// This filter with a feed's own rules added. The compiled rules it
    /// already holds are shared, not compiled again for every feed.
    pub fn with_rules(&self, block: &[String], keep: &[String]) -> Result<EntryFilter, RuleError> {
        let parse = |rules: &[String]| {
            rules
                .iter()
                .map(|r| Rule::parse(r))
                .collect::<Result<Vec<_>, _>>()
        };
        let mut filter = self.clone();
        filter.block.extend(parse(block)?);
        let keep = parse(keep)?;
        if !keep.is_empty() {
            filter.keep.push(keep);
        }
        Ok(filter)
    }

    /// Whether nothing is ever filtered.
    pub fn is_empty(&self) -> bool {
        self.max_age.is_none() && self.block.is_empty() && self.keep.is_empty()
    }

    /// What becomes of `entry` at `now`. An entry without a date is never
    /// too old: many feeds leave dates out.
    pub fn verdict(&self, entry: &FeedEntry, now: DateTime<Utc>) -> Verdict {
        let too_old = self.max_age.is_some_and(|age| {
            let oldest = chrono::Duration::from_std(age)
                .ok()
                .and_then(|age| now.checked_sub_signed(age));
            matches!((entry.published, oldest), (Some(p), Some(o)) if p < o)
        });
        if too_old {
            Verdict::TooOld
        } else if self.block.iter().any(|r| r.matches(entry)) {
            Verdict::Blocked
        } else if self
            .keep
            .iter()
            .any(|group| !group.iter().any(|r| r.matches(entry)))
        {
            Verdict::NotKept
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(link: &str, title: &str, categories: &[&str], days_old: i64) -> FeedEntry {
        FeedEntry {
            link: url::Url::parse(link).unwrap(),
            guid: None,
            title: Some(title.to_owned()),
            published: Some(Utc::now() - chrono::Duration::days(days_old)),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            content: None,
        }
    }

    fn rules(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn rules_name_a_field_and_a_regex() {
        assert!(Rule::parse("url:/video/").is_ok());
        assert!(Rule::parse("title:(?i)^sponsored").is_ok());
        let e = Rule::parse("/video/").unwrap_err().to_string();
        assert!(
            e.contains("must start with url:, title: or category:"),
            "{e}"
        );
        let e = Rule::parse("author:x").unwrap_err().to_string();
        assert!(e.contains("`author:x`"), "{e}");
        let e = Rule::parse("url:(unclosed").unwrap_err().to_string();
        assert!(e.contains("`url:(unclosed`"), "{e}");
    }

    #[test]
    fn block_rules_match_url_title_or_any_category() {
        let f = EntryFilter::global(None, &rules(&["url:/video/"]), &[])
            .unwrap()
            .with_rules(&rules(&["title:(?i)^sponsored", "category:^Ads$"]), &[])
            .unwrap();
        let now = Utc::now();
        let v =
            |link: &str, title: &str, cats: &[&str]| f.verdict(&entry(link, title, cats, 0), now);
        assert_eq!(
            v("https://n.example/news/a", "Budget passes", &["Politics"]),
            Verdict::Keep
        );
        assert_eq!(
            v("https://n.example/video/a", "Budget passes", &[]),
            Verdict::Blocked
        );
        assert_eq!(
            v("https://n.example/news/b", "SPONSORED: a phone", &[]),
            Verdict::Blocked
        );
        assert_eq!(
            v("https://n.example/news/c", "Shop", &["Deals", "Ads"]),
            Verdict::Blocked
        );
    }

    #[test]
    fn keep_rules_of_the_config_and_of_the_feed_must_both_match() {
        let f = EntryFilter::global(None, &[], &rules(&["url:^https://n\\.example/"]))
            .unwrap()
            .with_rules(
                &[],
                &rules(&["category:(?i)politics", "title:(?i)election"]),
            )
            .unwrap();
        let now = Utc::now();
        let v =
            |link: &str, title: &str, cats: &[&str]| f.verdict(&entry(link, title, cats, 0), now);
        assert_eq!(
            v("https://n.example/a", "Budget", &["Politics"]),
            Verdict::Keep
        );
        assert_eq!(
            v("https://n.example/b", "Election night", &[]),
            Verdict::Keep
        );
        assert_eq!(
            v("https://n.example/c", "Football", &["Sport"]),
            Verdict::NotKept
        );
        assert_eq!(
            v("https://other.example/a", "Budget", &["Politics"]),
            Verdict::NotKept
        );
    }

    #[test]
    fn entries_past_the_maximum_age_are_too_old_but_undated_ones_stay() {
        let f = EntryFilter::global(Some(Duration::from_secs(7 * 86_400)), &[], &[]).unwrap();
        let now = Utc::now();
        assert_eq!(
            f.verdict(&entry("https://n.example/a", "A", &[], 2), now),
            Verdict::Keep
        );
        assert_eq!(
            f.verdict(&entry("https://n.example/b", "B", &[], 30), now),
            Verdict::TooOld
        );
        let mut undated = entry("https://n.example/c", "C", &[], 30);
        undated.published = None;
        assert_eq!(f.verdict(&undated, now), Verdict::Keep);
        assert!(!f.is_empty());
        assert!(
            EntryFilter::global(Some(Duration::ZERO), &[], &[])
                .unwrap()
                .is_empty()
        );
    }
}
