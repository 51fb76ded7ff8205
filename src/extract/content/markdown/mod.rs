//! Markdown beside the plain text: the same blocks, with their structure.
//!
//! With `[extract] markdown` on, the renderer keeps a second line for each
//! block ([`MarkdownLine`]): headings get their `#`s, list items their
//! markers and indentation, quotes their `>`, preformatted text a fence,
//! table rows their pipes, and links, emphasis and inline code their
//! markup. Assembly keeps exactly the blocks it keeps for `text`, so the
//! Markdown says the same words plus link targets; [`join`] turns
//! consecutive rows of one table into a GFM table. Characters that would
//! read as markup are escaped, so a `*` in the page stays a `*`.

mod escape;

pub(super) use self::escape::escape;
use self::escape::{escape_into, escape_line_start};

use ego_tree::NodeId;
use url::Url;

/// Asks the renderer for Markdown too, with relative links resolved
/// against `base` (kept as written when there is none).
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown<'a> {
    /// The page's base URL.
    pub base: Option<&'a Url>,
}

/// What a block element makes of its text, and of its children's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `h1`–`h6`.
    Heading(u8),
    /// `ul`/`ol` (`dl` counts as unordered); `next` numbers an `ol`'s items.
    List { ordered: bool, next: u32 },
    /// A list item: its marker (`- ` or `3. `) goes before its first line,
    /// `indent` spaces (the enclosing items' markers) before every line.
    Item {
        number: Option<u32>,
        indent: usize,
        marked: bool,
    },
    /// `blockquote`: `> ` before every line inside.
    Quote,
    /// `table`: its rows are joined into one Markdown table.
    Table,
    /// `tr`: one line of cells, unless a block inside a cell `broke` it
    /// (a layout table: the article's paragraphs in a cell).
    Row { broken: bool },
    /// Any other block.
    Other,
}

impl Shape {
    /// The shape of a block element `name` opened inside `open` (outermost
    /// first); `start` is an `<ol start>`. Numbers the item in its list.
    pub(super) fn of(name: &str, start: Option<&str>, open: &mut [Shape]) -> Shape {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                Shape::Heading(name.as_bytes()[1].saturating_sub(b'0'))
            }
            "ul" | "dl" => Shape::List {
                ordered: false,
                next: 1,
            },
            "ol" => Shape::List {
                ordered: true,
                next: start.and_then(|s| s.trim().parse().ok()).unwrap_or(1),
            },
            "li" | "dt" | "dd" => {
                let indent = open.iter().map(Shape::marker_width).sum();
                let number = match open
                    .iter_mut()
                    .rev()
                    .find(|s| matches!(s, Shape::List { .. }))
                {
                    Some(Shape::List {
                        ordered: true,
                        next,
                    }) => {
                        let n = *next;
                        *next = next.saturating_add(1);
                        Some(n)
                    }
                    _ => None,
                };
                Shape::Item {
                    number,
                    indent,
                    marked: false,
                }
            }
            "blockquote" => Shape::Quote,
            "table" => Shape::Table,
            "tr" => Shape::Row { broken: false },
            _ => Shape::Other,
        }
    }

    fn marker(self) -> Option<String> {
        match self {
            Shape::Item {
                number: Some(n), ..
            } => Some(format!("{n}. ")),
            Shape::Item { number: None, .. } => Some("- ".to_owned()),
            _ => None,
        }
    }

    /// Columns an item's marker takes, which its continuation lines and
    /// nested items are indented by.
    fn marker_width(&self) -> usize {
        self.marker().map_or(0, |m| m.len())
    }
}

/// An inline element whose markup wraps its text once it closes.
#[derive(Debug)]
enum Span {
    /// `<a href>`: the target, resolved, when it is one worth keeping.
    Link(Option<String>),
    /// `<strong>`, `<b>`.
    Strong,
    /// `<em>`, `<i>`.
    Emphasis,
    /// `<code>`, `<kbd>`, `<samp>` outside `<pre>`.
    Code,
    /// An element that adds nothing (nested emphasis, markup inside `<pre>`).
    Plain,
}

/// One row of a table: which table, and how many cells the row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    table: NodeId,
    cells: usize,
}

/// A block as Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    /// The block's Markdown, container prefixes included.
    pub text: String,
    /// Set when the block is a table row, so that [`join`] can keep the
    /// table's rows together.
    pub row: Option<Row>,
}

