//! Listing, reading and deleting conversations, and the rules their settings share; creating
//! them is `creation`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Map;

use super::model::{
    Listable, RoomType, MAX_DESCRIPTION_CHARS, MAX_MESSAGE_EXPIRATION_SECONDS, MAX_NAME_CHARS,
};
use super::view::{ChatState, ListOptions, RoomView};
use crate::access::Member;
use crate::actor::Actor;
use crate::chat::{NewMessage, PinState, SystemMessage};
use crate::error::{Error, Result};
use crate::participant::{ActorType, Attendee, NewAttendee};
use crate::services::Context;

#[derive(Clone)]
pub struct RoomService {
    pub(crate) ctx: Arc<Context>,
}

/// Trims a conversation name and checks its length (400 `name`).
pub(crate) fn parse_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid("name"));
    }
    Ok(name.to_owned())
}

pub(crate) fn description_fits(description: &str) -> bool {
    description.chars().count() <= MAX_DESCRIPTION_CHARS
}

/// A message expiration is 0 (off) or a positive number of seconds up to the maximum.
pub(crate) fn message_expiration_fits(seconds: i64) -> bool {
    (0..=MAX_MESSAGE_EXPIRATION_SECONDS).contains(&seconds)
}

impl RoomService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// The view of a member, as the conversation endpoints show it: with chat state and the
    /// other side of a one-to-one room.
    pub async fn view_of(&self, member: Member) -> Result<RoomView> {
        self.ctx.flush_read_markers().await?;
        let store = &self.ctx.store;
        let other = self.one_to_one_partner(&member).await?;
        let unread = if member.attendee.last_read_message < member.room.last_message_id {
            store
                .unread_count(member.room.id, member.attendee.last_read_message)
                .await?
        } else {
            0
        };
        let last_message = if member.room.last_message_id > 0 {
            store
                .messages_by_ids(&[member.room.last_message_id])
                .await?
                .pop()
                .filter(|m| !m.is_expired(self.ctx.now()))
        } else {
            None
        };
        let pins = store
            .pin_states(&[member.attendee.id], self.ctx.now())
            .await?
            .pop()
            .unwrap_or_default();
        let chat = ChatState {
            unread_messages: unread,
            last_message,
            last_common_read: self.ctx.common_read_for(&member).await?.unwrap_or(0),
            last_pinned_id: pins.last_pinned_id,
            hidden_pinned_id: pins.hidden_pinned_id,
        };
        Ok(RoomView::for_member(
            member,
            other,
            chat,
            &self.ctx.config(),
        ))
    }

    async fn one_to_one_partner(&self, member: &Member) -> Result<Option<(String, String)>> {
        if !member.room.room_type.is_one_to_one() {
            return Ok(None);
        }
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        Ok(one_to_one_partner(member, attendees.iter()))
    }

    /// `GET /room`: the caller's conversations.
    pub async fn list(&self, actor: &Actor, options: ListOptions) -> Result<Vec<RoomView>> {
        let user = actor.require_user()?;
        self.ctx.flush_read_markers().await?;
        let store = &self.ctx.store;
        let rooms = store.rooms_of_actor(ActorType::Users, &user.id).await?;
        let unread: HashMap<i64, i64> = store
            .unread_counts(ActorType::Users, &user.id)
            .await?
            .into_iter()
            .collect();
        let rooms: Vec<_> = rooms
            .into_iter()
            .filter(|(room, _)| room.last_activity.max(room.modified_at) >= options.modified_since)
            .collect();
        let last_ids: Vec<i64> = if options.include_last_message {
            rooms
                .iter()
                .filter(|(_, attendee)| !attendee.sensitive)
                .map(|(r, _)| r.last_message_id)
                .filter(|id| *id > 0)
                .collect()
        } else {
            Vec::new()
        };
        // The caller's current session in each room, as the single room shows it.
        let mut sessions: HashMap<i64, _> = match &actor.client_session {
            Some(client) => store
                .sessions_of_client(client)
                .await?
                .into_iter()
                .map(|s| (s.attendee_id, s))
                .collect(),
            None => HashMap::new(),
        };
        let mut last: HashMap<i64, _> = store
            .messages_by_ids(&last_ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let attendee_ids: Vec<i64> = rooms.iter().map(|(_, a)| a.id).collect();
        let pins: HashMap<i64, PinState> = store
            .pin_states(&attendee_ids, self.ctx.now())
            .await?
            .into_iter()
            .map(|p| (p.attendee_id, p))
            .collect();
        let room_ids: Vec<i64> = rooms.iter().map(|(r, _)| r.id).collect();
        let common_reads = self.ctx.last_common_reads(&room_ids).await?;
        let one_to_one: Vec<i64> = rooms
            .iter()
            .filter(|(r, _)| r.room_type.is_one_to_one())
            .map(|(r, _)| r.id)
            .collect();
        let partners = store.attendees_of_rooms(&one_to_one).await?;
        let config = self.ctx.config();
        let now = self.ctx.now();
        let mut views = Vec::with_capacity(rooms.len());
        for (room, attendee) in rooms {
            let pin = pins.get(&attendee.id).copied().unwrap_or_default();
            let member = Member {
                session: sessions.remove(&attendee.id),
                room,
                attendee,
            };
            let chat = ChatState {
                unread_messages: unread.get(&member.room.id).copied().unwrap_or(0),
                last_message: last
                    .remove(&member.room.last_message_id)
                    .filter(|m| !m.is_expired(now)),
                last_common_read: if member.attendee.shares_read_status() {
                    common_reads.get(&member.room.id).copied().unwrap_or(0)
                } else {
                    0
                },
                last_pinned_id: pin.last_pinned_id,
                hidden_pinned_id: pin.hidden_pinned_id,
            };
            let in_room = partners.iter().filter(|a| a.room_id == member.room.id);
            let other = one_to_one_partner(&member, in_room);
            views.push(RoomView::for_member(member, other, chat, &config));
        }
        Ok(views)
    }

    /// `GET /room/{token}`: members see their view; anyone may see a public room, users a
    /// listable one; everyone else gets 404. Both listable scopes name kinds of accounts
    /// ("all" adds guest-app accounts), so anonymous guests never see a room through them.
    pub async fn get(&self, actor: &Actor, token: &str) -> Result<RoomView> {
        let room = self.ctx.room(token).await?;
        if let Some(member) = self.ctx.member_of(actor, &room).await? {
            return self.view_of(member).await;
        }
        let visible = room.room_type == RoomType::Public
            || (actor.user.is_some() && room.listable != Listable::None);
        if visible {
            Ok(RoomView::for_non_member(room, &self.ctx.config()))
        } else {
            Err(Error::RoomNotFound)
        }
    }

    /// `GET /room/{token}/capabilities`: only participants (guests included) may ask; everyone
    /// else gets 404.
    pub async fn require_participant(&self, actor: &Actor, token: &str) -> Result<()> {
        self.ctx.member(actor, token).await.map(drop)
    }

    /// `GET /listed-room`: conversations the user may join without an invitation.
    pub async fn listed(&self, actor: &Actor, search: &str) -> Result<Vec<RoomView>> {
        let user = actor.require_user()?;
        let rooms = self
            .ctx
            .store
            .listable_rooms(Listable::Users as i64, &user.id, search)
            .await?;
        let config = self.ctx.config();
        Ok(rooms
            .into_iter()
            .map(|room| RoomView::for_non_member(room, &config))
            .collect())
    }

    /// `DELETE /room/{token}`: moderators delete group and public conversations.
    pub async fn delete(&self, actor: &Actor, token: &str) -> Result<()> {
        let member = self.ctx.member(actor, token).await?;
        if !member.is_user_moderator() {
            return Err(Error::NotModerator);
        }
        if member.room.room_type.is_one_to_one() {
            return Err(Error::Invalid("type"));
        }
        crate::breakout_room::propagate::delete_room(&self.ctx, &member.room).await?;
        Ok(())
    }

    /// Opens every lobby whose timer has been reached; returns when the next timer is due.
    pub async fn open_due_lobbies(&self) -> Result<Option<i64>> {
        let now = self.ctx.now();
        for mut room in self.ctx.store.rooms_with_due_lobby(now).await? {
            room.lobby_state = false;
            room.lobby_timer = 0;
            room.modified_at = now;
            let message = SystemMessage::system().simple(room.id, "lobby_timer_reached", now);
            self.ctx.store.update_room(&room, &[message]).await?;
            self.ctx.feed.changed(room.id);
        }
        Ok(self.ctx.store.next_lobby_timer().await?)
    }
}

/// `user_added` for a new attendee of room `room_id`.
pub fn user_added_by(
    by: &SystemMessage,
    attendee: &NewAttendee,
    room_id: i64,
    now: i64,
) -> NewMessage {
    let mut extra = Map::new();
    extra.insert(
        "user".into(),
        crate::chat::actor_parameter(
            attendee.actor_type.as_str(),
            &attendee.actor_id,
            &attendee.display_name,
        ),
    );
    by.message(room_id, "user_added", extra, now)
}

/// The other user of a one-to-one room, as (id, display name), among `attendees` of the
/// room; `None` for other rooms. A partner who left keeps the room's name, which is their id,
/// so clients can still show an avatar.
fn one_to_one_partner<'a>(
    member: &Member,
    mut attendees: impl Iterator<Item = &'a Attendee>,
) -> Option<(String, String)> {
    if !member.room.room_type.is_one_to_one() {
        return None;
    }
    let other = attendees.find(|a| a.actor_type == ActorType::Users && a.id != member.attendee.id);
    Some(match other {
        Some(a) => (a.actor_id.clone(), a.display_name.clone()),
        None => (member.room.name.clone(), member.room.name.clone()),
    })
}
