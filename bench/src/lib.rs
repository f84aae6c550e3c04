//! What the benchmarks share: a PostgreSQL database of their own for each run, so a run
//! starts empty and can be repeated against the same server, and the choice of store from
//! the command line.

use std::future::Future;

use anyhow::{Context, Result};
use confab_store::SqlStore;
use sqlx::migrate::MigrateDatabase;

/// The `--database-url` given on the command line, if any.
pub fn database_url_arg() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// Runs an in-process benchmark on a fresh SQLite store, or with `--database-url
/// postgres://…` on a fresh PostgreSQL database that is dropped afterwards; the label names
/// the backend.
pub async fn run_on_chosen_store<F, Fut>(bench: F) -> Result<()>
where
    F: FnOnce(SqlStore, &'static str) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    if let Some(url) = database_url_arg() {
        let database = FreshDatabase::create(&url).await?;
        let store = SqlStore::connect(&database.url).await?;
        let result = bench(store.clone(), "postgresql").await;
        store.close().await;
        database.drop().await?;
        result
    } else {
        let dir = tempfile::tempdir()?;
        bench(SqlStore::open_sqlite(dir.path()).await?, "sqlite").await
    }
}

/// A database created for one run on the server of a `postgres://…/name` URL; call
/// [`FreshDatabase::drop`] when the run is over.
pub struct FreshDatabase {
    pub url: String,
}

impl FreshDatabase {
    pub async fn create(server_url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let (server, _) = server_url
            .rsplit_once('/')
            .context("a database URL ends in /name")?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let url = format!("{server}/confab_bench_{}_{nanos}", std::process::id());
        sqlx::Any::create_database(&url)
            .await
            .with_context(|| format!("creating the benchmark database on {server}"))?;
        Ok(Self { url })
    }

    pub async fn drop(self) -> Result<()> {
        sqlx::Any::force_drop_database(&self.url)
            .await
            .context("dropping the benchmark database")
    }
}
