//! Roles and rights: promoting and demoting moderators, attendee permissions, guest names.

use super::model::ParticipantType;
use super::permissions::{
    apply_permission_change, effective_permissions, PermissionMethod, Permissions,
};
use super::service::{ParticipantEntry, ParticipantService, MAX_GUEST_NAME_CHARS};
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::error::{Error, Result};
use crate::room::RoomType;

impl ParticipantService {
    /// `POST|DELETE /room/{token}/moderators` (`attendeeId`).
    pub async fn set_moderator(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: i64,
        promote: bool,
    ) -> Result<()> {
        let member = self.ctx.moderator(actor, token).await?;
        let mut target = self
            .ctx
            .store
            .attendee_by_id(member.room.id, attendee_id)
            .await?
            .ok_or(Error::NotFound("participant"))?;
        if target.id == member.attendee.id {
            return Err(Error::Forbidden("participant"));
        }
        let (next, name) = match (target.participant_type, promote) {
            (ParticipantType::User | ParticipantType::UserSelfJoined, true) => {
                (ParticipantType::Moderator, "moderator_promoted")
            }
            (ParticipantType::Guest, true) => {
                (ParticipantType::GuestModerator, "guest_moderator_promoted")
            }
            (ParticipantType::Moderator, false) => (ParticipantType::User, "moderator_demoted"),
            (ParticipantType::GuestModerator, false) => {
                (ParticipantType::Guest, "guest_moderator_demoted")
            }
            _ => return Err(Error::Invalid("participant")),
        };
        target.participant_type = next;
        if promote {
            target.permissions = Permissions::DEFAULT;
        }
        let message = member
            .author()
            .about(member.room.id, name, &target, self.ctx.now());
        self.ctx.store.update_attendee(&target, &[message]).await?;
        self.ctx.feed.changed(member.room.id);
        propagate::role_changed(&self.ctx, &member.room, &target, &member.author()).await
    }

    /// `PUT /room/{token}/attendees/permissions` (`attendeeId`, `method`, `permissions`); returns
    /// the target's updated participant list entry.
    pub async fn set_permissions(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: i64,
        method: &str,
        permissions: i64,
    ) -> Result<ParticipantEntry> {
        let member = self.ctx.moderator(actor, token).await?;
        if !matches!(member.room.room_type, RoomType::Group | RoomType::Public) {
            return Err(Error::Invalid("type"));
        }
        let method = PermissionMethod::parse(method).ok_or(Error::Invalid("method"))?;
        if !(0..=Permissions::MAX_WIRE).contains(&permissions) {
            return Err(Error::Invalid("permissions"));
        }
        let mut target = self
            .ctx
            .store
            .attendee_by_id(member.room.id, attendee_id)
            .await?
            .ok_or(Error::NotFound("participant"))?;
        if target.participant_type.is_moderator() {
            return Err(Error::Forbidden("moderator"));
        }
        let current = effective_permissions(
            &target,
            &member.room,
            self.ctx.config().default_permissions(),
        );
        target.permissions = apply_permission_change(method, current, permissions);
        self.ctx.store.update_attendee(&target, &[]).await?;
        let sessions = self.ctx.store.sessions_of_room(member.room.id).await?;
        Ok(self.entry(&member.room, target, &sessions))
    }

    /// `POST /guest/{token}/name` (`displayName`): guests name themselves.
    pub async fn set_guest_name(
        &self,
        actor: &Actor,
        token: &str,
        display_name: &str,
    ) -> Result<()> {
        let mut member = self.ctx.member(actor, token).await?;
        if !member.is_guest() {
            return Err(Error::Forbidden("guest"));
        }
        let name = display_name.trim();
        if name.chars().count() > MAX_GUEST_NAME_CHARS {
            return Err(Error::Invalid("displayName"));
        }
        name.clone_into(&mut member.attendee.display_name);
        self.ctx
            .store
            .update_attendee(&member.attendee, &[])
            .await?;
        propagate::renamed(&self.ctx, &member.room, &member.attendee).await
    }
}
