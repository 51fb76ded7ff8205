//! The fetchers' job queue: per-host FIFO lines served round-robin.
//!
//! Feeds list their entries together, so a plain FIFO hands the fetchers
//! long runs of articles from one host; the per-host politeness limits then
//! make every fetcher wait on that host while other hosts sit idle (head-of-
//! line blocking). This queue only hands out a job whose host has fewer than
//! `per_host` jobs in flight, taking hosts in turn, so the fetchers spread
//! over every host that has work. It holds at most `capacity` jobs: pushing
//! into a full queue waits, which is the backpressure on the pollers.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::fetch::lock;
use crate::state::ArticleJob;

/// Jobs waiting for a fetcher, grouped by host.
#[derive(Debug)]
pub struct JobQueue {
    inner: Mutex<Inner>,
    /// Wakes fetchers: a job or a host slot became available, or closed.
    work: Notify,
    /// Wakes the producer: space became available.
    space: Notify,
    per_host: usize,
    capacity: usize,
}

#[derive(Debug, Default)]
struct Inner {
    hosts: HashMap<String, HostLine>,
    /// Hosts that have jobs and a free slot, in turn order.
    ready: VecDeque<String>,
    len: usize,
    closed: bool,
}

#[derive(Debug, Default)]
struct HostLine {
    jobs: VecDeque<ArticleJob>,
    in_flight: usize,
    /// Whether the host is in `ready`.
    queued: bool,
}

impl HostLine {
    fn can_start(&self, per_host: usize) -> bool {
        !self.jobs.is_empty() && self.in_flight < per_host && !self.queued
    }
}

/// A job handed out; dropping it frees the host's slot.
#[derive(Debug)]
pub struct Ticket {
    queue: Arc<JobQueue>,
    host: String,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.queue.finished(&self.host);
    }
}

