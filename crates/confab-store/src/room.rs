//! [`RoomStore`]: conversations.

use async_trait::async_trait;
use confab_core::chat::NewMessage;
use confab_core::participant::{ActorType, Attendee, NewAttendee};
use confab_core::room::{NewRoom, Room};
use confab_core::store::{Membership, RoomPlan, RoomStore, StoreResult};
use sqlx::{Any, Row, Transaction};

use crate::account::like_pattern;
use crate::chat::append;
use crate::error::OrStore;
use crate::participant::{insert_attendees, insert_attendees_bulk};
use crate::room_avatar::write_avatar;
use crate::rows;
use crate::SqlStore;

const INSERT_ROOM: &str = "INSERT INTO rooms (token, type, name, description, password_hash, read_only, listable, \
    lobby_state, lobby_timer, default_permissions, message_expiration, object_type, object_id, sip_enabled, \
    mention_permissions, recording_consent, last_activity, created_at, modified_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id";

const UPDATE_ROOM: &str = "UPDATE rooms SET type = $2, name = $3, description = $4, password_hash = $5, \
    read_only = $6, listable = $7, lobby_state = $8, lobby_timer = $9, default_permissions = $10, \
    call_permissions = $11, message_expiration = $12, object_type = $13, object_id = $14, \
    breakout_room_mode = $15, breakout_room_status = $16, sip_enabled = $17, mention_permissions = $18, \
    recording_consent = $19, call_flag = $20, call_start_time = $21, modified_at = $22, \
    last_activity = CASE WHEN last_activity > $23 THEN last_activity ELSE $23 END WHERE id = $1";

