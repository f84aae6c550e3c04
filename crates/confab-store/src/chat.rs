//! [`ChatStore`]: appending and reading messages.
//!
//! Appending locks the room first (on PostgreSQL), so ids are taken and committed in the same
//! order per room: a reader that has seen id N never later finds a smaller id appear.

use async_trait::async_trait;
use confab_core::chat::{ChatPost, Edit, Message, NewMessage, Posted};
use confab_core::participant::ActorType;
use confab_core::store::{ChatStore, StoreResult};
use sqlx::{Any, Row, Transaction};

use crate::error::OrStore;
use crate::pin::CLEAR_PIN;
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
        stored.push(m.stored(id));
    }
    // One update per room, after its messages: the last id, and the latest activity.
    let mut moved: Vec<i64> = Vec::new();
    for m in stored.iter().rev() {
        if !moved.contains(&m.room_id) {
            moved.push(m.room_id);
            let activity = stored
                .iter()
                .filter(|o| o.room_id == m.room_id)
                .map(|o| o.created_at)
                .max();
            sqlx::query(MOVE_LAST_MESSAGE)
                .bind(m.room_id)
                .bind(m.id)
                .bind(activity.unwrap_or(m.created_at))
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(stored)
}

/// Rows per multi-row insert: well under every backend's parameter limit.
const BULK_ROWS: usize = 64;

/// Appends `messages` inside `tx`, each to its own room, with multi-row inserts: ids grow in
/// the order given, as with [`append`], for bulk work (setting up, starting and moving people
/// between breakout rooms) where the callers need no ids back. Moves each room's last message. Rooms are locked in id order, so two
/// such writers never wait on each other in a cycle.
pub(crate) async fn append_across_rooms(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    messages: &[NewMessage],
) -> Result<(), sqlx::Error> {
    let mut rooms: Vec<i64> = messages.iter().map(|m| m.room_id).collect();
    rooms.sort_unstable();
    rooms.dedup();
    if let Some(lock) = backend.lock_room() {
        for room_id in &rooms {
            sqlx::query(lock).bind(room_id).execute(&mut **tx).await?;
        }
    }
    let mut last: std::collections::HashMap<i64, (i64, i64)> = std::collections::HashMap::new();
    for chunk in messages.chunks(BULK_ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 13, 13)))
            .collect();
        let sql = format!(
            "INSERT INTO messages (room_id, actor_type, actor_id, actor_display_name, message, message_type, \
             system_message, parameters, reference_id, parent_id, created_at, expires_at, silent) VALUES {} \
             RETURNING id, room_id",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for m in chunk {
            query = query
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
                .bind(i64::from(m.silent));
        }
        for row in query.fetch_all(&mut **tx).await? {
            let (id, room_id): (i64, i64) = (row.try_get("id")?, row.try_get("room_id")?);
            let entry = last.entry(room_id).or_insert((0, 0));
            entry.0 = entry.0.max(id);
        }
        for m in chunk {
            let entry = last.entry(m.room_id).or_insert((0, 0));
            entry.1 = entry.1.max(m.created_at);
        }
    }
    for room_id in rooms {
        let (last_id, activity) = last.get(&room_id).copied().unwrap_or_default();
        sqlx::query(MOVE_LAST_MESSAGE)
            .bind(room_id)
            .bind(last_id)
            .bind(activity)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// `($2, $3, …)` for `n` parameters after the first.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One chat post inside `tx`: the message, the sender's read marker and the mentions.
async fn post_one(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    post: &ChatPost,
) -> Result<Posted, sqlx::Error> {
    let room_id = post.message.room_id;
    if let Some(lock) = backend.lock_room() {
        sqlx::query(lock).bind(room_id).execute(&mut **tx).await?;
    }
    let previous_last_id: i64 = sqlx::query("SELECT last_message_id FROM rooms WHERE id = $1")
        .bind(room_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("last_message_id")?;
    let message = append(tx, backend, std::slice::from_ref(&post.message))
        .await?
        .remove(0);
    sqlx::query("UPDATE attendees SET last_read_message = $2 WHERE id = $1")
        .bind(post.sender)
        .bind(message.id)
        .execute(&mut **tx)
        .await?;
    for mention in &post.mentions {
        let sql = if mention.direct {
            "UPDATE attendees SET last_mention_message = $2, last_mention_direct = $2 WHERE id = $1"
        } else {
            "UPDATE attendees SET last_mention_message = $2 WHERE id = $1"
        };
        sqlx::query(sql)
            .bind(mention.attendee_id)
            .bind(message.id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(Posted {
        message,
        previous_last_id,
    })
}

/// Writes a message's text, type, parameters and last edit inside `tx`; `NotFound` when the
/// message does not exist. Reactions and pins stay: they change through their own methods.
async fn write_message(tx: &mut Transaction<'_, Any>, message: &Message) -> StoreResult<()> {
    const SQL: &str = "UPDATE messages SET message = $2, message_type = $3, parameters = $4, \
        last_edit_actor_type = $5, last_edit_actor_id = $6, last_edit_actor_display_name = $7, last_edit_at = $8 \
        WHERE id = $1";
    let edit = message.last_edit.clone().unwrap_or_else(|| Edit {
        actor_type: String::new(),
        actor_id: String::new(),
        actor_display_name: String::new(),
        at: 0,
    });
    let updated = sqlx::query(SQL)
        .bind(message.id)
        .bind(&message.message)
        .bind(message.message_type.as_str())
        .bind(message.parameters.to_string())
        .bind(&edit.actor_type)
        .bind(&edit.actor_id)
        .bind(&edit.actor_display_name)
        .bind(edit.at)
        .execute(&mut **tx)
        .await
        .or_store()?;
    if updated.rows_affected() == 0 {
        return Err(confab_core::StoreError::NotFound);
    }
    Ok(())
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
            WHERE a.actor_type = $1 AND a.actor_id = $2 AND m.message_type IN ('comment', 'object_shared') \
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

    async fn unread_count(&self, room_id: i64, after: i64) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) AS unread FROM messages \
            WHERE room_id = $1 AND id > $2 AND message_type IN ('comment', 'object_shared')";
        let row = sqlx::query(SQL)
            .bind(room_id)
            .bind(after)
            .fetch_one(&self.reader)
            .await
            .or_store()?;
        row.try_get("unread").or_store()
    }

    async fn post_chat_messages(&self, posts: &[ChatPost]) -> StoreResult<Vec<Posted>> {
        let mut tx = self.writer.begin().await.or_store()?;
        let mut posted = Vec::with_capacity(posts.len());
        for post in posts {
            posted.push(post_one(&mut tx, self.backend, post).await.or_store()?);
        }
        tx.commit().await.or_store()?;
        Ok(posted)
    }

    async fn message(&self, room_id: i64, id: i64) -> StoreResult<Option<Message>> {
        let sql = format!(
            "SELECT {} FROM messages WHERE room_id = $1 AND id = $2",
            rows::MESSAGE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::message).transpose().or_store()
    }

    async fn advance_read_markers(&self, markers: &[(i64, i64)]) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE attendees SET last_read_message = $2 WHERE id = $1 AND last_read_message < $2";
        let mut tx = self.writer.begin().await.or_store()?;
        for (attendee_id, message_id) in markers {
            sqlx::query(SQL)
                .bind(attendee_id)
                .bind(message_id)
                .execute(&mut *tx)
                .await
                .or_store()?;
        }
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn mark_read(
        &self,
        attendee_id: i64,
        message_id: i64,
        forward_only: bool,
    ) -> StoreResult<()> {
        let sql = if forward_only {
            "UPDATE attendees SET last_read_message = $2 WHERE id = $1 AND last_read_message < $2"
        } else {
            "UPDATE attendees SET last_read_message = $2 WHERE id = $1"
        };
        sqlx::query(sql)
            .bind(attendee_id)
            .bind(message_id)
            .execute(&self.writer)
            .await
            .or_store()?;
        Ok(())
    }

    async fn rewrite_message(
        &self,
        message: &Message,
        notes: &[NewMessage],
    ) -> StoreResult<Vec<Message>> {
        let mut tx = self.writer.begin().await.or_store()?;
        write_message(&mut tx, message).await?;
        let appended = append(&mut tx, self.backend, notes).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(appended)
    }

    async fn delete_message(
        &self,
        placeholder: &Message,
        note: &NewMessage,
    ) -> StoreResult<Message> {
        let drop_pin = format!("UPDATE messages SET {CLEAR_PIN}, reactions = '{{}}' WHERE id = $1");
        let mut tx = self.writer.begin().await.or_store()?;
        write_message(&mut tx, placeholder).await?;
        sqlx::query(&drop_pin)
            .bind(placeholder.id)
            .execute(&mut *tx)
            .await
            .or_store()?;
        sqlx::query("DELETE FROM reactions WHERE message_id = $1")
            .bind(placeholder.id)
            .execute(&mut *tx)
            .await
            .or_store()?;
        let note = append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?
            .remove(0);
        tx.commit().await.or_store()?;
        Ok(note)
    }

    async fn clear_history(&self, room_id: i64, note: &NewMessage) -> StoreResult<Message> {
        let mut tx = self.writer.begin().await.or_store()?;
        if let Some(lock) = self.backend.lock_room() {
            sqlx::query(lock)
                .bind(room_id)
                .execute(&mut *tx)
                .await
                .or_store()?;
        }
        sqlx::query("DELETE FROM messages WHERE room_id = $1")
            .bind(room_id)
            .execute(&mut *tx)
            .await
            .or_store()?;
        let note = append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?
            .remove(0);
        sqlx::query(
            "UPDATE attendees SET last_read_message = $2, last_mention_message = 0, last_mention_direct = 0 WHERE room_id = $1",
        )
        .bind(room_id)
        .bind(note.id)
        .execute(&mut *tx)
        .await
        .or_store()?;
        tx.commit().await.or_store()?;
        Ok(note)
    }

    async fn delete_expired_messages(&self, now: i64) -> StoreResult<u64> {
        let deleted = sqlx::query("DELETE FROM messages WHERE expires_at > 0 AND expires_at <= $1")
            .bind(now)
            .execute(&self.writer)
            .await
            .or_store()?;
        Ok(deleted.rows_affected())
    }

    async fn next_message_expiry(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT MIN(expires_at) AS next FROM messages WHERE expires_at > 0")
            .fetch_one(&self.reader)
            .await
            .or_store()?;
        row.try_get::<Option<i64>, _>("next").or_store()
    }

    async fn last_common_read(&self, room_id: i64) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT MIN(last_read_message) AS common FROM attendees WHERE room_id = $1 AND actor_type = 'users'",
        )
        .bind(room_id)
        .fetch_one(&self.reader)
        .await
        .or_store()?;
        Ok(row
            .try_get::<Option<i64>, _>("common")
            .or_store()?
            .unwrap_or(0))
    }
}
