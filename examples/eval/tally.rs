//! Per-extractor score accumulation and the side-by-side report.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::extractors::Extracted;
use crate::metrics::{author_match, mean, norm, ratio, same_day, word_prf};

/// The ground truth of one page, as far as the metrics need it.
pub struct Truth<'a> {
    pub id: &'a str,
    pub page_type: &'a str,
    pub text: &'a str,
    pub title: Option<&'a str>,
    pub author: Option<&'a str>,
    pub date: Option<&'a str>,
}

/// Running scores of one extractor.
#[derive(Default)]
pub struct Tally {
    pub f1: Vec<f64>,
    precision: Vec<f64>,
    recall: Vec<f64>,
    by_type: BTreeMap<String, Vec<f64>>,
    title: (usize, usize),
    date: (usize, usize),
    author: (usize, usize),
    pub elapsed: Duration,
    /// CPU time of this thread in the extractor's calls: unlike `elapsed`,
    /// it does not grow when other processes take the cores.
    pub cpu: Duration,
}

/// What one page scored, for `--explain` and the worst-pages list.
pub struct PageScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub misses: Vec<String>,
}

impl Tally {
    /// Scores `got` against `truth` and records it.
    pub fn add(&mut self, truth: &Truth<'_>, got: &Extracted) -> PageScore {
        let (p, r, f1) = word_prf(&got.text, truth.text);
        self.precision.push(p);
        self.recall.push(r);
        self.f1.push(f1);
        self.by_type
            .entry(truth.page_type.to_owned())
            .or_default()
            .push(f1);
        let mut misses = Vec::new();
        if let Some(t) = truth.title {
            self.title.1 += 1;
            if got.title.as_deref().map(norm) == Some(norm(t)) {
                self.title.0 += 1;
            } else {
                misses.push(format!("title: got {:?} want {t:?}", got.title));
            }
        }
        if let Some(d) = truth.date {
            self.date.1 += 1;
            if same_day(got.date.as_deref(), d) {
                self.date.0 += 1;
            } else {
                misses.push(format!("date: got {:?} want {d:?}", got.date));
            }
        }
        if let Some(a) = truth.author {
            self.author.1 += 1;
            if got.author.as_deref().is_some_and(|g| author_match(g, a)) {
                self.author.0 += 1;
            } else {
                misses.push(format!("author: got {:?} want {a:?}", got.author));
            }
        }
        PageScore {
            precision: p,
            recall: r,
            f1,
            misses,
        }
    }
}

/// Prints the side-by-side table: one column per extractor.
pub fn report(names: &[&str], tallies: &[Tally]) {
    let pages = tallies.first().map_or(0, |t| t.f1.len());
    println!("WCXB dev: {pages} pages");
    print!("{:<22}", "measure");
    for n in names {
        print!("{n:>19}");
    }
    println!();
    let row = |label: &str, cell: &dyn Fn(&Tally) -> String| {
        print!("{label:<22}");
        for t in tallies {
            print!("{:>19}", cell(t));
        }
        println!();
    };
    row("word F1, all", &|t| format!("{:.3}", mean(&t.f1)));
    row("  precision", &|t| format!("{:.3}", mean(&t.precision)));
    row("  recall", &|t| format!("{:.3}", mean(&t.recall)));
    let types: Vec<String> = tallies
        .first()
        .map(|t| t.by_type.keys().cloned().collect())
        .unwrap_or_default();
    for ty in &types {
        let n = tallies[0].by_type[ty].len();
        row(&format!("  {ty} ({n})"), &|t| {
            format!("{:.3}", mean(t.by_type.get(ty).map_or(&[][..], |v| v)))
        });
    }
    let frac = |(ok, n): (usize, usize)| format!("{:.3} ({ok}/{n})", ratio(ok, n));
    row("title exact", &|t| frac(t.title));
    row("published, same day", &|t| frac(t.date));
    row("author match", &|t| frac(t.author));
    row("pages/s, 1 thread", &|t| {
        format!(
            "{:.0}",
            t.f1.len() as f64 / t.elapsed.as_secs_f64().max(1e-9)
        )
    });
    row("  by CPU time", &|t| {
        format!("{:.0}", t.f1.len() as f64 / t.cpu.as_secs_f64().max(1e-9))
    });
}
