//! Changing history: editing and deleting messages, clearing the history; and the reading
//! helpers around a single message (context, mention autocomplete).

use std::sync::Arc;

use serde_json::Map;

use super::model::{Edit, Message, MessageType};
use super::receive::Received;
use super::service::{check_text, may_mention_all, ChatService};
use crate::access::Member;
use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::participant::ActorType;
use crate::room::RoomType;

/// Comments can be edited for this long (except in note-to-self).
const EDIT_WINDOW_SECONDS: i64 = 24 * 3600;

/// A mention suggestion for `GET /chat/{token}/mentions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionSuggestion {
    pub id: String,
    pub label: String,
    pub source: &'static str,
    pub mention_id: String,
}

fn is_author(member: &Member, message: &Message) -> bool {
    message.actor_type == member.attendee.actor_type.as_str()
        && message.actor_id == member.attendee.actor_id
}

impl ChatService {
    /// The message `id` of the member's room that the member may change (author or moderator):
    /// a comment, or for deleting also a shared object.
    async fn own_or_moderated(
        &self,
        member: &Member,
        id: i64,
        changeable: fn(MessageType) -> bool,
    ) -> Result<Message> {
        let message = self
            .ctx
            .store
            .message(member.room.id, id)
            .await?
            .filter(|m| !m.is_expired(self.ctx.now()))
            .ok_or(Error::NotFound("message"))?;
        // Moderators change other people's messages, except in one-to-one rooms.
        let moderates = member.is_user_moderator() && !member.room.room_type.is_one_to_one();
        if !is_author(member, &message) && !moderates {
            return Err(Error::Forbidden("permission"));
        }
        if !changeable(message.message_type) {
            return Err(Error::NotAllowed("message"));
        }
        Ok(message)
    }

    /// `PUT /chat/{token}/{messageId}`: returns the `message_edited` note and the edited message.
    pub async fn edit(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
        text: &str,
    ) -> Result<(Message, Message)> {
        let member = self.writer(actor, token).await?;
        let mut message = self
            .own_or_moderated(&member, id, |t| t == MessageType::Comment)
            .await?;
        check_text(text)?;
        let now = self.ctx.now();
        if member.room.room_type != RoomType::NoteToSelf
            && now - message.created_at > EDIT_WINDOW_SECONDS
        {
            return Err(Error::Invalid("age"));
        }
        let (text, parameters, _) = self.resolve_mentions(&member, text).await?;
        message.message = text;
        message.parameters = parameters;
        let (actor_type, actor_id, actor_display_name) = super::service::author(&member.attendee);
        message.last_edit = Some(Edit {
            actor_type,
            actor_id,
            actor_display_name,
            at: now,
        });
        let mut note = member
            .author()
            .simple(member.room.id, "message_edited", now);
        note.parent_id = message.id;
        let notes = self.ctx.store.rewrite_message(&message, &[note]).await?;
        self.ctx.feed.changed(member.room.id);
        let note = notes.into_iter().next().ok_or(Error::NotFound("message"))?;
        Ok((note, message))
    }

    /// `DELETE /chat/{token}/{messageId}`: replaces the message by a placeholder; returns the
    /// `message_deleted` note and the placeholder.
    pub async fn delete(&self, actor: &Actor, token: &str, id: i64) -> Result<(Message, Message)> {
        let member = self.writer(actor, token).await?;
        let mut message = self
            .own_or_moderated(&member, id, MessageType::is_visible_comment)
            .await?;
        let now = self.ctx.now();
        message.message_type = MessageType::CommentDeleted;
        "Message deleted by {actor}".clone_into(&mut message.message);
        let mut parameters = Map::new();
        parameters.insert(
            "actor".into(),
            super::actor_parameter(
                member.attendee.actor_type.as_str(),
                &member.attendee.actor_id,
                &member.attendee.display_name,
            ),
        );
        message.parameters = serde_json::Value::Object(parameters);
        let mut note = member
            .author()
            .simple(member.room.id, "message_deleted", now);
        note.parent_id = message.id;
        // A deleted message keeps neither pin nor reactions (upstream moves `lastPinnedId`
        // back and drops the reactions).
        let note = self.ctx.store.delete_message(&message, &note).await?;
        message.pin = None;
        message.reactions.clear();
        self.ctx.feed.changed(member.room.id);
        Ok((note, message))
    }

