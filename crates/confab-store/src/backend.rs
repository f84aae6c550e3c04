//! Connecting to SQLite or PostgreSQL, and the few places their SQL differs.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Locks a room row for the rest of the transaction. PostgreSQL needs it so message ids
    /// become visible in order per room; SQLite has a single writer and needs nothing.
    pub(crate) fn lock_room(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::Postgres => Some("SELECT id FROM rooms WHERE id = $1 FOR UPDATE"),
        }
    }
}

/// The store: a pool for writes and one for reads (the same pool on PostgreSQL).
///
/// Writes go through `SqlStore::write` and `SqlStore::begin` only, which move the write
/// generation once they are done, so that what was read before can be recognised as old.
#[derive(Debug, Clone)]
pub struct SqlStore {
    writer: AnyPool,
    pub(crate) reader: AnyPool,
    pub(crate) backend: Backend,
    generation: Arc<AtomicU64>,
}

/// The writer pool for one autocommit statement; moves the write generation when dropped,
/// which is after the statement ran (the guard lives to the end of the statement using it).
pub(crate) struct Write<'s> {
    pool: &'s AnyPool,
    generation: &'s AtomicU64,
}

impl Deref for Write<'_> {
    type Target = AnyPool;

    fn deref(&self) -> &AnyPool {
        self.pool
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        self.generation.fetch_add(1, Ordering::Release);
    }
}

/// A write transaction; committing it moves the write generation after the commit (a
/// transaction dropped uncommitted rolls back and changes nothing).
pub(crate) struct WriteTx<'s> {
    tx: Transaction<'static, Any>,
    generation: Option<&'s AtomicU64>,
}

impl WriteTx<'_> {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        let committed = self.tx.commit().await;
        if let Some(generation) = self.generation {
            generation.fetch_add(1, Ordering::Release);
        }
        committed
    }
}

impl Deref for WriteTx<'_> {
    type Target = Transaction<'static, Any>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl confab_core::store::WriteGeneration for SqlStore {
    /// Every write of this node goes through this store. One node serves a database: the
    /// chat's wake-ups and windows are in this process too, so a second node on the same
    /// PostgreSQL would need a bus between the nodes for those as well as for this counter.
    /// (Writes from the command line reach readers when cached entries age out.)
    fn write_generation(&self) -> Option<u64> {
        Some(self.generation.load(Ordering::Acquire))
    }
}

/// Per-connection SQLite settings: WAL lets readers run beside the writer; FULL sync makes a
/// committed write durable before it is acknowledged.
const SQLITE_PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";

impl SqlStore {
    /// Opens (creating if needed) the SQLite database `confab.db` in `data_dir`.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Self, sqlx::Error> {
        std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
        let path = data_dir.join("confab.db");
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to `url` (`sqlite://…` or `postgres://…`) and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let options = AnyConnectOptions::from_str(url)?;
        let store = if url.starts_with("sqlite:") {
            let pool = |max: u32| {
                AnyPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(30))
                    // A local file cannot hang up: pinging it on every acquire only costs a
                    // round trip to the connection's worker thread.
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(|_| ()) })
                    })
                    .connect_with(options.clone())
            };
            // One writer connection: SQLite allows one writer at a time, and queueing in the
            // pool is cheaper than retrying on SQLITE_BUSY.
            let writer = pool(1).await?;
            writer.execute("PRAGMA journal_mode = WAL").await?;
            let reader = pool(8).await?;
            Self {
                writer,
                reader,
                backend: Backend::Sqlite,
                generation: Arc::default(),
            }
        } else {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await?;
            Self {
                writer: pool.clone(),
                reader: pool,
                backend: Backend::Postgres,
                generation: Arc::default(),
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&self.writer)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The writer for one autocommit statement: `query.execute(&*self.write())`.
    pub(crate) fn write(&self) -> Write<'_> {
        Write {
            pool: &self.writer,
            generation: &self.generation,
        }
    }

    /// A write transaction; its commit moves the write generation.
    pub(crate) async fn begin(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        Ok(WriteTx {
            tx: self.writer.begin().await?,
            generation: Some(&self.generation),
        })
    }

    /// A transaction that only moves the chat forward (appends chat posts with their room's
    /// last message, moves read and mention markers up) and so leaves the write generation
    /// alone: its readers do not rely on those. A marker moved down is an ordinary write.
    pub(crate) async fn begin_chat_progress(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        Ok(WriteTx {
            tx: self.writer.begin().await?,
            generation: None,
        })
    }

    /// Closes the pools, waiting for running queries.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}