/// The Markdown of the block being rendered.
#[derive(Debug)]
pub(super) struct MarkdownLine<'a> {
    base: Option<&'a Url>,
    line: String,
    /// Open inline elements, innermost last, with where their text starts.
    spans: Vec<(Span, usize)>,
    /// Cells opened in the current row.
    cells: usize,
    /// Cell separators not written yet: they go in before the next text,
    /// so a row that a block breaks (a layout table) keeps none.
    separators: usize,
    /// The emphasis marker that closed the last span, and where it ends:
    /// a span of the same kind right after it (`<b>A</b> <b>B</b>`) joins
    /// it instead of writing `**A** **B**` (or `****` with no space).
    last_close: Option<(&'static str, usize)>,
    /// The language a `<pre>` or its `<code>` names in its class
    /// (`language-rust`, `lang-py`), written after the opening fence.
    language: Option<String>,
}

impl<'a> MarkdownLine<'a> {
    /// An empty line, links resolved as `options` says.
    pub(super) fn new(options: Markdown<'a>) -> MarkdownLine<'a> {
        MarkdownLine {
            base: options.base,
            line: String::new(),
            spans: Vec::new(),
            cells: 0,
            separators: 0,
            last_close: None,
            language: None,
        }
    }

    /// Text as it stands in the page; escaped unless `literal` (code).
    pub(super) fn text(&mut self, s: &str, literal: bool, in_table: bool) {
        self.write_separators();
        let literal = literal || self.in_code();
        if literal {
            self.line.push_str(s);
        } else {
            escape_into(&mut self.line, s, in_table);
        }
    }

    /// A space or line break the plain renderer put in.
    pub(super) fn push(&mut self, c: char) {
        self.line.push(c);
    }

    /// A `<br>`.
    pub(super) fn line_break(&mut self) {
        super::render::end_line(&mut self.line);
    }

    /// A block opens inside the innermost container of `open`: a row it
    /// opens in is no table row any more.
    pub(super) fn block_opens(open: &mut [Shape]) {
        if let Some(Shape::Row { broken }) = open.last_mut() {
            *broken = true;
        }
    }

    /// A `<td>` or `<th>`.
    pub(super) fn cell(&mut self) {
        if self.cells > 0 {
            self.separators += 1;
        }
        self.cells += 1;
    }

    /// Writes the cell separators due (one per cell opened since the last
    /// text: empty cells keep their column).
    fn write_separators(&mut self) {
        if self.separators == 0 {
            return;
        }
        let trimmed = self.line.trim_end().len();
        self.line.truncate(trimmed);
        for _ in 0..std::mem::take(&mut self.separators) {
            self.line.push_str(" | ");
        }
        // Elements opened in the new cell start after its separator.
        for (_, start) in &mut self.spans {
            if *start >= trimmed {
                *start = self.line.len();
            }
        }
    }

    /// The class of a `<pre>`, or of a `<code>` inside one: the first
    /// `language-*` or `lang-*` name (Prism's, highlight.js's and
    /// GitHub's convention) is the code's language.
    pub(super) fn code_class(&mut self, class: Option<&str>) {
        let named = class.unwrap_or("").split_ascii_whitespace().find_map(|c| {
            let lang = c
                .strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))?;
            let ok = |ch: char| ch.is_ascii_alphanumeric() || "+#._-".contains(ch);
            (!lang.is_empty() && lang.chars().all(ok)).then(|| lang.to_ascii_lowercase())
        });
        if named.is_some() {
            self.language = named;
        }
    }

    fn in_code(&self) -> bool {
        self.spans.iter().any(|(s, _)| matches!(s, Span::Code))
    }

    /// An inline element opens; `pre` when inside `<pre>`.
    pub(super) fn open(&mut self, name: &str, href: Option<&str>, pre: bool) {
        let has = |f: fn(&Span) -> bool| self.spans.iter().any(|(s, _)| f(s));
        let span = match name {
            _ if pre || self.in_code() => Span::Plain,
            "a" => Span::Link(href.and_then(|h| self.target(h))),
            "strong" | "b" if !has(|s| matches!(s, Span::Strong)) => Span::Strong,
            "em" | "i" if !has(|s| matches!(s, Span::Emphasis)) => Span::Emphasis,
            "code" | "kbd" | "samp" | "tt" => Span::Code,
            _ => Span::Plain,
        };
        self.spans.push((span, self.line.len()));
    }

    /// The inline element opened last closes: its markup wraps what it
    /// holds of the current block (none when it holds only whitespace).
    pub(super) fn close(&mut self) {
        let Some((span, start)) = self.spans.pop() else {
            return;
        };
        let start = start.min(self.line.len());
        let inner = &self.line[start..];
        let body = inner.trim();
        if body.is_empty() {
            return;
        }
        let (open, close) = match &span {
            Span::Plain | Span::Link(None) => return,
            Span::Link(Some(target)) => ("[".to_owned(), format!("]({target})")),
            Span::Strong => ("**".to_owned(), "**".to_owned()),
            Span::Emphasis => ("*".to_owned(), "*".to_owned()),
            Span::Code => {
                let fence = "`".repeat(longest_run(body, '`') + 1);
                let pad = if body.starts_with('`') || body.ends_with('`') {
                    " "
                } else {
                    ""
                };
                (format!("{fence}{pad}"), format!("{pad}{fence}"))
            }
        };
        let lead = &inner[..inner.len() - inner.trim_start().len()];
        let trail = &inner[inner.trim_end().len()..];
        let emphasis = matches!(span, Span::Strong | Span::Emphasis).then_some(close.as_str());
        let joins = match (emphasis, self.last_close) {
            (Some(m), Some((last, end))) => {
                // Only plain runs join: markers of nested spans stay.
                m == last
                    && end <= start
                    && self.line[..end].ends_with(m)
                    && !self.line[..end - m.len()].ends_with('*')
                    && !body.starts_with('*')
                    && !body.ends_with('*')
                    && self.line[end..start].trim().is_empty()
                    // An element opened in between (`<i><b>`) keeps its start.
                    && self.spans.iter().all(|(_, s)| *s + m.len() <= end)
            }
            _ => false,
        };
        let trail_len = trail.len();
        let wrapped = if joins {
            format!("{lead}{body}{close}{trail}")
        } else {
            format!("{lead}{open}{body}{close}{trail}")
        };
        self.line.truncate(start);
        if joins && let Some((m, end)) = self.last_close {
            // Drop the earlier span's closing marker, keep what separates them.
            let gap = self.line[end..].to_owned();
            self.line.truncate(end - m.len());
            self.line.push_str(&gap);
        }
        self.line.push_str(&wrapped);
        self.last_close = match span {
            Span::Strong => Some(("**", self.line.len() - trail_len)),
            Span::Emphasis => Some(("*", self.line.len() - trail_len)),
            _ => None,
        };
    }

    /// A link target worth writing: absolute http(s) or mailto, relative
    /// ones resolved against the page; none for `javascript:` and anchors.
    fn target(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let url = match self.base {
            Some(base) => base.join(href).ok()?,
            None => match Url::parse(href) {
                Ok(url) => url,
                // No base to resolve against: a relative link as written.
                Err(_) if !href.contains([' ', '<', '>', '(', ')']) => {
                    return Some(href.to_owned());
                }
                Err(_) => return None,
            },
        };
        if !matches!(url.scheme(), "http" | "https" | "mailto") {
            return None;
        }
        let s = url.to_string();
        if s.contains(['(', ')', ' ']) {
            Some(format!("<{s}>"))
        } else {
            Some(s)
        }
    }

    /// Ends the block: its Markdown under the containers in `open`
    /// (outermost first), or `None` when it has no text. `pre` keeps the
    /// text as it is, fenced.
    pub(super) fn finish(
        &mut self,
        open: &mut [Shape],
        pre: bool,
        table: Option<NodeId>,
    ) -> Option<Marked> {
        let shape = open.last().copied().unwrap_or(Shape::Other);
        if shape == (Shape::Row { broken: false }) {
            // Trailing empty cells.
            self.write_separators();
        }
        self.separators = 0;
        let raw = std::mem::take(&mut self.line);
        let cells = std::mem::take(&mut self.cells);
        self.last_close = None;
        // A span left open goes on in the next block, from its start.
        for (_, start) in &mut self.spans {
            *start = 0;
        }
        let lines: Vec<String> = if pre {
            let language = self.language.take().unwrap_or_default();
            let body = raw.trim_matches('\n').trim_end();
            if body.is_empty() {
                return None;
            }
            let fence = "`".repeat(longest_run(body, '`').max(2) + 1);
            std::iter::once(format!("{fence}{language}"))
                .chain(body.lines().map(str::to_owned))
                .chain(std::iter::once(fence))
                .collect()
        } else {
            let lines: Vec<String> = raw
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(escape_line_start)
                .collect();
            match shape {
                _ if lines.is_empty() => return None,
                Shape::Heading(level) => vec![format!(
                    "{} {}",
                    "#".repeat(usize::from(level.clamp(1, 6))),
                    lines.join(" ")
                )],
                // A row of one cell, or one broken by blocks, is a
                // layout table's: plain text.
                Shape::Row { broken: false } if cells > 1 => {
                    vec![format!("| {} |", lines.join(" "))]
                }
                _ => {
                    let last = lines.len() - 1;
                    lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, l)| if i < last { l + "  " } else { l })
                        .collect()
                }
            }
        };
        let (first, rest) = prefixes(open);
        let mut text = String::new();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(if i == 0 { &first } else { &rest });
            text.push_str(line);
        }
        let row = (shape == Shape::Row { broken: false } && cells > 1 && first.is_empty())
            .then_some(table)
            .flatten()
            .map(|table| Row { table, cells });
        Some(Marked { text, row })
    }
}

