//! Pinned messages: moderators pin a message for everyone (for good or until a time), unpin
//! it, and anyone may hide the pin for themselves.
//!
//! A conversation shows the most recently pinned message still pinned (`lastPinnedId`); a new
//! pin shows again to everyone who hid the previous one. A pin that runs out goes without a
//! system message, like upstream's background job.

use super::model::{Message, Pin};
use super::service::ChatService;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};

impl ChatService {
    /// A moderator of a writable room, as pinning and unpinning need.
    async fn pin_moderator(&self, actor: &Actor, token: &str) -> Result<Member> {
        let member = self.ctx.moderator(actor, token).await?;
        if member.room.read_only {
            return Err(Error::ReadOnly);
        }
        Ok(member)
    }

    /// A message of the member's room that can be pinned: a comment or a shared object that
    /// has not expired (404 for anything unknown, 405 for system messages).
    async fn pinnable(&self, member: &Member, id: i64) -> Result<Message> {
        let message = self
            .ctx
            .store
            .message(member.room.id, id)
            .await?
            .filter(|m| !m.is_expired(self.ctx.now()))
            .ok_or(Error::NotFound("message"))?;
        if !message.message_type.is_visible_comment() {
            return Err(Error::NotAllowed("message"));
        }
        Ok(message)
    }

    /// `POST /chat/{token}/{messageId}/pin`: the `message_pinned` note and the pinned message,
    /// or `None` when the message was pinned already.
    pub async fn pin(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
        pin_until: i64,
    ) -> Result<Option<(Message, Message)>> {
        let member = self.pin_moderator(actor, token).await?;
        let now = self.ctx.now();
        if pin_until < 0 || (pin_until != 0 && pin_until <= now) {
            return Err(Error::Invalid("until"));
        }
        let mut message = self.pinnable(&member, id).await?;
        let by = member.author();
        let pin = Pin {
            actor_type: by.actor_type.clone(),
            actor_id: by.actor_id.clone(),
            actor_display_name: by.actor_display_name.clone(),
            pinned_at: now,
            pinned_until: pin_until,
        };
        let mut note = by.simple(member.room.id, "message_pinned", now);
        note.parent_id = message.id;
        let Some(note) = self.ctx.store.pin_message(message.id, &pin, &note).await? else {
            return Ok(None);
        };
        self.ctx.feed.changed(member.room.id);
        message.pin = Some(pin);
        Ok(Some((note, message)))
    }

    /// `DELETE /chat/{token}/{messageId}/pin`: the `message_unpinned` note and the message, or
    /// `None` when the message was not pinned.
    pub async fn unpin(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
    ) -> Result<Option<(Message, Message)>> {
        let member = self.pin_moderator(actor, token).await?;
        let mut message = self.pinnable(&member, id).await?;
        let mut note = member
            .author()
            .simple(member.room.id, "message_unpinned", self.ctx.now());
        note.parent_id = message.id;
        let Some(note) = self.ctx.store.unpin_message(message.id, &note).await? else {
            return Ok(None);
        };
        self.ctx.feed.changed(member.room.id);
        message.pin = None;
        Ok(Some((note, message)))
    }

    /// `DELETE /chat/{token}/{messageId}/pin/self`: hides the pin for the caller only. Any
    /// participant may (upstream requires nothing more), so neither lobby nor read-only apply.
    pub async fn hide_pin(&self, actor: &Actor, token: &str, id: i64) -> Result<()> {
        let member = self.ctx.member(actor, token).await?;
        let message = self
            .ctx
            .store
            .message(member.room.id, id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        self.ctx
            .store
            .hide_pinned_message(member.attendee.id, message.id)
            .await?;
        Ok(())
    }

    /// Unpins every message whose pin ran out; returns when the next pin runs out.
    pub async fn unpin_expired(&self) -> Result<Option<i64>> {
        let store = &self.ctx.store;
        for room_id in store.unpin_expired(self.ctx.now()).await? {
            self.ctx.feed.changed(room_id);
        }
        Ok(store.next_pin_expiry().await?)
    }
}
