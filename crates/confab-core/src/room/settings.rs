//! Changing a conversation's settings. Every change that Talk records leaves its system message,
//! stored in the same transaction as the change; setting a value to what it is changes nothing.

use serde_json::{json, Map};

use super::model::{Listable, Room, RoomType};
use super::service::{description_fits, message_expiration_fits, parse_name, RoomService};
use super::view::RoomView;
use crate::access::Member;
use crate::account::hash_password_blocking;
use crate::actor::Actor;
use crate::chat::{NewMessage, SystemMessage};
use crate::error::{Error, Result};
use crate::participant::{Attendee, ParticipantType, Permissions};

/// Longest room password accepted, in bytes.
const MAX_ROOM_PASSWORD_LEN: usize = 200;

/// Per-attendee flags a participant sets for themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeFlag {
    Favorite,
    Archived,
    Important,
    Sensitive,
}

pub(super) fn actor_of(member: &Member) -> SystemMessage {
    SystemMessage::by(
        member.attendee.actor_type,
        &member.attendee.actor_id,
        &member.attendee.display_name,
    )
}

/// Group and public conversations are the ones whose settings can change.
pub(super) fn require_group_like(room: &Room) -> Result<()> {
    if matches!(room.room_type, RoomType::Group | RoomType::Public) {
        Ok(())
    } else {
        Err(Error::Invalid("type"))
    }
}

pub(super) fn refuse_breakout_room(room: &Room) -> Result<()> {
    if room.is_breakout_room() {
        Err(Error::Invalid("breakout-room"))
    } else {
        Ok(())
    }
}

impl RoomService {
    /// Stores the member's changed room with `messages` and returns the fresh view.
    pub(super) async fn save(
        &self,
        actor: &Actor,
        mut member: Member,
        messages: Vec<NewMessage>,
    ) -> Result<RoomView> {
        member.room.modified_at = self.ctx.now();
        member.room = self.ctx.store.update_room(&member.room, &messages).await?;
        self.ctx.feed.changed(member.room.id);
        let member = self
            .ctx
            .member_of(actor, &member.room)
            .await?
            .unwrap_or(member);
        self.view_of(member).await
    }

