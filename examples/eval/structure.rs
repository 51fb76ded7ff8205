//! How much of the reference's Markdown structure newswire's `markdown`
//! keeps (`--markdown`): headings, list items, table rows and link texts,
//! each compared as a multiset of normalized texts pooled over the pages,
//! so a heading counts when its words are a heading in both, whatever its
//! level. Levels are compared on the headings matched.

use std::collections::HashMap;

/// The kinds of structure compared.
const KINDS: [&str; 4] = ["headings", "list items", "table rows", "link texts"];

/// Matches and totals of one kind, pooled over pages.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    matched: usize,
    got: usize,
    want: usize,
}

/// The pooled comparison over every page scored.
#[derive(Debug, Default)]
pub struct Structure {
    counts: [Counts; 4],
    /// Matched headings, and those at the reference's level.
    levels: (usize, usize),
    pages: usize,
}

impl Structure {
    /// Compares one page's Markdown with the reference's.
    pub fn add(&mut self, got: &str, want: &str) {
        if want.trim().is_empty() {
            return;
        }
        self.pages += 1;
        let (g, w) = (parse(got), parse(want));
        for (k, counts) in self.counts.iter_mut().enumerate() {
            let mut pool: HashMap<&str, usize> = HashMap::new();
            for (t, _) in &w[k] {
                *pool.entry(t).or_default() += 1;
            }
            counts.got += g[k].len();
            counts.want += w[k].len();
            for (t, level) in &g[k] {
                if let Some(n) = pool.get_mut(t.as_str()).filter(|n| **n > 0) {
                    *n -= 1;
                    counts.matched += 1;
                    if k == 0 {
                        self.levels.0 += 1;
                        let same = w[0].iter().any(|(wt, wl)| wt == t && wl == level);
                        self.levels.1 += usize::from(same);
                    }
                }
            }
        }
    }

    /// Prints precision and recall per kind.
    pub fn report(&self) {
        println!(
            "markdown structure (newswire), {} pages with a reference:",
            self.pages
        );
        println!(
            "  {:<12} {:>9} {:>9} {:>8} {:>8}",
            "", "precision", "recall", "ours", "theirs"
        );
        for (name, c) in KINDS.iter().zip(self.counts) {
            println!(
                "  {:<12} {:>9.3} {:>9.3} {:>8} {:>8}",
                name,
                c.matched as f64 / c.got.max(1) as f64,
                c.matched as f64 / c.want.max(1) as f64,
                c.got,
                c.want
            );
        }
        println!(
            "  heading level as the reference's on {:.3} of matched headings",
            self.levels.1 as f64 / self.levels.0.max(1) as f64
        );
    }
}

/// Headings (with level), list items, table rows and link texts of `md`,
/// normalized.
fn parse(md: &str) -> [Vec<(String, u8)>; 4] {
    let mut out: [Vec<(String, u8)>; 4] = Default::default();
    for line in md.lines() {
        let t = line.trim();
        let hashes = t.bytes().take_while(|b| *b == b'#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            out[0].push((norm(&t[hashes..]), hashes as u8));
        } else if let Some(item) = list_item(t) {
            out[1].push((norm(item), 0));
        } else if t.starts_with('|') && t.ends_with('|') && !t.contains("---") {
            out[2].push((norm(t), 0));
        }
        out[3].extend(link_texts(t).map(|l| (norm(l), 0)));
    }
    for kind in &mut out {
        kind.retain(|(t, _)| !t.is_empty());
    }
    out
}

/// The text of a list item line (`- x`, `* x`, `+ x`, `3. x`), quotes
/// stripped.
fn list_item(line: &str) -> Option<&str> {
    let line = line.trim_start_matches(['>', ' ']);
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.starts_with(' ').then_some(rest);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0)
        .then(|| line[digits..].strip_prefix(". "))
        .flatten()
}

/// The texts of the `[text](target)` links on a line.
fn link_texts(line: &str) -> impl Iterator<Item = &str> {
    line.match_indices("](").filter_map(move |(end, _)| {
        let open = line[..end].rfind('[')?;
        Some(&line[open + 1..end])
    })
}

/// Lower-cased words only: markup, escapes and punctuation do not count.
fn norm(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
