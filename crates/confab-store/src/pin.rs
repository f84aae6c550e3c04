//! [`PinStore`]: pinning messages, the pin order per room and the pins attendees hid.
//!
//! A pinned message carries its pin in its own row; `pin_seq` numbers the pins of a room in
//! the order they were made, so the room's most recent pin is one indexed read.

use async_trait::async_trait;
use confab_core::chat::{Message, NewMessage, Pin, PinState};
use confab_core::store::{PinStore, StoreResult};
use sqlx::Row;

use crate::chat::{append, placeholders};
use crate::error::OrStore;
use crate::SqlStore;

/// Pins a message that is not pinned yet, numbering it after the room's last pin.
const PIN: &str = "UPDATE messages SET pinned_actor_type = $2, pinned_actor_id = $3, \
    pinned_actor_display_name = $4, pinned_at = $5, pinned_until = $6, \
    pin_seq = (SELECT COALESCE(MAX(p.pin_seq), 0) + 1 FROM messages p WHERE p.room_id = $7) \
    WHERE id = $1 AND pinned_at = 0";

/// The `SET` assignments that clear a message's pin: for unpinning, pins running out and
/// deleting the message.
pub(crate) const CLEAR_PIN: &str = "pinned_actor_type = '', pinned_actor_id = '', \
    pinned_actor_display_name = '', pinned_at = 0, pinned_until = 0, pin_seq = 0";

/// The newest pin of the attendee's room whose message has not expired, and the hidden pin.
const PIN_STATE: &str = "SELECT a.id AS attendee_id, a.hidden_pinned_id AS hidden, \
    COALESCE((SELECT m.id FROM messages m WHERE m.room_id = a.room_id AND m.pin_seq > 0 \
        AND (m.expires_at = 0 OR m.expires_at > $1) ORDER BY m.pin_seq DESC LIMIT 1), 0) AS last_pinned \
    FROM attendees a WHERE a.id IN";

#[async_trait]
impl PinStore for SqlStore {
    async fn pin_message(
        &self,
        message_id: i64,
        pin: &Pin,
        note: &NewMessage,
    ) -> StoreResult<Option<Message>> {
        let mut tx = self.begin().await.or_store()?;
        if let Some(lock) = self.backend.lock_room() {
            sqlx::query(lock)
                .bind(note.room_id)
                .execute(&mut **tx)
                .await
                .or_store()?;
        }
        let pinned = sqlx::query(PIN)
            .bind(message_id)
            .bind(&pin.actor_type)
            .bind(&pin.actor_id)
            .bind(&pin.actor_display_name)
            .bind(pin.pinned_at)
            .bind(pin.pinned_until)
            .bind(note.room_id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        if pinned.rows_affected() == 0 {
            return Ok(None);
        }
        sqlx::query("UPDATE attendees SET hidden_pinned_id = 0 WHERE room_id = $1")
            .bind(note.room_id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        let note = append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?
            .remove(0);
        tx.commit().await.or_store()?;
        Ok(Some(note))
    }

    async fn unpin_message(
        &self,
        message_id: i64,
        note: &NewMessage,
    ) -> StoreResult<Option<Message>> {
        let mut tx = self.begin().await.or_store()?;
        let unpin = format!("UPDATE messages SET {CLEAR_PIN} WHERE id = $1 AND pinned_at > 0");
        let unpinned = sqlx::query(&unpin)
            .bind(message_id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        if unpinned.rows_affected() == 0 {
            return Ok(None);
        }
        let note = append(&mut tx, self.backend, std::slice::from_ref(note))
            .await
            .or_store()?
            .remove(0);
        tx.commit().await.or_store()?;
        Ok(Some(note))
    }

    async fn hide_pinned_message(&self, attendee_id: i64, message_id: i64) -> StoreResult<()> {
        sqlx::query("UPDATE attendees SET hidden_pinned_id = $2 WHERE id = $1")
            .bind(attendee_id)
            .bind(message_id)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }

    async fn pin_states(&self, attendee_ids: &[i64], now: i64) -> StoreResult<Vec<PinState>> {
        let mut states = Vec::with_capacity(attendee_ids.len());
        // Chunks keep the statement under every backend's parameter limit.
        for chunk in attendee_ids.chunks(500) {
            let sql = format!("{PIN_STATE} ({})", placeholders(2, chunk.len()));
            let mut query = sqlx::query(&sql).bind(now);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.reader).await.or_store()? {
                states.push(PinState {
                    attendee_id: row.try_get("attendee_id").or_store()?,
                    last_pinned_id: row.try_get("last_pinned").or_store()?,
                    hidden_pinned_id: row.try_get("hidden").or_store()?,
                });
            }
        }
        Ok(states)
    }

    async fn unpin_expired(&self, now: i64) -> StoreResult<Vec<i64>> {
        let mut tx = self.begin().await.or_store()?;
        let rooms = sqlx::query(
            "SELECT DISTINCT room_id FROM messages WHERE pinned_until > 0 AND pinned_until <= $1",
        )
        .bind(now)
        .fetch_all(&mut **tx)
        .await
        .or_store()?;
        let unpin = format!(
            "UPDATE messages SET {CLEAR_PIN} WHERE pinned_until > 0 AND pinned_until <= $1"
        );
        sqlx::query(&unpin)
            .bind(now)
            .execute(&mut **tx)
            .await
            .or_store()?;
        tx.commit().await.or_store()?;
        rooms
            .iter()
            .map(|r| r.try_get("room_id"))
            .collect::<Result<_, _>>()
            .or_store()
    }

    async fn next_pin_expiry(&self) -> StoreResult<Option<i64>> {
        let row =
            sqlx::query("SELECT MIN(pinned_until) AS next FROM messages WHERE pinned_until > 0")
                .fetch_one(&self.reader)
                .await
                .or_store()?;
        row.try_get::<Option<i64>, _>("next").or_store()
    }
}
