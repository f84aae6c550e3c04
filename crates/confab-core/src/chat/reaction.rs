//! Reactions: one emoji per actor and message, counted on the message.

use serde_json::{json, Map};

use super::model::{Message, Reaction};
use super::service::ChatService;
use super::system::SystemMessage;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};

/// Whether `s` is exactly one emoji (skin tones and other variants included).
pub fn is_single_emoji(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && emojis::get(s).is_some()
}

/// The parameters of a reaction note: the emoji.
fn reaction_parameters(reaction: &str) -> Map<String, serde_json::Value> {
    let mut extra = Map::new();
    extra.insert("reaction".into(), json!(reaction));
    extra
}

impl ChatService {
    async fn reactable(&self, member: &Member, message_id: i64) -> Result<Message> {
        let message = self
            .ctx
            .store
            .message(member.room.id, message_id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        if !message.message_type.is_visible_comment() || message.is_expired(self.ctx.now()) {
            return Err(Error::NotFound("message"));
        }
        Ok(message)
    }

    fn reaction_of(member: &Member, message_id: i64, reaction: &str, now: i64) -> Reaction {
        Reaction {
            message_id,
            actor_type: member.attendee.actor_type.as_str().to_owned(),
            actor_id: member.attendee.actor_id.clone(),
            actor_display_name: member.attendee.display_name.clone(),
            reaction: reaction.to_owned(),
            created_at: now,
        }
    }

    /// Checks a reaction change and prepares it: the room, the reaction and who changes it.
    async fn reaction_change(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        reaction: &str,
    ) -> Result<(i64, Reaction, SystemMessage)> {
        let member = self.writer(actor, token).await?;
        if !is_single_emoji(reaction) {
            return Err(Error::Invalid("reaction"));
        }
        let message = self.reactable(&member, message_id).await?;
        let by = member.author();
        let reaction = Self::reaction_of(&member, message.id, reaction, self.ctx.now());
        Ok((member.room.id, reaction, by))
    }

    /// `POST /reaction/{token}/{messageId}`: true when the reaction is new (201), false when it
    /// existed (200). A new reaction leaves a `reaction` note whose parent is the message.
    /// Returns the message's reactions afterwards.
    pub async fn react(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        reaction: &str,
    ) -> Result<(bool, Vec<Reaction>)> {
        let (room_id, reaction, by) = self
            .reaction_change(actor, token, message_id, reaction)
            .await?;
        let mut note = by.message(
            room_id,
            "reaction",
            reaction_parameters(&reaction.reaction),
            reaction.created_at,
        );
        note.parent_id = message_id;
        let added = self.ctx.store.add_reaction(&reaction, &note).await?;
        if added {
            self.ctx.feed.changed(room_id);
        }
        Ok((added, self.ctx.store.reactions(reaction.message_id).await?))
    }

    /// `DELETE /reaction/{token}/{messageId}`: 404 when the caller had not reacted so. As
    /// upstream, the reaction's own note becomes `reaction_deleted` (the emoji is gone from it)
    /// and a `reaction_revoked` note with the message as parent tells clients to refresh.
    pub async fn unreact(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        reaction: &str,
    ) -> Result<Vec<Reaction>> {
        let (room_id, reaction, by) = self
            .reaction_change(actor, token, message_id, reaction)
            .await?;
        let now = reaction.created_at;
        let retracted = by.simple(room_id, "reaction_deleted", now);
        let mut note = by.simple(room_id, "reaction_revoked", now);
        note.parent_id = message_id;
        if !self
            .ctx
            .store
            .remove_reaction(&reaction, &retracted, &note)
            .await?
        {
            return Err(Error::NotFound("reaction"));
        }
        self.ctx.feed.changed(room_id);
        Ok(self.ctx.store.reactions(reaction.message_id).await?)
    }

    /// `GET /reaction/{token}/{messageId}`: every reaction, or those of one emoji.
    pub async fn reactions(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        filter: Option<&str>,
    ) -> Result<Vec<Reaction>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        let message = self.reactable(&member, message_id).await?;
        let mut all = self.ctx.store.reactions(message.id).await?;
        if let Some(filter) = filter.filter(|f| !f.is_empty()) {
            all.retain(|r| r.reaction == filter);
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_emojis_pass_and_text_does_not() {
        assert!(is_single_emoji("👍"));
        assert!(is_single_emoji("👍🏽"));
        assert!(is_single_emoji("❤️"));
        assert!(!is_single_emoji("👍👍"));
        assert!(!is_single_emoji("a"));
        assert!(!is_single_emoji(""));
    }
}