/// The prefixes the open containers put before a block's first line and
/// before its other lines. Only the innermost list item counts (its
/// `indent` covers the items around it); its marker goes before the
/// item's first block, later blocks in the item are indented under it.
fn prefixes(open: &mut [Shape]) -> (String, String) {
    let (mut first, mut rest) = (String::new(), String::new());
    let innermost_item = open.iter().rposition(|s| matches!(s, Shape::Item { .. }));
    for (i, shape) in open.iter_mut().enumerate() {
        match shape {
            Shape::Quote => {
                first.push_str("> ");
                rest.push_str("> ");
            }
            Shape::Item { .. } if Some(i) == innermost_item => {
                let width = shape.marker_width();
                let marker = shape.marker().unwrap_or_default();
                if let Shape::Item { indent, marked, .. } = shape {
                    let pad = " ".repeat(*indent);
                    first.push_str(&pad);
                    rest.push_str(&pad);
                    if *marked {
                        first.push_str(&" ".repeat(width));
                    } else {
                        first.push_str(&marker);
                        *marked = true;
                    }
                }
                rest.push_str(&" ".repeat(width));
            }
            _ => {}
        }
    }
    (first, rest)
}

/// Joins the kept blocks: a blank line between blocks, a single line break
/// between rows of one table, and the delimiter row GFM needs after a
/// table's first row.
pub(super) fn join<S: AsRef<str>>(parts: impl IntoIterator<Item = (S, Option<Row>)>) -> String {
    let parts: Vec<(S, Option<Row>)> = parts.into_iter().collect();
    let same_table = |a: Option<Row>, b: Option<Row>| match (a, b) {
        (Some(a), Some(b)) => a.table == b.table,
        _ => false,
    };
    let mut out = String::new();
    for (i, (text, row)) in parts.iter().enumerate() {
        let row = *row;
        let prev = i.checked_sub(1).and_then(|p| parts[p].1);
        if i > 0 {
            out.push_str(if same_table(prev, row) { "\n" } else { "\n\n" });
        }
        out.push_str(text.as_ref());
        let next = parts.get(i + 1).and_then(|p| p.1);
        if let Some(r) = row
            && !same_table(prev, row)
            && same_table(row, next)
        {
            out.push_str("\n|");
            out.push_str(&" --- |".repeat(r.cells.max(1)));
        }
    }
    out
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_table_join_under_a_delimiter_row() {
        let mut tree = ego_tree::Tree::new(0);
        let (a, b) = (
            tree.root_mut().append(1).id(),
            tree.root_mut().append(2).id(),
        );
        let row = |table, cells| Some(Row { table, cells });
        let md = join([
            ("Intro", None),
            ("| h1 | h2 |", row(a, 2)),
            ("| 1 | 2 |", row(a, 2)),
            ("| lone |", row(b, 1)),
            ("Outro", None),
        ]);
        assert_eq!(
            md,
            "Intro\n\n| h1 | h2 |\n| --- | --- |\n| 1 | 2 |\n\n| lone |\n\nOutro"
        );
    }
}
