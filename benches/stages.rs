//! Cost of each text stage (language, entities, quotes, keywords, dedup)
//! on a 10 KB and a 1 MB article: the two should take the same time per
//! byte (the stages are linear in text length).
//!
//! ```text
//! cargo bench --profile bench-fast --bench stages
//! ```
//!
//! The text is English-like: sentences of words drawn pseudo-randomly from
//! `tests/fixtures/dedup/story.txt`, paragraphs of five sentences.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use newswire::extract::stages::{dedup, entities, keywords, language, quotes};

const SIZES: [usize; 2] = [10 * 1024, 1024 * 1024];

fn main() {
    divan::main();
}

fn long_text(bytes: usize) -> String {
    let story = include_str!("../tests/fixtures/dedup/story.txt");
    let vocab: Vec<&str> = story.split_whitespace().collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let mut text = String::with_capacity(bytes + 200);
    let mut sentences = 0;
    while text.len() < bytes {
        let len = 8 + next(12);
        for i in 0..len {
            let w = vocab[next(vocab.len())].trim_matches(|c: char| !c.is_alphanumeric());
            if i > 0 {
                text.push(' ');
            }
            text.push_str(w);
        }
        text.push_str(". ");
        sentences += 1;
        if sentences % 5 == 0 {
            text.push_str("\n\n");
        }
    }
    text
}

fn bench(b: Bencher, bytes: usize, stage: fn(&str)) {
    let text = long_text(bytes);
    b.counter(BytesCount::new(text.len()))
        .bench(|| stage(black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn language_detect(b: Bencher, bytes: usize) {
    bench(b, bytes, |t| {
        black_box(language::detect(t));
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn keywords_extract(b: Bencher, bytes: usize) {
    bench(b, bytes, |t| {
        black_box(keywords::extract(t, 15));
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn entities_analyze(b: Bencher, bytes: usize) {
    bench(b, bytes, |t| {
        black_box(entities::analyze(t));
    });
}

/// The quotes stage alone, on an entity analysis made beforehand (the
/// pipeline shares one between the two stages).
#[divan::bench(args = SIZES, sample_count = 20)]
fn quotes_extract(b: Bencher, bytes: usize) {
    let text = long_text(bytes);
    let analysis = entities::analyze(&text);
    b.counter(BytesCount::new(text.len()))
        .bench(|| black_box(quotes::extract(black_box(&text), &analysis)));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn dedup_simhash(b: Bencher, bytes: usize) {
    bench(b, bytes, |t| {
        black_box(dedup::simhash(t));
    });
}

/// Index lookup and insert with 100,000 articles remembered (the default
/// capacity), at the default distance.
#[divan::bench]
fn dedup_index_check(b: Bencher) {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut index = dedup::SimHashIndex::new(100_000, 5);
    for n in 0..100_000u32 {
        index.insert(dedup::DedupEntry {
            id: format!("{n:032x}"),
            simhash: next(),
        });
    }
    b.bench_local(|| black_box(index.check_and_insert("0123456789abcdef0123456789abcdef", next())));
}
