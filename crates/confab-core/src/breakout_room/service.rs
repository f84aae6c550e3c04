//! Configuring, starting, stopping and removing breakout rooms, and moving people between them.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{assignment, attendee_map, presence, propagate};
use super::{
    MODE_AUTOMATIC, MODE_FREE, MODE_MANUAL, MODE_NOT_CONFIGURED, STATUS_ASSISTANCE_REQUESTED,
    STATUS_STARTED, STATUS_STOPPED,
};
use crate::access::Member;
use crate::actor::Actor;
use crate::chat::{ChatPost, ChatService, MessageType, NewMessage, SystemMessage};
use crate::error::{Error, Result};
use crate::participant::{
    Attendee, NewAttendee, ParticipantEntry, ParticipantService, ParticipantType,
};
use crate::room::{
    user_added_by, NewRoom, Room, RoomService, RoomType, RoomView, MAX_NAME_CHARS,
    OBJECT_TYPE_BREAKOUT,
};
use crate::services::Context;
use crate::store::RoomPlan;
use crate::token::room_token;

/// `POST /breakout-rooms/{token}`, parsed.
#[derive(Debug, Clone, Default)]
pub struct Configure {
    pub mode: i64,
    pub amount: i64,
    pub attendee_map: String,
    /// confab extension: names for the rooms (missing ones are "Room N").
    pub names: Vec<String>,
}

#[derive(Clone)]
pub struct BreakoutService {
    ctx: Arc<Context>,
    rooms: RoomService,
    chat: ChatService,
    participants: ParticipantService,
}

fn by(member: &Member) -> SystemMessage {
    SystemMessage::by(
        member.attendee.actor_type,
        &member.attendee.actor_id,
        &member.attendee.display_name,
    )
}

/// The attendee as a member of a breakout room (same actor, role kept).
fn copy_of(attendee: &Attendee) -> NewAttendee {
    NewAttendee {
        actor_type: attendee.actor_type,
        actor_id: attendee.actor_id.clone(),
        display_name: attendee.display_name.clone(),
        participant_type: attendee.participant_type,
        invited_cloud_id: attendee.invited_cloud_id.clone(),
    }
}

/// A configured parent or a breakout room: where guests may use the breakout endpoints.
fn takes_part_in_breakout_rooms(room: &Room) -> bool {
    room.breakout_room_mode != MODE_NOT_CONFIGURED || room.is_breakout_room()
}

impl BreakoutService {
    pub(crate) fn new(
        ctx: Arc<Context>,
        rooms: RoomService,
        chat: ChatService,
        participants: ParticipantService,
    ) -> Self {
        Self {
            ctx,
            rooms,
            chat,
            participants,
        }
    }

    /// The breakout rooms of `parent`, by ascending id (their "room numbers").
    async fn children(&self, parent: &Room) -> Result<Vec<Room>> {
        Ok(self
            .ctx
            .store
            .rooms_by_object(OBJECT_TYPE_BREAKOUT, &parent.token)
            .await?)
    }

    /// The caller's views of the breakout rooms they are in, then of the parent.
    async fn views(&self, actor: &Actor, parent: &Room) -> Result<Vec<RoomView>> {
        let mut views = Vec::new();
        let parent = self.ctx.room(&parent.token).await?;
        for room in self
            .children(&parent)
            .await?
            .into_iter()
            .chain(std::iter::once(parent))
        {
            if let Some(member) = self.ctx.member_of(actor, &room).await? {
                views.push(self.rooms.view_of(member).await?);
            }
        }
        Ok(views)
    }

    /// A logged-in moderator of a parent conversation.
    async fn manager(&self, actor: &Actor, token: &str) -> Result<Member> {
        self.ctx.user_moderator(actor, token).await
    }

    /// A participant of `token` on an endpoint upstream keeps for logged-in users. Guests who
    /// take part in breakout rooms (in a configured parent, or in a breakout room) may use it
    /// too, extension `breakout-rooms-guests`; other anonymous callers get upstream's 401.
    async fn participant(&self, actor: &Actor, token: &str) -> Result<Member> {
        if actor.user.is_some() {
            return self.ctx.member(actor, token).await;
        }
        match self.ctx.member(actor, token).await {
            Ok(member) if takes_part_in_breakout_rooms(&member.room) => Ok(member),
            Ok(_) | Err(Error::RoomNotFound) => Err(Error::Unauthenticated),
            Err(err) => Err(err),
        }
    }

