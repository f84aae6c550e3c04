//! Listing breakout rooms and their participants, limited to what the caller may see.

use super::service::BreakoutService;
use super::{MODE_FREE, MODE_NOT_CONFIGURED, STATUS_STARTED};
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::{ParticipantEntry, ParticipantType};
use crate::room::{Room, RoomView};

impl BreakoutService {
    /// `GET /room/{token}/breakout-rooms`: moderators (and everyone in free mode) see every
    /// breakout room; others see those they are in, once started.
    pub async fn list(&self, actor: &Actor, token: &str) -> Result<Vec<RoomView>> {
        let member = self.participant(actor, token).await?;
        let mut views = Vec::new();
        for (child, me) in self.visible_children(actor, &member).await? {
            let me = match me {
                Some(me) => Some(me),
                None => self.ctx.member_of(actor, &child).await?,
            };
            match me {
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
        for (child, _) in visible {
            entries.extend(self.participants.entries(&child).await?);
        }
        Ok(entries)
    }

    /// The breakout rooms the member may see: all for moderators and in free mode, else their
    /// own, and only once started for non-moderators. Each room comes with the caller's
    /// membership when it was looked up to decide (not for those who see every room).
    async fn visible_children(
        &self,
        actor: &Actor,
        member: &Member,
    ) -> Result<Vec<(Room, Option<Member>)>> {
        if member.room.breakout_room_mode == MODE_NOT_CONFIGURED {
            return Err(Error::Invalid("mode"));
        }
        if !member.is_moderator() && member.room.breakout_room_status != STATUS_STARTED {
            return Err(Error::Invalid("status"));
        }
        let see_all = member.is_moderator() || member.room.breakout_room_mode == MODE_FREE;
        let mut visible = Vec::new();
        for child in self.children(&member.room).await? {
            if see_all {
                visible.push((child, None));
            } else if let Some(me) = self.ctx.member_of(actor, &child).await? {
                visible.push((child, Some(me)));
            }
        }
        Ok(visible)
    }
}
