//! Block scoring: which element holds the main text?
//!
//! One pass collects per-node text statistics, among them the text of prose
//! blocks. [`Scorer::best_cover`] picks the node whose subtree is expected to
//! give the best F1 against the page's prose; it is the main rule.
//!
//! The fallback, for pages without prose blocks, is Readability's idea kept small: every paragraph-like block scores by its
//! length and punctuation, the score flows up to its ancestors (halving per
//! level), each ancestor is weighted by its tag and class/id hints, and
//! penalized by its link density. The best ancestor is the candidate; its
//! siblings join when they score well too.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::extract::doc::ReadAttr;
use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::{ElementRef, Node};

/// Per-node text statistics, computed once per document.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Characters of text (trimmed text nodes) under the node.
    pub text: usize,
    /// Characters of that text inside links.
    pub link_text: usize,
    /// Commas and similar clause marks under the node.
    pub commas: usize,
    /// Paragraph-like children with real text.
    pub paragraphs: usize,
    /// Characters of text in prose blocks under the node: blocks (see
    /// [`render`](super::render)) whose own text is mostly outside links,
    /// short blocks at half weight. Estimates how much of the node is
    /// article text.
    pub prose: usize,
}

/// A block needs this many characters of its own text (a sentence or two,
/// about 20 words) to count fully as prose; shorter ones (table cells, list
/// items, labels, one-line teasers) count half. At 50 a column of teaser
/// lines weighed as much as the article beside it; on the dev split 115
/// to 130 score alike (articles +0.6 page-F1 in all, service pages -0.4),
/// 100 and 140 less.
const PROSE_MIN_CHARS: usize = 120;

impl Stats {
    /// Share of the text that sits inside links.
    pub fn link_density(&self) -> f64 {
        if self.text == 0 {
            0.0
        } else {
            self.link_text as f64 / self.text as f64
        }
    }
}

/// Text statistics for every non-dropped node under a root.
pub struct Scorer {
    /// Statistics by node (dropped subtrees have none). Fx-hashed: one
    /// entry per element, looked up many times per page.
    pub stats: HashMap<NodeId, Stats>,
}

/// Class/id fragments that suggest the main content.
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "main",
    "page",
    "post",
    "story",
    "text",
    "blog",
    "prose",
    "rich-text",
    "richtext",
];
/// Class/id fragments that suggest furniture.
const NEGATIVE: &[&str] = &[
    "comment", "meta", "footer", "footnote", "sidebar", "widget", "related", "share", "social",
    "promo", "nav", "menu", "header", "teaser", "card", "list", "byline", "author", "caption",
];

