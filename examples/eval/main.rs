//! Extraction quality and speed on the WCXB development split, newswire
//! beside the open peers (rs-trafilatura, dom_smoothie) in the same run.
//!
//! ```text
//! cargo run --release --example eval -- ../shared/data/wcxb-dev \
//!     [--no-peers] [--worst N] [--explain] [--only ID] [--tsv FILE]
//!     [--stages clean,content,metadata] [--records FILE] [--markdown]
//! ```
//!
//! Prints word-level F1 (the benchmark's metric: lower-cased `\w+` bags,
//! multiset overlap) overall and per page type, title / date / author
//! accuracy where the ground truth has them, and single-thread throughput,
//! one column per extractor; then newswire's worst pages. `--no-peers` runs
//! newswire alone (quick iteration), `--explain` lists newswire's metadata
//! misses, `--only ID` prints one page's text, `--tsv FILE` writes every
//! page's precision / recall / F1 per extractor. `--stages` runs newswire
//! with another stage list than the default (all stages, as `extract` runs
//! them), e.g. the page stages alone, to see what the text stages cost.
//! `--records FILE` writes newswire's record for every page as NDJSON, in
//! page order, without `fetched_at` (the only field that changes between
//! runs): diff two such files to prove a speed change leaves output alone.
//! `--markdown` turns on newswire's Markdown and scores its structure
//! (headings, list items, table rows, links) against the reference's
//! Markdown (see `structure.rs`).
//!
//! Every extractor gets the same decompressed bytes, under the same
//! allocator (the binary's, mimalloc); decompression and scoring are
//! outside the timed section. Each extractor reads the whole split in a
//! pass of its own, as `newswire extract` runs alone: taking the pages in
//! turn, page by page, left each one's caches and heap churned by the
//! others, which cost newswire (at an eighth of rs-trafilatura's time per
//! page) about 4% of its throughput. Throughput is given by wall time
//! and by the thread's CPU time: on a shared machine the second one does
//! not count the time other processes held the core.

/// The binary's allocator (see `src/main.rs`), so the throughput printed
/// is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod extractors;
mod metrics;
mod structure;
mod tally;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use newswire::config::{ExtractConfig, StageName};
use newswire::{Article, Pipeline};
use serde_json::Value;

use self::extractors::Extractor;
use self::tally::{Tally, Truth};

