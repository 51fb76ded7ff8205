//! Rendering a chosen subtree as text blocks.
//!
//! Block elements (paragraphs, headings, list items, table rows, quotes,
//! captions) each become one block; inline text inside them is joined with
//! normalized whitespace; `<br>` becomes a line break inside the block.
//! Dropped subtrees are skipped. The walk is iterative (see `score.rs`).

use rustc_hash::FxHashSet as HashSet;

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::Node;

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

/// Renders the subtrees at `roots` (in order) into blocks.
pub fn render(roots: &[NodeRef<'_, Node>], dropped: &HashSet<NodeId>) -> Vec<Block> {
    let mut out = Renderer::default();
    for root in roots {
        out.walk(*root, dropped);
        out.flush();
    }
    out.blocks
}

#[derive(Default)]
struct Renderer {
    blocks: Vec<Block>,
    line: String,
    link_chars: usize,
    link_depth: usize,
    pre_depth: usize,
    /// Block elements currently open, innermost last: (id, kind).
    open: Vec<(NodeId, BlockKind)>,
    /// The root being walked.
    root: Option<NodeId>,
}

impl Renderer {
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
                        Node::Element(e) => self.open(node.id(), e.name()),
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
        if self.pre_depth > 0 {
            self.line.push_str(t);
            return;
        }
        // Keep one space at a boundary, normalize inside.
        let starts_ws = t.starts_with(char::is_whitespace);
        let ends_ws = t.ends_with(char::is_whitespace);
        let norm = normalize_space(t);
        if starts_ws && !self.line.is_empty() && !self.line.ends_with([' ', '\n']) {
            self.line.push(' ');
        }
        if !norm.is_empty() {
            if self.link_depth > 0 {
                self.link_chars += norm.chars().count();
            }
            self.line.push_str(&norm);
            if ends_ws {
                self.line.push(' ');
            }
        }
    }

    fn open(&mut self, id: NodeId, name: &str) {
        match name {
            "br" => {
                let trimmed = self.line.trim_end().len();
                self.line.truncate(trimmed);
                if !self.line.is_empty() {
                    self.line.push('\n');
                }
            }
            "a" => self.link_depth += 1,
            "td" | "th" if !self.line.is_empty() && !self.line.ends_with(' ') => {
                self.line.push(' ');
            }
            "img" => {}
            _ if is_block(name) => {
                self.flush();
                if name == "pre" {
                    self.pre_depth += 1;
                }
                let kind = match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
                    "li" | "dt" | "dd" => BlockKind::ListItem,
                    _ => BlockKind::Paragraph,
                };
                self.open.push((id, kind));
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "a" => self.link_depth = self.link_depth.saturating_sub(1),
            _ if is_block(name) => {
                self.flush();
                if name == "pre" {
                    self.pre_depth = self.pre_depth.saturating_sub(1);
                }
                self.open.pop();
            }
            _ => {}
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
        });
    }
}
