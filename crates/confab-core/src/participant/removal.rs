//! Removing participants: a moderator removing an attendee, and a participant leaving (the last
//! user leaving deletes the conversation).

use super::model::{ActorType, ParticipantType};
use super::service::ParticipantService;
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::error::{Error, Result};
use crate::room::RoomType;

impl ParticipantService {
    /// `DELETE /room/{token}/attendees` (`attendeeId`).
    pub async fn remove_attendee(
        &self,
        actor: &Actor,
        token: &str,
        attendee_id: i64,
    ) -> Result<()> {
        let member = self.ctx.moderator(actor, token).await?;
        // Upstream's order: unknown attendee, then room type, then yourself, then the owner.
        let target = self
            .ctx
            .store
            .attendee_by_id(member.room.id, attendee_id)
            .await?
            .ok_or(Error::NotFound("participant"))?;
        if member.room.room_type.has_fixed_members() {
            return Err(Error::Invalid("room-type"));
        }
        if target.id == member.attendee.id {
            return self.leave_room(member).await;
        }
        if target.participant_type == ParticipantType::Owner {
            return Err(Error::Forbidden("owner"));
        }
        let mut messages = Vec::new();
        if target.actor_type == ActorType::Users {
            messages.push(member.author().about(
                member.room.id,
                "user_removed",
                &target,
                self.ctx.now(),
            ));
        }
        self.ctx
            .store
            .remove_attendees(member.room.id, &[target.id], &messages)
            .await?;
        self.ctx.feed.changed(member.room.id);
        propagate::removed(&self.ctx, &member.room, &target, &member.author()).await
    }

    /// `DELETE /room/{token}/participants/self`.
    pub async fn leave(&self, actor: &Actor, token: &str) -> Result<()> {
        let member = self.ctx.member(actor, token).await?;
        self.leave_room(member).await
    }

    /// Removes the member; the last moderator cannot leave while other users stay, and the last
    /// user leaving deletes the conversation. As upstream, only invited users count (owners,
    /// moderators, users): self-joined users and guests neither hold the room nor block leaving.
    async fn leave_room(&self, member: Member) -> Result<()> {
        let attendees = self.ctx.store.attendees(member.room.id).await?;
        let invited = |t: ParticipantType| {
            matches!(
                t,
                ParticipantType::Owner | ParticipantType::Moderator | ParticipantType::User
            )
        };
        let users = attendees
            .iter()
            .filter(|a| invited(a.participant_type))
            .count();
        let moderators = attendees
            .iter()
            .filter(|a| a.participant_type.is_user_moderator())
            .count();
        let is_one_to_one = member.room.room_type.is_one_to_one();
        if !is_one_to_one
            && member.attendee.participant_type.is_user_moderator()
            && users > 1
            && moderators == 1
        {
            return Err(Error::Invalid("last-moderator"));
        }
        if member.room.room_type != RoomType::Changelog
            && users == 1
            && invited(member.attendee.participant_type)
        {
            return propagate::delete_room(&self.ctx, &member.room).await;
        }
        let mut messages = Vec::new();
        if member.attendee.actor_type == ActorType::Users
            && member.attendee.participant_type != ParticipantType::UserSelfJoined
            && !member.room.room_type.has_fixed_members()
        {
            messages.push(member.author().about(
                member.room.id,
                "user_removed",
                &member.attendee,
                self.ctx.now(),
            ));
        }
        self.ctx
            .store
            .remove_attendees(member.room.id, &[member.attendee.id], &messages)
            .await?;
        self.ctx.feed.changed(member.room.id);
        propagate::removed(&self.ctx, &member.room, &member.attendee, &member.author()).await
    }
}