struct Args {
    dir: PathBuf,
    worst: usize,
    only: Option<String>,
    explain: bool,
    peers: bool,
    tsv: Option<PathBuf>,
    /// Where to write newswire's records (NDJSON), if anywhere.
    records: Option<PathBuf>,
    /// newswire's stages; the default list unless `--stages` names others.
    stages: Vec<StageName>,
    /// Write and score newswire's Markdown.
    markdown: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut out = Args {
        dir: PathBuf::from("../shared/data/wcxb-dev"),
        worst: 15,
        only: None,
        explain: false,
        peers: true,
        tsv: None,
        records: None,
        stages: ExtractConfig::default().stages,
        markdown: false,
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--worst" => {
                out.worst = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--worst needs a number")?;
            }
            "--only" => out.only = Some(args.next().ok_or("--only needs a page id")?),
            "--explain" => out.explain = true,
            "--no-peers" => out.peers = false,
            "--markdown" => out.markdown = true,
            "--tsv" => out.tsv = Some(args.next().ok_or("--tsv needs a file")?.into()),
            "--records" => {
                out.records = Some(args.next().ok_or("--records needs a file")?.into());
            }
            "--stages" => {
                out.stages = args
                    .next()
                    .ok_or("--stages needs a list such as clean,content,metadata")?
                    .split(',')
                    .map(|s| s.parse::<StageName>().map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?;
            }
            s if !s.starts_with("--") => out.dir = PathBuf::from(s),
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let config = ExtractConfig {
        stages: args.stages.clone(),
        markdown: args.markdown,
        ..ExtractConfig::default()
    };
    println!(
        "newswire stages: {}",
        args.stages
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut extractors = vec![Extractor::Newswire(Box::new(Pipeline::new(&config)))];
    if args.peers && args.only.is_none() {
        extractors.push(Extractor::RsTrafilatura);
        extractors.push(Extractor::DomSmoothie);
    }
    let mut ids = page_ids(&args.dir)?;
    if let Some(o) = &args.only {
        ids.retain(|i| i == o);
    }

    let mut tallies: Vec<Tally> = extractors.iter().map(|_| Tally::default()).collect();
    let mut worst: Vec<(f64, String, String)> = Vec::new();
    // Per page: id, type, then precision, recall, F1 of each extractor.
    let mut rows: Vec<String> = Vec::new();
    // newswire's status per page type: walls and non-articles it reported.
    let mut statuses: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut structure = structure::Structure::default();
    let mut records = match &args.records {
        Some(path) => Some(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => None,
    };
    // One pass over the pages per extractor (see the module doc).
    for (i, ex) in extractors.iter().enumerate() {
        for (n, id) in ids.iter().enumerate() {
            let page = Page::load(&args.dir, id)?;
            let truth = page.truth();
            if i == 0 {
                rows.push(format!("{id}\t{}", truth.page_type));
            }
            let (started, cpu) = (Instant::now(), thread_cpu_time());
            let got = ex.run(&page.html, page.url.as_ref());
            tallies[i].elapsed += started.elapsed();
            tallies[i].cpu += thread_cpu_time().saturating_sub(cpu);
            let score = tallies[i].add(&truth, &got);
            rows[n].push_str(&format!(
                "\t{:.3}\t{:.3}\t{:.3}",
                score.precision, score.recall, score.f1
            ));
            if i > 0 {
                continue;
            }
            if let (Some(out), Some(record)) = (records.as_mut(), got.record.as_deref()) {
                write_record(out, record)?;
            }
            if args.markdown {
                let ours = got.record.as_deref().and_then(|r| r.markdown.as_deref());
                let theirs = page.gt["ground_truth"]["main_content_markdown"].as_str();
                structure.add(ours.unwrap_or(""), theirs.unwrap_or(""));
            }
            *statuses
                .entry(got.status.clone().unwrap_or_default())
                .or_default()
                .entry(truth.page_type.to_owned())
                .or_default() += 1;
            worst.push((score.f1, truth.id.to_owned(), truth.page_type.to_owned()));
            if args.explain || args.only.is_some() {
                if let Some(st) = got.status.as_deref().filter(|s| *s != "ok") {
                    eprintln!("{id} status: {st} ({} F1 {:.3})", truth.page_type, score.f1);
                }
                for m in &score.misses {
                    eprintln!("{id} {m}");
                }
            }
            if args.only.is_some() {
                println!("{}\n---\nF1 {:.3}", got.text, score.f1);
            }
        }
    }

    if let Some(mut out) = records {
        out.flush()?;
    }
    let names: Vec<&str> = extractors.iter().map(Extractor::name).collect();
    if let Some(path) = &args.tsv {
        let mut header = "id\ttype".to_owned();
        for n in &names {
            header.push_str(&format!("\t{n} P\t{n} R\t{n} F1"));
        }
        rows.insert(0, header);
        std::fs::write(path, rows.join("\n") + "\n")?;
    }
    tally::report(&names, &tallies);
    if args.markdown {
        structure.report();
    }
    if let Some(kb) = peak_rss_kb() {
        println!(
            "peak memory (process{}): {:.0} MB",
            if extractors.len() > 1 {
                ", all extractors"
            } else {
                ""
            },
            kb as f64 / 1024.0
        );
    }
    println!("newswire status by page type:");
    for (status, types) in &statuses {
        let parts: Vec<String> = types.iter().map(|(t, n)| format!("{t} {n}")).collect();
        println!("  {status:<12} {}", parts.join(", "));
    }
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("worst pages (newswire):");
    for (f1, id, t) in worst.iter().take(args.worst) {
        println!("  {id} {t:<13} F1 {f1:.3}");
    }
    Ok(())
}

/// One page of the split: its ground truth and its decompressed HTML.
struct Page {
    id: String,
    gt: Value,
    html: Vec<u8>,
    url: Option<url::Url>,
}

impl Page {
    fn load(dir: &Path, id: &str) -> Result<Page, Box<dyn std::error::Error>> {
        let gt: Value = serde_json::from_str(&std::fs::read_to_string(
            dir.join("ground-truth").join(format!("{id}.json")),
        )?)?;
        let html = gunzip(&dir.join("html").join(format!("{id}.html.gz")))?;
        let url = gt["url"].as_str().and_then(|u| url::Url::parse(u).ok());
        Ok(Page {
            id: id.to_owned(),
            gt,
            html,
            url,
        })
    }

    /// What the metrics compare against.
    fn truth(&self) -> Truth<'_> {
        let t = &self.gt["ground_truth"];
        let present = |k: &str, min: usize| t[k].as_str().filter(|s| s.trim().len() >= min);
        Truth {
            id: &self.id,
            page_type: self.gt["_internal"]["page_type"]["primary"]
                .as_str()
                .unwrap_or("unknown"),
            text: t["main_content"].as_str().unwrap_or(""),
            title: present("title", 1),
            author: present("author", 1),
            date: present("publish_date", 10),
        }
    }
}

/// Writes `record` as one JSON line, without the fetch time.
fn write_record(out: &mut impl Write, record: &Article) -> Result<(), Box<dyn std::error::Error>> {
    let mut value = serde_json::to_value(record)?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("fetched_at");
    }
    serde_json::to_writer(&mut *out, &value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Page ids that have a ground-truth file, sorted.
fn page_ids(dir: &Path) -> std::io::Result<Vec<String>> {
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
    Ok(ids)
}

fn gunzip(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    let mut out = Vec::with_capacity(raw.len() * 4);
    flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out)?;
    Ok(out)
}

/// CPU time consumed by the calling thread so far (zero if unavailable).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Peak resident memory of this process (Linux `VmHWM`), in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
