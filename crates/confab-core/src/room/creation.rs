//! Creating conversations: one-to-one, note to self, group and public rooms, and breakout
//! rooms created one at a time; room tokens drawn again when taken.

use super::avatar::{emoji_image, note_to_self_image, RoomAvatar};
use super::invitation::legacy_invitation;
use super::model::{Listable, NewRoom, Room, RoomType, OBJECT_TYPE_BREAKOUT};
use super::service::{
    description_fits, message_expiration_fits, parse_name, user_added_by, RoomService,
};
use super::view::RoomView;
use crate::account::hash_password_blocking;
use crate::actor::{Actor, UserRef};
use crate::chat::{NewMessage, SystemMessage};
use crate::error::{Error, Result, StoreError};
use crate::participant::{ActorType, NewAttendee, ParticipantType, Permissions};
use crate::services::Context;
use crate::token::{Collision, TokenDraw};

/// The request to create a conversation (`POST /room`), already parsed from the wire.
#[derive(Debug, Clone, Default)]
pub struct CreateRoom {
    pub room_type: i64,
    pub room_name: String,
    /// Legacy invite: a user id (one-to-one) or a group id (`source=groups`).
    pub invite: String,
    pub source: String,
    pub object_type: String,
    pub object_id: String,
    pub password: String,
    pub read_only: i64,
    pub listable: i64,
    pub message_expiration: i64,
    pub lobby_state: i64,
    pub lobby_timer: i64,
    pub sip_enabled: i64,
    pub permissions: i64,
    pub recording_consent: i64,
    pub mention_permissions: i64,
    pub description: String,
    /// `emoji` for the conversation's avatar; empty for none.
    pub emoji: String,
    /// `avatarColor`: six hex digits for the emoji's background; only read with an emoji.
    pub avatar_color: String,
    /// `participants`: actor type → ids (`users`, `groups`, `emails`).
    pub participants: Vec<(String, Vec<String>)>,
}

/// The outcome of a create: the room and whether it is new (201) or existed (200).
#[derive(Debug, Clone)]
pub struct CreatedRoom {
    pub view: RoomView,
    pub created: bool,
    /// Invitations that could not be honoured (`invalidParticipants`, answered with 202).
    pub invalid_participants: Vec<(String, String)>,
}

/// `emoji` and `avatarColor` of a new conversation, validated as upstream does (one emoji; six
/// hex digits or empty for the theme's colour, looked at only with an emoji; 400 `avatar`).
fn creation_avatar(emoji: &str, color: &str) -> Result<Option<RoomAvatar>> {
    if emoji.is_empty() {
        return Ok(None);
    }
    let color = Some(color).filter(|c| !c.is_empty());
    let image = emoji_image(emoji, color).map_err(|_| Error::Invalid("avatar"))?;
    Ok(Some(RoomAvatar::new(image)))
}

/// After the store refused new rooms under `tokens` with `conflict`: `Ok` when one of the
/// tokens is taken, so the caller draws again (tokens grow when collisions pile up, and the new
/// length is kept in `token_entropy`, TALK-BEHAVIOR §3.3); any other conflict, or tokens that
/// cannot grow any more, is the error. Shared by every place that creates rooms.
pub(crate) async fn draw_again(
    ctx: &Context,
    draw: &mut TokenDraw,
    tokens: &[&str],
    conflict: StoreError,
) -> Result<()> {
    let mut taken = false;
    for token in tokens {
        if ctx.store.room_by_token(token).await?.is_some() {
            taken = true;
            break;
        }
    }
    if !taken {
        return Err(conflict.into());
    }
    match draw.collided() {
        Collision::Retry => Ok(()),
        Collision::Grew(length) => remember_token_length(ctx, length).await,
        Collision::Exhausted => Err(conflict.into()),
    }
}

/// Keeps a grown token length for every later conversation (never shrinks it).
async fn remember_token_length(ctx: &Context, length: usize) -> Result<()> {
    if ctx.config().token_length() < length {
        ctx.store
            .set_app_config("token_entropy", &length.to_string())
            .await?;
        ctx.reload_config().await?;
    }
    Ok(())
}

impl RoomService {
    /// `POST /room`.
    pub async fn create(&self, actor: &Actor, request: CreateRoom) -> Result<CreatedRoom> {
        let user = actor.require_user()?.clone();
        let room_type = RoomType::from_i64(request.room_type).ok_or(Error::Invalid("type"))?;
        match room_type {
            RoomType::OneToOne => self.create_one_to_one(actor, &user, &request.invite).await,
            RoomType::NoteToSelf => self.note_to_self(actor, &user).await,
            RoomType::Group | RoomType::Public if request.object_type == OBJECT_TYPE_BREAKOUT => {
                self.create_breakout_room(actor, &user, request).await
            }
            RoomType::Group | RoomType::Public => {
                self.create_group(actor, &user, room_type, request).await
            }
            RoomType::Changelog | RoomType::FormerOneToOne => Err(Error::Invalid("type")),
        }
    }