    /// `PUT /room/{token}` (`roomName`).
    pub async fn rename(&self, actor: &Actor, token: &str, name: &str) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        if matches!(
            member.room.room_type,
            RoomType::OneToOne | RoomType::FormerOneToOne | RoomType::NoteToSelf
        ) {
            return Err(Error::Invalid("type"));
        }
        let name = parse_name(name).map_err(|_| Error::Invalid("value"))?;
        if name == member.room.name {
            return self.view_of(member).await;
        }
        let now = self.ctx.now();
        let old = std::mem::replace(&mut member.room.name, name.clone());
        let mut messages = Vec::new();
        if !old.is_empty() {
            let mut extra = Map::new();
            extra.insert("oldName".into(), json!(old));
            extra.insert("newName".into(), json!(name));
            messages.push(actor_of(&member).message(
                member.room.id,
                "conversation_renamed",
                extra,
                now,
            ));
        }
        self.save(actor, member, messages).await
    }

    /// `PUT /room/{token}/description`.
    pub async fn set_description(
        &self,
        actor: &Actor,
        token: &str,
        description: &str,
    ) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        if matches!(
            member.room.room_type,
            RoomType::OneToOne | RoomType::FormerOneToOne
        ) {
            return Err(Error::Invalid("type"));
        }
        let description = description.trim();
        if !description_fits(description) {
            return Err(Error::Invalid("value"));
        }
        if description == member.room.description {
            return self.view_of(member).await;
        }
        description.clone_into(&mut member.room.description);
        let name = if description.is_empty() {
            "description_removed"
        } else {
            "description_set"
        };
        let mut extra = Map::new();
        if !description.is_empty() {
            extra.insert("newDescription".into(), json!(description));
        }
        let message = actor_of(&member).message(member.room.id, name, extra, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// `POST|DELETE /room/{token}/public`: allow or disallow guests.
    pub async fn set_public(&self, actor: &Actor, token: &str, public: bool) -> Result<RoomView> {
        let mut member = self.ctx.user_moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        if member.room.breakout_room_mode != 0 {
            return Err(Error::Invalid("breakout-room"));
        }
        let target = if public {
            RoomType::Public
        } else {
            RoomType::Group
        };
        if member.room.room_type == target {
            return self.view_of(member).await;
        }
        member.room.room_type = target;
        if !public {
            member.room.password_hash.clear();
            self.remove_uninvited(&member.room).await?;
        }
        let name = if public {
            "guests_allowed"
        } else {
            "guests_disallowed"
        };
        let message = actor_of(&member).simple(member.room.id, name, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// `POST /room/{token}/public` with `password` (capability `conversation-creation-password`):
    /// a group room becomes public with that password in one step; a public room stays as it
    /// is (upstream `makePublicWithPassword`).
    pub async fn make_public_with_password(
        &self,
        actor: &Actor,
        token: &str,
        password: &str,
    ) -> Result<RoomView> {
        let mut member = self.ctx.user_moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        if member.room.breakout_room_mode != 0 {
            return Err(Error::Invalid("breakout-room"));
        }
        if member.room.room_type == RoomType::Public {
            return self.view_of(member).await;
        }
        if password.is_empty() || password.len() > MAX_ROOM_PASSWORD_LEN {
            return Err(Error::Invalid("password"));
        }
        member.room.room_type = RoomType::Public;
        member.room.password_hash = hash_password_blocking(password).await;
        let (by, now) = (actor_of(&member), self.ctx.now());
        let messages = vec![
            by.simple(member.room.id, "guests_allowed", now),
            by.simple(member.room.id, "password_set", now),
        ];
        self.save(actor, member, messages).await
    }

    /// A room that stops being public loses everyone who was not invited: guests, guest
    /// moderators and self-joined users (upstream `RoomService::setType`), without messages.
    async fn remove_uninvited(&self, room: &Room) -> Result<()> {
        let uninvited: Vec<i64> = self
            .ctx
            .store
            .attendees(room.id)
            .await?
            .into_iter()
            .filter(|a| {
                matches!(
                    a.participant_type,
                    ParticipantType::Guest
                        | ParticipantType::GuestModerator
                        | ParticipantType::UserSelfJoined
                )
            })
            .map(|a| a.id)
            .collect();
        if !uninvited.is_empty() {
            self.ctx
                .store
                .remove_attendees(room.id, &uninvited, &[])
                .await?;
        }
        Ok(())
    }

    /// `PUT /room/{token}/password`: only public conversations have passwords; empty removes it.
    pub async fn set_password(
        &self,
        actor: &Actor,
        token: &str,
        password: &str,
    ) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        // Breakout rooms never have passwords; upstream's tests expect 403 here (§4 item 1).
        if member.room.is_breakout_room() {
            return Err(Error::Forbidden("breakout-room"));
        }
        if member.room.room_type != RoomType::Public {
            return Err(Error::Invalid("type"));
        }
        if password.len() > MAX_ROOM_PASSWORD_LEN {
            return Err(Error::Invalid("value"));
        }
        if password.is_empty() && !member.room.has_password() {
            return self.view_of(member).await;
        }
        member.room.password_hash = if password.is_empty() {
            String::new()
        } else {
            hash_password_blocking(password).await
        };
        let name = if password.is_empty() {
            "password_removed"
        } else {
            "password_set"
        };
        let message = actor_of(&member).simple(member.room.id, name, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// `PUT /room/{token}/read-only` (`state` 0|1).
    pub async fn set_read_only(&self, actor: &Actor, token: &str, state: i64) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        if matches!(
            member.room.room_type,
            RoomType::OneToOne | RoomType::NoteToSelf
        ) {
            return Err(Error::Invalid("type"));
        }
        let read_only = match state {
            0 => false,
            1 => true,
            _ => return Err(Error::Invalid("value")),
        };
        if member.room.read_only == read_only {
            return self.view_of(member).await;
        }
        member.room.read_only = read_only;
        let name = if read_only {
            "read_only"
        } else {
            "read_only_off"
        };
        let message = actor_of(&member).simple(member.room.id, name, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// `PUT /room/{token}/listable` (`scope` 0|1|2).
    pub async fn set_listable(&self, actor: &Actor, token: &str, scope: i64) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        let listable = Listable::from_i64(scope).ok_or(Error::Invalid("value"))?;
        if member.room.listable == listable {
            return self.view_of(member).await;
        }
        member.room.listable = listable;
        let message =
            actor_of(&member).simple(member.room.id, listable.system_message(), self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// `PUT /room/{token}/webinar/lobby` (`state` 0|1, optional `timer` unix time).
    pub async fn set_lobby(
        &self,
        actor: &Actor,
        token: &str,
        state: i64,
        timer: Option<i64>,
    ) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        let lobby = match state {
            0 => false,
            1 => true,
            _ => return Err(Error::Invalid("value")),
        };
        let timer = timer.unwrap_or(0);
        if timer < 0 {
            return Err(Error::Invalid("value"));
        }
        let changed = member.room.lobby_state != lobby;
        member.room.lobby_state = lobby;
        member.room.lobby_timer = if lobby { timer } else { 0 };
        let mut messages = Vec::new();
        if changed {
            let name = if lobby {
                "lobby_non_moderators"
            } else {
                "lobby_none"
            };
            messages.push(actor_of(&member).simple(member.room.id, name, self.ctx.now()));
        }
        self.save(actor, member, messages).await
    }

    /// `PUT /room/{token}/permissions/{mode}`: the room's default permissions. Changing them
    /// resets every attendee's custom permissions, as upstream does.
    pub async fn set_default_permissions(
        &self,
        actor: &Actor,
        token: &str,
        mode: &str,
        permissions: i64,
    ) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        require_group_like(&member.room)?;
        if mode != "default" {
            return Err(Error::Invalid("mode"));
        }
        if !(0..=Permissions::MAX_WIRE).contains(&permissions) {
            return Err(Error::Invalid("value"));
        }
        member.room.default_permissions = if permissions == 0 {
            0
        } else {
            (permissions & Permissions::MAX_CUSTOM) | Permissions::CUSTOM
        };
        for mut attendee in self.ctx.store.attendees(member.room.id).await? {
            if attendee.permissions != Permissions::DEFAULT {
                attendee.permissions = Permissions::DEFAULT;
                self.ctx.store.update_attendee(&attendee, &[]).await?;
            }
        }
        self.save(actor, member, Vec::new()).await
    }

    /// `POST /room/{token}/message-expiration` (`seconds`, 0 disables).
    pub async fn set_message_expiration(
        &self,
        actor: &Actor,
        token: &str,
        seconds: i64,
    ) -> Result<RoomView> {
        let mut member = self.ctx.moderator(actor, token).await?;
        refuse_breakout_room(&member.room)?;
        if !message_expiration_fits(seconds) {
            return Err(Error::Invalid("value"));
        }
        if member.room.message_expiration == seconds {
            return self.view_of(member).await;
        }
        member.room.message_expiration = seconds;
        let (name, extra) = if seconds > 0 {
            let mut extra = Map::new();
            extra.insert("seconds".into(), json!(seconds));
            ("message_expiration_enabled", extra)
        } else {
            ("message_expiration_disabled", Map::new())
        };
        let message = actor_of(&member).message(member.room.id, name, extra, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }

    /// Stores the caller's own attendee after `change` and returns the fresh view.
    async fn change_own_attendee(
        &self,
        actor: &Actor,
        token: &str,
        change: impl FnOnce(&mut Attendee),
    ) -> Result<RoomView> {
        actor.require_user()?;
        let mut member = self.ctx.member(actor, token).await?;
        change(&mut member.attendee);
        self.ctx
            .store
            .update_attendee(&member.attendee, &[])
            .await?;
        self.view_of(member).await
    }

    /// `POST|DELETE /room/{token}/{favorite,archive,important,sensitive}`.
    pub async fn set_flag(
        &self,
        actor: &Actor,
        token: &str,
        flag: AttendeeFlag,
        on: bool,
    ) -> Result<RoomView> {
        self.change_own_attendee(actor, token, |a| match flag {
            AttendeeFlag::Favorite => a.favorite = on,
            AttendeeFlag::Archived => a.archived = on,
            AttendeeFlag::Important => a.important = on,
            AttendeeFlag::Sensitive => a.sensitive = on,
        })
        .await
    }

    /// `POST /room/{token}/notify` (`level` 0–3).
    pub async fn set_notification_level(
        &self,
        actor: &Actor,
        token: &str,
        level: i64,
    ) -> Result<RoomView> {
        if !(0..=3).contains(&level) {
            actor.require_user()?;
            self.ctx.member(actor, token).await?;
            return Err(Error::Invalid("level"));
        }
        self.change_own_attendee(actor, token, |a| a.notification_level = level)
            .await
    }

    /// `POST /room/{token}/notify-calls` (`level` 0|1).
    pub async fn set_notification_calls(
        &self,
        actor: &Actor,
        token: &str,
        level: i64,
    ) -> Result<RoomView> {
        if !(0..=1).contains(&level) {
            actor.require_user()?;
            self.ctx.member(actor, token).await?;
            return Err(Error::Invalid("level"));
        }
        self.change_own_attendee(actor, token, |a| a.notification_calls = level)
            .await
    }
}