    /// `DELETE /chat/{token}`: logged-in moderators clear the whole history of a writable room;
    /// returns `history_cleared`. One-to-one histories stay unless the app config
    /// `delete_one_to_one_conversations` allows it, as upstream.
    pub async fn clear(&self, actor: &Actor, token: &str) -> Result<Message> {
        let member = self.ctx.moderator(actor, token).await?;
        if member.room.read_only {
            return Err(Error::ReadOnly);
        }
        if !member.is_user_moderator() {
            return Err(Error::NotModerator);
        }
        if member.room.room_type.is_one_to_one()
            && !self.ctx.config().delete_one_to_one_conversations()
        {
            return Err(Error::MissingPermission);
        }
        let note = member
            .author()
            .simple(member.room.id, "history_cleared", self.ctx.now());
        let note = self.ctx.store.clear_history(member.room.id, &note).await?;
        self.ctx.feed.changed(member.room.id);
        Ok(note)
    }

    /// `GET /chat/{token}/{messageId}/context`: the message `id` with up to `limit` messages
    /// before and after it, oldest first. Like upstream the id need not exist: the
    /// context is taken around it; `None` (304) when there is nothing.
    pub async fn context(
        &self,
        actor: &Actor,
        token: &str,
        id: i64,
        limit: i64,
    ) -> Result<Option<Received>> {
        let member = self.ctx.member_past_lobby(actor, token).await?;
        if id <= 0 {
            return Ok(None);
        }
        let limit = limit.clamp(1, 100);
        let store = &self.ctx.store;
        // The focused message and `limit` before it, then `limit` after: up to 2 × limit + 1.
        let mut raw = store
            .messages_before(member.room.id, id.saturating_add(1), limit + 1)
            .await?;
        raw.reverse();
        raw.extend(store.messages_after(member.room.id, id, limit).await?);
        let Some(last_given) = raw.last().map(|m| m.id) else {
            return Ok(None);
        };
        let now = self.ctx.now();
        let messages = raw
            .into_iter()
            .filter(|m| !m.is_expired(now))
            .map(Arc::new)
            .collect();
        self.received(member, messages, last_given).await.map(Some)
    }

    /// `GET /chat/{token}/mentions`: members matching `search`, and `all` for the room.
    pub async fn mention_suggestions(
        &self,
        actor: &Actor,
        token: &str,
        search: &str,
        limit: i64,
    ) -> Result<Vec<MentionSuggestion>> {
        // Suggesting is part of writing: read-only rooms, the lobby and a missing chat
        // permission stop it like sending does.
        let member = self.writer(actor, token).await?;
        let needle = search.to_lowercase();
        let matches = |s: &str| needle.is_empty() || s.to_lowercase().contains(&needle);
        let mut found = Vec::new();
        if may_mention_all(&member) && (matches("all") || matches(&member.room.name)) {
            found.push(MentionSuggestion {
                id: "all".into(),
                label: member.room.name.clone(),
                source: "calls",
                mention_id: "all".into(),
            });
        }
        for a in self.ctx.store.attendees(member.room.id).await? {
            if a.id == member.attendee.id || !(matches(&a.actor_id) || matches(&a.display_name)) {
                continue;
            }
            let (id, source) = match a.actor_type {
                ActorType::Users => (a.actor_id.clone(), "users"),
                ActorType::Guests | ActorType::Emails => (
                    format!("guest/{}", a.actor_id),
                    if a.actor_type == ActorType::Emails {
                        "emails"
                    } else {
                        "guests"
                    },
                ),
                _ => continue,
            };
            found.push(MentionSuggestion {
                mention_id: id.clone(),
                id,
                label: a.display_name.clone(),
                source,
            });
        }
        found.truncate(limit.clamp(1, 100) as usize);
        Ok(found)
    }
}
