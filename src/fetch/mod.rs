//! The fetcher: the only code that talks to publishers' servers.
//!
//! - [`client`]: the HTTP client, with timeouts, a redirect cap and a
//!   streamed body-size cap that also bounds decompressed size.
//! - [`charset`]: bytes → text, never assuming UTF-8.
//! - [`guard`]: refuses loopback and private addresses unless allowed.
//! - [`hosts`]: per-host concurrency, spacing and `Retry-After` pauses.
//! - [`retry`]: which failures are transient, and the backoff.
//! - [`robots`]: the robots.txt cache consulted before article fetches.
//! - [`warc`]: pages fetched earlier, from web archives (WARC).

pub mod charset;
pub mod client;
pub mod guard;
pub mod hosts;
pub mod retry;
pub mod robots;
pub mod warc;

pub use client::{FetchError, FetchedPage, Fetcher, Request};

/// Locks a mutex, recovering the data if a holder panicked: the values the
/// fetcher guards (host slots, timestamps, cached robots rules) stay valid
/// either way.
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
