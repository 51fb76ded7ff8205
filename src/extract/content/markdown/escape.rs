//! Escapes: the page's characters that Markdown would read as markup
//! (`*`, `[`, a line starting `# `) get a backslash, so they stay
//! characters.

/// `text` (one line or several, no markup of its own) as Markdown.
pub(in crate::extract::content) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out.split('\n')
        .map(escape_line_start)
        .collect::<Vec<_>>()
        .join("  \n")
}

/// Copies `s`, escaping what Markdown would read as markup: `\`, `*`, `` ` ``,
/// `[`, `]`, `<`, an `_` at a word's edge, and `|` in a table.
pub(super) fn escape_into(out: &mut String, s: &str, in_table: bool) {
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let escape = match c {
            '\\' | '*' | '`' | '[' | ']' | '<' => true,
            '_' => {
                let inside = prev.is_some_and(char::is_alphanumeric)
                    && chars.peek().is_some_and(|n| n.is_alphanumeric());
                !inside
            }
            '|' => in_table,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
}

/// Escapes a line start that would read as a heading, quote, list item or
/// rule (`# 1`, `> x`, `- x`, `+ x`, `1. x`, `---`).
pub(super) fn escape_line_start(line: &str) -> String {
    let bytes = line.as_bytes();
    let marker_then_space =
        |i: usize| bytes.get(i + 1).is_none_or(|b| *b == b' ') || bytes[i] == b'#';
    match bytes.first() {
        Some(b'#' | b'>') => format!("\\{line}"),
        Some(b'-' | b'+' | b'=') if marker_then_space(0) || line.bytes().all(|b| b == bytes[0]) => {
            format!("\\{line}")
        }
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 && marker_then_space(digits) => {
                    format!("{}\\{}", &line[..digits], &line[digits..])
                }
                _ => line.to_owned(),
            }
        }
        _ => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_words_are_not() {
        let mut out = String::new();
        escape_into(&mut out, "a*b [x] snake_case _lead <tag> a|b", false);
        assert_eq!(out, r"a\*b \[x\] snake_case \_lead \<tag> a|b");
        out.clear();
        escape_into(&mut out, "a|b", true);
        assert_eq!(out, r"a\|b");
    }

    #[test]
    fn plain_text_is_escaped_line_by_line() {
        assert_eq!(
            escape("5 * 3 [sic]\n# 1 seller"),
            "5 \\* 3 \\[sic\\]  \n\\# 1 seller"
        );
    }

    #[test]
    fn line_starts_that_read_as_blocks_are_escaped() {
        assert_eq!(escape_line_start("# 1 seller"), r"\# 1 seller");
        assert_eq!(escape_line_start("- not a list"), r"\- not a list");
        assert_eq!(escape_line_start("---"), r"\---");
        assert_eq!(escape_line_start("2024. A year"), r"2024\. A year");
        assert_eq!(escape_line_start("3.5 stars"), "3.5 stars");
        assert_eq!(escape_line_start("-5 degrees"), "-5 degrees");
        assert_eq!(escape_line_start("Plain"), "Plain");
    }
}
