//! What the text stages (language, keywords, dedup) add to extraction time
//! on the WCXB development pages.
//!
//! ```text
//! cargo run --profile bench-fast --example stage_cost -- ../shared/data/wcxb-dev [ROUNDS]
//! ```
//!
//! Every page is extracted with the page stages only (clean, content,
//! metadata) and with the default stage list, interleaved page by page and
//! repeated ROUNDS times (default 3); the fastest time of each page counts,
//! so load from other processes on a shared machine cancels out instead of
//! landing on one side. Also prints each text stage's own share, timed on
//! the extracted texts. The stages run single-threaded, like the eval.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use newswire::Pipeline;
use newswire::config::{ExtractConfig, StageName};
use newswire::extract::Page;
use newswire::extract::stages::{dedup, keywords, language};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/wcxb-dev".into()),
    );
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let base_config = ExtractConfig {
        stages: vec![StageName::Clean, StageName::Content, StageName::Metadata],
        ..ExtractConfig::default()
    };
    let full_config = ExtractConfig::default();
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir.join("html"))? {
        pages.push(std::fs::read(entry?.path())?);
    }
    let n = pages.len();
    let mut base = vec![Duration::MAX; n];
    let mut full = vec![Duration::MAX; n];
    let mut stage = [
        vec![Duration::MAX; n],
        vec![Duration::MAX; n],
        vec![Duration::MAX; n],
    ];
    let mut text_bytes = 0usize;
    for round in 0..rounds {
        // A fresh pipeline per round, so the dedup index starts empty each time.
        let (b, f) = (Pipeline::new(&base_config), Pipeline::new(&full_config));
        for (i, bytes) in pages.iter().enumerate() {
            let t = Instant::now();
            let record = b.run(Page::from_bytes(bytes.clone(), None));
            base[i] = base[i].min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(f.run(Page::from_bytes(bytes.clone(), None)));
            full[i] = full[i].min(t.elapsed());

            let text = &record.text;
            if round == 0 {
                text_bytes += text.len();
            }
            let t = Instant::now();
            std::hint::black_box(language::detect(text));
            stage[0][i] = stage[0][i].min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(keywords::extract(text, 10));
            stage[1][i] = stage[1][i].min(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(dedup::simhash(text));
            stage[2][i] = stage[2][i].min(t.elapsed());
        }
    }
    let sum = |v: &[Duration]| v.iter().sum::<Duration>().as_secs_f64();
    let (b, f) = (sum(&base), sum(&full));
    println!(
        "{n} pages, {:.1} MB of extracted text, best of {rounds} rounds",
        text_bytes as f64 / 1e6
    );
    println!("page stages only (clean,content,metadata): {b:.2} s");
    println!("default stages:                            {f:.2} s");
    println!("added by the text stages: {:+.1}%", (f / b - 1.0) * 100.0);
    for (name, times) in ["language", "keywords", "dedup (simhash)"]
        .iter()
        .zip(&stage)
    {
        let s = sum(times);
        println!(
            "  {name:<16} {s:.3} s  ({:.1}% of the page stages)",
            s / b * 100.0
        );
    }
    Ok(())
}
