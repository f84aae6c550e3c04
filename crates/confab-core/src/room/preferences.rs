//! Each attendee's own preferences in a conversation: the favorite, archived, important and
//! sensitive flags, and notification levels. They concern nobody else and leave no system
//! message.

use super::service::RoomService;
use super::view::RoomView;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::Attendee;

/// Per-attendee flags a participant sets for themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeFlag {
    Favorite,
    Archived,
    Important,
    Sensitive,
}
impl RoomService {
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
