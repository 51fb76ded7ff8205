//! Rendering a chosen subtree as text blocks.
//!
//! Block elements (paragraphs, headings, list items, table rows, quotes,
//! captions) each become one block; inline text inside them is joined with
//! normalized whitespace; `<br>` becomes a line break inside the block.
//! Dropped subtrees are skipped. The walk is iterative (see `score.rs`).
//! Asked for Markdown, it writes each block a second time with its markup
//! (see the `markdown` module).

use rustc_hash::FxHashSet as HashSet;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::Node;
use scraper::node::Element;

use super::markdown::{Markdown, MarkdownLine, Marked, Shape};
use crate::extract::doc::ReadAttr;
use crate::extract::text::normalize_space;

/// Kind of a rendered block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading (`h1`–`h6`).
    Heading,
    /// A list item.
    ListItem,
    /// Anything else: paragraph, quote, cell row, caption, code.
    Paragraph,
}

/// One block of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What the block was in the page.
    pub kind: BlockKind,
    /// Its text, whitespace-normalized (line breaks kept for `<br>`).
    pub text: String,
    /// Characters of that text inside links.
    pub link_chars: usize,
    /// The element the block came from.
    pub node: NodeId,
    /// The block as Markdown, when asked for.
    pub markdown: Option<Box<Marked>>,
}

/// Elements that start and end a block.
pub fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "ul"
            | "ol"
            | "dl"
            | "li"
            | "dd"
            | "dt"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "thead"
            | "tbody"
            | "tfoot"
            | "figure"
            | "figcaption"
            | "address"
            | "details"
            | "summary"
            | "hr"
            | "center"
            | "caption"
            | "form"
            | "fieldset"
            | "legend"
            | "body"
            | "html"
    )
}

/// Renders the subtrees at `roots` (in order) into blocks, with their
/// Markdown when `markdown` is given.
pub fn render(
    roots: &[NodeRef<'_, Node>],
    dropped: &HashSet<NodeId>,
    markdown: Option<Markdown<'_>>,
) -> Vec<Block> {
    let mut out = Renderer {
        md: markdown.map(MarkdownLine::new),
        ..Renderer::default()
    };
    for root in roots {
        out.walk(*root, dropped);
        out.flush();
    }
    out.blocks
}

#[derive(Default)]
struct Renderer<'a> {
    blocks: Vec<Block>,
    line: String,
    link_chars: usize,
    link_depth: usize,
    pre_depth: usize,
    /// Block elements currently open, innermost last: (id, kind).
    open: Vec<(NodeId, BlockKind)>,
    /// What each open block element makes of Markdown, beside `open`.
    shapes: Vec<Shape>,
    /// The root being walked.
    root: Option<NodeId>,
    /// The current block's Markdown, when asked for.
    md: Option<MarkdownLine<'a>>,
}

