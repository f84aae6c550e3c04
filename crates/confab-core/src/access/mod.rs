//! Who may touch a conversation: finding the room and the caller's participant in it.
//!
//! A caller who is not a participant learns nothing: every lookup that fails answers
//! [`Error::RoomNotFound`], never "forbidden".

mod member_cache;

pub(crate) use member_cache::MemberCache;

use crate::actor::Actor;
use crate::chat::SystemMessage;
use crate::error::{Error, Result};
use crate::participant::{effective_permissions, lobby_blocks, Attendee, Session};
use crate::room::Room;
use crate::services::Context;

/// The caller as a member of a room: their attendee and, when connected, the current session.
#[derive(Debug, Clone)]
pub struct Member {
    pub room: Room,
    pub attendee: Attendee,
    pub session: Option<Session>,
}

impl Member {
    /// The member as the author of the system messages their changes leave.
    pub fn author(&self) -> SystemMessage {
        SystemMessage::by_attendee(&self.attendee)
    }

    pub fn is_moderator(&self) -> bool {
        self.attendee.participant_type.is_moderator()
    }

    /// Moderators who are logged in (guest moderators excluded), as user-only endpoints require.
    pub fn is_user_moderator(&self) -> bool {
        self.attendee.participant_type.is_user_moderator()
    }

    pub fn is_guest(&self) -> bool {
        self.attendee.actor_type.is_guest()
    }

    pub fn permissions(&self, server_default: i64) -> i64 {
        effective_permissions(&self.attendee, &self.room, server_default)
    }

    /// Whether the lobby keeps this member out of chat, participant list and calls.
    pub fn lobby_blocked(&self, server_default: i64) -> bool {
        lobby_blocks(
            &self.room,
            self.attendee.participant_type,
            self.permissions(server_default),
        )
    }
}

impl Context {
    /// The room with `token`, or [`Error::RoomNotFound`].
    pub async fn room(&self, token: &str) -> Result<Room> {
        self.store
            .room_by_token(token)
            .await?
            .ok_or(Error::RoomNotFound)
    }

    /// The caller's attendee and current session in `room`, if they are a member.
    pub async fn member_of(&self, actor: &Actor, room: &Room) -> Result<Option<Member>> {
        self.find_member(actor, &room.token).await
    }

    /// The caller as a member of the room `token`, or [`Error::RoomNotFound`]. One store read
    /// for users and for guests outside breakout rooms: this runs for every chat request, long
    /// polls included.
    pub async fn member(&self, actor: &Actor, token: &str) -> Result<Member> {
        self.find_member(actor, token)
            .await?
            .ok_or(Error::RoomNotFound)
    }

    async fn find_member(&self, actor: &Actor, token: &str) -> Result<Option<Member>> {
        let found = self
            .store
            .room_membership(token, actor.user_id(), actor.client_session.as_deref())
            .await?;
        match found {
            Some((room, Some(attendee), session)) => {
                Ok(Some(self.as_member(room, attendee, session)))
            }
            Some((room, None, _)) if actor.user.is_none() && room.is_breakout_room() => {
                self.guest_through_parent(actor, room).await
            }
            _ => Ok(None),
        }
    }

    /// A guest is known in a breakout room as the guest they are in its parent: the client
    /// that identifies them there finds their attendee here, whether or not they entered it.
    async fn guest_through_parent(&self, actor: &Actor, room: Room) -> Result<Option<Member>> {
        let Some(client) = actor.client_session.as_deref() else {
            return Ok(None);
        };
        let in_parent = self
            .store
            .room_membership(&room.object_id, None, Some(client))
            .await?;
        let Some((_, Some(guest), _)) = in_parent else {
            return Ok(None);
        };
        let attendee = self
            .store
            .attendee_by_actor(room.id, guest.actor_type, &guest.actor_id)
            .await?;
        let Some(attendee) = attendee else {
            return Ok(None);
        };
        let session = self.store.session_of_client(room.id, client).await?;
        Ok(Some(self.as_member(room, attendee, session)))
    }

    /// Assembles a member, overlaying a read marker that still waits to be written.
    fn as_member(&self, room: Room, mut attendee: Attendee, session: Option<Session>) -> Member {
        if let Some(pending) = self.read_markers.pending(attendee.id) {
            attendee.last_read_message = attendee.last_read_message.max(pending);
        }
        let session = session.filter(|s| s.attendee_id == attendee.id);
        Member {
            room,
            attendee,
            session,
        }
    }

    /// Like [`Context::member`] but the member must be a moderator (403 otherwise).
    pub async fn moderator(&self, actor: &Actor, token: &str) -> Result<Member> {
        let member = self.member(actor, token).await?;
        if !member.is_moderator() {
            return Err(Error::NotModerator);
        }
        Ok(member)
    }

    /// The caller as a member of `token` for the chat endpoints, answered from memory when
    /// nothing was written since it was last read (see [`member_cache`]). The session is not
    /// looked up (`None`); the room's last message and the attendee's read and mention
    /// markers may be older than a chat post (use [`Context::member`] where they matter).
    pub async fn chat_member(&self, actor: &Actor, token: &str) -> Result<Member> {
        // Read before the store is: a write committed during the read moves it.
        let generation = self.store.write_generation();
        let key = generation.and_then(|_| member_cache::Key::new(actor, token));
        if let (Some(key), Some(generation)) = (&key, generation) {
            if let Some((room, attendee)) = self.members.get(key, generation) {
                return Ok(self.as_member(room, attendee, None));
            }
        }
        let member = self.member(actor, token).await?;
        if let (Some(key), Some(generation)) = (key, generation) {
            self.members
                .put(key, generation, &member.room, &member.attendee);
        }
        Ok(Member {
            session: None,
            ..member
        })
    }

    /// A logged-in moderator (owner or moderator; guest moderators get 401 like anonymous callers).
    pub async fn user_moderator(&self, actor: &Actor, token: &str) -> Result<Member> {
        actor.require_user()?;
        self.moderator(actor, token).await
    }

    /// A member the lobby does not keep out (412 otherwise).
    pub async fn member_past_lobby(&self, actor: &Actor, token: &str) -> Result<Member> {
        let member = self.member(actor, token).await?;
        self.past_lobby(member)
    }

    /// `member`, unless the lobby keeps them out (412).
    pub(crate) fn past_lobby(&self, member: Member) -> Result<Member> {
        if member.lobby_blocked(self.config().default_permissions()) {
            return Err(Error::LobbyActive);
        }
        Ok(member)
    }
}