impl Scorer {
    /// Computes statistics for everything under `root`.
    ///
    /// Iterative on purpose: hostile pages nest elements deeply enough to
    /// overflow the stack of a recursive walk.
    pub fn new(root: NodeRef<'_, Node>, dropped: &HashSet<NodeId>) -> Self {
        /// One open element: its stats so far, and the text whose innermost
        /// block it is (inline children hand theirs up when they close).
        #[derive(Default)]
        struct Frame {
            stats: Stats,
            own_text: usize,
            own_link: usize,
        }
        let mut stats = HashMap::default();
        let mut stack: Vec<Frame> = vec![Frame::default()];
        let mut link_depth = 0usize;
        let mut skipping: Option<NodeId> = None;
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
                        Node::Text(t) => {
                            let t = t.trim();
                            let n = t.chars().count();
                            if let Some(top) = stack.last_mut() {
                                top.stats.text += n;
                                top.own_text += n;
                                if link_depth > 0 {
                                    top.stats.link_text += n;
                                    top.own_link += n;
                                }
                                top.stats.commas += t.matches([',', '，', '、', '،']).count();
                            }
                        }
                        Node::Element(e) => {
                            if e.name() == "a" {
                                link_depth += 1;
                            }
                            stack.push(Frame::default());
                        }
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
                    let Node::Element(e) = node.value() else {
                        continue;
                    };
                    if e.name() == "a" {
                        link_depth = link_depth.saturating_sub(1);
                    }
                    let mut f = stack.pop().unwrap_or_default();
                    let block = super::render::is_block(e.name()) || e.name() == "td";
                    if block && f.own_link * 10 < f.own_text * 4 {
                        f.stats.prose += if f.own_text >= PROSE_MIN_CHARS {
                            f.own_text
                        } else {
                            f.own_text / 2
                        };
                    }
                    let s = f.stats;
                    stats.insert(node.id(), s);
                    if let Some(parent) = stack.last_mut() {
                        if !block {
                            parent.own_text += f.own_text;
                            parent.own_link += f.own_link;
                        }
                        parent.stats.text += s.text;
                        parent.stats.link_text += s.link_text;
                        parent.stats.commas += s.commas;
                        parent.stats.prose += s.prose;
                        if matches!(
                            e.name(),
                            "p" | "pre" | "blockquote" | "li" | "h2" | "h3" | "h4"
                        ) && s.text >= 25
                        {
                            parent.stats.paragraphs += 1;
                        }
                    }
                }
            }
        }
        Scorer { stats }
    }

    /// The element whose subtree best covers the page's prose: it maximizes
    /// the F1 one would expect from extracting it, with prose standing in
    /// for article text, `2·prose(n) / (text(n) + prose(root))`.
    pub fn best_cover(&self, root: NodeRef<'_, Node>) -> Option<(NodeId, f64)> {
        let total = self.get(root.id()).prose;
        if total == 0 {
            return None;
        }
        root.descendants()
            .filter(|n| n.value().is_element())
            .filter_map(|n| {
                let s = self.stats.get(&n.id())?;
                (s.prose > 0).then(|| (n.id(), 2.0 * s.prose as f64 / (s.text + total) as f64))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Stats of `id` (zero for dropped or unknown nodes).
    pub fn get(&self, id: NodeId) -> Stats {
        self.stats.get(&id).copied().unwrap_or_default()
    }

    /// Scores every ancestor of paragraph-like blocks under `root`; returns
    /// `(node, score)` pairs, best first.
    pub fn candidates(&self, root: NodeRef<'_, Node>) -> Vec<(NodeId, f64)> {
        let mut scores: HashMap<NodeId, f64> = HashMap::default();
        for node in root.descendants() {
            let Some(el) = ElementRef::wrap(node) else {
                continue;
            };
            if !self.stats.contains_key(&node.id()) || !is_paragraph_like(el) {
                continue;
            }
            let st = self.get(node.id());
            if st.text < 25 {
                continue;
            }
            let own = 1.0 + st.commas as f64 + (st.text as f64 / 100.0).min(3.0);
            let own = own * (1.0 - st.link_density());
            let mut ancestor = node.parent();
            let mut level = 0;
            while let Some(a) = ancestor {
                if level >= 4 || a.value().as_element().is_none() {
                    break;
                }
                let divider = match level {
                    0 => 1.0,
                    1 => 2.0,
                    _ => level as f64 * 3.0,
                };
                *scores.entry(a.id()).or_insert_with(|| initial_score(a)) += own / divider;
                ancestor = a.parent();
                level += 1;
            }
        }
        let mut out: Vec<(NodeId, f64)> = scores
            .into_iter()
            .map(|(id, s)| (id, s * (1.0 - self.get(id).link_density())))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// Blocks that carry paragraphs of text.
fn is_paragraph_like(el: ElementRef<'_>) -> bool {
    match el.value().name() {
        "p" | "pre" | "td" | "blockquote" | "dd" | "li" => true,
        "div" | "section" | "span" => el
            .children()
            .any(|c| c.value().as_text().is_some_and(|t| t.trim().len() >= 25)),
        _ => false,
    }
}

/// Starting score of a candidate from its tag and class/id.
fn initial_score(node: NodeRef<'_, Node>) -> f64 {
    let Some(e) = node.value().as_element() else {
        return 0.0;
    };
    let tag = match e.name() {
        "article" => 10.0,
        "main" => 5.0,
        "div" | "section" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    tag + class_weight(e)
}

/// +25 for content-like class/id names, −25 for furniture-like ones.
pub fn class_weight(e: &scraper::node::Element) -> f64 {
    let mut w = 0.0;
    if e.read_attr("itemprop") == Some("articleBody") {
        w += 50.0;
    }
    let mut names = String::new();
    for c in crate::extract::doc::class_names(e) {
        names.push_str(c);
        names.push(' ');
    }
    if let Some(id) = e.id() {
        names.push_str(id);
    }
    let names = names.to_ascii_lowercase();
    if names.is_empty() {
        return w;
    }
    if NEGATIVE.iter().any(|n| names.contains(n)) {
        w -= 25.0;
    }
    if POSITIVE.iter().any(|p| names.contains(p)) {
        w += 25.0;
    }
    w
}
