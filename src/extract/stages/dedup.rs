//! The `dedup` stage: a 64-bit SimHash of the main text, and the bounded
//! index that names an earlier near-duplicate (`duplicate_of`).
//!
//! SimHash (Charikar 2002, as used by Manku et al. for web crawling): every
//! 3-word shingle of the lower-cased text is hashed to 64 bits; each bit of
//! the result is the majority vote of that bit over all shingles. A small
//! edit changes few shingles and so flips few bits: syndicated copies, a
//! corrected typo or a new headline land within a few bits of the original.
//! Shingle hashes are xxh3 (fixed seed), so a hash written today matches
//! one computed by a later build or after a restart.
//!
//! Two halves, because the record's `id` is only final after every stage
//! has run (the metadata stage may find a canonical URL):
//! - [`run`], the stage, fills `simhash` from the text (pure, per document);
//! - [`mark_duplicate`], called by `Pipeline::run` once the id is final,
//!   looks the hash up in the shared [`SimHashIndex`] and adds it.
//!
//! The index keeps the newest `capacity` entries (oldest evicted first) and
//! finds every entry within `max_distance` bits without a linear scan: the
//! 64 bits are cut into `max_distance + 1` blocks, and two hashes that differ
//! in at most `max_distance` bits agree exactly on at least one block
//! (pigeonhole), so one hash-table probe per block finds all candidates.
//! [`SimHashIndex::entries`] / [`SimHashIndex::from_entries`] let the daemon
//! save it in its state store and restore it after a restart.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use super::super::{Doc, StageError};
use crate::record::{Article, Status};

/// Words per shingle.
const SHINGLE: usize = 3;

/// Texts shorter than this are not looked up or remembered: a short text
/// (a teaser, an error page) is too easily "the same" as another.
pub const MIN_DEDUP_WORDS: usize = 50;

/// Fills `record.simhash`.
pub fn run(doc: &mut Doc) -> Result<(), StageError> {
    doc.record.simhash = simhash(&doc.record.text).map(|h| format!("{h:016x}"));
    Ok(())
}

/// The SimHash of `text`'s lower-cased word 3-shingles (all its words when
/// it has fewer than three); `None` for a text without words.
pub fn simhash(text: &str) -> Option<u64> {
    let mut votes = Votes::default();
    let mut window = [0u64; SHINGLE];
    let mut words = 0usize;
    let mut lower = String::new();
    let mut add = |h: u64| votes.add(h);
    for word in text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        window.rotate_left(1);
        window[SHINGLE - 1] = xxh3_64(lower.as_bytes());
        words += 1;
        if words >= SHINGLE {
            add(shingle_hash(&window));
        }
    }
    match words {
        0 => return None,
        1..SHINGLE => add(shingle_hash(&window[SHINGLE - words..])),
        _ => {}
    }
    Some(votes.finish())
}

/// SimHash bit votes: bit `b` of the result is set when more than half of
/// the added hashes have it set (a +1/-1 vote per hash that ends above 0).
///
/// Counted eight bits at a time: each byte of a hash is spread into eight
/// one-byte counters of a `u64` and added at once, and the byte counters
/// are emptied into the totals before they can overflow.
struct Votes {
    /// `lanes[k]` byte `i` counts bit `8k + i` since the last flush.
    lanes: [u64; 8],
    pending: u32,
    ones: [u32; 64],
    added: u32,
}

/// `SPREAD[b]` has byte `i` equal to bit `i` of `b`.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            t[b] |= (((b >> i) & 1) as u64) << (8 * i);
            i += 1;
        }
        b += 1;
    }
    t
};

impl Default for Votes {
    fn default() -> Self {
        Votes {
            lanes: [0; 8],
            pending: 0,
            ones: [0; 64],
            added: 0,
        }
    }
}