/// The host a job is fetched from (its own line when the URL has none).
fn host_of(job: &ArticleJob) -> String {
    url::Url::parse(&job.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

impl JobQueue {
    /// A queue of at most `capacity` jobs and `per_host` in flight per host.
    pub fn new(capacity: usize, per_host: usize) -> Arc<JobQueue> {
        Arc::new(JobQueue {
            inner: Mutex::new(Inner::default()),
            work: Notify::new(),
            space: Notify::new(),
            per_host: per_host.max(1),
            capacity: capacity.max(1),
        })
    }

    /// Adds a job, waiting while the queue is full.
    pub async fn push(&self, job: ArticleJob) {
        let host = host_of(&job);
        loop {
            let space = self.space.notified();
            tokio::pin!(space);
            space.as_mut().enable();
            {
                let mut inner = lock(&self.inner);
                if inner.len < self.capacity {
                    inner.len += 1;
                    let line = inner.hosts.entry(host.clone()).or_default();
                    line.jobs.push_back(job);
                    if line.can_start(self.per_host) {
                        line.queued = true;
                        inner.ready.push_back(host);
                        drop(inner);
                        self.work.notify_one();
                    }
                    return;
                }
            }
            space.await;
        }
    }

    /// No more jobs will be pushed: `next` returns `None` once drained.
    pub fn close(&self) {
        lock(&self.inner).closed = true;
        self.work.notify_waiters();
    }

    /// The next job whose host has a free slot; `None` when closed and empty.
    pub async fn next(self: &Arc<Self>) -> Option<(ArticleJob, Ticket)> {
        loop {
            let work = self.work.notified();
            tokio::pin!(work);
            work.as_mut().enable();
            {
                let mut inner = lock(&self.inner);
                if let Some(host) = inner.ready.pop_front() {
                    let per_host = self.per_host;
                    let line = inner.hosts.entry(host.clone()).or_default();
                    line.queued = false;
                    let job = line.jobs.pop_front();
                    line.in_flight += 1;
                    let again = line.can_start(per_host);
                    if again {
                        line.queued = true;
                        inner.ready.push_back(host.clone());
                    }
                    inner.len -= usize::from(job.is_some());
                    let more = !inner.ready.is_empty();
                    drop(inner);
                    self.space.notify_one();
                    if more {
                        // Another fetcher may start on the next host.
                        self.work.notify_one();
                    }
                    let ticket = Ticket {
                        queue: Arc::clone(self),
                        host,
                    };
                    match job {
                        Some(job) => return Some((job, ticket)),
                        None => continue,
                    }
                }
                if inner.closed && inner.len == 0 {
                    return None;
                }
            }
            work.await;
        }
    }

    /// Jobs waiting (not in flight).
    pub fn len(&self) -> usize {
        lock(&self.inner).len
    }

    /// Whether no job is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn finished(&self, host: &str) {
        let mut inner = lock(&self.inner);
        let per_host = self.per_host;
        let Some(line) = inner.hosts.get_mut(host) else {
            return;
        };
        line.in_flight = line.in_flight.saturating_sub(1);
        if line.can_start(per_host) {
            line.queued = true;
            inner.ready.push_back(host.to_owned());
            drop(inner);
            self.work.notify_one();
        } else if line.jobs.is_empty() && line.in_flight == 0 {
            inner.hosts.remove(host);
            let closed = inner.closed && inner.len == 0;
            drop(inner);
            if closed {
                self.work.notify_waiters();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FeedInfo;

    fn job(url: &str) -> ArticleJob {
        ArticleJob {
            id: url.to_owned(),
            url: url.to_owned(),
            feed: FeedInfo::default(),
            ..ArticleJob::default()
        }
    }

    #[tokio::test]
    async fn hosts_take_turns_and_a_busy_host_waits() {
        let q = JobQueue::new(100, 1);
        for i in 0..3 {
            q.push(job(&format!("http://a.example/{i}"))).await;
        }
        q.push(job("http://b.example/0")).await;
        q.push(job("http://c.example/0")).await;
        let (j1, t1) = q.next().await.unwrap();
        let (j2, _t2) = q.next().await.unwrap();
        let (j3, _t3) = q.next().await.unwrap();
        let got: Vec<&str> = vec![&j1.url, &j2.url, &j3.url]
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(
            got,
            [
                "http://a.example/0",
                "http://b.example/0",
                "http://c.example/0"
            ],
            "one job per host before a second from host a"
        );
        // Host a has one in flight (limit 1): nothing else may start yet.
        let blocked = tokio::time::timeout(std::time::Duration::from_millis(20), q.next()).await;
        assert!(blocked.is_err(), "host a is busy");
        drop(t1);
        let (j4, _t4) = q.next().await.unwrap();
        assert_eq!(j4.url, "http://a.example/1");
        assert_eq!(q.len(), 1);
    }

    #[tokio::test]
    async fn full_queue_waits_for_space_and_closed_queue_drains() {
        let q = JobQueue::new(2, 4);
        q.push(job("http://a.example/0")).await;
        q.push(job("http://a.example/1")).await;
        let third = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            q.push(job("http://a.example/2")),
        )
        .await;
        assert!(third.is_err(), "the queue is full");
        let (_, t) = q.next().await.unwrap();
        drop(t);
        q.push(job("http://a.example/2")).await;
        q.close();
        let mut rest = Vec::new();
        while let Some((j, _t)) = q.next().await {
            rest.push(j.url);
        }
        assert_eq!(rest, ["http://a.example/1", "http://a.example/2"]);
    }

    #[tokio::test]
    async fn many_fetchers_drain_every_job_exactly_once() {
        let q = JobQueue::new(8, 2);
        let producer = {
            let q = Arc::clone(&q);
            tokio::spawn(async move {
                for i in 0..200 {
                    q.push(job(&format!("http://h{}.example/{i}", i % 7))).await;
                }
                q.close();
            })
        };
        let mut workers = Vec::new();
        for _ in 0..5 {
            let q = Arc::clone(&q);
            workers.push(tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some((j, _t)) = q.next().await {
                    tokio::task::yield_now().await;
                    got.push(j.url);
                }
                got
            }));
        }
        producer.await.unwrap();
        let mut all = Vec::new();
        for w in workers {
            all.extend(w.await.unwrap());
        }
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 200);
    }
}
