//! [`ParticipantStore`]: attendees and their sessions.
//!
//! - this module: the port implementation, one transaction per method.
//! - `membership`: attendee rows inserted, removed and read back inside a transaction.

mod membership;

use std::collections::BTreeMap;

use async_trait::async_trait;
use confab_core::chat::NewMessage;
use confab_core::participant::{ActorType, Attendee, NewAttendee, NewSession, Session};
use confab_core::store::{Connection, ParticipantStore, StoreResult};
use confab_core::StoreError;
use sqlx::Row;

use crate::chat::{append, placeholders};
use crate::error::OrStore;
use crate::rows;
use crate::session::{close_sessions, open_sessions, Opening};
use crate::SqlStore;

use membership::attendees_by_ids;
pub(crate) use membership::{delete_attendees, insert_attendees, insert_attendees_bulk};

const UPDATE_ATTENDEE: &str = "UPDATE attendees SET display_name = $2, participant_type = $3, permissions = $4, \
    notification_level = $5, notification_calls = $6, favorite = $7, archived = $8, important = $9, \
    sensitive = $10, last_read_message = $11, last_mention_message = $12, last_mention_direct = $13, pin = $14 \
    WHERE id = $1";

#[async_trait]
impl ParticipantStore for SqlStore {
    async fn attendees(&self, room_id: i64) -> StoreResult<Vec<Attendee>> {
        let sql = format!(
            "SELECT {} FROM attendees a WHERE a.room_id = $1 ORDER BY a.id",
            rows::ATTENDEE_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(room_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::attendee).or_store()
    }

    async fn attendees_of_rooms(&self, room_ids: &[i64]) -> StoreResult<Vec<Attendee>> {
        let mut found = Vec::new();
        for chunk in room_ids.chunks(500) {
            let sql = format!(
                "SELECT {} FROM attendees a WHERE a.room_id IN ({}) ORDER BY a.room_id, a.id",
                rows::ATTENDEE_COLUMNS,
                placeholders(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            let rows = query.fetch_all(&self.reader).await.or_store()?;
            found.extend(rows::all(&rows, rows::attendee).or_store()?);
        }
        found.sort_by_key(|a| (a.room_id, a.id));
        Ok(found)
    }

    async fn attendee_by_id(
        &self,
        room_id: i64,
        attendee_id: i64,
    ) -> StoreResult<Option<Attendee>> {
        let sql = format!(
            "SELECT {} FROM attendees a WHERE a.room_id = $1 AND a.id = $2",
            rows::ATTENDEE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(attendee_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::attendee).transpose().or_store()
    }

    async fn attendee_by_actor(
        &self,
        room_id: i64,
        actor_type: ActorType,
        actor_id: &str,
    ) -> StoreResult<Option<Attendee>> {
        let sql = format!(
            "SELECT {} FROM attendees a WHERE a.room_id = $1 AND a.actor_type = $2 AND a.actor_id = $3",
            rows::ATTENDEE_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(actor_type.as_str())
            .bind(actor_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::attendee).transpose().or_store()
    }

    async fn add_attendees(
        &self,
        room_id: i64,
        attendees: &[NewAttendee],
        messages: &[NewMessage],
    ) -> StoreResult<Vec<Attendee>> {
        let mut tx = self.begin().await.or_store()?;
        let ids = insert_attendees(&mut tx, room_id, attendees)
            .await
            .or_store()?;
        append(&mut tx, self.backend, messages).await.or_store()?;
        let added = attendees_by_ids(&mut tx, &ids).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(added)
    }

    async fn update_attendee(&self, a: &Attendee, messages: &[NewMessage]) -> StoreResult<()> {
        let mut tx = self.begin().await.or_store()?;
        let updated = sqlx::query(UPDATE_ATTENDEE)
            .bind(a.id)
            .bind(&a.display_name)
            .bind(a.participant_type.as_i64())
            .bind(a.permissions)
            .bind(a.notification_level)
            .bind(a.notification_calls)
            .bind(i64::from(a.favorite))
            .bind(i64::from(a.archived))
            .bind(i64::from(a.important))
            .bind(i64::from(a.sensitive))
            .bind(a.last_read_message)
            .bind(a.last_mention_message)
            .bind(a.last_mention_direct)
            .bind(&a.pin)
            .execute(&mut **tx)
            .await
            .or_store()?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, self.backend, messages).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn remove_attendees(
        &self,
        room_id: i64,
        attendee_ids: &[i64],
        messages: &[NewMessage],
    ) -> StoreResult<()> {
        let removals: Vec<(i64, i64)> = attendee_ids.iter().map(|id| (room_id, *id)).collect();
        self.change_memberships(&removals, &[], messages).await
    }

    async fn change_memberships(
        &self,
        removals: &[(i64, i64)],
        additions: &[(i64, NewAttendee)],
        messages: &[NewMessage],
    ) -> StoreResult<()> {
        let mut tx = self.begin().await.or_store()?;
        delete_attendees(&mut tx, removals).await.or_store()?;
        let mut added: BTreeMap<i64, Vec<NewAttendee>> = BTreeMap::new();
        for (room_id, attendee) in additions {
            added.entry(*room_id).or_default().push(attendee.clone());
        }
        for (room_id, attendees) in added {
            insert_attendees_bulk(&mut tx, room_id, &attendees)
                .await
                .or_store()?;
        }
        append(&mut tx, self.backend, messages).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(())
    }

    async fn sessions_of_room(&self, room_id: i64) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {} FROM sessions WHERE room_id = $1 ORDER BY last_ping",
            rows::SESSION_COLUMNS
        );
        let found = sqlx::query(&sql)
            .bind(room_id)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows::all(&found, rows::session).or_store()
    }

    async fn session(&self, session_id: &str) -> StoreResult<Option<Session>> {
        let sql = format!(
            "SELECT {} FROM sessions WHERE id = $1",
            rows::SESSION_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(session_id)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::session).transpose().or_store()
    }

    async fn session_of_client(
        &self,
        room_id: i64,
        client_session: &str,
    ) -> StoreResult<Option<Session>> {
        let sql = format!(
            "SELECT {} FROM sessions WHERE room_id = $1 AND client_session = $2",
            rows::SESSION_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(room_id)
            .bind(client_session)
            .fetch_optional(&self.reader)
            .await
            .or_store()?;
        row.as_ref().map(rows::session).transpose().or_store()
    }

    async fn sessions_of_client(&self, client_session: &str) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {} FROM sessions WHERE client_session = $1",
            rows::SESSION_COLUMNS
        );
        let rows = sqlx::query(&sql)
            .bind(client_session)
            .fetch_all(&self.reader)
            .await
            .or_store()?;
        rows.iter()
            .map(rows::session)
            .collect::<Result<_, _>>()
            .or_store()
    }

    async fn open_session(
        &self,
        room_id: i64,
        attendee_id: i64,
        session: &NewSession,
    ) -> StoreResult<Session> {
        self.switch_sessions(&[], &[(room_id, attendee_id, session.clone())])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    async fn switch_sessions(
        &self,
        close: &[String],
        open: &[(i64, i64, NewSession)],
    ) -> StoreResult<Vec<Session>> {
        let openings: Vec<Opening<'_>> = open.iter().map(|(r, a, s)| (*r, *a, s)).collect();
        let mut tx = self.begin().await.or_store()?;
        close_sessions(&mut tx, close).await.or_store()?;
        let opened = open_sessions(&mut tx, &openings).await.or_store()?;
        tx.commit().await.or_store()?;
        Ok(opened)
    }

    async fn breakout_sessions(
        &self,
        parent_token: &str,
        actor: Option<(ActorType, &str)>,
    ) -> StoreResult<Vec<Connection>> {
        // Two texts rather than one with optional filters, so each gets its own plan. The
        // actor's sessions start from the person (the attendees_actor index: one attendee per
        // room they are in, then their sessions) and keep the rooms of the family; only the
        // whole family scans every session of its rooms.
        let sql = if actor.is_some() {
            format!(
                "SELECT r.id AS room_id, a.actor_type, a.actor_id, {} FROM attendees a \
                 JOIN sessions s ON s.attendee_id = a.id JOIN rooms r ON r.id = a.room_id \
                 WHERE a.actor_type = $2 AND a.actor_id = $3 \
                 AND (r.token = $1 OR (r.object_type = 'room' AND r.object_id = $1)) \
                 ORDER BY r.id, s.id",
                rows::PREFIXED_SESSION_COLUMNS
            )
        } else {
            format!(
                "SELECT r.id AS room_id, a.actor_type, a.actor_id, {} FROM sessions s \
                 JOIN attendees a ON a.id = s.attendee_id JOIN rooms r ON r.id = s.room_id \
                 WHERE r.token = $1 OR (r.object_type = 'room' AND r.object_id = $1) \
                 ORDER BY r.id, s.id",
                rows::PREFIXED_SESSION_COLUMNS
            )
        };
        let mut query = sqlx::query(&sql).bind(parent_token);
        if let Some((actor_type, actor_id)) = actor {
            query = query.bind(actor_type.as_str()).bind(actor_id);
        }
        let found = query.fetch_all(&self.reader).await.or_store()?;
        found
            .iter()
            .map(rows::connection)
            .collect::<Result<_, sqlx::Error>>()
            .or_store()
    }

    async fn add_guest_with_session(
        &self,
        room_id: i64,
        guest: &NewAttendee,
        session: &NewSession,
    ) -> StoreResult<(Attendee, Session)> {
        let mut tx = self.begin().await.or_store()?;
        let ids = insert_attendees(&mut tx, room_id, std::slice::from_ref(guest))
            .await
            .or_store()?;
        let opened = open_sessions(&mut tx, &[(room_id, ids[0], session)])
            .await
            .or_store()?
            .pop()
            .ok_or(StoreError::NotFound)?;
        let attendee = attendees_by_ids(&mut tx, &ids)
            .await
            .or_store()?
            .pop()
            .ok_or(StoreError::NotFound)?;
        tx.commit().await.or_store()?;
        Ok((attendee, opened))
    }

    async fn invitation(&self, attendee_id: i64) -> StoreResult<Option<String>> {
        let row =
            sqlx::query("SELECT access_token FROM attendee_invitations WHERE attendee_id = $1")
                .bind(attendee_id)
                .fetch_optional(&self.reader)
                .await
                .or_store()?;
        row.map(|r| r.try_get("access_token"))
            .transpose()
            .or_store()
    }

    async fn add_invitation(&self, attendee_id: i64, access_token: &str) -> StoreResult<String> {
        let mut tx = self.begin().await.or_store()?;
        sqlx::query(
            "INSERT INTO attendee_invitations (attendee_id, access_token) \
             SELECT a.id, $2 FROM attendees a WHERE a.id = $1 \
             ON CONFLICT (attendee_id) DO NOTHING",
        )
        .bind(attendee_id)
        .bind(access_token)
        .execute(&mut **tx)
        .await
        .or_store()?;
        let stored: String =
            sqlx::query("SELECT access_token FROM attendee_invitations WHERE attendee_id = $1")
                .bind(attendee_id)
                .fetch_one(&mut **tx)
                .await
                .or_store()?
                .try_get("access_token")
                .or_store()?;
        tx.commit().await.or_store()?;
        Ok(stored)
    }

    async fn close_session(&self, session_id: &str) -> StoreResult<bool> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn update_session(&self, s: &Session) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET in_call = $2, last_ping = $3, state = $4 WHERE id = $1")
            .bind(&s.id)
            .bind(s.in_call)
            .bind(s.last_ping)
            .bind(s.state)
            .execute(&*self.write())
            .await
            .or_store()?;
        Ok(())
    }
}
