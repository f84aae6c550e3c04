//! [`ChatStore`]: appending and reading messages.
//!
//! Appending locks the room first (on PostgreSQL), so ids are taken and committed in the same
//! order per room: a reader that has seen id N never later finds a smaller id appear.

use std::borrow::Borrow;

use async_trait::async_trait;
use confab_core::chat::{ChatPost, Edit, Message, NewMessage, Posted, SharedItemType};
use confab_core::participant::ActorType;
use confab_core::store::{ChatStore, StoreResult};
use sqlx::{Any, Row, Transaction};

use crate::error::OrStore;
use crate::pin::CLEAR_PIN;
use crate::rows;
use crate::shared_item;
use crate::{Backend, SqlStore};

const MOVE_LAST_MESSAGE: &str =
    "UPDATE rooms SET last_message_id = $2, last_activity = CASE WHEN last_activity > $3 THEN last_activity ELSE $3 END WHERE id = $1";
/// Rows per multi-row insert: well under every backend's parameter limit.
pub(crate) const BULK_ROWS: usize = 64;

/// Appends `messages` inside `tx`, each to its own `room_id`, and returns them with their
/// ids, which grow in the order given. Multi-row inserts; one update per room moves its last
/// message and activity; messages that share an object join the shared items. Rooms are
/// locked in id order (on PostgreSQL), so two appending writers never wait on each other in a
/// cycle.
pub(crate) async fn append<M: Borrow<NewMessage>>(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    messages: &[M],
) -> Result<Vec<Message>, sqlx::Error> {
    let rooms = lock_rooms(tx, backend, messages.iter().map(|m| m.borrow().room_id)).await?;
    let mut stored = Vec::with_capacity(messages.len());
    for chunk in messages.chunks(BULK_ROWS) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("({})", placeholders(1 + i * 13, 13)))
            .collect();
        let sql = format!(
            "INSERT INTO messages (room_id, actor_type, actor_id, actor_display_name, message, message_type, \
             system_message, parameters, reference_id, parent_id, created_at, expires_at, silent) VALUES {} \
             RETURNING id",
            rows.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for m in chunk.iter().map(Borrow::borrow) {
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
        // The rows of one insert take their ids in the order of its VALUES; RETURNING need
        // not list them in that order.
        let mut ids = query
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get::<i64, _>("id"))
            .collect::<Result<Vec<_>, _>>()?;
        ids.sort_unstable();
        stored.extend(chunk.iter().zip(ids).map(|(m, id)| m.borrow().stored(id)));
    }
    let shared: Vec<(SharedItemType, &Message)> = messages
        .iter()
        .zip(&stored)
        .filter_map(|(new, message)| new.borrow().shared_item().map(|t| (t, message)))
        .collect();
    shared_item::index(tx, &shared).await?;
    for room_id in rooms {
        let in_room = stored.iter().filter(|m| m.room_id == room_id);
        let last_id = in_room.clone().map(|m| m.id).max().unwrap_or_default();
        let activity = in_room.map(|m| m.created_at).max().unwrap_or_default();
        sqlx::query(MOVE_LAST_MESSAGE)
            .bind(room_id)
            .bind(last_id)
            .bind(activity)
            .execute(&mut **tx)
            .await?;
    }
    Ok(stored)
}

/// The distinct rooms of `room_ids`, in id order, locked for the rest of `tx` where the
/// backend needs it.
async fn lock_rooms(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    room_ids: impl Iterator<Item = i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut rooms: Vec<i64> = room_ids.collect();
    rooms.sort_unstable();
    rooms.dedup();
    if let Some(lock) = backend.lock_room() {
        for room_id in &rooms {
            sqlx::query(lock).bind(room_id).execute(&mut **tx).await?;
        }
    }
    Ok(rooms)
}

