//! Small text utilities shared by the stages.

/// Collapses every run of whitespace (including non-breaking spaces) to one
/// space and trims the ends.
pub fn normalize_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Whole runs copied at once: most of the stages' text passes through here.
    let words = s
        .split(|c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}')
        .filter(|w| !w.is_empty());
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// First position of `needle` (lower-case ASCII) in `hay`, ignoring ASCII
/// case, without the allocation of a lower-cased copy: the rules that use
/// it run on every element or text node of a page.
pub fn find_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    // Jump between the places the first byte occurs (in either case),
    // comparing the rest only there.
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut from = 0;
    while from <= last_start {
        let at = from + memchr::memchr2(lower, upper, &hay[from..=last_start])?;
        if hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Lower-case letters and digits only: names compared across spellings
/// (`USA TODAY` and `USAToday`, `Newegg.com` and the host's `newegg`).
pub fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Number of words: runs of alphanumeric characters, the way the
/// evaluation's `\w+` counts them.
pub fn word_count(s: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in s.chars() {
        let w = c.is_alphanumeric() || c == '_';
        if w && !in_word {
            count += 1;
        }
        in_word = w;
    }
    count
}

/// Decodes HTML entities left in text that was escaped twice (`&amp;amp;`,
/// or `&aacute;` in a `content` attribute).
pub fn unescape(s: &str) -> String {
    if s.contains('&') {
        html_escape::decode_html_entities(s).into_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize_space("  a \u{a0}\n b  "), "a b");
        assert_eq!(normalize_space(""), "");
    }

    #[test]
    fn finds_ignoring_ascii_case() {
        let find = |h: &str, n: &str| find_ignore_ascii_case(h.as_bytes(), n.as_bytes());
        assert_eq!(find("Posted ON May 5", "posted on"), Some(0));
        assert_eq!(find("pp POSTED: x", "posted:"), Some(3));
        assert_eq!(find("ends in Publ", "published"), None);
        assert_eq!(find("pos", "posted"), None);
        assert_eq!(find("abc", ""), Some(0));
        assert_eq!(find("", "a"), None);
        assert_eq!(find("xxA", "a"), Some(2));
        assert_eq!(find("élan Published", "published"), Some(6));
    }

    #[test]
    fn counts_words() {
        assert_eq!(word_count("It's 3 o'clock — don't panic."), 8);
        assert_eq!(word_count("   "), 0);
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape("Caf&eacute; &amp; bar"), "Café & bar");
    }
}
