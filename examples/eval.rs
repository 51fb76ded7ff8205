//! Extraction quality and speed on the WCXB development split.
//!
//! ```text
//! cargo run --release --example eval -- ../shared/data/wcxb-dev [--worst N] [--stages a,b,c]
//! ```
//!
//! Prints word-level F1 (the benchmark's metric: lower-cased `\w+` bags,
//! multiset overlap) overall and per page type, title / author / date
//! accuracy where the ground truth has them, single-thread throughput, and the
//! pages that score worst.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use newswire::config::ExtractConfig;
use newswire::extract::Page;
use newswire::{Article, Pipeline};
use serde_json::Value;

struct Scores {
    f1: Vec<f64>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/wcxb-dev".into()),
    );
    let mut worst_n = 15;
    let mut only: Option<String> = None;
    let mut explain = false;
    let mut config = ExtractConfig::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--worst" => worst_n = args.next().and_then(|n| n.parse().ok()).unwrap_or(15),
            "--only" => only = args.next(),
            "--explain" => explain = true,
            "--stages" => {
                let list = args.next().unwrap_or_default();
                let names: Result<Vec<_>, _> = list.split(',').map(str::parse).collect();
                config.stages = names?;
            }
            _ => return Err(format!("unknown argument {a}").into()),
        }
    }
    let pipeline = Pipeline::new(&config);
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("ground-truth"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_owned)
        })
        .collect();
    ids.sort();
    if let Some(o) = &only {
        ids.retain(|i| i == o);
    }

    let mut by_type: BTreeMap<String, Scores> = BTreeMap::new();
    let mut all = Vec::new();
    let (mut precision, mut recall) = (Vec::new(), Vec::new());
    let mut worst: Vec<(f64, String, String)> = Vec::new();
    let (mut title_n, mut title_ok) = (0, 0);
    let (mut date_n, mut date_ok) = (0, 0);
    let (mut author_n, mut author_ok) = (0, 0);
    let mut elapsed = Duration::ZERO;
    let mut bytes_total = 0usize;

    for id in &ids {
        let gt: Value = serde_json::from_str(&std::fs::read_to_string(
            dir.join("ground-truth").join(format!("{id}.json")),
        )?)?;
        let raw = std::fs::read(dir.join("html").join(format!("{id}.html.gz")))?;
        bytes_total += raw.len();
        let url = gt["url"].as_str().and_then(|u| url::Url::parse(u).ok());
        let started = Instant::now();
        let record = pipeline.run(Page::from_bytes(raw, url));
        elapsed += started.elapsed();

        let truth = &gt["ground_truth"];
        let reference = truth["main_content"].as_str().unwrap_or("");
        let f1 = word_f1(&record.text, reference);
        let (p, r) = word_pr(&record.text, reference);
        precision.push(p);
        recall.push(r);
        let ptype = gt["_internal"]["page_type"]["primary"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned();
        by_type
            .entry(ptype.clone())
            .or_insert(Scores { f1: vec![] })
            .f1
            .push(f1);
        all.push(f1);
        worst.push((f1, id.clone(), ptype));

        if let Some(t) = truth["title"].as_str().filter(|t| !t.trim().is_empty()) {
            title_n += 1;
            if record.title.as_deref().map(norm) == Some(norm(t)) {
                title_ok += 1;
            } else if only.is_some() || explain {
                eprintln!("{id} title: got {:?} want {t:?}", record.title);
            }
        }
        if let Some(d) = truth["publish_date"].as_str().filter(|d| d.len() >= 10) {
            date_n += 1;
            if record
                .published
                .as_ref()
                .is_some_and(|p| p.value.get(..10) == d.get(..10))
            {
                date_ok += 1;
            } else if only.is_some() || explain {
                eprintln!("{id} date: got {:?} want {d:?}", record.published);
            }
        }
        if let Some(a) = truth["author"].as_str().filter(|a| !a.trim().is_empty()) {
            author_n += 1;
            if author_match(&record, a) {
                author_ok += 1;
            } else if only.is_some() || explain {
                eprintln!("{id} author: got {:?} want {a:?}", record.authors);
            }
        }
        if only.is_some() {
            println!("{}\n---\nF1 {f1:.3}", record.text);
        }
    }

    println!("WCXB dev: {} pages", all.len());
    println!("word F1 (mean)   all {:.3}", mean(&all));
    println!(
        "  (precision {:.3}, recall {:.3})",
        mean(&precision),
        mean(&recall)
    );
    for (t, s) in &by_type {
        println!("  {t:<14} {:.3}  ({} pages)", mean(&s.f1), s.f1.len());
    }
    println!(
        "title exact      {:.3}  ({title_ok}/{title_n})",
        ratio(title_ok, title_n)
    );
    println!(
        "published day    {:.3}  ({date_ok}/{date_n})",
        ratio(date_ok, date_n)
    );
    println!(
        "author match     {:.3}  ({author_ok}/{author_n})",
        ratio(author_ok, author_n)
    );
    let secs = elapsed.as_secs_f64();
    println!(
        "throughput       {:.0} pages/s single thread ({:.1} MB gz in {secs:.2}s)",
        all.len() as f64 / secs.max(1e-9),
        bytes_total as f64 / 1e6
    );
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("worst pages:");
    for (f1, id, t) in worst.iter().take(worst_n) {
        println!("  {id} {t:<13} F1 {f1:.3}");
    }
    Ok(())
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Author names compared as word sequences: case, punctuation and list
/// joiners ("and", "&") do not count.
fn author_words(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "and")
        .collect::<Vec<_>>()
        .join(" ")
}

fn author_match(record: &Article, truth: &str) -> bool {
    let want = author_words(truth);
    let got = author_words(&record.authors.join(", "));
    !got.is_empty() && (got == want || got.contains(&want) || want.contains(&got))
}

fn tokens(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        *m.entry(w.to_owned()).or_insert(0) += 1;
    }
    m
}

/// Word-level precision and recall (for diagnosis; F1 is the metric).
fn word_pr(predicted: &str, reference: &str) -> (f64, f64) {
    let p = tokens(predicted);
    let r = tokens(reference);
    let (np, nr): (usize, usize) = (p.values().sum(), r.values().sum());
    let overlap: usize = p
        .iter()
        .map(|(w, c)| (*c).min(*r.get(w).unwrap_or(&0)))
        .sum();
    (ratio(overlap, np), ratio(overlap, nr))
}

fn word_f1(predicted: &str, reference: &str) -> f64 {
    let p = tokens(predicted);
    let r = tokens(reference);
    let (np, nr): (usize, usize) = (p.values().sum(), r.values().sum());
    if nr == 0 {
        return if np == 0 { 1.0 } else { 0.0 };
    }
    if np == 0 {
        return 0.0;
    }
    let overlap: usize = p
        .iter()
        .map(|(w, c)| (*c).min(*r.get(w).unwrap_or(&0)))
        .sum();
    if overlap == 0 {
        return 0.0;
    }
    let (pr, rc) = (overlap as f64 / np as f64, overlap as f64 / nr as f64);
    2.0 * pr * rc / (pr + rc)
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
