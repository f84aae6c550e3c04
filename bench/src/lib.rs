//! What the benchmarks share: a PostgreSQL database of their own for each run, so a run
//! starts empty and can be repeated against the same server.

use anyhow::{Context, Result};
use sqlx::migrate::MigrateDatabase;

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
