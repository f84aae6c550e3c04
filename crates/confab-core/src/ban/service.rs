//! Banning, listing bans and lifting them: `POST|GET /ban/{token}`, `DELETE /ban/{token}/{banId}`.
//!
//! As upstream, any moderator of the conversation may manage its bans, guest moderators
//! included (the endpoints need a moderator participant, not a logged-in one).

use std::sync::Arc;

use super::model::{validate, Ban, BannedActorType};
use crate::access::Member;
use crate::actor::Actor;
use crate::breakout_room::propagate;
use crate::error::{Error, Result, StoreError};
use crate::participant::{ActorType, Attendee};
use crate::services::Context;

/// What a moderator asks to ban, as the wire names it.
#[derive(Debug, Clone, Copy)]
pub struct BanRequest<'a> {
    pub actor_type: &'a str,
    pub actor_id: &'a str,
    pub internal_note: &'a str,
}

#[derive(Clone)]
pub struct BanService {
    ctx: Arc<Context>,
}

impl BanService {
    pub(crate) fn new(ctx: Arc<Context>) -> Self {
        Self { ctx }
    }

    /// `POST /ban/{token}` (`actorType`, `actorId`, `internalNote`): stores the ban and removes
    /// the banned attendee, if present, as a moderator's removal does (their sessions end, a
    /// user leaves `user_removed`, and they leave the breakout rooms too). Upstream's order:
    /// 404 and 403 for the caller, then [`validate`], then 400 `moderator` for a moderator of
    /// the room; an actor banned already is 400 `bannedActor`.
    pub async fn ban(&self, actor: &Actor, token: &str, request: BanRequest<'_>) -> Result<Ban> {
        let member = self.ctx.moderator(actor, token).await?;
        let me = &member.attendee;
        let banned_type = validate(
            member.room.room_type,
            (me.actor_type, &me.actor_id),
            request.actor_type,
            request.actor_id,
            request.internal_note,
        )?;
        let present = match banned_type.actor_type() {
            Some(actor_type) => {
                self.ctx
                    .store
                    .attendee_by_actor(member.room.id, actor_type, request.actor_id)
                    .await?
            }
            None => None,
        };
        if present
            .as_ref()
            .is_some_and(|a| a.participant_type.is_moderator())
        {
            return Err(Error::Invalid("moderator"));
        }
        // Upstream leaves a second ban of the same actor to its unique index, which fails
        // with a server error; confab names what is wrong with the request instead.
        let existing = self
            .ctx
            .store
            .ban_of_actor(member.room.id, banned_type, request.actor_id)
            .await?;
        if existing.is_some() {
            return Err(Error::Invalid("bannedActor"));
        }
        let ban = Ban {
            id: 0,
            room_id: member.room.id,
            moderator_actor_type: me.actor_type,
            moderator_actor_id: me.actor_id.clone(),
            moderator_display_name: me.display_name.clone(),
            banned_actor_type: banned_type,
            banned_actor_id: request.actor_id.to_owned(),
            banned_display_name: self
                .banned_name(banned_type, request.actor_id, present.as_ref())
                .await?,
            banned_time: self.ctx.now(),
            internal_note: request.internal_note.to_owned(),
        };
        self.store_ban(&member, &ban, present).await
    }

    /// The banned actor's name: theirs in the room, else a user's account name, else the id.
    async fn banned_name(
        &self,
        banned_type: BannedActorType,
        actor_id: &str,
        present: Option<&Attendee>,
    ) -> Result<String> {
        let name = match (present, banned_type) {
            (Some(attendee), _) => attendee.display_name.clone(),
            (None, BannedActorType::Users) => self
                .ctx
                .store
                .user(actor_id)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            (None, _) => String::new(),
        };
        Ok(if name.is_empty() {
            actor_id.to_owned()
        } else {
            name
        })
    }

    /// Stores the ban and removes `present` from the room in one step.
    async fn store_ban(
        &self,
        member: &Member,
        ban: &Ban,
        present: Option<Attendee>,
    ) -> Result<Ban> {
        let by = member.author();
        let messages: Vec<_> = present
            .iter()
            .filter(|a| a.actor_type == ActorType::Users)
            .map(|a| by.about(member.room.id, "user_removed", a, ban.banned_time))
            .collect();
        let stored = self
            .ctx
            .store
            .ban_actor(ban, present.as_ref().map(|a| a.id), &messages)
            .await;
        let stored = match stored {
            // Banned by someone else meanwhile: the transaction removed no one.
            Err(StoreError::Conflict { .. }) => return Err(Error::Invalid("bannedActor")),
            other => other?,
        };
        if let Some(attendee) = present {
            self.ctx.feed.changed(member.room.id);
            propagate::removed(&self.ctx, &member.room, &attendee, &by).await?;
        }
        Ok(stored)
    }

    /// `GET /ban/{token}`: the conversation's bans, oldest first.
    pub async fn list(&self, actor: &Actor, token: &str) -> Result<Vec<Ban>> {
        let member = self.ctx.moderator(actor, token).await?;
        Ok(self.ctx.store.bans(&[member.room.id]).await?)
    }

    /// `DELETE /ban/{token}/{banId}`: lifts the ban. As upstream, a ban the conversation does
    /// not have (`None`: not even a number) changes nothing and is no error.
    pub async fn unban(&self, actor: &Actor, token: &str, ban_id: Option<i64>) -> Result<()> {
        let member = self.ctx.moderator(actor, token).await?;
        if let Some(ban_id) = ban_id {
            self.ctx.store.remove_ban(member.room.id, ban_id).await?;
        }
        Ok(())
    }
}
