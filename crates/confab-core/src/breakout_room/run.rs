//! Breakout rooms while they are configured: starting and stopping them, broadcasting to them,
//! asking for assistance, and moving people between them (by a moderator's map, or by
//! themselves in free mode).

use super::service::BreakoutService;
use super::{attendee_map, presence, propagate};
use super::{
    MODE_FREE, MODE_NOT_CONFIGURED, STATUS_ASSISTANCE_REQUESTED, STATUS_STARTED, STATUS_STOPPED,
};
use crate::actor::Actor;
use crate::chat::{ChatPost, MessageType, NewMessage};
use crate::error::{Error, Result};
use crate::room::RoomView;

impl BreakoutService {
    /// `POST|DELETE /breakout-rooms/{token}/rooms`: start or stop. Idempotent: only rooms whose
    /// lobby actually changes get `breakout_rooms_started` / `_stopped`.
    pub async fn set_started(
        &self,
        actor: &Actor,
        token: &str,
        start: bool,
    ) -> Result<Vec<RoomView>> {
        let member = self.manager(actor, token).await?;
        if member.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            return Err(Error::Invalid("mode"));
        }
        let now = self.ctx.now();
        let mut parent = member.room.clone();
        let children = self.children(&parent).await?;
        let status = if start {
            STATUS_STARTED
        } else {
            STATUS_STOPPED
        };
        let name = if start {
            "breakout_rooms_started"
        } else {
            "breakout_rooms_stopped"
        };
        let (mut changed, mut messages) = (Vec::with_capacity(children.len() + 1), Vec::new());
        if parent.breakout_room_status != status {
            parent.breakout_room_status = status;
            parent.modified_at = now;
            changed.push(parent.clone());
        }
        for child in &children {
            let lobby = !start;
            let reset_assistance =
                !start && child.breakout_room_status == STATUS_ASSISTANCE_REQUESTED;
            if child.lobby_state == lobby && !reset_assistance {
                continue;
            }
            if child.lobby_state != lobby {
                messages.push(member.author().simple(child.id, name, now));
            }
            let mut child = child.clone();
            child.lobby_state = lobby;
            child.lobby_timer = 0;
            if reset_assistance {
                child.breakout_room_status = STATUS_STOPPED;
            }
            child.modified_at = now;
            changed.push(child);
        }
        // One transaction for the parent and every room: a hundred rooms open or close
        // together. Stopping closes the lobbies first, so nobody walks back into a stopped
        // room while everyone returns to the parent.
        self.ctx.store.update_rooms(&changed, &messages).await?;
        if !start {
            presence::return_to_parent(&self.ctx, &parent, &children).await?;
        }
        for child in changed.iter().filter(|r| r.id != parent.id) {
            self.ctx.feed.changed(child.id);
        }
        self.views(actor, &parent).await
    }

    /// `POST /breakout-rooms/{token}/broadcast`: posts the message in every breakout room the
    /// moderator is in, as the moderator.
    pub async fn broadcast(&self, actor: &Actor, token: &str, text: &str) -> Result<Vec<RoomView>> {
        let member = self.manager(actor, token).await?;
        if member.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            return Err(Error::Invalid("mode"));
        }
        // As upstream's comment storage: surrounding whitespace goes, then the length counts.
        // Upstream refuses blank text only in the chat endpoint, never in a broadcast, which
        // therefore posts an empty comment in every breakout room; confab keeps that.
        let text = text.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B']);
        if text.chars().count() > crate::chat::MAX_MESSAGE_CHARS {
            return Err(Error::TooLarge("message"));
        }
        let now = self.ctx.now();
        for child in self.children(&member.room).await? {
            let Some(me) = self.ctx.member_of(actor, &child).await? else {
                continue;
            };
            let message = NewMessage {
                room_id: child.id,
                actor_type: me.attendee.actor_type.as_str().to_owned(),
                actor_id: me.attendee.actor_id.clone(),
                actor_display_name: me.attendee.display_name.clone(),
                message: text.to_owned(),
                message_type: MessageType::Comment,
                system_message: String::new(),
                parameters: serde_json::json!({}),
                reference_id: String::new(),
                parent_id: 0,
                created_at: now,
                expires_at: 0,
                silent: false,
            };
            self.chat
                .committer
                .post(ChatPost {
                    message,
                    sender: me.attendee.id,
                    mentions: Vec::new(),
                })
                .await?;
        }
        self.views(actor, &member.room).await
    }

    /// `POST /breakout-rooms/{token}/attendees` (`attendeeMap`): moves exactly the attendees
    /// the map names.
    pub async fn reassign(
        &self,
        actor: &Actor,
        token: &str,
        map_text: &str,
    ) -> Result<Vec<RoomView>> {
        let member = self.manager(actor, token).await?;
        if !self.ctx.config().breakout_rooms_enabled() {
            return Err(Error::Invalid("config"));
        }
        if member.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            return Err(Error::Invalid("mode"));
        }
        let children = self.children(&member.room).await?;
        let map = attendee_map::parse(map_text, children.len())?;
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        let mut moves = Vec::with_capacity(map.len());
        for (attendee_id, room) in map {
            let Some(attendee) = attendees.iter().find(|a| a.id == attendee_id) else {
                continue;
            };
            if attendee.participant_type.is_moderator() {
                return Err(Error::Invalid("moderator"));
            }
            moves.push((attendee.clone(), room));
        }
        propagate::move_into(&self.ctx, &children, &moves, &member.author()).await?;
        self.views(actor, &member.room).await
    }

    /// `POST|DELETE /breakout-rooms/{token}/request-assistance` on a started breakout room.
    pub async fn set_assistance(
        &self,
        actor: &Actor,
        token: &str,
        request: bool,
    ) -> Result<RoomView> {
        let mut member = self.participant(actor, token).await?;
        if !member.room.is_breakout_room() || member.room.lobby_state {
            return Err(Error::Invalid("room"));
        }
        member.room.breakout_room_status = if request {
            STATUS_ASSISTANCE_REQUESTED
        } else {
            STATUS_STOPPED
        };
        member.room.last_activity = self.ctx.now();
        member.room.modified_at = self.ctx.now();
        member.room = self.ctx.store.update_room(&member.room, &[]).await?;
        self.rooms.view_of(member).await
    }

    /// `POST /breakout-rooms/{token}/switch` (`target`): in free mode, a participant moves
    /// themselves to another breakout room of a started parent.
    pub async fn switch(&self, actor: &Actor, token: &str, target: &str) -> Result<RoomView> {
        let member = self.participant(actor, token).await?;
        if member.room.breakout_room_mode != MODE_FREE {
            return Err(Error::Invalid("mode"));
        }
        if member.room.breakout_room_status != STATUS_STARTED {
            return Err(Error::Invalid("status"));
        }
        if member.is_moderator() {
            return Err(Error::Invalid("moderator"));
        }
        let children = self.children(&member.room).await?;
        let index = children
            .iter()
            .position(|c| c.token == target)
            .ok_or(Error::Invalid("target"))?;
        let banned = self.ctx.banned_actors(&[children[index].id]).await?;
        let me = &member.attendee;
        if banned.contains(&(children[index].id, me.actor_type, me.actor_id.clone())) {
            return Err(Error::Forbidden("ban"));
        }
        propagate::move_into(
            &self.ctx,
            &children,
            &[(member.attendee.clone(), index)],
            &member.author(),
        )
        .await?;
        let target = self.ctx.room(target).await?;
        let me = self
            .ctx
            .member_of(actor, &target)
            .await?
            .ok_or(Error::RoomNotFound)?;
        self.rooms.view_of(me).await
    }
}