    async fn created(&self, actor: &Actor, room: &Room, created: bool) -> Result<CreatedRoom> {
        let member = self
            .ctx
            .member_of(actor, room)
            .await?
            .ok_or(Error::RoomNotFound)?;
        Ok(CreatedRoom {
            view: self.view_of(member).await?,
            created,
            invalid_participants: Vec::new(),
        })
    }

    async fn create_one_to_one(
        &self,
        actor: &Actor,
        user: &UserRef,
        invite: &str,
    ) -> Result<CreatedRoom> {
        if invite == user.id {
            return Err(Error::Forbidden("invite"));
        }
        let other = self
            .ctx
            .store
            .user(invite)
            .await?
            .ok_or(Error::NotFound("invite"))?;
        if let Some(room) = self.ctx.store.one_to_one_room(&user.id, &other.id).await? {
            return self.created(actor, &room, false).await;
        }
        let now = self.ctx.now();
        // The name keeps the partner's id so a room whose partner left still shows who it was.
        let new = NewRoom::new(String::new(), RoomType::OneToOne, other.id.clone(), now);
        let attendees = [
            NewAttendee::user(&user.id, &user.display_name, ParticipantType::Owner),
            NewAttendee::user(&other.id, &other.display_name, ParticipantType::Owner),
        ];
        let by = SystemMessage::by(ActorType::Users, &user.id, &user.display_name);
        let room = self
            .insert_room(
                new,
                &attendees,
                vec![by.simple(0, "conversation_created", now)],
            )
            .await?;
        self.created(actor, &room, true).await
    }

    async fn note_to_self(&self, actor: &Actor, user: &UserRef) -> Result<CreatedRoom> {
        let existing = self
            .ctx
            .store
            .rooms_by_object("note_to_self", &user.id)
            .await?;
        if let Some(room) = existing.into_iter().next() {
            return self.created(actor, &room, false).await;
        }
        let now = self.ctx.now();
        let mut new = NewRoom::new(
            String::new(),
            RoomType::NoteToSelf,
            "Note to self".into(),
            now,
        );
        "note_to_self".clone_into(&mut new.object_type);
        user.id.clone_into(&mut new.object_id);
        // Upstream gives every note-to-self a picture, without a system message for it.
        new.avatar = Some(RoomAvatar::new(note_to_self_image()));
        let attendees = [NewAttendee::user(
            &user.id,
            &user.display_name,
            ParticipantType::Owner,
        )];
        let room = self
            .insert_room(
                new,
                &attendees,
                vec![SystemMessage::system().simple(0, "conversation_created", now)],
            )
            .await?;
        self.created(actor, &room, true).await
    }

    /// One more breakout room for a configured parent (`objectType=room`, `objectId=<parent>`):
    /// the caller owns it, the parent's other moderators join it, and its lobby follows the
    /// parent's state (TALK-BEHAVIOR §1.11).
    async fn create_breakout_room(
        &self,
        actor: &Actor,
        user: &UserRef,
        request: CreateRoom,
    ) -> Result<CreatedRoom> {
        let parent = self
            .ctx
            .store
            .room_by_token(&request.object_id)
            .await?
            .ok_or(Error::Invalid("room"))?;
        let me = self
            .ctx
            .member_of(actor, &parent)
            .await?
            .ok_or(Error::Invalid("permissions"))?;
        if !me.is_user_moderator() {
            return Err(Error::Invalid("permissions"));
        }
        if parent.breakout_room_mode == 0 {
            return Err(Error::Invalid("mode"));
        }
        let name = parse_name(&request.room_name)?;
        let now = self.ctx.now();
        let mut new = NewRoom::new(String::new(), parent.room_type, name, now);
        OBJECT_TYPE_BREAKOUT.clone_into(&mut new.object_type);
        parent.token.clone_into(&mut new.object_id);
        new.lobby_state = parent.breakout_room_status == 0;
        let by = SystemMessage::by(ActorType::Users, &user.id, &user.display_name);
        let mut attendees = vec![NewAttendee::user(
            &user.id,
            &user.display_name,
            ParticipantType::Owner,
        )];
        let mut messages = vec![by.simple(0, "conversation_created", now)];
        for other in self.ctx.store.attendees(parent.id).await? {
            if other.participant_type.is_moderator() && other.id != me.attendee.id {
                let copy = NewAttendee {
                    actor_type: other.actor_type,
                    actor_id: other.actor_id.clone(),
                    display_name: other.display_name.clone(),
                    participant_type: ParticipantType::Moderator,
                    invited_cloud_id: other.invited_cloud_id.clone(),
                };
                messages.push(user_added_by(&by, &copy, 0, now));
                attendees.push(copy);
            }
        }
        let room = self.insert_room(new, &attendees, messages).await?;
        self.created(actor, &room, true).await
    }

