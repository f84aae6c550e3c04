//! The participant service and the participant list. Adding participants is in `adding`,
//! removing and leaving in `removal`; sessions, roles, invitations and imports have their own
//! modules.

use std::sync::Arc;

use super::model::{ActorType, Attendee, ParticipantType, Session};
use super::permissions::effective_permissions;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::room::{Room, RoomType};
use crate::services::Context;

/// A session that has not pinged for this long no longer counts as connected.
pub const SESSION_STALE_SECONDS: i64 = 100;
/// Longest guest display name.
pub(super) const MAX_GUEST_NAME_CHARS: usize = 64;

/// One line of the participant list: the attendee with their sessions merged.
#[derive(Debug, Clone)]
pub struct ParticipantEntry {
    pub attendee: Attendee,
    pub room_token: String,
    pub permissions: i64,
    pub in_call: i64,
    pub last_ping: i64,
    pub session_ids: Vec<String>,
}

/// What adding a participant changed beyond the membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddOutcome {
    Added,
    /// Adding an email guest made a group conversation public (`{type: 3}` on the wire).
    RoomTypeChanged(RoomType),
}

#[derive(Clone)]
pub struct ParticipantService {
    pub(super) ctx: Arc<Context>,
}

impl ParticipantService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// `GET /room/{token}/participants`: attendees with their sessions merged. Guests without a
    /// fresh session are left out.
    pub async fn list(&self, actor: &Actor, token: &str) -> Result<Vec<ParticipantEntry>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        if member.attendee.participant_type == ParticipantType::Guest {
            return Err(Error::Forbidden("participant"));
        }
        self.entries(&member.room).await
    }

    /// The participant list of a room, without access checks.
    pub(crate) async fn entries(&self, room: &Room) -> Result<Vec<ParticipantEntry>> {
        let attendees = self.ctx.store.attendees(room.id).await?;
        let sessions = self.ctx.store.sessions_of_room(room.id).await?;
        Ok(attendees
            .into_iter()
            .map(|attendee| self.entry(room, attendee, &sessions))
            // Guests are listed only while connected.
            .filter(|e| e.attendee.actor_type != ActorType::Guests || !e.session_ids.is_empty())
            .collect())
    }

    /// The attendee's line of the participant list, merging their fresh sessions.
    pub(super) fn entry(
        &self,
        room: &Room,
        attendee: Attendee,
        sessions: &[Session],
    ) -> ParticipantEntry {
        let now = self.ctx.now();
        let mine: Vec<&Session> = sessions
            .iter()
            .filter(|s| s.attendee_id == attendee.id && now - s.last_ping <= SESSION_STALE_SECONDS)
            .collect();
        ParticipantEntry {
            permissions: effective_permissions(
                &attendee,
                room,
                self.ctx.config().default_permissions(),
            ),
            room_token: room.token.clone(),
            in_call: mine.iter().fold(0, |acc, s| acc | s.in_call),
            last_ping: mine.iter().map(|s| s.last_ping).max().unwrap_or(0),
            session_ids: mine.iter().map(|s| s.id.clone()).collect(),
            attendee,
        }
    }
}
