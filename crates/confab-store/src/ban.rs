//! [`BanStore`]: a conversation's bans, and the clients of banned guests.

use async_trait::async_trait;
use confab_core::ban::{Ban, BannedActorType};
use confab_core::chat::NewMessage;
use confab_core::participant::ActorType;
use confab_core::store::{BanStore, StoreResult};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::chat::{append, placeholders};
use crate::error::OrStore;
use crate::participant::delete_attendees;
use crate::SqlStore;

const BAN_COLUMNS: &str = "b.id, b.room_id, b.moderator_actor_type, b.moderator_actor_id, \
    b.moderator_display_name, b.banned_actor_type, b.banned_actor_id, b.banned_display_name, \
    b.banned_time, b.internal_note";

const INSERT_BAN: &str = "INSERT INTO bans (room_id, moderator_actor_type, moderator_actor_id, \
    moderator_display_name, banned_actor_type, banned_actor_id, banned_display_name, banned_time, \
    internal_note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

/// Remembers the clients bound to the attendee about to be removed as the banned guest's.
const KEEP_CLIENTS: &str = "INSERT INTO ban_clients (ban_id, client_session) \
    SELECT $1, c.client_session FROM client_bindings c WHERE c.room_id = $2 AND c.attendee_id = $3";

fn corrupt(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unexpected value {value:?}").into(),
    }
}

fn ban(row: &AnyRow) -> Result<Ban, sqlx::Error> {
    let moderator: String = row.try_get("moderator_actor_type")?;
    let banned: String = row.try_get("banned_actor_type")?;
    Ok(Ban {
        id: row.try_get("id")?,
        room_id: row.try_get("room_id")?,
        moderator_actor_type: ActorType::parse(&moderator)
            .ok_or_else(|| corrupt("moderator_actor_type", &moderator))?,
        moderator_actor_id: row.try_get("moderator_actor_id")?,
        moderator_display_name: row.try_get("moderator_display_name")?,
        banned_actor_type: BannedActorType::parse(&banned)
            .ok_or_else(|| corrupt("banned_actor_type", &banned))?,
        banned_actor_id: row.try_get("banned_actor_id")?,
        banned_display_name: row.try_get("banned_display_name")?,
        banned_time: row.try_get("banned_time")?,
        internal_note: row.try_get("internal_note")?,
    })
}

#[async_trait]
impl BanStore for SqlStore {
    async fn ban_actor(
        &self,
        b: &Ban,
        remove: Option<i64>,
        messages: &[NewMessage],
    ) -> StoreResult<Ban> {
        let mut tx = self.begin().await.or_store()?;
        let id: i64 = sqlx::query(INSERT_BAN)
            .bind(b.room_id)
            .bind(b.moderator_actor_type.as_str())
            .bind(&b.moderator_actor_id)
            .bind(&b.moderator_display_name)
            .bind(b.banned_actor_type.as_str())
            .bind(&b.banned_actor_id)
            .bind(&b.banned_display_name)
            .bind(b.banned_time)
            .bind(&b.internal_note)
            .fetch_one(&mut **tx)
            .await
            .or_store()?
            .try_get("id")
            .or_store()?;
        if let Some(attendee_id) = remove {
            sqlx::query(KEEP_CLIENTS)
                .bind(id)
                .bind(b.room_id)
                .bind(attendee_id)
                .execute(&mut **tx)
                .await
                .or_store()?;
            delete_attendees(&mut tx, &[(b.room_id, attendee_id)])
                .await
                .or_store()?;
        }
        append(&mut tx, self.backend, messages).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(Ban { id, ..b.clone() })
    }

    async fn bans(&self, room_ids: &[i64]) -> StoreResult<Vec<Ban>> {
        let mut found = Vec::new();
        for chunk in room_ids.chunks(500) {
            let sql = format!(
                "SELECT {BAN_COLUMNS} FROM bans b WHERE b.room_id IN ({}) ORDER BY b.id",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&self.reader).await.or_store()?;
            found.extend(crate::rows::all(&rows, ban).or_store()?);
        }
        found.sort_by_key(|b| b.id);
        Ok(found)
    }

    async fn ban_of_actor(
        &self,
        room_id: i64,
        banned_actor_type: BannedActorType,
        banned_actor_id: &str,
    ) -> StoreResult<Option<Ban>> {
        let sql = format!(
            "SELECT {BAN_COLUMNS} FROM bans b WHERE b.room_id = $1 \
             AND b.banned_actor_type = $2 AND b.banned_actor_id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(banned_actor_type.as_str())
            .bind(banned_actor_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(ban).transpose().or_store()
    }

    async fn ban_of_client(&self, room_id: i64, client_session: &str) -> StoreResult<Option<Ban>> {
        let sql = format!(
            "SELECT {BAN_COLUMNS} FROM ban_clients c JOIN bans b ON b.id = c.ban_id \
             WHERE c.client_session = $1 AND b.room_id = $2 ORDER BY b.id LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(client_session)
            .bind(room_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(ban).transpose().or_store()
    }

    async fn remove_ban(&self, room_id: i64, ban_id: i64) -> StoreResult<bool> {
        let mut tx = self.begin().await.or_store()?;
        sqlx::query(
            "DELETE FROM ban_clients WHERE ban_id IN \
             (SELECT id FROM bans WHERE id = $1 AND room_id = $2)",
        )
        .bind(ban_id)
        .bind(room_id)
        .execute(&mut **tx)
        .await
        .or_store()?;
        let deleted = sqlx::query("DELETE FROM bans WHERE id = $1 AND room_id = $2")
            .bind(ban_id)
            .bind(room_id)
            .execute(&mut **tx)
            .await
            .or_store()?
            .rows_affected();
        tx.commit().await.or_store()?;
        Ok(deleted > 0)
    }
}
