//! Changing a conversation's room-wide settings (name, description, read-only, listable, lobby,
//! default permissions, message expiration), and `save`, which every change goes through.
//! Every change that Talk records leaves its system message, stored in the same transaction as
//! the change; setting a value to what it is changes nothing. Guest access lives in
//! `guest_access`, each attendee's own preferences in `preferences`.

use serde_json::{json, Map};

use super::model::{Listable, Room, RoomType};
use super::service::{description_fits, message_expiration_fits, parse_name, RoomService};
use super::view::RoomView;
use crate::access::Member;
use crate::actor::Actor;
use crate::chat::NewMessage;
use crate::error::{Error, Result};
use crate::participant::Permissions;

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
        self.saved(actor, member).await
    }

    /// The caller's view of a room just written: its feed told, the caller read again.
    async fn saved(&self, actor: &Actor, member: Member) -> Result<RoomView> {
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
            messages.push(member.author().message(
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
        if member.room.room_type.is_one_to_one() {
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
        let message = member
            .author()
            .message(member.room.id, name, extra, self.ctx.now());
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
        let message = member.author().simple(member.room.id, name, self.ctx.now());
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
            member
                .author()
                .simple(member.room.id, listable.system_message(), self.ctx.now());
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
            messages.push(member.author().simple(member.room.id, name, self.ctx.now()));
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
        member.room.modified_at = self.ctx.now();
        // Everyone's custom permissions give way to the new default, in the same write.
        member.room = self
            .ctx
            .store
            .update_room_default_permissions(&member.room)
            .await?;
        self.saved(actor, member).await
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
        let message = member
            .author()
            .message(member.room.id, name, extra, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }
}
