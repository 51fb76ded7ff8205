//! Finding quoted passages: straight and curly double quotes, over paragraphs.
//!
//! News style opens every paragraph of a long quotation with a quote mark and
//! closes only the last one; a paragraph that ends inside a quotation and is
//! followed by one that opens with a mark continues the same quotation.

/// One quoted passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Passage {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset just past the closing mark (or the end of the last paragraph).
    pub end: usize,
    /// Byte ranges of the quoted words, one per paragraph.
    pub parts: Vec<(usize, usize)>,
}

impl Passage {
    /// The quoted words, paragraphs joined by a space.
    pub(crate) fn text(&self, text: &str) -> String {
        let parts: Vec<&str> = self
            .parts
            .iter()
            .map(|&(s, e)| text[s..e].trim())
            .filter(|p| !p.is_empty())
            .collect();
        parts.join(" ")
    }

    /// Byte offset where the quoted words end (before the closing mark).
    pub(crate) fn words_end(&self) -> usize {
        self.parts.last().map_or(self.end, |p| p.1)
    }
}

fn is_open(c: char, next: Option<char>) -> bool {
    c == '“' || (c == '"' && next.is_some_and(|n| !n.is_whitespace()))
}

/// Paragraphs (lines) of `text` as byte ranges, empty ones left out.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            if !text[start..i].trim().is_empty() {
                out.push((start, i));
            }
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

/// Every quoted passage of `text`, in order.
pub(crate) fn passages(text: &str) -> Vec<Passage> {
    let paras = paragraphs(text);
    let mut out = Vec::new();
    let mut open: Option<Passage> = None;
    let mut skip_before = 0;
    let mut nested = false;
    for (pi, &(ps, pe)) in paras.iter().enumerate() {
        let para = &text[ps..pe];
        let mut chars = para.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = ps + i;
            if at < skip_before {
                continue;
            }
            let next = chars.peek().map(|&(_, n)| n);
            match &mut open {
                None => {
                    if is_open(c, next) {
                        open = Some(Passage {
                            open: at,
                            end: at,
                            parts: vec![(at + c.len_utf8(), at + c.len_utf8())],
                        });
                    }
                }
                Some(p) => {
                    let start = p.parts.last().map_or(at, |x| x.0);
                    let prev = para[..i].chars().next_back();
                    // `"… fee ("seat") to use …"`: a straight mark after a space or
                    // bracket and before a letter opens a quotation inside this one.
                    if c == '"'
                        && !nested
                        && prev.is_some_and(|p| p.is_whitespace() || p == '(')
                        && next.is_some_and(char::is_alphanumeric)
                    {
                        nested = true;
                        continue;
                    }
                    if c == '"' && nested {
                        nested = false;
                        continue;
                    }
                    if c == '”' || c == '"' {
                        if let Some(last) = p.parts.last_mut() {
                            last.1 = at;
                        }
                        p.end = at + c.len_utf8();
                        out.extend(open.take());
                    } else if c == '“' && at > start {
                        // A new opening mark inside a quotation: the previous one
                        // was never closed; end it here and start again.
                        if let Some(last) = p.parts.last_mut() {
                            last.1 = at;
                        }
                        p.end = at;
                        out.extend(open.take());
                        open = Some(Passage {
                            open: at,
                            end: at,
                            parts: vec![(at + c.len_utf8(), at + c.len_utf8())],
                        });
                    }
                }
            }
        }
        nested = false;
        if let Some(mut p) = open.take() {
            if let Some(last) = p.parts.last_mut() {
                last.1 = pe;
            }
            p.end = pe;
            let continues = paras.get(pi + 1).and_then(|&(s, e)| {
                let t = text[s..e].trim_start();
                let c = t.chars().next()?;
                is_open(c, t[c.len_utf8()..].chars().next()).then(|| e - t.len() + c.len_utf8())
            });
            match continues {
                // The next paragraph reopens the same quotation: skip its mark.
                Some(words_start) => {
                    p.parts.push((words_start, words_start));
                    open = Some(p);
                    skip_before = words_start;
                }
                None => out.push(p),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        passages(text).iter().map(|p| p.text(text)).collect()
    }

    #[test]
    fn straight_and_curly_quotes() {
        let t = "\"We won,\" she said. “It was hard,” he added.";
        assert_eq!(texts(t), ["We won,", "It was hard,"]);
    }

    #[test]
    fn quote_over_two_paragraphs() {
        let t = "“First part of it.\n\n“Second part,” Dyer said.\n\nNext paragraph.";
        let p = passages(t);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text(t), "First part of it. Second part,");
        assert_eq!(&t[p[0].end..p[0].end + 5], " Dyer");
    }

    #[test]
    fn straight_quote_over_paragraphs() {
        let t = "\"One.\n\n\"Two,\" he said.";
        assert_eq!(texts(t), ["One. Two,"]);
    }

    #[test]
    fn straight_quote_inside_a_quotation() {
        let t = "\"We pay per user (\"seat\") each month,\" she said.";
        assert_eq!(texts(t), ["We pay per user (\"seat\") each month,"]);
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        let t = "He said \"never again\n\nThen he left.";
        assert_eq!(texts(t), ["never again"]);
    }
}
