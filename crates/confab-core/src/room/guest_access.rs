//! Guest access to a conversation: making it public or not (people who were not invited leave
//! with it) and its password. Same rules as the other settings: one system message per change,
//! stored with it.

use super::model::{Room, RoomType};
use super::service::RoomService;
use super::settings::{refuse_breakout_room, require_group_like};
use super::view::RoomView;
use crate::account::hash_password_blocking;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::ParticipantType;

/// Longest room password accepted, in bytes.
const MAX_ROOM_PASSWORD_LEN: usize = 200;

impl RoomService {
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
        let message = member.author().simple(member.room.id, name, self.ctx.now());
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
        let (by, now) = (member.author(), self.ctx.now());
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
        let message = member.author().simple(member.room.id, name, self.ctx.now());
        self.save(actor, member, vec![message]).await
    }
}
