//! Per-host politeness: how many requests to one host at once, and how far
//! apart they start.
//!
//! Every request to a publisher takes a [`HostPermit`] first. A host's slot
//! holds a semaphore (`fetch.per_host_concurrency`) and the earliest time the
//! next request may start (`fetch.per_host_interval` after the previous one,
//! or later when the server asked for a pause with `Retry-After`). Slots of
//! idle hosts are dropped, so the table stays as small as the set of hosts
//! being fetched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::lock;
use tokio::time::Instant;

/// Idle slots are pruned once the table holds this many.
const PRUNE_AT: usize = 1024;

/// One host's limits.
#[derive(Debug)]
struct HostSlot {
    permits: Arc<Semaphore>,
    /// Earliest start of the next request.
    next_start: Mutex<Instant>,
}

/// The per-host limits of one fetcher, shared by all its tasks.
#[derive(Debug)]
pub struct HostLimits {
    concurrency: usize,
    interval: Duration,
    slots: Mutex<HashMap<String, Arc<HostSlot>>>,
}

/// Held while a request to a host runs; dropping it frees the slot.
#[derive(Debug)]
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

impl HostLimits {
    /// Limits of `concurrency` requests at once and `interval` between starts.
    pub fn new(concurrency: usize, interval: Duration) -> HostLimits {
        HostLimits {
            concurrency: concurrency.max(1),
            interval,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until a request to `host` may start, and returns its permit.
    pub async fn acquire(&self, host: &str) -> HostPermit {
        let slot = self.slot(host);
        // The semaphore is never closed, so acquiring cannot fail; if it ever
        // did, going on without a permit is safer than stalling the worker.
        let permit = loop {
            if let Ok(p) = Arc::clone(&slot.permits).acquire_owned().await {
                break p;
            }
        };
        loop {
            let wait = {
                let mut next = lock(&slot.next_start);
                let now = Instant::now();
                if *next <= now {
                    *next = now + self.interval;
                    None
                } else {
                    Some(*next)
                }
            };
            match wait {
                None => break,
                Some(at) => tokio::time::sleep_until(at).await,
            }
        }
        HostPermit { _permit: permit }
    }

    /// Holds back every request to `host` for `pause` (a `Retry-After`).
    pub fn pause(&self, host: &str, pause: Duration) {
        let slot = self.slot(host);
        let mut next = lock(&slot.next_start);
        let until = Instant::now() + pause;
        if until > *next {
            *next = until;
        }
    }

    /// Number of hosts currently tracked (for metrics and tests).
    pub fn tracked_hosts(&self) -> usize {
        lock(&self.slots).len()
    }

    fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut slots = lock(&self.slots);
        if slots.len() >= PRUNE_AT {
            let now = Instant::now();
            slots.retain(|_, s| Arc::strong_count(s) > 1 || *lock(&s.next_start) > now);
        }
        Arc::clone(slots.entry(host.to_owned()).or_insert_with(|| {
            Arc::new(HostSlot {
                permits: Arc::new(Semaphore::new(self.concurrency)),
                next_start: Mutex::new(Instant::now()),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_to_one_host_are_spaced_by_the_interval() {
        let limits = HostLimits::new(4, Duration::from_secs(2));
        let t0 = Instant::now();
        let _a = limits.acquire("a.example").await;
        let _b = limits.acquire("a.example").await;
        let _c = limits.acquire("a.example").await;
        // Paused clock: time advances only by the sleeps the limiter made.
        assert_eq!(Instant::now() - t0, Duration::from_secs(4));
        // Another host is not held back.
        let t1 = Instant::now();
        let _d = limits.acquire("b.example").await;
        assert_eq!(Instant::now(), t1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_capped_per_host() {
        let limits = Arc::new(HostLimits::new(1, Duration::ZERO));
        let first = limits.acquire("a.example").await;
        let l2 = Arc::clone(&limits);
        let second = tokio::spawn(async move { l2.acquire("a.example").await });
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(!second.is_finished());
        drop(first);
        second.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_the_host() {
        let limits = HostLimits::new(2, Duration::ZERO);
        limits.pause("a.example", Duration::from_secs(120));
        let t0 = Instant::now();
        let _p = limits.acquire("a.example").await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(120));
        assert_eq!(limits.tracked_hosts(), 1);
    }
}
