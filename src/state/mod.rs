//! The state store: what the worker remembers between polls and restarts.
//!
//! One redb file under `[state] dir`. redb commits are atomic and fsync'd
//! (copy-on-write B-trees with a checksummed commit slot), so a `kill -9` at
//! any instant leaves either the previous or the new state, never a torn one.
//! Values are JSON so the store can be read by `newswire status` and grow new
//! fields without a migration.
//!
//! - [`feeds`]: per-feed validators, schedule and health.
//! - [`articles`]: seen/pending/delivered article ids, expiring after a horizon.

pub mod articles;
pub mod feeds;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use articles::{ArticleCounts, ArticleJob, ArticleRecord, ArticleState, Outcome};
pub use feeds::{FeedState, FeedStatus};

/// Feed URL → [`FeedState`] (JSON).
const FEEDS: TableDefinition<&str, &[u8]> = TableDefinition::new("feeds");
/// Article id → [`ArticleRecord`] (JSON).
const ARTICLES: TableDefinition<&str, &[u8]> = TableDefinition::new("articles");
/// Small named values (e.g. the near-duplicate index snapshot).
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// What the store knows, as `newswire status --json` and the ops
/// endpoint's `/status` print it.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct StatusReport {
    /// The database file.
    pub state: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Every saved feed state, by URL.
    pub feeds: Vec<FeedState>,
    /// Article ids by state.
    pub articles: ArticleCounts,
}

/// The file name inside the state directory.
pub const FILE_NAME: &str = "newswire.redb";

/// Why the state store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The directory could not be created.
    #[error("cannot create state directory {path}: {source}")]
    Dir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Another process holds the store.
    #[error("state store {path} is in use by another newswire process (one worker per state.dir)")]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// redb reported an error (I/O, corruption, full disk).
    #[error("state store {path}: {source}")]
    Db {
        /// The database file.
        path: PathBuf,
        /// redb's error.
        #[source]
        source: Box<redb::Error>,
    },
    /// A stored value could not be decoded.
    #[error("state store {path}: bad value for key `{key}`: {source}")]
    Decode {
        /// The database file.
        path: PathBuf,
        /// The key.
        key: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

/// The open state store. Cheap to share behind an `Arc`; methods block on
/// disk I/O, so async callers run them on the blocking pool.
#[derive(Debug)]
pub struct Store {
    db: Database,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the store in `dir` with the default page cache.
    pub fn open(dir: &Path) -> Result<Store, StateError> {
        Store::open_with_cache(dir, crate::config::StateConfig::default().cache_bytes)
    }

    /// Opens (or creates) the store in `dir`, caching at most `cache_bytes`
    /// of pages (redb's own default, 1 GiB, would dominate the worker's
    /// memory).
    pub fn open_with_cache(dir: &Path, cache_bytes: usize) -> Result<Store, StateError> {
        std::fs::create_dir_all(dir).map_err(|source| StateError::Dir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let db = match redb::Builder::new()
            .set_cache_size(cache_bytes)
            .create(&path)
        {
            Ok(db) => db,
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StateError::Locked { path });
            }
            Err(e) => {
                return Err(StateError::Db {
                    path,
                    source: Box::new(e.into()),
                });
            }
        };
        let store = Store { db, path };
        // Create the tables so that readers never meet a missing one.
        store.write(|txn| {
            txn.open_table(FEEDS)?;
            txn.open_table(ARTICLES)?;
            txn.open_table(META)?;
            Ok(())
        })?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Size of the database file in bytes.
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }

    /// Everything `newswire status` shows: every feed's state (by URL)
    /// and the article counts.
    pub fn report(&self) -> Result<StatusReport, StateError> {
        let mut feeds = self.feeds()?;
        feeds.sort_by(|a, b| a.url.cmp(&b.url));
        Ok(StatusReport {
            state: self.path.clone(),
            bytes: self.file_size(),
            feeds,
            articles: self.article_counts()?,
        })
    }

    /// Checks that the store still answers reads (the readiness probe).
    pub fn ping(&self) -> Result<(), StateError> {
        (|| -> Result<(), redb::Error> {
            let txn = self.db.begin_read()?;
            txn.open_table(META)?;
            Ok(())
        })()
        .map_err(|e| self.db_err(e))
    }

    /// Runs `f` in one write transaction and commits it durably.
    fn write<T>(
        &self,
        f: impl FnOnce(&redb::WriteTransaction) -> Result<T, redb::Error>,
    ) -> Result<T, StateError> {
        let run = || -> Result<T, redb::Error> {
            let txn = self.db.begin_write()?;
            let out = f(&txn)?;
            txn.commit()?;
            Ok(out)
        };
        run().map_err(|e| self.db_err(e))
    }

    /// Reads one JSON value from `table`.
    fn get<T: DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
        key: &str,
    ) -> Result<Option<T>, StateError> {
        let bytes = (|| -> Result<Option<Vec<u8>>, redb::Error> {
            let txn = self.db.begin_read()?;
            let t = txn.open_table(table)?;
            Ok(t.get(key)?.map(|v| v.value().to_vec()))
        })()
        .map_err(|e| self.db_err(e))?;
        bytes.map(|b| self.decode(key, &b)).transpose()
    }

    /// Reads every value of `table`.
    fn all<T: DeserializeOwned>(
        &self,
        table: TableDefinition<&str, &[u8]>,
    ) -> Result<Vec<(String, T)>, StateError> {
        let rows = (|| -> Result<Vec<(String, Vec<u8>)>, redb::Error> {
            let txn = self.db.begin_read()?;
            let t = txn.open_table(table)?;
            let mut rows = Vec::new();
            for row in t.iter()? {
                let (k, v) = row?;
                rows.push((k.value().to_owned(), v.value().to_vec()));
            }
            Ok(rows)
        })()
        .map_err(|e| self.db_err(e))?;
        rows.into_iter()
            .map(|(k, v)| {
                let value = self.decode(&k, &v)?;
                Ok((k, value))
            })
            .collect()
    }

    /// Stores a small named value (JSON) in the meta table.
    pub fn put_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StateError> {
        let bytes = encode(value);
        self.write(|txn| {
            txn.open_table(META)?.insert(key, bytes.as_slice())?;
            Ok(())
        })
    }

    /// Reads a named value stored with [`Store::put_meta`].
    pub fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StateError> {
        self.get(META, key)
    }

    fn decode<T: DeserializeOwned>(&self, key: &str, bytes: &[u8]) -> Result<T, StateError> {
        serde_json::from_slice(bytes).map_err(|source| StateError::Decode {
            path: self.path.clone(),
            key: key.to_owned(),
            source,
        })
    }

    fn db_err(&self, e: redb::Error) -> StateError {
        StateError::Db {
            path: self.path.clone(),
            source: Box::new(e),
        }
    }
}

/// JSON bytes of a value whose types serialize infallibly (plain structs,
/// string keys).
fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_of_same_dir_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let _a = Store::open(dir.path()).unwrap();
        let err = Store::open(dir.path()).unwrap_err();
        assert!(matches!(err, StateError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("in use"), "{err}");
    }

    #[test]
    fn meta_round_trip_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.put_meta("k", &vec![1u64, 2, 3]).unwrap();
        }
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.meta::<Vec<u64>>("k").unwrap(), Some(vec![1, 2, 3]));
        assert_eq!(s.meta::<Vec<u64>>("missing").unwrap(), None);
    }
}