    /// `POST /breakout-rooms/{token}`: creates the rooms and distributes the attendees. Every
    /// check runs before anything is written.
    pub async fn configure(
        &self,
        actor: &Actor,
        token: &str,
        request: Configure,
    ) -> Result<Vec<RoomView>> {
        let member = self.manager(actor, token).await?;
        let config = self.ctx.config();
        if !config.breakout_rooms_enabled() {
            return Err(Error::Invalid("config"));
        }
        let parent = &member.room;
        if parent.breakout_room_mode != MODE_NOT_CONFIGURED
            || !matches!(parent.room_type, RoomType::Group | RoomType::Public)
            || parent.is_breakout_room()
        {
            return Err(Error::Invalid("room"));
        }
        // Upstream accepts mode 0 here: it creates the rooms and leaves the parent unconfigured,
        // orphans that only the next configure removes (TALK-BEHAVIOR §1.3). No client asks
        // for that on purpose, and it would break "validate everything, leave nothing
        // half-configured", so 0 is refused like any other unknown mode.
        if !matches!(request.mode, MODE_AUTOMATIC | MODE_MANUAL | MODE_FREE) {
            return Err(Error::Invalid("mode"));
        }
        if request.amount < 1 || request.amount > config.breakout_rooms_max() {
            return Err(Error::Invalid("amount"));
        }
        let amount = request.amount as usize;
        let map = if request.mode == MODE_MANUAL {
            attendee_map::parse(&request.attendee_map, amount)?
        } else {
            BTreeMap::new()
        };
        if request.names.len() > amount
            || request
                .names
                .iter()
                .any(|n| n.trim().is_empty() || n.trim().chars().count() > MAX_NAME_CHARS)
        {
            return Err(Error::Invalid("names"));
        }
        let attendees = self.ctx.store.attendees(parent.id).await?;
        let (moderators, others): (Vec<&Attendee>, Vec<&Attendee>) = attendees
            .iter()
            .partition(|a| a.participant_type.is_moderator());
        let assigned: Vec<Vec<&Attendee>> = match request.mode {
            MODE_AUTOMATIC => assignment::automatic(others, amount),
            MODE_MANUAL => {
                let mut rooms: Vec<Vec<&Attendee>> = vec![Vec::new(); amount];
                for a in others {
                    if let Some(room) = map.get(&a.id) {
                        rooms[*room].push(a);
                    }
                }
                rooms
            }
            _ => vec![Vec::new(); amount],
        };
        let now = self.ctx.now();
        let by = by(&member);
        let plans = assigned
            .into_iter()
            .enumerate()
            .map(|(i, students)| {
                let name = request
                    .names
                    .get(i)
                    .map_or_else(|| format!("Room {}", i + 1), |n| n.trim().to_owned());
                let mut room = NewRoom::new(
                    room_token(config.token_length()),
                    parent.room_type,
                    name,
                    now,
                );
                OBJECT_TYPE_BREAKOUT.clone_into(&mut room.object_type);
                parent.token.clone_into(&mut room.object_id);
                // Rooms are created stopped: the lobby keeps students out until start.
                room.lobby_state = true;
                let mut messages = vec![by.simple(0, "conversation_created", now)];
                let people: Vec<NewAttendee> = moderators
                    .iter()
                    .chain(students.iter())
                    .map(|a| copy_of(a))
                    .collect();
                for person in &people {
                    if !(person.actor_type == member.attendee.actor_type
                        && person.actor_id == member.attendee.actor_id)
                    {
                        messages.push(user_added_by(&by, person, 0, now));
                    }
                }
                RoomPlan {
                    room,
                    attendees: people,
                    messages,
                }
            })
            .collect::<Vec<_>>();
        let mut parent = parent.clone();
        parent.breakout_room_mode = request.mode;
        parent.breakout_room_status = STATUS_STOPPED;
        parent.modified_at = now;
        self.ctx
            .store
            .replace_breakout_rooms(&parent, &plans)
            .await?;
        self.views(actor, &parent).await
    }

