//! [`ConfigStore`]: the Talk app settings.

use async_trait::async_trait;
use confab_core::store::{ConfigStore, StoreResult};
use sqlx::Row;

use crate::error::OrStore;
use crate::SqlStore;

#[async_trait]
impl ConfigStore for SqlStore {
    async fn app_config(&self) -> StoreResult<Vec<(String, String)>> {
        let found = sqlx::query("SELECT key, value FROM app_config ORDER BY key")
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        found
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }

    async fn set_app_config(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO app_config (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn delete_app_config(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM app_config WHERE key = $1")
            .bind(key)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }
}