    /// Stores a new room under a freshly drawn token. A collision draws again; when they pile
    /// up, tokens grow and the new length is kept in `token_entropy` (TALK-BEHAVIOR §3.3).
    async fn insert_room(
        &self,
        mut new: NewRoom,
        attendees: &[NewAttendee],
        messages: Vec<NewMessage>,
    ) -> Result<Room> {
        let mut draw = TokenDraw::new(self.ctx.config().token_length());
        loop {
            new.token = draw.token();
            match self.ctx.store.create_room(&new, attendees, &messages).await {
                Err(conflict @ StoreError::Conflict { .. }) => {
                    draw_again(&self.ctx, &mut draw, &[&new.token], conflict).await?;
                }
                other => return other.map_err(Error::from),
            }
        }
    }

    async fn create_group(
        &self,
        actor: &Actor,
        user: &UserRef,
        room_type: RoomType,
        request: CreateRoom,
    ) -> Result<CreatedRoom> {
        let mut new = self.validate_settings(room_type, &request)?;
        let now = self.ctx.now();
        let by = SystemMessage::by(ActorType::Users, &user.id, &user.display_name);
        let owner = NewAttendee::user(&user.id, &user.display_name, ParticipantType::Owner);
        let mut invitees = request.participants.clone();
        invitees.extend(legacy_invitation(&request));
        let invited = self.resolve_invitations(&owner, &by, invitees, now).await?;
        // Upstream creates nothing when every invitation names nobody.
        if !invited.invalid.is_empty() && !invited.any_valid {
            return Err(Error::NotFound("invite"));
        }
        new.name = self.conversation_name(&request).await?;
        if invited.has_emails {
            new.room_type = RoomType::Public;
        }
        if !request.password.is_empty() {
            new.password_hash = hash_password_blocking(&request.password).await;
        }
        let mut attendees = vec![owner];
        attendees.extend(invited.attendees);
        let mut messages = vec![by.simple(0, "conversation_created", now)];
        if new.avatar.is_some() {
            messages.push(by.simple(0, "avatar_set", now));
        }
        messages.extend(invited.messages);
        let room = self.insert_room(new, &attendees, messages).await?;
        let mut created = self.created(actor, &room, true).await?;
        created.invalid_participants = invited.invalid;
        Ok(created)
    }

    /// Checks every `conversation-creation-all` setting before anything is written.
    fn validate_settings(&self, room_type: RoomType, r: &CreateRoom) -> Result<NewRoom> {
        if !r.object_type.is_empty() || !r.object_id.is_empty() {
            if r.object_type.is_empty() {
                return Err(Error::Invalid("object-type"));
            }
            if !matches!(
                r.object_type.as_str(),
                "event" | "extended_conversation" | "instant_meeting"
            ) {
                return Err(Error::Invalid("object-type"));
            }
            if r.object_id.is_empty() || r.object_id.len() > 64 {
                return Err(Error::Invalid("object-id"));
            }
        }
        if !r.password.is_empty() && room_type != RoomType::Public {
            return Err(Error::Invalid("password"));
        }
        if !description_fits(&r.description) {
            return Err(Error::Invalid("description"));
        }
        let flag = |v: i64, key: &'static str| {
            if (0..=1).contains(&v) {
                Ok(v == 1)
            } else {
                Err(Error::Invalid(key))
            }
        };
        let read_only = flag(r.read_only, "read-only")?;
        let lobby_state = flag(r.lobby_state, "lobby")?;
        flag(r.mention_permissions, "mention-permissions")?;
        let listable = Listable::from_i64(r.listable).ok_or(Error::Invalid("listable"))?;
        if !message_expiration_fits(r.message_expiration) {
            return Err(Error::Invalid("message-expiration"));
        }
        if r.lobby_timer < 0 {
            return Err(Error::Invalid("lobby-timer"));
        }
        if r.sip_enabled != 0 {
            return Err(Error::Invalid("sip-enabled"));
        }
        if !super::policy::recording_consent_fits(r.recording_consent) {
            return Err(Error::Invalid("recording-consent"));
        }
        if !(0..=Permissions::MAX_WIRE).contains(&r.permissions) {
            return Err(Error::Invalid("permissions"));
        }
        let avatar = creation_avatar(&r.emoji, &r.avatar_color)?;
        let mut new = NewRoom::new(String::new(), room_type, String::new(), self.ctx.now());
        new.avatar = avatar;
        new.description.clone_from(&r.description);
        new.read_only = read_only;
        new.listable = listable;
        new.lobby_state = lobby_state;
        new.lobby_timer = if lobby_state { r.lobby_timer } else { 0 };
        new.default_permissions = if r.permissions == 0 {
            0
        } else {
            r.permissions | Permissions::CUSTOM
        };
        new.message_expiration = r.message_expiration;
        new.mention_permissions = r.mention_permissions;
        new.recording_consent = r.recording_consent;
        new.object_type.clone_from(&r.object_type);
        new.object_id.clone_from(&r.object_id);
        Ok(new)
    }
}