    /// `DELETE /breakout-rooms/{token}`: deletes every breakout room; returns the parent.
    pub async fn remove(&self, actor: &Actor, token: &str) -> Result<RoomView> {
        let member = self.manager(actor, token).await?;
        let mut parent = member.room.clone();
        let children = self.children(&parent).await?;
        presence::return_to_parent(&self.ctx, &parent, &children).await?;
        parent.breakout_room_mode = MODE_NOT_CONFIGURED;
        parent.breakout_room_status = STATUS_STOPPED;
        parent.modified_at = self.ctx.now();
        self.ctx.store.replace_breakout_rooms(&parent, &[]).await?;
        for child in children {
            self.ctx.feed.changed(child.id);
        }
        let member = self.ctx.member(actor, token).await?;
        self.rooms.view_of(member).await
    }

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
        let status = if start {
            STATUS_STARTED
        } else {
            STATUS_STOPPED
        };
        if parent.breakout_room_status != status {
            parent.breakout_room_status = status;
            parent.modified_at = now;
            self.ctx.store.update_room(&parent, &[]).await?;
        }
        if !start {
            let children = self.children(&parent).await?;
            presence::return_to_parent(&self.ctx, &parent, &children).await?;
        }
        let name = if start {
            "breakout_rooms_started"
        } else {
            "breakout_rooms_stopped"
        };
        let (mut changed, mut messages) = (Vec::new(), Vec::new());
        for mut child in self.children(&parent).await? {
            let lobby = !start;
            let reset_assistance =
                !start && child.breakout_room_status == STATUS_ASSISTANCE_REQUESTED;
            if child.lobby_state == lobby && !reset_assistance {
                continue;
            }
            if child.lobby_state != lobby {
                messages.push(by(&member).simple(child.id, name, now));
            }
            child.lobby_state = lobby;
            child.lobby_timer = 0;
            if reset_assistance {
                child.breakout_room_status = STATUS_STOPPED;
            }
            child.modified_at = now;
            changed.push(child);
        }
        // One transaction for every room: a hundred rooms open or close together.
        self.ctx.store.update_rooms(&changed, &messages).await?;
        for child in &changed {
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
        propagate::move_into(&self.ctx, &children, &moves, &by(&member)).await?;
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
        propagate::move_into(
            &self.ctx,
            &children,
            &[(member.attendee.clone(), index)],
            &by(&member),
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

    /// `GET /room/{token}/breakout-rooms`: moderators (and everyone in free mode) see every
    /// breakout room; others see those they are in, once started.
    pub async fn list(&self, actor: &Actor, token: &str) -> Result<Vec<RoomView>> {
        let member = self.participant(actor, token).await?;
        let mut views = Vec::new();
        for child in self.visible_children(actor, &member).await? {
            match self.ctx.member_of(actor, &child).await? {
                Some(me) => views.push(self.rooms.view_of(me).await?),
                None => views.push(RoomView::for_listing(child, &self.ctx.config())),
            }
        }
        Ok(views)
    }

    /// `GET /room/{token}/breakout-rooms/participants`: the parent's participants and those of
    /// the breakout rooms the caller may see, each entry naming its room.
    pub async fn participants(&self, actor: &Actor, token: &str) -> Result<Vec<ParticipantEntry>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        // Upstream refuses guests; in a configured parent they are listed and list like users
        // (extension `breakout-rooms-guests`).
        if member.attendee.participant_type == ParticipantType::Guest
            && member.room.breakout_room_mode == MODE_NOT_CONFIGURED
        {
            return Err(Error::Forbidden("participant"));
        }
        let visible = self.visible_children(actor, &member).await?;
        let mut entries = self.participants.entries(&member.room).await?;
        for child in visible {
            entries.extend(self.participants.entries(&child).await?);
        }
        Ok(entries)
    }

    /// The breakout rooms the member may see: all for moderators and in free mode, else their
    /// own, and only once started for non-moderators.
    async fn visible_children(&self, actor: &Actor, member: &Member) -> Result<Vec<Room>> {
        if member.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            return Err(Error::Invalid("mode"));
        }
        if !member.is_moderator() && member.room.breakout_room_status != STATUS_STARTED {
            return Err(Error::Invalid("status"));
        }
        let see_all = member.is_moderator() || member.room.breakout_room_mode == MODE_FREE;
        let mut visible = Vec::new();
        for child in self.children(&member.room).await? {
            if see_all || self.ctx.member_of(actor, &child).await?.is_some() {
                visible.push(child);
            }
        }
        Ok(visible)
    }
}
