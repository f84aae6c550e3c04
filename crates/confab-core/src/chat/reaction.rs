//! Reactions: one emoji per actor and message, counted on the message.

use super::edit::reaction_parameters;
use super::model::{Message, MessageType, Reaction};
use super::service::ChatService;
use super::system::SystemMessage;
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};

/// Whether `s` is exactly one emoji (skin tones and other variants included).
pub fn is_single_emoji(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && emojis::get(s).is_some()
}

impl ChatService {
    async fn reactable(&self, member: &Member, message_id: i64) -> Result<Message> {
        let message = self
            .ctx
            .store
            .message(member.room.id, message_id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        let expired = message.expires_at > 0 && message.expires_at <= self.ctx.now();
        if message.message_type != MessageType::Comment || expired {
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

    /// `POST /reaction/{token}/{messageId}`: true when the reaction is new (201), false when it
    /// existed (200). Returns the message's reactions afterwards.
    pub async fn react(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        reaction: &str,
    ) -> Result<(bool, Vec<Reaction>)> {
        let member = self.writer(actor, token).await?;
        if !is_single_emoji(reaction) {
            return Err(Error::Invalid("reaction"));
        }
        let message = self.reactable(&member, message_id).await?;
        let now = self.ctx.now();
        let by = SystemMessage::by(
            member.attendee.actor_type,
            &member.attendee.actor_id,
            &member.attendee.display_name,
        );
        let mut note = by.message(
            member.room.id,
            "reaction",
            reaction_parameters(reaction),
            now,
        );
        note.parent_id = message.id;
        let added = self
            .ctx
            .store
            .add_reaction(
                &Self::reaction_of(&member, message.id, reaction, now),
                &note,
            )
            .await?;
        if added {
            self.ctx.feed.changed(member.room.id);
        }
        Ok((added, self.ctx.store.reactions(message.id).await?))
    }

    /// `DELETE /reaction/{token}/{messageId}`: 404 when the caller had not reacted so.
    pub async fn unreact(
        &self,
        actor: &Actor,
        token: &str,
        message_id: i64,
        reaction: &str,
    ) -> Result<Vec<Reaction>> {
        let member = self.writer(actor, token).await?;
        if !is_single_emoji(reaction) {
            return Err(Error::Invalid("reaction"));
        }
        let message = self.reactable(&member, message_id).await?;
        let now = self.ctx.now();
        let by = SystemMessage::by(
            member.attendee.actor_type,
            &member.attendee.actor_id,
            &member.attendee.display_name,
        );
        let mut note = by.message(
            member.room.id,
            "reaction_revoked",
            reaction_parameters(reaction),
            now,
        );
        note.parent_id = message.id;
        if !self
            .ctx
            .store
            .remove_reaction(
                &Self::reaction_of(&member, message.id, reaction, now),
                &note,
            )
            .await?
        {
            return Err(Error::NotFound("reaction"));
        }
        self.ctx.feed.changed(member.room.id);
        Ok(self.ctx.store.reactions(message.id).await?)
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
