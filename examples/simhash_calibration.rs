//! How many bits apart near-duplicates and unrelated articles are: the
//! evidence behind the default `extract.dedup_max_distance`.
//!
//! ```text
//! cargo run --profile bench-fast --example simhash_calibration -- ../shared/data/wcxb-dev
//! ```
//!
//! Takes the ground-truth main text of every dev page typed `article` with
//! at least 50 words, prints the low end of the distance histogram over all
//! pairs of different articles, then edits each text three ways (one word
//! changed, a wire dateline and credit line added, the last sentence
//! dropped) and counts, per length band, the copies within 3 and 5 bits.

use std::collections::BTreeMap;
use std::path::PathBuf;

use newswire::extract::stages::dedup::{distance, simhash};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "../shared/data/wcxb-dev".into()),
    );
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("ground-truth"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut texts = Vec::new();
    for path in paths {
        let gt: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        if gt["_internal"]["page_type"]["primary"] != "article" {
            continue;
        }
        if let Some(t) = gt["ground_truth"]["main_content"].as_str()
            && t.split_whitespace().count() >= 50
        {
            texts.push(t.to_owned());
        }
    }
    let hashes: Vec<u64> = texts.iter().filter_map(|t| simhash(t)).collect();
    let mut histogram = [0usize; 65];
    for (i, a) in hashes.iter().enumerate() {
        for b in &hashes[i + 1..] {
            histogram[distance(*a, *b) as usize] += 1;
        }
    }
    println!(
        "{} article texts; pairs of different articles at distance 0..=19: {:?}",
        texts.len(),
        &histogram[..20]
    );

    // band → (pages, [found within 3 bits; 3 edits], [within 5 bits; 3 edits])
    let mut bands: BTreeMap<usize, (usize, [usize; 3], [usize; 3])> = BTreeMap::new();
    for (text, &hash) in texts.iter().zip(&hashes) {
        let words = text.split_whitespace().count();
        let band = match words {
            0..200 => 50,
            200..500 => 200,
            500..1000 => 500,
            _ => 1000,
        };
        let mut tokens: Vec<&str> = text.split(' ').collect();
        let middle = tokens.len() / 2;
        tokens[middle] = "banana";
        let one_word = tokens.join(" ");
        let wire = format!("LONDON (Wire) - {text}\n\nReporting by Jane Doe; editing by John Roe.");
        let sentences: Vec<&str> = text.split(". ").collect();
        let dropped = if sentences.len() > 3 {
            sentences[..sentences.len() - 1].join(". ")
        } else {
            text.clone()
        };
        let entry = bands.entry(band).or_default();
        entry.0 += 1;
        for (k, edited) in [one_word, wire, dropped].iter().enumerate() {
            let d = simhash(edited).map_or(64, |h| distance(hash, h));
            entry.1[k] += usize::from(d <= 3);
            entry.2[k] += usize::from(d <= 5);
        }
    }
    println!("words  pages  one word (<=3/<=5)  wire lines (<=3/<=5)  last sentence (<=3/<=5)");
    for (band, (n, d3, d5)) in bands {
        println!(
            "{band:>5}+ {n:>5}  {:>8} / {:<8} {:>8} / {:<10} {:>8} / {}",
            d3[0], d5[0], d3[1], d5[1], d3[2], d5[2]
        );
    }
    Ok(())
}