impl Renderer<'_> {
    fn walk(&mut self, root: NodeRef<'_, Node>, dropped: &HashSet<NodeId>) {
        let mut skipping: Option<NodeId> = None;
        self.root = Some(root.id());
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    if dropped.contains(&node.id()) {
                        skipping = Some(node.id());
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.text(t),
                        Node::Element(e) => self.open(node.id(), e),
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some(id) = skipping {
                        if id == node.id() {
                            skipping = None;
                        }
                        continue;
                    }
                    if let Node::Element(e) = node.value() {
                        self.close(e.name());
                    }
                }
            }
        }
    }

    fn text(&mut self, t: &str) {
        let table = self.in_table();
        if self.pre_depth > 0 {
            self.line.push_str(t);
            if let Some(md) = &mut self.md {
                md.text(t, true, table);
            }
            return;
        }
        // Keep one space at a boundary, normalize inside.
        let starts_ws = t.starts_with(char::is_whitespace);
        let ends_ws = t.ends_with(char::is_whitespace);
        let norm = normalize_space(t);
        if starts_ws && !self.line.is_empty() && !self.line.ends_with([' ', '\n']) {
            self.line.push(' ');
            if let Some(md) = &mut self.md {
                md.push(' ');
            }
        }
        if !norm.is_empty() {
            if self.link_depth > 0 {
                self.link_chars += norm.chars().count();
            }
            self.line.push_str(&norm);
            if ends_ws {
                self.line.push(' ');
            }
            if let Some(md) = &mut self.md {
                md.text(&norm, false, table);
                if ends_ws {
                    md.push(' ');
                }
            }
        }
    }

    fn in_table(&self) -> bool {
        self.md.is_some() && self.shapes.iter().any(|s| matches!(s, Shape::Row { .. }))
    }

    fn open(&mut self, id: NodeId, e: &Element) {
        let name = e.name();
        match name {
            "br" => {
                end_line(&mut self.line);
                if let Some(md) = &mut self.md {
                    md.line_break();
                }
            }
            "td" | "th" => {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
                if let Some(md) = &mut self.md {
                    md.cell();
                }
            }
            "img" => {}
            _ if is_block(name) => {
                if self.md.is_some() {
                    MarkdownLine::block_opens(&mut self.shapes);
                }
                self.flush();
                if name == "pre" {
                    self.pre_depth += 1;
                    if let Some(md) = &mut self.md {
                        md.code_class(e.read_attr("class"));
                    }
                }
                let kind = match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
                    "li" | "dt" | "dd" => BlockKind::ListItem,
                    _ => BlockKind::Paragraph,
                };
                self.open.push((id, kind));
                // Shapes matter to the Markdown alone: no attribute read
                // nor list count for the plain text.
                let shape = match self.md {
                    Some(_) => Shape::of(name, e.read_attr("start"), &mut self.shapes),
                    None => Shape::Other,
                };
                self.shapes.push(shape);
            }
            _ => {
                if name == "a" {
                    self.link_depth += 1;
                }
                if let Some(md) = &mut self.md {
                    let pre = self.pre_depth > 0;
                    if pre && name == "code" {
                        md.code_class(e.read_attr("class"));
                    }
                    md.open(name, e.read_attr("href"), pre);
                }
            }
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "br" | "td" | "th" | "img" => {}
            _ if is_block(name) => {
                self.flush();
                if name == "pre" {
                    self.pre_depth = self.pre_depth.saturating_sub(1);
                }
                self.open.pop();
                self.shapes.pop();
            }
            _ => {
                if name == "a" {
                    self.link_depth = self.link_depth.saturating_sub(1);
                }
                if let Some(md) = &mut self.md {
                    md.close();
                }
            }
        }
    }

    /// Ends the current block, if it has text.
    fn flush(&mut self) {
        let text = if self.pre_depth > 0 {
            self.line.trim_matches('\n').trim_end().to_owned()
        } else {
            self.line
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        self.line.clear();
        let link_chars = std::mem::take(&mut self.link_chars);
        let markdown = match &mut self.md {
            Some(md) => {
                let table = self
                    .shapes
                    .iter()
                    .rposition(|s| *s == Shape::Table)
                    .map(|i| self.open[i].0);
                // Finished even for a block without text: that resets
                // the Markdown line too.
                md.finish(&mut self.shapes, self.pre_depth > 0, table)
                    .filter(|_| !text.is_empty())
                    .map(Box::new)
            }
            None => None,
        };
        if text.is_empty() {
            return;
        }
        // Text directly under a root that is not a block belongs to the root.
        let Some((node, kind)) = self
            .open
            .last()
            .copied()
            .or(self.root.map(|r| (r, BlockKind::Paragraph)))
        else {
            return;
        };
        self.blocks.push(Block {
            kind,
            text,
            link_chars,
            node,
            markdown,
        });
    }
}

/// A `<br>`: trailing spaces go, and a line break follows unless the
/// block has no text yet. The plain text and the Markdown both use it.
pub(super) fn end_line(line: &mut String) {
    let trimmed = line.trim_end().len();
    line.truncate(trimmed);
    if !line.is_empty() {
        line.push('\n');
    }
}
