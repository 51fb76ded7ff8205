//! Things due at a time: a min-heap of due times, for the feed scheduler
//! (feed indexes) and the retry task (deferred articles).
//!
//! Each feed is either in the heap or being polled, never both, so a slow
//! feed cannot be polled twice at once. The due times come from the state
//! store at start (a restart keeps every feed's schedule) and from each poll
//! afterwards.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Items waiting for their due time; equal times come out in insertion
/// order.
#[derive(Debug)]
pub struct Schedule<T> {
    heap: BinaryHeap<Reverse<Entry<T>>>,
    next_seq: u64,
}

/// One item, ordered by (due, insertion order) only.
#[derive(Debug)]
struct Entry<T> {
    due: DateTime<Utc>,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.due, self.seq) == (other.due, other.seq)
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.due, self.seq).cmp(&(other.due, other.seq))
    }
}

impl<T> Default for Schedule<T> {
    fn default() -> Self {
        Schedule {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<T> Schedule<T> {
    /// Puts `item` in line, due at `due`.
    pub fn insert(&mut self, item: T, due: DateTime<Utc>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Entry { due, seq, item }));
    }

    /// How long until the earliest item is due (zero when one is overdue);
    /// `None` when nothing waits.
    pub fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        let Reverse(first) = self.heap.peek()?;
        Some((first.due - now).to_std().unwrap_or(Duration::ZERO))
    }

    /// Takes the earliest item if it is due at `now`.
    pub fn pop_due(&mut self, now: DateTime<Utc>) -> Option<T> {
        match self.heap.peek() {
            Some(Reverse(first)) if first.due <= now => self.heap.pop().map(|Reverse(e)| e.item),
            _ => None,
        }
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_come_out_in_due_order_and_only_when_due() {
        let now = Utc::now();
        let mut s = Schedule::<usize>::default();
        s.insert(0, now + chrono::Duration::seconds(60));
        s.insert(1, now - chrono::Duration::seconds(5));
        s.insert(2, now);
        assert_eq!(s.wait(now), Some(Duration::ZERO));
        assert_eq!(s.pop_due(now), Some(1));
        assert_eq!(s.pop_due(now), Some(2));
        assert_eq!(s.pop_due(now), None, "feed 0 is not due yet");
        assert_eq!(s.wait(now), Some(Duration::from_secs(60)));
        assert_eq!(s.len(), 1);
        assert_eq!(s.pop_due(now + chrono::Duration::seconds(61)), Some(0));
        assert!(s.is_empty());
        assert_eq!(s.wait(now), None);
    }

    #[test]
    fn equal_due_times_keep_insertion_order() {
        let now = Utc::now();
        let mut s = Schedule::default();
        s.insert("first", now);
        s.insert("second", now);
        assert_eq!(s.pop_due(now), Some("first"));
        assert_eq!(s.pop_due(now), Some("second"));
    }
}
