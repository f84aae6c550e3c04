//! [`ChatStore`]: appending and reading messages.
//!
//! Appending locks the room first (on PostgreSQL), so ids are taken and committed in the same
//! order per room: a reader that has seen id N never later finds a smaller id appear.

use async_trait::async_trait;
use confab_core::chat::{Message, NewMessage};
use confab_core::participant::ActorType;
use confab_core::store::{ChatStore, StoreResult};
use sqlx::{Any, Row, Transaction};

use crate::error::OrStore;
use crate::rows;
use crate::{Backend, SqlStore};

const INSERT_MESSAGE: &str = "INSERT INTO messages (room_id, actor_type, actor_id, actor_display_name, message, \
    message_type, system_message, parameters, reference_id, parent_id, created_at, expires_at, silent) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";
const MOVE_LAST_MESSAGE: &str =
    "UPDATE rooms SET last_message_id = $2, last_activity = CASE WHEN last_activity > $3 THEN last_activity ELSE $3 END WHERE id = $1";

/// Appends `messages` inside `tx`, each to its own `room_id`, and returns them with their ids.
pub(crate) async fn append(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    messages: &[NewMessage],
) -> Result<Vec<Message>, sqlx::Error> {
    let mut stored = Vec::with_capacity(messages.len());
    let mut locked: Vec<i64> = Vec::new();
    for m in messages {
        if let Some(lock) = backend.lock_room() {
            if !locked.contains(&m.room_id) {
                sqlx::query(lock).bind(m.room_id).execute(&mut **tx).await?;
                locked.push(m.room_id);
            }
        }
        let id: i64 = sqlx::query(INSERT_MESSAGE)
            .bind(m.room_id)
            .bind(&m.actor_type)
            .bind(&m.actor_id)
            .bind(&m.actor_display_name)
            .bind(&m.message)
            .bind(m.message_type.as_str())
            .bind(&m.system_message)
            .bind(m.parameters.to_string())
            .bind(&m.reference_id)
            .bind(m.parent_id)
            .bind(m.created_at)
            .bind(m.expires_at)
            .bind(i64::from(m.silent))
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
        sqlx::query(MOVE_LAST_MESSAGE)
            .bind(m.room_id)
            .bind(id)
            .bind(m.created_at)
            .execute(&mut **tx)
            .await?;
        stored.push(Message {
            id,
            room_id: m.room_id,
            actor_type: m.actor_type.clone(),
            actor_id: m.actor_id.clone(),
            actor_display_name: m.actor_display_name.clone(),
            message: m.message.clone(),
            message_type: m.message_type,
            system_message: m.system_message.clone(),
            parameters: m.parameters.clone(),
            reference_id: m.reference_id.clone(),
            parent_id: m.parent_id,
            created_at: m.created_at,
            expires_at: m.expires_at,
            silent: m.silent,
        });
    }
    Ok(stored)
}

/// `($2, $3, …)` for `n` parameters after the first.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl ChatStore for SqlStore {
    async fn post_messages(&self, messages: &[NewMessage]) -> StoreResult<Vec<Message>> {
        let mut tx = self.writer.begin().await.or_store()?;
        let stored = append(&mut tx, self.backend, messages).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn messages_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<Message>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::with_capacity(ids.len());
        // Chunks keep the statement under every backend's parameter limit.
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {} FROM messages WHERE id IN ({}) ORDER BY id",
                rows::MESSAGE_COLUMNS,
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let batch = query.fetch_all(&self.reader).await.or_store()?;
            found.extend(rows::all(&batch, rows::message).or_store()?);
        }
        Ok(found)
    }

    async fn messages_after(
        &self,
        room_id: i64,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let sql = format!(
            "SELECT {} FROM messages WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            rows::MESSAGE_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(room_id)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::message).or_store()
    }

    async fn messages_before(
        &self,
        room_id: i64,
        before: i64,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let before = if before <= 0 { i64::MAX } else { before };
        let sql = format!(
            "SELECT {} FROM messages WHERE room_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
            rows::MESSAGE_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(room_id)
            .bind(before)
            .bind(limit)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::message).or_store()
    }

    async fn unread_counts(
        &self,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Vec<(i64, i64)>> {
        const SQL: &str = "SELECT m.room_id AS room_id, COUNT(*) AS unread FROM attendees a \
            JOIN messages m ON m.room_id = a.room_id AND m.id > a.last_read_message \
            WHERE a.actor_type = $1 AND a.actor_id = $2 AND m.message_type = 'comment' \
            GROUP BY m.room_id";
        let found = sqlx::query(SQL)
            .bind(actor_type.as_str())
            .bind(actor_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        found
            .iter()
            .map(|r| Ok((r.try_get("room_id")?, r.try_get("unread")?)))
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }
}
