//! Connecting to SQLite or PostgreSQL, and the few places their SQL differs.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

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
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) writer: AnyPool,
    pub(crate) reader: AnyPool,
    pub(crate) backend: Backend,
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

    /// Closes the pools, waiting for running queries.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}
