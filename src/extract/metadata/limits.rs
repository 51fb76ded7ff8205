//! Size limits on the metadata a page declares.
//!
//! A page can declare anything: a three-megabyte `<title>`, a hundred
//! thousand `article:tag`s, a canonical URL of a million characters. None of
//! that is metadata a reader or an index can use, and one such record can
//! be too large for a sink (NATS takes 1 MiB by default) or for the tables
//! downstream. Values past these limits, each several times the longest seen
//! on the 1,358 development pages, are dropped with a warning; a long
//! description is cut at a word instead, since its start is still a summary.

/// Longest title candidate that `title::find` considers, in characters
/// (longest title on the development pages: 257); longer ones give way to
/// the next candidate.
pub const MAX_TITLE_CHARS: usize = 1_000;
/// Longest site name or section kept (longest seen: 116 and 363).
pub const MAX_NAME_CHARS: usize = 1_000;
/// Where a description is cut (longest seen: 14,903, a whole article).
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Longest canonical or image URL kept: the sitemaps protocol's limit, and
/// about what browsers and crawlers handle (longest seen: 475).
pub const MAX_URL_CHARS: usize = 2_048;
/// Most tags kept, in page order (most seen: 66).
pub const MAX_TAGS: usize = 200;

/// `value`, or `None` with a warning when it is longer than `max`
/// characters.
pub fn at_most(
    field: &str,
    value: Option<String>,
    max: usize,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let value = value?;
    let chars = value.chars().count();
    if chars <= max {
        return Some(value);
    }
    warnings.push(format!(
        "{field} of {chars} characters dropped (longer than {max})"
    ));
    None
}

/// `value` cut to at most `max` characters, at the last space before the
/// limit when there is one, with `…` added; a warning says so.
pub fn cut(
    field: &str,
    value: Option<String>,
    max: usize,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let value = value?;
    let Some((end, _)) = value.char_indices().nth(max) else {
        return Some(value);
    };
    let head = &value[..end];
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    warnings.push(format!(
        "{field} cut to {} characters (longer than {max})",
        head.chars().count()
    ));
    Some(format!("{}…", head.trim_end()))
}

/// The first [`MAX_TAGS`] of `tags`, with a warning when there were more.
pub fn first_tags(mut tags: Vec<String>, warnings: &mut Vec<String>) -> Vec<String> {
    if tags.len() > MAX_TAGS {
        warnings.push(format!(
            "{} tags, only the first {MAX_TAGS} kept",
            tags.len()
        ));
        tags.truncate(MAX_TAGS);
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_within_the_limit_pass_unwarned() {
        let mut w = Vec::new();
        assert_eq!(
            at_most("title", Some("Storm hits coast".into()), 16, &mut w).as_deref(),
            Some("Storm hits coast")
        );
        assert_eq!(
            cut("description", Some("Short.".into()), 6, &mut w).as_deref(),
            Some("Short.")
        );
        assert_eq!(at_most("title", None, 1, &mut w), None);
        assert_eq!(
            first_tags(vec!["a".into(); MAX_TAGS], &mut w).len(),
            MAX_TAGS
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn overlong_values_go_with_a_warning() {
        let mut w = Vec::new();
        assert_eq!(at_most("title", Some("é".repeat(11)), 10, &mut w), None);
        assert_eq!(w, ["title of 11 characters dropped (longer than 10)"]);
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        let mut w = Vec::new();
        let d = cut(
            "description",
            Some("The storm hit the coast".into()),
            12,
            &mut w,
        );
        assert_eq!(d.as_deref(), Some("The storm…"));
        assert_eq!(w, ["description cut to 9 characters (longer than 12)"]);
        // No space to cut at: cut at the limit, on a character boundary.
        let d = cut("description", Some("ééééé".into()), 3, &mut Vec::new());
        assert_eq!(d.as_deref(), Some("ééé…"));
    }

    #[test]
    fn tags_past_the_limit_go() {
        let mut w = Vec::new();
        let tags = first_tags(vec!["tag".into(); MAX_TAGS + 5], &mut w);
        assert_eq!(tags.len(), MAX_TAGS);
        assert_eq!(w.len(), 1);
    }
}