pub(crate) async fn room_by_id(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> Result<Room, sqlx::Error> {
    let sql = format!("SELECT {} FROM rooms r WHERE r.id = $1", rows::ROOM_COLUMNS);
    rows::room(&sqlx::query(&sql).bind(id).fetch_one(&mut **tx).await?)
}

fn with_room_id(messages: &[NewMessage], room_id: i64) -> Vec<NewMessage> {
    messages
        .iter()
        .cloned()
        .map(|mut m| {
            m.room_id = room_id;
            m
        })
        .collect()
}

/// Deletes rooms with everything in them; returns how many rooms were deleted.
async fn delete_rooms(tx: &mut Transaction<'_, Any>, ids: &[i64]) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    for id in ids {
        // Children first, so the intent is plain whatever the foreign-key settings.
        for sql in [
            "DELETE FROM sessions WHERE room_id = $1",
            "DELETE FROM client_bindings WHERE room_id = $1",
            "DELETE FROM attendee_invitations WHERE attendee_id IN \
             (SELECT id FROM attendees WHERE room_id = $1)",
            "DELETE FROM messages WHERE room_id = $1",
            "DELETE FROM attendees WHERE room_id = $1",
            "DELETE FROM polls WHERE room_id = $1",
            "DELETE FROM room_avatars WHERE room_id = $1",
            "DELETE FROM ban_clients WHERE ban_id IN (SELECT id FROM bans WHERE room_id = $1)",
            "DELETE FROM bans WHERE room_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut **tx).await?;
        }
        deleted += sqlx::query("DELETE FROM rooms WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(deleted)
}

async fn insert_room(tx: &mut Transaction<'_, Any>, room: &NewRoom) -> Result<i64, sqlx::Error> {
    let id = sqlx::query(INSERT_ROOM)
        .bind(&room.token)
        .bind(room.room_type.as_i64())
        .bind(&room.name)
        .bind(&room.description)
        .bind(&room.password_hash)
        .bind(i64::from(room.read_only))
        .bind(room.listable as i64)
        .bind(i64::from(room.lobby_state))
        .bind(room.lobby_timer)
        .bind(room.default_permissions)
        .bind(room.message_expiration)
        .bind(&room.object_type)
        .bind(&room.object_id)
        .bind(room.sip_enabled)
        .bind(room.mention_permissions)
        .bind(room.recording_consent)
        .bind(room.created_at)
        .bind(room.created_at)
        .bind(room.created_at)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    if let Some(avatar) = &room.avatar {
        write_avatar(tx, id, avatar).await?;
    }
    Ok(id)
}

/// Writes every setting of `room`; false when it does not exist.
async fn write_room(tx: &mut Transaction<'_, Any>, room: &Room) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(UPDATE_ROOM)
        .bind(room.id)
        .bind(room.room_type.as_i64())
        .bind(&room.name)
        .bind(&room.description)
        .bind(&room.password_hash)
        .bind(i64::from(room.read_only))
        .bind(room.listable as i64)
        .bind(i64::from(room.lobby_state))
        .bind(room.lobby_timer)
        .bind(room.default_permissions)
        .bind(room.call_permissions)
        .bind(room.message_expiration)
        .bind(&room.object_type)
        .bind(&room.object_id)
        .bind(room.breakout_room_mode)
        .bind(room.breakout_room_status)
        .bind(room.sip_enabled)
        .bind(room.mention_permissions)
        .bind(room.recording_consent)
        .bind(room.call_flag)
        .bind(room.call_start_time)
        .bind(room.modified_at)
        .bind(room.last_activity)
        .execute(&mut **tx)
        .await?;
    Ok(updated.rows_affected() > 0)
}

#[async_trait]
impl RoomStore for SqlStore {
    async fn create_room(
        &self,
        room: &NewRoom,
        attendees: &[NewAttendee],
        messages: &[NewMessage],
    ) -> StoreResult<Room> {
        let mut tx = self.begin().await.or_store()?;
        let id = insert_room(&mut tx, room).await.or_store()?;
        insert_attendees(&mut tx, id, attendees).await.or_store()?;
        append(&mut tx, self.backend, &with_room_id(messages, id))
            .await
            .or_store()?;
        let stored = room_by_id(&mut tx, id).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn room_by_token(&self, token: &str) -> StoreResult<Option<Room>> {
        let sql = format!(
            "SELECT {} FROM rooms r WHERE r.token = $1",
            rows::ROOM_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(token)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::room).transpose().or_store()
    }

    async fn room_membership(
        &self,
        token: &str,
        user_id: Option<&str>,
        client_session: Option<&str>,
    ) -> StoreResult<Option<Membership>> {
        let sql = format!(
            "SELECT {}, {}, {} FROM rooms r \
             LEFT JOIN client_bindings b ON b.room_id = r.id AND b.client_session = $4 \
             LEFT JOIN attendees a ON a.room_id = r.id AND ( \
                 ($2 <> '' AND a.actor_type = 'users' AND a.actor_id = $3) \
                 OR ($2 = '' AND a.id = b.attendee_id AND a.actor_type IN ('guests', 'emails'))) \
             LEFT JOIN sessions s ON s.room_id = r.id AND s.client_session = $4 \
             WHERE r.token = $1",
            rows::ROOM_COLUMNS,
            rows::ATTENDEE_COLUMNS,
            rows::PREFIXED_SESSION_COLUMNS
        );
        let user = user_id.unwrap_or("");
        let row = sqlx::query(&sql)
            .bind(token)
            .bind(user)
            .bind(user)
            .bind(client_session.unwrap_or(""))
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        let Some(row) = row else { return Ok(None) };
        let found = (|| {
            let attendee = rows::optional_attendee(&row)?;
            // The client's session counts only when it is the found attendee's: a user must
            // not be handed another attendee's session, nor a non-member any session.
            let session = rows::optional_prefixed_session(&row)?
                .filter(|s| attendee.as_ref().is_some_and(|a| a.id == s.attendee_id));
            Ok::<_, sqlx::Error>((rows::room(&row)?, attendee, session))
        })();
        found.map(Some).or_store()
    }

    async fn rooms_of_actor(
        &self,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Vec<(Room, Attendee)>> {
        let sql = format!(
            "SELECT {}, {} FROM attendees a JOIN rooms r ON r.id = a.room_id \
             WHERE a.actor_type = $1 AND a.actor_id = $2 ORDER BY r.id",
            rows::ROOM_COLUMNS,
            rows::ATTENDEE_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(actor_type.as_str())
            .bind(actor_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        found
            .iter()
            .map(|row| Ok((rows::room(row)?, rows::attendee(row)?)))
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }

    async fn listable_rooms(
        &self,
        min_scope: i64,
        actor_id: &str,
        search: &str,
    ) -> StoreResult<Vec<Room>> {
        let sql = format!(
            "SELECT {} FROM rooms r WHERE r.listable >= $1 AND r.type IN (2, 3) \
             AND LOWER(r.name) LIKE $3 ESCAPE '\\' \
             AND NOT EXISTS (SELECT 1 FROM attendees a WHERE a.room_id = r.id AND a.actor_type = 'users' AND a.actor_id = $2) \
             ORDER BY r.id",
            rows::ROOM_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(min_scope)
            .bind(actor_id)
            .bind(like_pattern(search))
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::room).or_store()
    }

    async fn one_to_one_room(&self, a: &str, b: &str) -> StoreResult<Option<Room>> {
        let sql = format!(
            "SELECT {} FROM rooms r WHERE r.type = 1 \
             AND EXISTS (SELECT 1 FROM attendees x WHERE x.room_id = r.id AND x.actor_type = 'users' AND x.actor_id = $1) \
             AND EXISTS (SELECT 1 FROM attendees y WHERE y.room_id = r.id AND y.actor_type = 'users' AND y.actor_id = $2) \
             ORDER BY r.id LIMIT 1",
            rows::ROOM_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(a)
            .bind(b)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::room).transpose().or_store()
    }

    async fn rooms_by_object(&self, object_type: &str, object_id: &str) -> StoreResult<Vec<Room>> {
        let sql = format!(
            "SELECT {} FROM rooms r WHERE r.object_type = $1 AND r.object_id = $2 ORDER BY r.id",
            rows::ROOM_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(object_type)
            .bind(object_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::room).or_store()
    }

    async fn update_room(&self, room: &Room, messages: &[NewMessage]) -> StoreResult<Room> {
        let mut tx = self.begin().await.or_store()?;
        if !write_room(&mut tx, room).await.or_store()? {
            return Err(confab_core::StoreError::NotFound);
        }
        append(&mut tx, self.backend, &with_room_id(messages, room.id))
            .await
            .or_store()?;
        let stored = room_by_id(&mut tx, room.id).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn update_room_default_permissions(&self, room: &Room) -> StoreResult<Room> {
        let mut tx = self.begin().await.or_store()?;
        if !write_room(&mut tx, room).await.or_store()? {
            return Err(confab_core::StoreError::NotFound);
        }
        sqlx::query("UPDATE attendees SET permissions = 0 WHERE room_id = $1")
            .bind(room.id)
            .execute(&mut **tx)
            .await
            .or_store()?;
        let stored = room_by_id(&mut tx, room.id).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn update_rooms(&self, rooms: &[Room], messages: &[NewMessage]) -> StoreResult<()> {
        if rooms.is_empty() && messages.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await.or_store()?;
        for room in rooms {
            if !write_room(&mut tx, room).await.or_store()? {
                return Err(confab_core::StoreError::NotFound);
            }
        }
        append(&mut tx, self.backend, messages).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn delete_room(&self, room_id: i64) -> StoreResult<bool> {
        let mut tx = self.begin().await.or_store()?;
        let deleted = delete_rooms(&mut tx, &[room_id]).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(deleted > 0)
    }

    async fn replace_breakout_rooms(
        &self,
        parent: &Room,
        rooms: &[RoomPlan],
    ) -> StoreResult<Vec<Room>> {
        let mut tx = self.begin().await.or_store()?;
        let old: Vec<i64> =
            sqlx::query("SELECT id FROM rooms WHERE object_type = 'room' AND object_id = $1")
                .bind(&parent.token)
                .fetch_all(&mut **tx)
                .await
                .or_store()?
                .iter()
                .map(|row| row.try_get("id"))
                .collect::<Result<_, _>>()
                .or_store()?;
        delete_rooms(&mut tx, &old).await.or_store()?;
        let mut created = Vec::with_capacity(rooms.len());
        let mut messages = Vec::new();
        for plan in rooms {
            let id = insert_room(&mut tx, &plan.room).await.or_store()?;
            // Thousands of rows for a large class: multi-row inserts keep this fast.
            insert_attendees_bulk(&mut tx, id, &plan.attendees)
                .await
                .or_store()?;
            messages.extend(with_room_id(&plan.messages, id));
            created.push(id);
        }
        append(&mut tx, self.backend, &messages).await.or_store()?;
        write_room(&mut tx, parent).await.or_store()?;
        let mut stored = Vec::with_capacity(created.len());
        for id in created {
            stored.push(room_by_id(&mut tx, id).await.or_store()?);
        }
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn next_lobby_timer(&self) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT MIN(lobby_timer) AS next FROM rooms WHERE lobby_state = 1 AND lobby_timer > 0",
        )
        .fetch_one(&self.reader)
        .await
        .or_store()?;
        row.try_get::<Option<i64>, _>("next").or_store()
    }

    async fn rooms_with_due_lobby(&self, now: i64) -> StoreResult<Vec<Room>> {
        let sql = format!(
            "SELECT {} FROM rooms r WHERE r.lobby_state = 1 AND r.lobby_timer > 0 AND r.lobby_timer <= $1 ORDER BY r.id",
            rows::ROOM_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(now)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::room).or_store()
    }
}