impl Votes {
    fn add(&mut self, h: u64) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * k)) & 0xff) as usize];
        }
        self.added += 1;
        self.pending += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            for i in 0..8 {
                self.ones[8 * k + i] += ((*lane >> (8 * i)) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    fn finish(mut self) -> u64 {
        self.flush();
        let added = u64::from(self.added);
        self.ones
            .iter()
            .enumerate()
            .filter(|&(_, &ones)| 2 * u64::from(ones) > added)
            .fold(0u64, |h, (bit, _)| h | (1 << bit))
    }
}

fn shingle_hash(word_hashes: &[u64]) -> u64 {
    let mut bytes = [0u8; 8 * SHINGLE];
    for (chunk, h) in bytes.chunks_exact_mut(8).zip(word_hashes) {
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    xxh3_64(&bytes[..8 * word_hashes.len()])
}

/// Number of bits in which two SimHashes differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Looks `record` up in `index`, sets `duplicate_of` to the id of the
/// nearest earlier article within the index's distance, and remembers it.
///
/// Only articles (`status: ok`) with at least [`MIN_DEDUP_WORDS`] words take
/// part. The lock is held for one lookup and one insert, microseconds, so
/// concurrent pipeline calls do not queue behind each other noticeably.
pub fn mark_duplicate(index: &Mutex<SimHashIndex>, record: &mut Article) {
    if record.status != Status::Ok || record.word_count < MIN_DEDUP_WORDS {
        return;
    }
    let Some(hash) = record
        .simhash
        .as_deref()
        .and_then(|h| u64::from_str_radix(h, 16).ok())
    else {
        return;
    };
    // A panic elsewhere while the lock was held cannot leave the index
    // half-updated in a way that matters: its worst case is a missed match.
    let mut index = index.lock().unwrap_or_else(PoisonError::into_inner);
    record.duplicate_of = index.check_and_insert(&record.id, hash);
}

/// One remembered article: what the daemon persists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupEntry {
    /// The article's record id.
    pub id: String,
    /// Its text's SimHash.
    pub simhash: u64,
}

/// The newest `capacity` (id, SimHash) pairs, searchable by Hamming distance.
///
/// Memory: about 150 bytes per remembered article at distance 5 (the entry
/// plus one table slot per block), ~15 MB at the default capacity.
pub struct SimHashIndex {
    capacity: usize,
    max_distance: u32,
    /// Bit masks of the exact-match blocks, one table each.
    blocks: Vec<u64>,
    /// Oldest first; `entries[i]` has sequence number `first_seq + i`.
    entries: VecDeque<DedupEntry>,
    first_seq: u64,
    /// Per block: masked hash → (sequence number, full hash) of the entries
    /// with it. The hash is kept inline so a lookup scans one contiguous
    /// bucket without touching the entries. Sequence numbers only grow and
    /// the oldest entry is evicted first, so each bucket is in ascending
    /// order and eviction pops its front.
    tables: Vec<HashMap<u64, VecDeque<(u64, u64)>>>,
}

impl std::fmt::Debug for SimHashIndex {
    /// A summary: the entries themselves would flood any log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHashIndex")
            .field("len", &self.entries.len())
            .field("capacity", &self.capacity)
            .field("max_distance", &self.max_distance)
            .finish()
    }
}

impl SimHashIndex {
    /// An empty index remembering at most `capacity` articles (at least 1)
    /// and matching hashes at most `max_distance` bits apart (capped at 63).
    pub fn new(capacity: usize, max_distance: u32) -> SimHashIndex {
        let max_distance = max_distance.min(63);
        let count = max_distance as usize + 1;
        let blocks = (0..count)
            .map(|i| {
                let (start, end) = (i * 64 / count, (i + 1) * 64 / count);
                let width = end - start;
                let ones = if width == 64 {
                    u64::MAX
                } else {
                    (1u64 << width) - 1
                };
                ones << start
            })
            .collect();
        SimHashIndex {
            capacity: capacity.max(1),
            max_distance,
            blocks,
            entries: VecDeque::new(),
            first_seq: 0,
            tables: vec![HashMap::new(); count],
        }
    }

    /// An index filled with `entries`, oldest first (as [`Self::entries`]
    /// gives them); beyond `capacity` only the newest are kept.
    pub fn from_entries(
        capacity: usize,
        max_distance: u32,
        entries: impl IntoIterator<Item = DedupEntry>,
    ) -> SimHashIndex {
        let mut index = SimHashIndex::new(capacity, max_distance);
        for e in entries {
            index.insert(e);
        }
        index
    }

