//! [`AccountStore`]: users, app passwords, groups and user settings.

use async_trait::async_trait;
use confab_core::account::{Group, User};
use confab_core::participant::Privacy;
use confab_core::store::{AccountStore, StoreResult};
use sqlx::Row;

use crate::error::OrStore;
use crate::rows;
use crate::SqlStore;

const UPSERT_SETTING: &str = "INSERT INTO user_settings (user_id, key, value) VALUES ($1, $2, $3) \
    ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value";
/// The setting the attendee inserts read (`participant::membership`) and this store keeps
/// on the attendees.
const READ_STATUS_PRIVACY: &str = "read_status_privacy";

/// `%`/`_` in a search are literal characters, not patterns.
pub(crate) fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_user(&self, user: &User) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO users (id, display_name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)";
        sqlx::query(SQL)
            .bind(&user.id)
            .bind(&user.display_name)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        let sql = format!("SELECT {} FROM users WHERE id = $1", rows::USER_COLUMNS);
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::user).transpose().or_store()
    }

    async fn users(&self, search: &str, limit: i64, offset: i64) -> StoreResult<Vec<User>> {
        let sql = format!(
            "SELECT {} FROM users WHERE LOWER(id) LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\' \
             ORDER BY id LIMIT $2 OFFSET $3",
            rows::USER_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(like_pattern(search))
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::user).or_store()
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE users SET display_name = $2, email = $3, password_hash = $4 WHERE id = $1";
        sqlx::query(SQL)
            .bind(&user.id)
            .bind(&user.display_name)
            .bind(&user.email)
            .bind(&user.password_hash)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn delete_user(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin().await.or_store()?;
        sqlx::query("DELETE FROM attendees WHERE actor_type = 'users' AND actor_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        tx.commit().await.or_store()?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn add_app_password(&self, user_id: &str, hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO app_passwords (user_id, hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn user_by_app_password(&self, hash: &str) -> StoreResult<Option<User>> {
        let sql = format!(
            "SELECT {} FROM users WHERE id = (SELECT user_id FROM app_passwords WHERE hash = $1)",
            rows::USER_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(hash)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::user).transpose().or_store()
    }

    async fn create_group(&self, group: &Group) -> StoreResult<()> {
        sqlx::query("INSERT INTO user_groups (id, display_name) VALUES ($1, $2)")
            .bind(&group.id)
            .bind(&group.display_name)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn group(&self, id: &str) -> StoreResult<Option<Group>> {
        let row = sqlx::query("SELECT id, display_name FROM user_groups WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::group).transpose().or_store()
    }

    async fn groups(&self, search: &str) -> StoreResult<Vec<Group>> {
        const SQL: &str = "SELECT id, display_name FROM user_groups \
            WHERE LOWER(id) LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\' ORDER BY id";
        let found = sqlx::query(SQL)
            .bind(like_pattern(search))
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::group).or_store()
    }

    async fn delete_group(&self, id: &str) -> StoreResult<bool> {
        let deleted = sqlx::query("DELETE FROM user_groups WHERE id = $1")
            .bind(id)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn add_group_member(&self, group_id: &str, user_id: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .execute(&*self.write())
        .await
        .or_store()?;
        Ok(())
    }

    async fn remove_group_member(&self, group_id: &str, user_id: &str) -> StoreResult<bool> {
        let deleted = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn group_members(&self, group_id: &str) -> StoreResult<Vec<User>> {
        let sql = format!(
            "SELECT {} FROM users WHERE id IN (SELECT user_id FROM group_members WHERE group_id = $1) ORDER BY id",
            rows::USER_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(group_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::user).or_store()
    }

    async fn user_groups(&self, user_id: &str) -> StoreResult<Vec<String>> {
        let found =
            sqlx::query("SELECT group_id FROM group_members WHERE user_id = $1 ORDER BY group_id")
                .bind(user_id)
                .fetch_all(&self.reader)
                .await
                .or_store()?;
        found
            .iter()
            .map(|r| sqlx::Row::try_get(r, "group_id"))
            .collect::<Result<_, _>>()
            .or_store()
    }

    async fn user_settings(&self, user_id: &str) -> StoreResult<Vec<(String, String)>> {
        let found = sqlx::query("SELECT key, value FROM user_settings WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        found
            .iter()
            .map(|r| Ok((r.try_get("key")?, r.try_get("value")?)))
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }

    async fn set_user_setting(&self, user_id: &str, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(UPSERT_SETTING)
            .bind(user_id)
            .bind(key)
            .bind(value)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn set_read_privacy(&self, user_id: &str, privacy: Privacy) -> StoreResult<()> {
        let mut tx = self.begin().await.or_store()?;
        sqlx::query(UPSERT_SETTING)
            .bind(user_id)
            .bind(READ_STATUS_PRIVACY)
            .bind(privacy.as_i64().to_string())
            .execute(&mut **tx)
            .await
            .or_store()?;
        sqlx::query(
            "UPDATE attendees SET read_privacy = $2 WHERE actor_type = 'users' AND actor_id = $1",
        )
        .bind(user_id)
        .bind(privacy.as_i64())
        .execute(&mut **tx)
        .await
        .or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }
}
