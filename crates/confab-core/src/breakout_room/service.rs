//! The breakout room service: its shared look-ups, configuring breakout rooms and removing
//! them. Running them (start, stop, broadcast, assistance, moving people) is in `run`, listing
//! them in `listing`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{assignment, attendee_map, presence};
use super::{MODE_AUTOMATIC, MODE_FREE, MODE_MANUAL, MODE_NOT_CONFIGURED, STATUS_STOPPED};
use crate::access::Member;
use crate::actor::Actor;
use crate::app_config::AppConfig;
use crate::chat::ChatService;
use crate::error::{Error, Result, StoreError};
use crate::participant::{Attendee, NewAttendee, ParticipantService};
use crate::room::{
    draw_again, user_added_by, NewRoom, Room, RoomService, RoomType, RoomView, MAX_NAME_CHARS,
    OBJECT_TYPE_BREAKOUT,
};
use crate::services::Context;
use crate::store::RoomPlan;
use crate::token::TokenDraw;

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
    pub(super) ctx: Arc<Context>,
    pub(super) rooms: RoomService,
    pub(super) chat: ChatService,
    pub(super) participants: ParticipantService,
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
    pub(super) async fn children(&self, parent: &Room) -> Result<Vec<Room>> {
        Ok(self
            .ctx
            .store
            .rooms_by_object(OBJECT_TYPE_BREAKOUT, &parent.token)
            .await?)
    }

    /// The caller's views of the breakout rooms they are in, then of the parent.
    pub(super) async fn views(&self, actor: &Actor, parent: &Room) -> Result<Vec<RoomView>> {
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
    pub(super) async fn manager(&self, actor: &Actor, token: &str) -> Result<Member> {
        self.ctx.user_moderator(actor, token).await
    }

    /// A participant of `token` on an endpoint upstream keeps for logged-in users. Guests who
    /// take part in breakout rooms (in a configured parent, or in a breakout room) may use it
    /// too, extension `breakout-rooms-guests`; other anonymous callers get upstream's 401.
    pub(super) async fn participant(&self, actor: &Actor, token: &str) -> Result<Member> {
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
        let map = check_configure(&self.ctx.config(), &member.room, &request)?;
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        let (moderators, others): (Vec<&Attendee>, Vec<&Attendee>) = attendees
            .iter()
            .partition(|a| a.participant_type.is_moderator());
        let amount = request.amount as usize;
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
        let plans = assigned
            .iter()
            .enumerate()
            .map(|(i, students)| {
                let name = request
                    .names
                    .get(i)
                    .map_or_else(|| format!("Room {}", i + 1), |n| n.trim().to_owned());
                let people = moderators.iter().chain(students).map(|a| copy_of(a));
                plan_room(&member, name, people.collect(), now)
            })
            .collect::<Vec<_>>();
        let mut parent = member.room.clone();
        parent.breakout_room_mode = request.mode;
        parent.breakout_room_status = STATUS_STOPPED;
        parent.modified_at = now;
        self.create_rooms(&parent, plans).await?;
        self.views(actor, &parent).await
    }

    /// Writes `parent` with breakout rooms `plans` under fresh tokens, drawn as the room
    /// service draws them: again when one is taken, growing when collisions pile up.
    async fn create_rooms(&self, parent: &Room, mut plans: Vec<RoomPlan>) -> Result<()> {
        let mut draw = TokenDraw::new(self.ctx.config().token_length());
        loop {
            let tokens = draw.tokens(plans.len());
            for (plan, token) in plans.iter_mut().zip(tokens) {
                plan.room.token = token;
            }
            match self.ctx.store.replace_breakout_rooms(parent, &plans).await {
                Err(conflict @ StoreError::Conflict { .. }) => {
                    let tokens: Vec<&str> = plans.iter().map(|p| p.room.token.as_str()).collect();
                    draw_again(&self.ctx, &mut draw, &tokens, conflict).await?;
                }
                other => return other.map(drop).map_err(Error::from),
            }
        }
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
}

/// Checks a configure request against the settings and the parent room, in upstream's
/// order; returns the manual attendee map (empty in the other modes).
fn check_configure(
    config: &AppConfig,
    parent: &Room,
    request: &Configure,
) -> Result<BTreeMap<i64, usize>> {
    if !config.breakout_rooms_enabled() {
        return Err(Error::Invalid("config"));
    }
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
    Ok(map)
}

/// One breakout room to create: stopped (its lobby keeps students out until start), with
/// `people` and the messages a room created by `manager` starts with.
fn plan_room(manager: &Member, name: String, people: Vec<NewAttendee>, now: i64) -> RoomPlan {
    let parent = &manager.room;
    let mut room = NewRoom::new(String::new(), parent.room_type, name, now);
    OBJECT_TYPE_BREAKOUT.clone_into(&mut room.object_type);
    parent.token.clone_into(&mut room.object_id);
    room.lobby_state = true;
    let by = manager.author();
    let mut messages = vec![by.simple(0, "conversation_created", now)];
    for person in &people {
        let is_manager = person.actor_type == manager.attendee.actor_type
            && person.actor_id == manager.attendee.actor_id;
        if !is_manager {
            messages.push(user_added_by(&by, person, 0, now));
        }
    }
    RoomPlan {
        room,
        attendees: people,
        messages,
    }
}
