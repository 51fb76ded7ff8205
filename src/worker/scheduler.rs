//! Which feed is due next: a min-heap of next-due times.
//!
//! Each feed is either in the heap or being polled, never both, so a slow
//! feed cannot be polled twice at once. The due times come from the state
//! store at start (a restart keeps every feed's schedule) and from each poll
//! afterwards.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Next-due times of the feeds not being polled right now.
#[derive(Debug, Default)]
pub struct Schedule {
    heap: BinaryHeap<Reverse<(DateTime<Utc>, usize)>>,
}

impl Schedule {
    /// Puts feed `index` back in line, due at `due`.
    pub fn insert(&mut self, index: usize, due: DateTime<Utc>) {
        self.heap.push(Reverse((due, index)));
    }

    /// How long until the earliest feed is due (zero when one is overdue);
    /// `None` when every feed is being polled.
    pub fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        let Reverse((due, _)) = self.heap.peek()?;
        Some((*due - now).to_std().unwrap_or(Duration::ZERO))
    }

    /// Takes the earliest feed if it is due at `now`.
    pub fn pop_due(&mut self, now: DateTime<Utc>) -> Option<usize> {
        match self.heap.peek() {
            Some(Reverse((due, _))) if *due <= now => self.heap.pop().map(|Reverse((_, i))| i),
            _ => None,
        }
    }

    /// Feeds waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no feed is waiting.
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
        let mut s = Schedule::default();
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
}