    /// The remembered articles, oldest first: a snapshot to persist.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &DedupEntry> {
        self.entries.iter()
    }

    /// How many articles are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is remembered yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The remembered entry nearest to `hash` within the index's distance,
    /// ignoring entries with id `except` (a re-fetch is not its own copy);
    /// on a tie the earliest. Returns the entry and its distance.
    pub fn nearest(&self, hash: u64, except: &str) -> Option<(&DedupEntry, u32)> {
        let mut best: Option<(u32, u64)> = None;
        for (mask, table) in self.blocks.iter().zip(&self.tables) {
            let Some(seqs) = table.get(&(hash & mask)) else {
                continue;
            };
            for &(seq, simhash) in seqs {
                let d = distance(simhash, hash);
                if d <= self.max_distance
                    && best.is_none_or(|(bd, bs)| (d, seq) < (bd, bs))
                    && self.entry(seq).is_some_and(|e| e.id != except)
                {
                    best = Some((d, seq));
                }
            }
        }
        best.and_then(|(d, seq)| self.entry(seq).map(|e| (e, d)))
    }

    /// Remembers `entry` as the newest, forgetting the oldest when full.
    pub fn insert(&mut self, entry: DedupEntry) {
        if self.entries.len() >= self.capacity {
            self.evict_oldest();
        }
        let seq = self.first_seq + self.entries.len() as u64;
        for (mask, table) in self.blocks.iter().zip(&mut self.tables) {
            table
                .entry(entry.simhash & mask)
                .or_default()
                .push_back((seq, entry.simhash));
        }
        self.entries.push_back(entry);
    }

    /// The id of the nearest earlier near-duplicate of (`id`, `hash`), if
    /// any; then remembers the pair unless this exact hash is already
    /// remembered (a re-fetch, or an identical copy: the earlier entry
    /// already stands for that text, and a flood of identical pages cannot
    /// grow one bucket into a linear scan).
    pub fn check_and_insert(&mut self, id: &str, hash: u64) -> Option<String> {
        let found = self.nearest(hash, id).map(|(e, _)| e.id.clone());
        let known = self.blocks.first().is_some_and(|mask| {
            self.tables[0]
                .get(&(hash & mask))
                .is_some_and(|seqs| seqs.iter().any(|&(_, h)| h == hash))
        });
        if !known {
            self.insert(DedupEntry {
                id: id.to_owned(),
                simhash: hash,
            });
        }
        found
    }

    fn entry(&self, seq: u64) -> Option<&DedupEntry> {
        let offset = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.entries.get(offset)
    }

    fn evict_oldest(&mut self) {
        let Some(old) = self.entries.pop_front() else {
            return;
        };
        let seq = self.first_seq;
        self.first_seq += 1;
        for (mask, table) in self.blocks.iter().zip(&mut self.tables) {
            let key = old.simhash & mask;
            if let Some(seqs) = table.get_mut(&key) {
                if seqs.front().is_some_and(|&(s, _)| s == seq) {
                    seqs.pop_front();
                } else {
                    seqs.retain(|&(s, _)| s != seq);
                }
                if seqs.is_empty() {
                    table.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_lane_votes_equal_plain_votes() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for n in [1usize, 2, 254, 255, 256, 600, 1001] {
            let mut votes = Votes::default();
            let mut plain = [0i64; 64];
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Skewed bits, so that some votes are close.
                let h = x & (x >> 3) | (x << 1 & 0xff00_ff00_0000_0000);
                votes.add(h);
                for (bit, v) in plain.iter_mut().enumerate() {
                    *v += if (h >> bit) & 1 == 1 { 1 } else { -1 };
                }
            }
            let want = (0..64)
                .filter(|&b| plain[b] > 0)
                .fold(0u64, |h, b| h | (1 << b));
            assert_eq!(votes.finish(), want, "{n} hashes");
        }
    }

    /// A 353-word news story written for the tests.
    const STORY: &str = include_str!("../../../tests/fixtures/dedup/story.txt");

    fn id(n: u32) -> String {
        format!("{n:032x}")
    }

    #[test]
    fn near_identical_texts_are_close_unrelated_far() {
        let a = simhash(STORY).unwrap();
        // Syndicated copy: wire dateline and credit line added.
        let copy =
            format!("EASTMERE (Wire) - {STORY}\nReporting by Jane Doe; editing by John Roe.");
        // Edited copy: one fact corrected.
        let edited = STORY.replace("40 million euros", "45 million euros");
        // Same text, other case and spacing.
        let reflowed = STORY.to_uppercase().replace('\n', " \n ");
        let other = simhash(
            "Heavy rain flooded streets across the north of the country overnight, \
             forcing hundreds of families from their homes. Rescue teams used boats to reach \
             villages cut off by the water, and the army was called in to help. Forecasters \
             expect more rain over the weekend, with rivers already at record levels.",
        )
        .unwrap();
        assert!(distance(a, simhash(&copy).unwrap()) <= 3);
        assert!(distance(a, simhash(&edited).unwrap()) <= 3);
        assert_eq!(distance(a, simhash(&reflowed).unwrap()), 0);
        assert!(distance(a, other) > 12, "{}", distance(a, other));
    }

    #[test]
    fn odd_inputs_hash_without_panic() {
        assert_eq!(simhash("... --- !!!"), None);
        assert!(simhash(&"x".repeat(100_000)).is_some());
        assert!(simhash("İstanbul ǅemal ﬁnance مرحبا 😀 e\u{301}cole").is_some());
    }

    #[test]
    fn hash_is_stable_across_builds() {
        // Persisted hashes must keep matching: a changed tokenizer or hash
        // function must fail here, not silently in production.
        assert_eq!(
            simhash("the cat sat on the mat"),
            Some(0xa012_3528_0e81_b88a)
        );
        assert_eq!(simhash(""), None);
        assert!(simhash("one").is_some() && simhash("one two").is_some());
    }

    #[test]
    fn index_finds_within_distance_and_skips_same_id() {
        let mut ix = SimHashIndex::new(10, 3);
        assert_eq!(ix.check_and_insert(&id(1), 0xffff_0000_ffff_0000), None);
        // 3 bits off, spread over three blocks: still found.
        let near = 0xffff_0000_ffff_0000 ^ (1 | 1 << 20 | 1 << 40);
        assert_eq!(ix.check_and_insert(&id(2), near), Some(id(1)));
        // 4 bits off from both.
        assert_eq!(ix.check_and_insert(&id(3), near ^ 0b1111 << 8), None);
        // A re-fetch of article 1 is not a duplicate of itself, nor stored twice.
        assert_eq!(
            ix.check_and_insert(&id(1), 0xffff_0000_ffff_0000),
            Some(id(2))
        );
        assert_eq!(ix.len(), 3);
    }

    #[test]
    fn identical_copies_are_remembered_once() {
        let mut ix = SimHashIndex::new(1000, 3);
        assert_eq!(ix.check_and_insert(&id(0), 42), None);
        for n in 1..500 {
            assert_eq!(ix.check_and_insert(&id(n), 42), Some(id(0)));
        }
        assert_eq!(ix.len(), 1);
    }

    #[test]
    fn nearest_wins_then_earliest() {
        let mut ix = SimHashIndex::new(10, 3);
        ix.insert(DedupEntry {
            id: id(1),
            simhash: 0b111,
        });
        ix.insert(DedupEntry {
            id: id(2),
            simhash: 0b1,
        });
        ix.insert(DedupEntry {
            id: id(3),
            simhash: 0b1,
        });
        assert_eq!(
            ix.nearest(0, "").map(|(e, d)| (e.id.clone(), d)),
            Some((id(2), 1))
        );
    }

    #[test]
    fn index_stays_bounded_and_forgets_oldest() {
        let mut ix = SimHashIndex::new(100, 3);
        for n in 0..1000u32 {
            ix.insert(DedupEntry {
                id: id(n),
                simhash: u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            });
        }
        assert_eq!(ix.len(), 100);
        let total: usize = ix
            .tables
            .iter()
            .flat_map(|t| t.values())
            .map(VecDeque::len)
            .sum();
        assert_eq!(total, 100 * ix.blocks.len());
        // Entry 0 (hash 0) was evicted long ago.
        assert!(ix.nearest(0, "").is_none());
        let newest = 999u64.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        assert_eq!(ix.nearest(newest, "").unwrap().0.id, id(999));
    }

    #[test]
    fn snapshot_round_trips() {
        let mut ix = SimHashIndex::new(3, 3);
        for n in 0..5u32 {
            ix.insert(DedupEntry {
                id: id(n),
                simhash: u64::from(n) << 32 | 0xabc,
            });
        }
        let saved: Vec<DedupEntry> = ix.entries().cloned().collect();
        let json = serde_json::to_string(&saved).unwrap();
        let back: Vec<DedupEntry> = serde_json::from_str(&json).unwrap();
        let restored = SimHashIndex::from_entries(3, 3, back);
        assert_eq!(restored.entries().cloned().collect::<Vec<_>>(), saved);
        assert_eq!(saved[0].id, id(2));
        let probe = 4u64 << 32 | 0xabc;
        assert_eq!(restored.nearest(probe, "").unwrap().0.id, id(4));
        // A smaller capacity keeps the newest.
        let small = SimHashIndex::from_entries(1, 3, saved);
        assert_eq!(small.entries().next().unwrap().id, id(4));
    }

    #[test]
    fn every_block_layout_covers_all_bits() {
        for k in 0..=7 {
            let ix = SimHashIndex::new(1, k);
            assert_eq!(ix.blocks.len(), k as usize + 1);
            assert_eq!(ix.blocks.iter().fold(0, |a, m| a | m), u64::MAX);
            assert_eq!(ix.blocks.iter().map(|m| m.count_ones()).sum::<u32>(), 64);
        }
    }
}