/// `($2, $3, …)` for `n` parameters after the first.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Chat posts inside `tx`, in order: the messages, each sender's read marker (moved to their
/// newest post) and the mentions. A handful of statements per batch, not per post: the
/// committer hands whole batches here.
async fn post_batch(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    posts: &[ChatPost],
) -> Result<Vec<Posted>, sqlx::Error> {
    let rooms = lock_rooms(tx, backend, posts.iter().map(|p| p.message.room_id)).await?;
    let sql = format!(
        "SELECT id, last_message_id FROM rooms WHERE id IN ({})",
        placeholders(1, rooms.len())
    );
    let mut query = sqlx::query(&sql);
    for room_id in &rooms {
        query = query.bind(room_id);
    }
    let mut last_ids = std::collections::HashMap::with_capacity(rooms.len());
    for row in query.fetch_all(&mut **tx).await? {
        last_ids.insert(
            row.try_get::<i64, _>("id")?,
            row.try_get::<i64, _>("last_message_id")?,
        );
    }
    let news: Vec<&NewMessage> = posts.iter().map(|p| &p.message).collect();
    let stored = append(tx, backend, &news).await?;
    let mut read_up_to: Vec<(i64, i64)> = Vec::new();
    let mut posted = Vec::with_capacity(posts.len());
    for (post, message) in posts.iter().zip(stored) {
        match read_up_to
            .iter_mut()
            .find(|(sender, _)| *sender == post.sender)
        {
            Some(marker) => marker.1 = marker.1.max(message.id),
            None => read_up_to.push((post.sender, message.id)),
        }
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
        let previous = last_ids.entry(message.room_id).or_insert(0);
        posted.push(Posted {
            previous_last_id: std::mem::replace(previous, message.id),
            message,
        });
    }
    let cases = (0..read_up_to.len())
        .map(|i| format!("WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2))
        .collect::<Vec<_>>()
        .join(" ");
    let ids = (0..read_up_to.len())
        .map(|i| format!("${}", 2 * i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let sql =
        format!("UPDATE attendees SET last_read_message = CASE id {cases} END WHERE id IN ({ids})");
    let mut query = sqlx::query(&sql);
    for (sender, message_id) in read_up_to {
        query = query.bind(sender).bind(message_id);
    }
    query.execute(&mut **tx).await?;
    Ok(posted)
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
        let mut tx = self.begin().await.or_store()?;
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
        if posts.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_chat_progress().await.or_store()?;
        let posted = post_batch(&mut tx, self.backend, posts).await.or_store()?;
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
        let mut tx = self.begin_chat_progress().await.or_store()?;
        for (attendee_id, message_id) in markers {
            sqlx::query(SQL)
                .bind(attendee_id)
                .bind(message_id)
                .execute(&mut **tx)
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
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn rewrite_message(
        &self,
        message: &Message,
        notes: &[NewMessage],
    ) -> StoreResult<Vec<Message>> {
        let mut tx = self.begin().await.or_store()?;
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
        let mut tx = self.begin().await.or_store()?;
        write_message(&mut tx, placeholder).await?;
        sqlx::query(&drop_pin)
            .bind(placeholder.id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        sqlx::query("DELETE FROM reactions WHERE message_id = $1")
            .bind(placeholder.id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        shared_item::unindex(&mut tx, placeholder.id)
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
        let mut tx = self.begin().await.or_store()?;
        if let Some(lock) = self.backend.lock_room() {
            sqlx::query(lock)
                .bind(room_id)
                .execute(&mut **tx)
                .await
                .or_store()?;
        }
        sqlx::query("DELETE FROM messages WHERE room_id = $1")
            .bind(room_id)
            .execute(&mut **tx)
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
        .execute(&mut **tx)
        .await
        .or_store()?;
        tx.commit().await.or_store()?;
        Ok(note)
    }

    async fn delete_expired_messages(&self, now: i64) -> StoreResult<u64> {
        let deleted = sqlx::query("DELETE FROM messages WHERE expires_at > 0 AND expires_at <= $1")
            .bind(now)
            .execute(&*self.write())
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

    async fn last_common_reads(&self, room_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>> {
        let mut found: Vec<(i64, i64)> = room_ids.iter().map(|id| (*id, 0)).collect();
        let mut markers = std::collections::HashMap::new();
        for chunk in room_ids.chunks(BULK_ROWS * 8) {
            let sql = format!(
                "SELECT room_id, MIN(last_read_message) AS common FROM attendees \
                 WHERE room_id IN ({}) AND actor_type = 'users' AND read_privacy = 0 \
                 GROUP BY room_id",
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&self.reader).await.or_store()? {
                let room_id: i64 = row.try_get("room_id").or_store()?;
                let common: Option<i64> = row.try_get("common").or_store()?;
                markers.insert(room_id, common.unwrap_or(0));
            }
        }
        for (room_id, common) in &mut found {
            *common = markers.get(room_id).copied().unwrap_or(0);
        }
        Ok(found)
    }

    async fn shared_items(
        &self,
        room_id: i64,
        item_type: SharedItemType,
        before: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<Message>> {
        shared_item::list(self, room_id, item_type, before, limit, now).await
    }

    async fn shared_items_overview(
        &self,
        room_id: i64,
        limit: i64,
        now: i64,
    ) -> StoreResult<Vec<(SharedItemType, Message)>> {
        shared_item::overview(self, room_id, limit, now).await
    }
}
